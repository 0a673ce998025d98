"""Every write of the organisation: the default structure of a community, its posts, working
groups and their members, the temporary party branch, volunteers and their assignments.

Each is one function: atomic, checks the capability and the community, locks what it
changes, refuses with a `DomainError` (a Chinese sentence, nothing written), audits.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.core import audit
from fangkong.core.errors import DomainError
from fangkong.core.models import AuditAction, Community, User
from fangkong.core.scoping import covers
from fangkong.people.models import Resident

from . import plan
from .capabilities import OrganisationCapability
from .models import (
    Assignment,
    AssignmentKind,
    GroupMember,
    Organisation,
    PartyBranch,
    PartyMember,
    Post,
    PostKind,
    Volunteer,
    WorkingGroup,
)

BRANCH_NAME = "临时党支部"
MAX_DUTIES = 4000


def _check(by: User | None, community: Community) -> None:
    """Only who manages the organisation, for a community of their jurisdiction (None: the
    demo builder, which acts as the system)."""
    if by is None:
        return
    if not by.can(OrganisationCapability.MANAGE_ORGANISATION):
        raise DomainError(_("Your role may not change the organisation."))
    if not (by.is_superuser or covers(by, community)):
        raise DomainError(_("You may change only the organisation of a community of yours."))


def _line(value: str, *, field: str, limit: int, required: str | None = None) -> str:
    value = " ".join((value or "").split())
    if not value and required:
        raise DomainError(required, field=field)
    if len(value) > limit:
        raise DomainError(_("Keep this under %(n)d characters.") % {"n": limit}, field=field)
    return value


def _phone(value: str) -> str:
    value = "".join((value or "").split())
    if value and not all(c.isdigit() or c in "-+" for c in value):
        raise DomainError(_("Write the phone with digits only."), field="phone")
    if len(value) > 20:
        raise DomainError(_("The phone is too long."), field="phone")
    return value


def _person(
    community: Community, account: User | None, name: str, phone: str
) -> tuple[User | None, str, str]:
    """A staff account of the community (or of its township), or a name with a phone."""
    name = _line(name, field="name", limit=50)
    phone = _phone(phone)
    if account is not None:
        ok = User.objects.filter(pk=account.pk, is_active=True).filter(
            Q(community=community) | Q(community__isnull=True, township=community.township_id)
        )
        if not ok.exists():
            raise DomainError(
                _("Choose a staff member of this community or its township."), field="user"
            )
    elif not name:
        raise DomainError(_("Choose a staff member or write the person's name."), field="name")
    return account, name, phone


def _audit(by: User | None, action: str, obj: object, township: int, **changes: object) -> None:
    audit.record_object(by, action, obj, changes=changes, township=township)  # type: ignore[arg-type]


# --- the structure ---------------------------------------------------------------------------


@transaction.atomic
def create_default_structure(by: User | None, community: Community) -> Organisation:
    """The plan's structure for `community` (the leadership group's posts, the office in the
    卫生室, the seven working groups with the plan's duties); the existing one if it has it."""
    _check(by, community)
    Community.objects.select_for_update().get(pk=community.pk)
    found = Organisation.objects.filter(community=community).first()
    if found is not None:
        return found
    org = Organisation.objects.create(township_id=community.township_id, community=community)
    Post.objects.bulk_create(
        Post(organisation=org, kind=p.kind, title=p.title, order=(i + 1) * 10)
        for i, p in enumerate(plan.POSTS)
    )
    WorkingGroup.objects.bulk_create(
        WorkingGroup(organisation=org, key=g.key, name=g.name, duties=g.duties, order=(i + 1) * 10)
        for i, g in enumerate(plan.GROUPS)
    )
    _audit(by, AuditAction.CREATE, org, community.township_id, name=org.name)
    return org


@transaction.atomic
def update_organisation(
    by: User | None, org: Organisation, *, name: str, office_location: str, office_phone: str = ""
) -> Organisation:
    _check(by, org.community)
    org = Organisation.objects.select_for_update().get(pk=org.pk)
    before = audit.snapshot(org, ("name", "office_location", "office_phone"))
    org.name = _line(name, field="name", limit=100, required=_("Name the leadership group."))
    org.office_location = _line(
        office_location, field="office_location", limit=100, required=_("Say where the office is.")
    )
    org.office_phone = _phone(office_phone)
    org.save(update_fields=["name", "office_location", "office_phone"])
    after = audit.snapshot(org, ("name", "office_location", "office_phone"))
    _audit(by, AuditAction.UPDATE, org, org.township_id, **audit.diff(before, after))
    return org


@transaction.atomic
def save_post(
    by: User | None,
    org: Organisation,
    *,
    post: Post | None = None,
    kind: str,
    title: str,
    user: User | None = None,
    name: str = "",
    phone: str = "",
) -> Post:
    """Add a post to the leadership group, or change who fills one (and its title)."""
    _check(by, org.community)
    Organisation.objects.select_for_update().get(pk=org.pk)
    if kind not in PostKind.values:
        raise DomainError(_("Choose the post: group leader, deputy or member."), field="kind")
    title = _line(title, field="title", limit=50, required=_("Name the post, e.g. 书记."))
    account: User | None = None
    if user is not None or (name or "").strip():
        account, name, phone = _person(org.community, user, name, phone)
    else:
        name, phone = "", ""
    if post is None:
        last = org.posts.order_by("-order").values_list("order", flat=True).first() or 0
        post = Post(organisation=org, order=last + 10)
        action = AuditAction.CREATE
    else:
        if post.organisation_id != org.pk:
            raise DomainError(_("This post belongs to another organisation."))
        post = Post.objects.select_for_update().get(pk=post.pk)
        action = AuditAction.UPDATE
    post.kind, post.title, post.user, post.name, post.phone = kind, title, account, name, phone
    post.save()
    _audit(by, action, post, org.township_id, kind=kind, title=title, name=post.person_name)
    return post


@transaction.atomic
def remove_post(by: User | None, post: Post) -> None:
    org = post.organisation
    _check(by, org.community)
    Post.objects.select_for_update().filter(pk=post.pk).delete()
    _audit(by, AuditAction.DELETE, post, org.township_id, title=post.title)


@transaction.atomic
def update_group(by: User | None, group: WorkingGroup, *, name: str, duties: str) -> WorkingGroup:
    org = group.organisation
    _check(by, org.community)
    group = WorkingGroup.objects.select_for_update().get(pk=group.pk)
    before = audit.snapshot(group, ("name", "duties"))
    group.name = _line(name, field="name", limit=50, required=_("Name the working group."))
    duties = (duties or "").strip()
    if len(duties) > MAX_DUTIES:
        raise DomainError(
            _("Keep this under %(n)d characters.") % {"n": MAX_DUTIES}, field="duties"
        )
    group.duties = duties
    group.save(update_fields=["name", "duties"])
    _audit(
        by,
        AuditAction.UPDATE,
        group,
        org.township_id,
        **audit.diff(before, audit.snapshot(group, ("name", "duties"))),
    )
    return group


@transaction.atomic
def add_group_member(
    by: User | None,
    group: WorkingGroup,
    *,
    user: User | None = None,
    name: str = "",
    phone: str = "",
    is_head: bool = False,
    duty: str = "",
) -> GroupMember:
    org = group.organisation
    _check(by, org.community)
    WorkingGroup.objects.select_for_update().get(pk=group.pk)
    account, name, phone = _person(org.community, user, name, phone)
    if account is not None and group.members.filter(user=account).exists():
        raise DomainError(_("This staff member is already in the group."), field="user")
    if is_head:
        group.members.filter(is_head=True).update(is_head=False)
    member = GroupMember.objects.create(
        group=group,
        user=account,
        name=name,
        phone=phone,
        is_head=is_head,
        duty=_line(duty, field="duty", limit=50),
    )
    _audit(by, AuditAction.CREATE, member, org.township_id, group=group.name, head=is_head)
    return member


@transaction.atomic
def remove_group_member(by: User | None, member: GroupMember) -> None:
    org = member.group.organisation
    _check(by, org.community)
    GroupMember.objects.select_for_update().filter(pk=member.pk).delete()
    _audit(by, AuditAction.DELETE, member, org.township_id, group=member.group.name)


# --- the temporary party branch --------------------------------------------------------------


@transaction.atomic
def set_branch(
    by: User | None,
    community: Community,
    *,
    branch_name: str = "",
    user: User | None = None,
    name: str = "",
    phone: str = "",
    founded_on: dt.date | None = None,
) -> PartyBranch:
    """Set up the community's temporary party branch, or change its secretary."""
    _check(by, community)
    Community.objects.select_for_update().get(pk=community.pk)
    branch_name = _line(branch_name, field="branch_name", limit=100) or (
        f"{community.name}{BRANCH_NAME}"
    )
    account, name, phone = _person(community, user, name, phone)
    branch = PartyBranch.objects.filter(community=community).first()
    action = AuditAction.UPDATE if branch else AuditAction.CREATE
    if branch is None:
        branch = PartyBranch(township_id=community.township_id, community=community)
    branch.branch_name, branch.user, branch.name, branch.phone = branch_name, account, name, phone
    if founded_on is not None:
        branch.founded_on = founded_on
    branch.save()
    _audit(by, action, branch, community.township_id, secretary=branch.person_name)
    return branch


@transaction.atomic
def add_party_member(
    by: User | None,
    branch: PartyBranch,
    *,
    resident: Resident | None = None,
    name: str = "",
    phone: str = "",
    duty: str = "",
) -> PartyMember:
    _check(by, branch.community)
    PartyBranch.objects.select_for_update().get(pk=branch.pk)
    if resident is not None:
        if not Resident.objects.filter(
            pk=resident.pk, household__grid__community=branch.community_id
        ).exists():
            raise DomainError(_("The resident does not live in this community."), field="resident")
        if branch.members.filter(resident=resident).exists():
            raise DomainError(
                _("This resident is already a member of the branch."), field="resident"
            )
        name = name or resident.name
        phone = phone or resident.phone
    name = _line(name, field="name", limit=50, required=_("Write the party member's name."))
    member = PartyMember.objects.create(
        branch=branch,
        resident=resident,
        name=name,
        phone=_phone(phone),
        duty=_line(duty, field="duty", limit=50),
    )
    _audit(by, AuditAction.CREATE, member, branch.township_id, branch=branch.branch_name)
    return member


@transaction.atomic
def remove_party_member(by: User | None, member: PartyMember) -> None:
    branch = member.branch
    _check(by, branch.community)
    PartyMember.objects.select_for_update().filter(pk=member.pk).delete()
    _audit(by, AuditAction.DELETE, member, branch.township_id, branch=branch.branch_name)


# --- volunteers ------------------------------------------------------------------------------


@transaction.atomic
def add_volunteer(
    by: User | None,
    community: Community,
    *,
    user: User | None = None,
    resident: Resident | None = None,
    name: str = "",
    phone: str = "",
    skills: str = "",
    availability: str = "",
) -> Volunteer:
    _check(by, community)
    if resident is not None:
        if not Resident.objects.filter(
            pk=resident.pk, household__grid__community=community.pk
        ).exists():
            raise DomainError(_("The resident does not live in this community."), field="resident")
        name = name or resident.name
        phone = phone or resident.phone
    account, name, phone = _person(community, user, name, phone)
    volunteer = Volunteer.objects.create(
        township_id=community.township_id,
        community=community,
        user=account,
        resident=resident,
        name=name,
        phone=phone,
        skills=_line(skills, field="skills", limit=200),
        availability=_line(availability, field="availability", limit=200),
    )
    _audit(by, AuditAction.CREATE, volunteer, community.township_id, skills=volunteer.skills)
    return volunteer


@transaction.atomic
def add_assignment(
    by: User | None,
    volunteer: Volunteer,
    *,
    kind: str,
    place: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime | None = None,
    note: str = "",
) -> Assignment:
    """Assign a volunteer to a gate, a delivery, sampling or a duty shift, from … until."""
    _check(by, volunteer.community)
    Volunteer.objects.select_for_update().get(pk=volunteer.pk)
    if kind not in AssignmentKind.values:
        raise DomainError(_("Choose what the volunteer does."), field="kind")
    place = _line(place, field="place", limit=100, required=_("Say where."))
    if starts_at is None:
        raise DomainError(_("Say when the assignment starts."), field="starts_at")
    if timezone.is_naive(starts_at):
        starts_at = timezone.make_aware(starts_at)
    if ends_at is not None and timezone.is_naive(ends_at):
        ends_at = timezone.make_aware(ends_at)
    if not plan.span_is_valid(plan.Span(starts_at, ends_at)):
        raise DomainError(_("The assignment must end after it starts."), field="ends_at")
    item = Assignment.objects.create(
        volunteer=volunteer,
        kind=kind,
        place=place,
        starts_at=starts_at,
        ends_at=ends_at,
        note=_line(note, field="note", limit=200),
        added_by=by,
    )
    _audit(
        by,
        AuditAction.CREATE,
        item,
        volunteer.township_id,
        volunteer=volunteer.person_name,
        kind=kind,
        place=place,
    )
    return item
