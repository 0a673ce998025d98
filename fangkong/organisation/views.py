"""Pages of a community's organisation: the leadership group, office and working groups on one
page (with printable 组织架构 and 通讯录), the temporary party branch, the volunteers and their
assignments.

Thin views: access (`require`, the community in the user's jurisdiction), a form, one action.
Phones are shown to the members of the community's organisation; others see them masked.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from fangkong.core import confirmation
from fangkong.core.access import can, require
from fangkong.core.errors import DomainError
from fangkong.core.masking import mask_phone
from fangkong.core.models import Community, User
from fangkong.people.models import Resident

from . import actions, plan
from .capabilities import OrganisationCapability
from .forms import (
    AssignmentForm,
    BranchForm,
    GroupForm,
    MemberForm,
    OrganisationForm,
    PartyMemberForm,
    PostForm,
    VolunteerForm,
)
from .models import (
    GroupMember,
    Organisation,
    PartyBranch,
    PartyMember,
    Post,
    Volunteer,
    WorkingGroup,
)


def is_member(user: Any, org: Organisation | None) -> bool:
    """Whether `user` fills a post or is in a working group of `org` (sees its phones)."""
    if org is None or not isinstance(user, User):
        return False
    if user.is_superuser:
        return True
    return (
        Post.objects.filter(organisation=org, user=user).exists()
        or GroupMember.objects.filter(group__organisation=org, user=user).exists()
    )


def phone_for(phone: str, reveal: bool) -> str:
    return phone if reveal else mask_phone(phone)


def _community(request: HttpRequest, pk: int) -> tuple[User, Community]:
    user = require(request.user, OrganisationCapability.VIEW_ORGANISATION)
    community = Community.objects.in_jurisdiction(user).filter(pk=pk).first()
    if community is None:
        raise Http404
    return user, community


def _staff(community: Community) -> Any:
    return (
        User.objects.filter(is_active=True)
        .filter(Q(community=community) | Q(community__isnull=True, township=community.township_id))
        .order_by("display_name", "username")
    )


def _may_manage(user: User) -> bool:
    return can(user, OrganisationCapability.MANAGE_ORGANISATION)


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """One community: its page; several (the township): the list of them."""
    user = require(request.user, OrganisationCapability.VIEW_ORGANISATION)
    communities = list(Community.objects.in_jurisdiction(user).order_by("code"))
    if len(communities) == 1:
        return redirect("organisation:community", pk=communities[0].pk)
    have = set(Organisation.objects.visible_to(user).values_list("community_id", flat=True))
    rows = [{"community": c, "set_up": c.pk in have} for c in communities]
    return render(request, "organisation/index.html", {"rows": rows})


def _people(org: Organisation, reveal: bool) -> dict[str, Any]:
    posts = list(org.posts.select_related("user"))
    groups = list(org.groups.prefetch_related("members__user"))
    return {
        "posts": [{"post": p, "phone": phone_for(p.person_phone, reveal)} for p in posts],
        "groups": [
            {
                "group": g,
                "members": [
                    {"member": m, "phone": phone_for(m.person_phone, reveal)}
                    for m in g.members.all()
                ],
            }
            for g in groups
        ],
    }


@login_required
def community_page(request: HttpRequest, pk: int) -> HttpResponse:
    user, community = _community(request, pk)
    org = Organisation.objects.filter(community=community).first()
    if org is None:
        if not _may_manage(user):
            return render(request, "organisation/missing.html", {"community": community})
        org = actions.create_default_structure(user, community)
        messages.info(
            request, _("The plan's organisation was set up for this community; fill in the people.")
        )
    reveal = is_member(user, org)
    context: dict[str, Any] = {
        "community": community,
        "org": org,
        "reveal": reveal,
        "office_phone": phone_for(org.office_phone, reveal),
        "may_manage": _may_manage(user),
        **_people(org, reveal),
    }
    if context["may_manage"]:
        staff = _staff(community)
        context["org_form"] = OrganisationForm(
            initial={
                "name": org.name,
                "office_location": org.office_location,
                "office_phone": org.office_phone,
            }
        )
        context["post_form"] = PostForm(staff=staff)
        context["member_form"] = MemberForm(staff=staff)
    return render(request, "organisation/community.html", context)


@login_required
@require_GET
def print_chart(request: HttpRequest, pk: int) -> HttpResponse:
    """The 组织架构, to print."""
    _user, community = _community(request, pk)
    org = Organisation.objects.filter(community=community).first()
    if org is None:
        raise Http404
    return render(
        request,
        "organisation/print.html",
        {"community": community, "org": org, "printed_at": timezone.now(), **_people(org, False)},
    )


@login_required
@require_GET
def phonebook(request: HttpRequest, pk: int) -> HttpResponse:
    """The 通讯录: everyone of the organisation with a phone (masked for non-members)."""
    user, community = _community(request, pk)
    org = Organisation.objects.filter(community=community).first()
    if org is None:
        raise Http404
    reveal = is_member(user, org)
    people = _people(org, reveal)
    rows: list[dict[str, str]] = []
    for row in people["posts"]:
        p = row["post"]
        if p.person_name:
            rows.append(
                {"name": p.person_name, "where": f"{org.name} · {p.title}", "phone": row["phone"]}
            )
    for g in people["groups"]:
        for row in g["members"]:
            m = row["member"]
            head = _("head") if m.is_head else (m.duty or _("member"))
            rows.append(
                {
                    "name": m.person_name,
                    "where": f"{g['group'].name} · {head}",
                    "phone": row["phone"],
                }
            )
    branch = PartyBranch.objects.filter(community=community).select_related("user").first()
    if branch is not None and branch.person_name:
        rows.append(
            {
                "name": branch.person_name,
                "where": f"{branch.branch_name} · {_('secretary')}",
                "phone": phone_for(branch.person_phone, reveal),
            }
        )
    return render(
        request,
        "organisation/phonebook.html",
        {
            "community": community,
            "org": org,
            "rows": rows,
            "reveal": reveal,
            "office_phone": phone_for(org.office_phone, reveal),
            "printed_at": timezone.now(),
        },
    )


# --- writes of the structure -----------------------------------------------------------------


def _write(
    request: HttpRequest,
    community: Community,
    form: Any,
    do: Callable[[User, dict[str, Any]], Any],
    done: str,
    back: str,
) -> HttpResponse:
    user = require(request.user, OrganisationCapability.MANAGE_ORGANISATION)
    if not form.is_valid():
        for errors in form.errors.values():
            for e in errors:
                messages.error(request, e)
        return redirect(back)
    try:
        do(user, form.cleaned_data)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(back)
    messages.success(request, done)
    return redirect(back)


def _org(request: HttpRequest, pk: int) -> tuple[Community, Organisation]:
    _user, community = _community(request, pk)
    org = Organisation.objects.filter(community=community).first()
    if org is None:
        raise Http404
    return community, org


@login_required
@require_POST
def edit_organisation(request: HttpRequest, pk: int) -> HttpResponse:
    community, org = _org(request, pk)
    return _write(
        request,
        community,
        OrganisationForm(request.POST),
        lambda u, d: actions.update_organisation(
            u,
            org,
            name=d["name"],
            office_location=d["office_location"],
            office_phone=d["office_phone"],
        ),
        _("The leadership group was saved."),
        reverse("organisation:community", args=[pk]),
    )


@login_required
@require_POST
def add_post(request: HttpRequest, pk: int) -> HttpResponse:
    community, org = _org(request, pk)
    return _write(
        request,
        community,
        PostForm(request.POST, staff=_staff(community)),
        lambda u, d: actions.save_post(
            u,
            org,
            kind=d["kind"],
            title=d["title"],
            user=d["user"],
            name=d["name"],
            phone=d["phone"],
        ),
        _("The post was saved."),
        reverse("organisation:community", args=[pk]) + "#posts",
    )


def _post(request: HttpRequest, pk: int) -> tuple[Community, Post]:
    post = (
        Post.objects.filter(pk=pk, organisation__in=Organisation.objects.visible_to(request.user))
        .select_related("organisation__community")
        .first()
    )
    if post is None:
        raise Http404
    return post.organisation.community, post


@login_required
@require_POST
def fill_post(request: HttpRequest, pk: int) -> HttpResponse:
    community, post = _post(request, pk)
    return _write(
        request,
        community,
        PostForm(request.POST, staff=_staff(community)),
        lambda u, d: actions.save_post(
            u,
            post.organisation,
            post=post,
            kind=d["kind"],
            title=d["title"],
            user=d["user"],
            name=d["name"],
            phone=d["phone"],
        ),
        _("The post was saved."),
        reverse("organisation:community", args=[community.pk]) + "#posts",
    )


@login_required
@require_POST
def remove_post(request: HttpRequest, pk: int) -> HttpResponse:
    community, post = _post(request, pk)
    user = require(request.user, OrganisationCapability.MANAGE_ORGANISATION)
    back = reverse("organisation:community", args=[community.pk]) + "#posts"
    if not confirmation.confirmed(request):
        return confirmation.ask(
            request,
            title=_("Remove the post"),
            says=_("Remove the post %(post)s from the leadership group?") % {"post": post},
            button=_("Remove"),
            back=back,
        )
    try:
        actions.remove_post(user, post)
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(back)


def _group(request: HttpRequest, pk: int) -> tuple[Community, WorkingGroup]:
    group = (
        WorkingGroup.objects.filter(
            pk=pk, organisation__in=Organisation.objects.visible_to(request.user)
        )
        .select_related("organisation__community")
        .first()
    )
    if group is None:
        raise Http404
    return group.organisation.community, group


@login_required
def edit_group(request: HttpRequest, pk: int) -> HttpResponse:
    community, group = _group(request, pk)
    if request.method != "POST":
        require(request.user, OrganisationCapability.MANAGE_ORGANISATION)
        form = GroupForm(initial={"name": group.name, "duties": group.duties})
        return render(
            request,
            "organisation/group_edit.html",
            {"community": community, "group": group, "form": form},
        )
    return _write(
        request,
        community,
        GroupForm(request.POST),
        lambda u, d: actions.update_group(u, group, name=d["name"], duties=d["duties"]),
        _("The working group was saved."),
        reverse("organisation:community", args=[community.pk]) + f"#group-{group.pk}",
    )


@login_required
@require_POST
def add_member(request: HttpRequest, pk: int) -> HttpResponse:
    community, group = _group(request, pk)
    return _write(
        request,
        community,
        MemberForm(request.POST, staff=_staff(community)),
        lambda u, d: actions.add_group_member(
            u,
            group,
            user=d["user"],
            name=d["name"],
            phone=d["phone"],
            is_head=d["is_head"],
            duty=d["duty"],
        ),
        _("The member was added."),
        reverse("organisation:community", args=[community.pk]) + f"#group-{group.pk}",
    )


@login_required
@require_POST
def remove_member(request: HttpRequest, pk: int) -> HttpResponse:
    member = (
        GroupMember.objects.filter(
            pk=pk, group__organisation__in=Organisation.objects.visible_to(request.user)
        )
        .select_related("group__organisation__community")
        .first()
    )
    if member is None:
        raise Http404
    user = require(request.user, OrganisationCapability.MANAGE_ORGANISATION)
    community = member.group.organisation.community
    back = reverse("organisation:community", args=[community.pk]) + f"#group-{member.group_id}"
    if not confirmation.confirmed(request):
        return confirmation.ask(
            request,
            title=_("Remove the member"),
            says=_("Remove %(name)s from %(group)s?")
            % {"name": member.person_name, "group": member.group.name},
            button=_("Remove"),
            back=back,
        )
    actions.remove_group_member(user, member)
    return redirect(back)


# --- the party branch ------------------------------------------------------------------------


@login_required
@require_GET
def party(request: HttpRequest, pk: int) -> HttpResponse:
    user, community = _community(request, pk)
    org = Organisation.objects.filter(community=community).first()
    reveal = is_member(user, org)
    branch = PartyBranch.objects.filter(community=community).select_related("user").first()
    members = list(branch.members.all()) if branch else []
    in_branch = {m.resident_id for m in members if m.resident_id}
    candidates = []
    if _may_manage(user) and branch is not None:
        candidates = list(
            Resident.objects.visible_to(user)
            .filter(household__grid__community=community, party_member=True)
            .exclude(pk__in=in_branch)
            .order_by("name")[:50]
        )
    return render(
        request,
        "organisation/party.html",
        {
            "community": community,
            "branch": branch,
            "secretary_phone": phone_for(branch.person_phone, reveal) if branch else "",
            "members": [{"member": m, "phone": phone_for(m.phone, reveal)} for m in members],
            "candidates": candidates,
            "may_manage": _may_manage(user),
            "branch_form": BranchForm(
                staff=_staff(community),
                initial={
                    "branch_name": branch.branch_name
                    if branch
                    else f"{community.name}{actions.BRANCH_NAME}",
                },
            ),
            "member_form": PartyMemberForm(),
        },
    )


@login_required
@require_POST
def set_branch(request: HttpRequest, pk: int) -> HttpResponse:
    _user, community = _community(request, pk)
    return _write(
        request,
        community,
        BranchForm(request.POST, staff=_staff(community)),
        lambda u, d: actions.set_branch(
            u,
            community,
            branch_name=d["branch_name"],
            user=d["user"],
            name=d["name"],
            phone=d["phone"],
        ),
        _("The party branch was saved."),
        reverse("organisation:party", args=[pk]),
    )


@login_required
@require_POST
def add_party_member(request: HttpRequest, pk: int) -> HttpResponse:
    _user, community = _community(request, pk)
    branch = PartyBranch.objects.filter(community=community).first()
    if branch is None:
        raise Http404

    def do(u: User, d: dict[str, Any]) -> Any:
        resident = None
        if d["resident"]:
            resident = Resident.objects.visible_to(u).filter(pk=d["resident"]).first()
            if resident is None:
                raise DomainError(_("The resident does not live in this community."))
        return actions.add_party_member(
            u, branch, resident=resident, name=d["name"], phone=d["phone"], duty=d["duty"]
        )

    return _write(
        request,
        community,
        PartyMemberForm(request.POST),
        do,
        _("The party member was added."),
        reverse("organisation:party", args=[pk]),
    )


@login_required
@require_POST
def remove_party_member(request: HttpRequest, pk: int) -> HttpResponse:
    member = (
        PartyMember.objects.filter(pk=pk, branch__in=PartyBranch.objects.visible_to(request.user))
        .select_related("branch")
        .first()
    )
    if member is None:
        raise Http404
    user = require(request.user, OrganisationCapability.MANAGE_ORGANISATION)
    back = reverse("organisation:party", args=[member.branch.community_id])
    if not confirmation.confirmed(request):
        return confirmation.ask(
            request,
            title=_("Remove the party member"),
            says=_("Remove %(name)s from %(branch)s?")
            % {"name": member.name, "branch": member.branch.branch_name},
            button=_("Remove"),
            back=back,
        )
    actions.remove_party_member(user, member)
    return redirect(back)


# --- volunteers ------------------------------------------------------------------------------


@login_required
@require_GET
def volunteers(request: HttpRequest, pk: int) -> HttpResponse:
    user, community = _community(request, pk)
    org = Organisation.objects.filter(community=community).first()
    reveal = is_member(user, org)
    found = list(
        Volunteer.objects.visible_to(user)
        .filter(community=community)
        .select_related("user")
        .prefetch_related("assignments")
    )
    rows: list[dict[str, Any]] = [
        {
            "volunteer": v,
            "phone": phone_for(v.person_phone, reveal),
            "hours": plan.hours_served(a.span for a in v.assignments.all()),
            "assignments": list(v.assignments.all())[:5],
            "form": AssignmentForm(prefix=f"v{v.pk}"),
        }
        for v in found
    ]
    return render(
        request,
        "organisation/volunteers.html",
        {
            "community": community,
            "rows": rows,
            "total_hours": round(sum(r["hours"] for r in rows), 1),
            "may_manage": _may_manage(user),
            "form": VolunteerForm(staff=_staff(community)),
        },
    )


@login_required
@require_POST
def add_volunteer(request: HttpRequest, pk: int) -> HttpResponse:
    _user, community = _community(request, pk)
    return _write(
        request,
        community,
        VolunteerForm(request.POST, staff=_staff(community)),
        lambda u, d: actions.add_volunteer(
            u,
            community,
            user=d["user"],
            name=d["name"],
            phone=d["phone"],
            skills=d["skills"],
            availability=d["availability"],
        ),
        _("The volunteer was added."),
        reverse("organisation:volunteers", args=[pk]),
    )


@login_required
@require_POST
def add_assignment(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, OrganisationCapability.VIEW_ORGANISATION)
    volunteer = (
        Volunteer.objects.visible_to(request.user).filter(pk=pk).select_related("community").first()
    )
    if volunteer is None:
        raise Http404
    return _write(
        request,
        volunteer.community,
        AssignmentForm(request.POST, prefix=f"v{volunteer.pk}"),
        lambda u, d: actions.add_assignment(
            u,
            volunteer,
            kind=d["kind"],
            place=d["place"],
            starts_at=d["starts_at"],
            ends_at=d["ends_at"],
            note=d["note"],
        ),
        _("The assignment was recorded."),
        reverse("organisation:volunteers", args=[volunteer.community_id])
        + f"#volunteer-{volunteer.pk}",
    )
