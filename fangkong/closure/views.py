"""Pages of closed management: the communities of the jurisdiction with their level and
checklist, one community (level history, level form, checklist, gates, teams, cordons), one
checklist item (state, owner, details, photos), and the photos themselves — served only
through `evidence_file`, which checks who asks (never a public media URL).

Thin views: access (`require`, `get_for`), a form, one action, render or redirect. Seeing
needs VIEW_CLOSURE; changing the checklist, gates, teams and cordons MANAGE_CLOSURE; the
level SET_COMMUNITY_LEVEL (the township).
"""

from __future__ import annotations

import mimetypes
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from fangkong.checkpoints.models import Gate, GateState
from fangkong.closure.capabilities import ClosureCapability
from fangkong.core import confirmation
from fangkong.core.access import can, get_for, require
from fangkong.core.errors import DomainError
from fangkong.core.forms import add_domain_errors
from fangkong.core.masking import mask_phone
from fangkong.core.models import Community, Grid, User

from . import actions
from . import checklist as rule
from .board import EQUIPMENT_LABELS, KIND_HELP, facts_of, kind_label, reason_text
from .equipment import counted_from_stock
from .forms import (
    FOLLOW_COUNTY,
    CordonForm,
    GateForm,
    ItemForm,
    KeepOpenForm,
    LevelForm,
    MemberForm,
    PhotoForm,
)
from .levels import community_level, community_levels
from .models import (
    ChecklistItem,
    ChecklistKind,
    CommunityLevel,
    Cordon,
    Evidence,
    TeamMember,
)

HISTORY_SHOWN = 50


def _may_set_level(user: Any, community: Community) -> bool:
    return can(user, ClosureCapability.SET_COMMUNITY_LEVEL) and actions.is_township_of(
        user, community
    )


def _owners(community: Community) -> QuerySet[User]:
    """Who may own an item of `community`: its staff, or its township's."""
    return User.objects.filter(is_active=True).filter(
        Q(community=community) | Q(community__isnull=True, township_id=community.township_id)
    )


def _owner_choices(community: Community) -> QuerySet[User]:
    ids = [u.pk for u in _owners(community) if u.can(ClosureCapability.VIEW_CLOSURE)]
    return User.objects.filter(pk__in=ids).order_by("display_name", "username")


def missing_rows(community_id: int, facts: list[rule.ItemFacts]) -> list[dict[str, Any]]:
    return [
        {
            "kind": m.kind,
            "label": kind_label(m.kind),
            "state": m.state,
            "owner_id": m.owner_id,
            "item_id": m.item_id,
            "reasons": [reason_text(r) for r in m.reasons],
        }
        for m in rule.missing(facts)
    ]


def _why_not(facts: rule.ItemFacts) -> list[str]:
    """Why one item is not in place, in words (empty when it is)."""
    return [
        reason_text(r) for m in rule.missing([facts]) if m.kind == facts.kind for r in m.reasons
    ]


# --- the list ---------------------------------------------------------------------------------


@login_required
@require_GET
def community_list(request: HttpRequest) -> HttpResponse:
    user = require(request.user, ClosureCapability.VIEW_CLOSURE)
    today = timezone.localdate()
    found = community_levels(
        Community.objects.visible_to(user).select_related("township").order_by("code"), today
    )
    facts = facts_of(c.pk for c, _now in found)
    rows = []
    for community, now in found:
        items = facts.get(community.pk, [])
        done, total = rule.progress(items)
        rows.append(
            {
                "community": community,
                "now": now,
                "done": done,
                "total": total,
                "set_up": bool(items),
                "missing": len(rule.missing(items)),
            }
        )
    return render(request, "closure/community_list.html", {"rows": rows, "today": today})


# --- one community ----------------------------------------------------------------------------


def _community(request: HttpRequest, pk: int) -> Community:
    require(request.user, ClosureCapability.VIEW_CLOSURE)
    return get_for(
        request.user, Community, queryset=Community.objects.select_related("township"), pk=pk
    )


def _context(request: HttpRequest, community: Community, **forms: Any) -> dict[str, Any]:
    user = request.user
    today = timezone.localdate()
    now = community_level(community, today)
    may_manage = can(user, ClosureCapability.MANAGE_CLOSURE)
    may_set = _may_set_level(user, community)
    facts = {f.item_id: f for f in facts_of([community.pk]).get(community.pk, [])}
    items = list(
        ChecklistItem.objects.filter(community=community).select_related("owner").order_by("id")
    )
    order = {k: i for i, k in enumerate(rule.KINDS)}
    items.sort(key=lambda i: order.get(i.kind, 99))
    checklist = [
        {
            "item": item,
            "help": KIND_HELP.get(item.kind, ""),
            "in_place": rule.in_place(facts[item.pk]),
            "reasons": _why_not(facts[item.pk]),
        }
        for item in items
    ]
    gates = list(Gate.objects.filter(community=community).select_related("changed_by"))
    members = [
        {"member": m, "phone": mask_phone(m.phone)}
        for m in TeamMember.objects.filter(community=community).order_by("team", "id")
    ]
    cordons = list(
        Cordon.objects.filter(community=community, removed_at__isnull=True).select_related(
            "grid", "set_by"
        )
    )
    history = list(
        CommunityLevel.objects.filter(community=community)
        .select_related("set_by")
        .order_by("-at", "-id")[:HISTORY_SHOWN]
    )
    context: dict[str, Any] = {
        "community": community,
        "now": now,
        "today": today,
        "history": history,
        "checklist": checklist,
        "missing": missing_rows(community.pk, list(facts.values())) if items else [],
        "done": sum(1 for row in checklist if row["in_place"]),
        "gates": gates,
        "open_gates": sum(1 for g in gates if g.state == GateState.OPEN),
        "members": members,
        "cordons": cordons,
        "may_manage": may_manage,
        "may_set_level": may_set,
    }
    if may_set:
        context["level_form"] = forms.get("level_form") or LevelForm()
    if may_manage:
        context["gate_form"] = forms.get("gate_form") or GateForm()
        context["keep_open_form"] = forms.get("keep_open_form") or KeepOpenForm(
            gates=Gate.objects.filter(community=community)
        )
        context["member_form"] = forms.get("member_form") or MemberForm(
            staff=_owners(community).order_by("display_name", "username")
        )
        context["cordon_form"] = forms.get("cordon_form") or CordonForm(
            grids=Grid.objects.filter(community=community)
        )
    return context


@login_required
@require_GET
def community_detail(request: HttpRequest, pk: int) -> HttpResponse:
    community = _community(request, pk)
    return render(request, "closure/community_detail.html", _context(request, community))


def _refused(request: HttpRequest, community: Community, **forms: Any) -> HttpResponse:
    return render(
        request,
        "closure/community_detail.html",
        _context(request, community, **forms),
        status=422,
    )


@login_required
@require_POST
def set_level(request: HttpRequest, pk: int) -> HttpResponse:
    community = _community(request, pk)
    user = require(request.user, ClosureCapability.SET_COMMUNITY_LEVEL)
    if not _may_set_level(user, community):
        raise Http404
    form = LevelForm(request.POST)
    if form.is_valid():
        level, reason = form.cleaned_data["level"], form.cleaned_data["reason"]
        try:
            if level == FOLLOW_COUNTY:
                actions.follow_county(user, community, reason=reason)
            else:
                actions.set_level(user, community, level=level, reason=reason)
        except DomainError as exc:
            add_domain_errors(form, exc)
        else:
            messages.success(request, _("The level was recorded."))
            return redirect("closure:community_detail", pk=community.pk)
    return _refused(request, community, level_form=form)


@login_required
@require_POST
def open_checklist(request: HttpRequest, pk: int) -> HttpResponse:
    community = _community(request, pk)
    user = require(request.user, ClosureCapability.MANAGE_CLOSURE)
    try:
        actions.open_checklist(user, community)
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("closure:community_detail", pk=community.pk)


@login_required
@require_POST
def add_gate(request: HttpRequest, pk: int) -> HttpResponse:
    community = _community(request, pk)
    user = require(request.user, ClosureCapability.MANAGE_CLOSURE)
    form = GateForm(request.POST)
    if form.is_valid():
        try:
            has_open = Gate.objects.filter(community=community, state=GateState.OPEN).exists()
            actions.add_gate(
                user,
                community,
                name=form.cleaned_data["name"],
                note=form.cleaned_data["note"],
                # a new gate is sealed when another already serves as the entrance
                state=GateState.SEALED if has_open else GateState.OPEN,
            )
        except DomainError as exc:
            add_domain_errors(form, exc)
        else:
            messages.success(request, _("The gate was added."))
            return redirect(_anchor(community, "gates"))
    return _refused(request, community, gate_form=form)


@login_required
@require_POST
def keep_open(request: HttpRequest, pk: int) -> HttpResponse:
    community = _community(request, pk)
    user = require(request.user, ClosureCapability.MANAGE_CLOSURE)
    form = KeepOpenForm(request.POST, gates=Gate.objects.filter(community=community))
    if form.is_valid():
        try:
            actions.keep_open(user, form.cleaned_data["gate"], note=form.cleaned_data["note"])
        except DomainError as exc:
            add_domain_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(gate)s stays open; the other gates are sealed.")
                % {"gate": form.cleaned_data["gate"].name},
            )
            return redirect(_anchor(community, "gates"))
    return _refused(request, community, keep_open_form=form)


@login_required
@require_POST
def add_member(request: HttpRequest, pk: int) -> HttpResponse:
    community = _community(request, pk)
    user = require(request.user, ClosureCapability.MANAGE_CLOSURE)
    form = MemberForm(request.POST, staff=_owners(community))
    if form.is_valid():
        try:
            actions.add_member(user, community, **form.cleaned_data)
        except DomainError as exc:
            add_domain_errors(form, exc)
        else:
            messages.success(request, _("The member was added."))
            return redirect(_anchor(community, "teams"))
    return _refused(request, community, member_form=form)


def remove_member_question(member: TeamMember) -> str:
    """What removing a team member does, and to whom (asked first); the same sentence as the
    page's button (`community_detail.html`)."""
    return _(
        "Remove %(name)s (%(team)s, %(community)s)? They are no longer listed on the team; to "
        "have them back, add them again."
    ) % {"name": member.name, "team": member.get_team_display(), "community": member.community}


@login_required
@require_POST
def remove_member(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, ClosureCapability.VIEW_CLOSURE)
    member = TeamMember.objects.filter(
        pk=pk, community__in=Community.objects.visible_to(request.user)
    ).first()
    if member is None:
        raise Http404
    user = require(request.user, ClosureCapability.MANAGE_CLOSURE)
    if not confirmation.confirmed(request):
        return confirmation.ask(
            request,
            title=_("Remove a team member"),
            says=remove_member_question(member),
            button=_("Remove"),
            back=_anchor(member.community, "teams"),
        )
    actions.remove_member(user, member)
    messages.success(request, _("The member was removed."))
    return redirect(_anchor(member.community, "teams"))


@login_required
@require_POST
def add_cordon(request: HttpRequest, pk: int) -> HttpResponse:
    community = _community(request, pk)
    user = require(request.user, ClosureCapability.MANAGE_CLOSURE)
    form = CordonForm(request.POST, grids=Grid.objects.filter(community=community))
    if form.is_valid():
        try:
            actions.add_cordon(
                user, form.cleaned_data["grid"], description=form.cleaned_data["description"]
            )
        except DomainError as exc:
            add_domain_errors(form, exc)
        else:
            messages.success(request, _("The cordon was recorded."))
            return redirect(_anchor(community, "cordons"))
    return _refused(request, community, cordon_form=form)


@login_required
@require_POST
def remove_cordon(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, ClosureCapability.VIEW_CLOSURE)
    cordon = get_for(request.user, Cordon, write=ClosureCapability.MANAGE_CLOSURE, pk=pk)
    try:
        actions.remove_cordon(request.user, cordon)  # type: ignore[arg-type]
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The cordon was removed."))
    return redirect(_anchor(cordon.community, "cordons"))


def _anchor(community: Community, part: str) -> str:
    from django.urls import reverse

    return reverse("closure:community_detail", args=[community.pk]) + f"#{part}"


# --- one item ---------------------------------------------------------------------------------


def _item(request: HttpRequest, pk: int) -> ChecklistItem:
    require(request.user, ClosureCapability.VIEW_CLOSURE)
    return get_for(
        request.user,
        ChecklistItem,
        queryset=ChecklistItem.objects.select_related("community", "owner"),
        pk=pk,
    )


def _item_context(request: HttpRequest, item: ChecklistItem, **forms: Any) -> dict[str, Any]:
    may_manage = can(request.user, ClosureCapability.MANAGE_CLOSURE)
    facts = next(
        f for f in facts_of([item.community_id])[item.community_id] if f.item_id == item.pk
    )
    context: dict[str, Any] = {
        "item": item,
        "community": item.community,
        "help": KIND_HELP.get(item.kind, ""),
        "in_place": rule.in_place(facts),
        "reasons": _why_not(facts),
        "photos": list(item.evidence.select_related("added_by")),
        "may_manage": may_manage,
    }
    if item.kind == ChecklistKind.EQUIPMENT and counted_from_stock():
        context["stock_counts"] = [
            (EQUIPMENT_LABELS[k], rule.quantity(facts.details, k)) for k in rule.EQUIPMENT_KEYS
        ]
    if may_manage:
        context["form"] = forms.get("form") or ItemForm(
            initial=ItemForm.initial_for(item),
            kind=item.kind,
            owners=_owner_choices(item.community),
        )
        context["photo_form"] = forms.get("photo_form") or PhotoForm()
    return context


@login_required
def item_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item(request, pk)
    if request.method != "POST":
        return render(request, "closure/item_detail.html", _item_context(request, item))
    user = require(request.user, ClosureCapability.MANAGE_CLOSURE)
    form = ItemForm(request.POST, kind=item.kind, owners=_owner_choices(item.community))
    if form.is_valid():
        d = form.cleaned_data
        try:
            actions.update_item(
                user,
                item,
                state=d["state"],
                owner=d["owner"],
                note=d["note"],
                details=form.details(),
            )
        except DomainError as exc:
            add_domain_errors(form, exc)
        else:
            messages.success(request, _("The item was saved."))
            return redirect("closure:item_detail", pk=item.pk)
    return render(
        request, "closure/item_detail.html", _item_context(request, item, form=form), status=422
    )


@login_required
@require_POST
def add_photo(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item(request, pk)
    user = require(request.user, ClosureCapability.MANAGE_CLOSURE)
    form = PhotoForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            actions.check_photo_size(upload.size or 0)
            actions.add_evidence(
                user, item, data=upload.read(), caption=form.cleaned_data["caption"]
            )
        except DomainError as exc:
            add_domain_errors(form, exc)
        else:
            messages.success(request, _("The photo was added."))
            return redirect("closure:item_detail", pk=item.pk)
    return render(
        request,
        "closure/item_detail.html",
        _item_context(request, item, photo_form=form),
        status=422,
    )


def _evidence(request: HttpRequest, pk: int) -> Evidence:
    require(request.user, ClosureCapability.VIEW_CLOSURE)
    evidence = (
        Evidence.objects.filter(pk=pk, item__in=ChecklistItem.objects.visible_to(request.user))
        .select_related("item")
        .first()
    )
    if evidence is None:
        raise Http404
    return evidence


@login_required
@require_GET
def evidence_file(request: HttpRequest, pk: int) -> FileResponse:
    """A photo, to someone who may see its community's checklist (never cached publicly)."""
    evidence = _evidence(request, pk)
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    content_type = mimetypes.guess_type(evidence.file.name or "")[0] or "application/octet-stream"
    response = FileResponse(handle, content_type=content_type)
    response["Cache-Control"] = "private, max-age=300"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def remove_photo(request: HttpRequest, pk: int) -> HttpResponse:
    evidence = _evidence(request, pk)
    user = require(request.user, ClosureCapability.MANAGE_CLOSURE)
    item_id = evidence.item_id
    actions.remove_evidence(user, evidence)
    messages.success(request, _("The photo was removed."))
    return redirect("closure:item_detail", pk=item_id)
