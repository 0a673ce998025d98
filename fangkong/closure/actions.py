"""Every write of closed management: levels, the checklist, gates, teams, cordons.

Each is one function: atomic, locks the row it changes (the community's row for a level or
for its gates), checks role and jurisdiction, refuses with a `DomainError` that changes
nothing, and writes an audit entry. A level is never updated: each change is a new
`CommunityLevel` row, so the history is kept. When closed management turns on, the six
checklist items of the community are made (the ones it lacks).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import uuid
from dataclasses import replace
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.checkpoints.models import Gate, GateState
from fangkong.closure.capabilities import ClosureCapability
from fangkong.core import audit
from fangkong.core.errors import DomainError
from fangkong.core.models import AuditAction, Community, Grid, User
from fangkong.core.scoping import covers, jurisdiction_level

from . import checklist as rule
from . import equipment
from .board import facts_of_item, reason_text
from .levels import community_level, forget
from .models import (
    ChecklistItem,
    ChecklistKind,
    CommunityLevel,
    Cordon,
    Evidence,
    ItemState,
    LevelChoice,
    LevelSource,
    TeamMember,
)

#: largest photo accepted, in bytes
MAX_PHOTO_BYTES = 5 * 1024 * 1024
#: Pillow formats accepted as photos, and the file ending they are stored under
PHOTO_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}
MAX_QUANTITY = 1_000_000
_PHONE = re.compile(r"^[0-9+\- ]{5,20}$")
LEVEL_FIELDS = ("community", "source", "level", "reason", "at")
ITEM_FIELDS = ("state", "owner", "note", "details")
_UNSET: Any = object()


# --- who may ----------------------------------------------------------------------------------


def _inside(by: User, community: Community) -> bool:
    if by.is_superuser:
        return True
    return Community.objects.visible_to(by).filter(pk=community.pk).exists()


def is_township_of(user: User, community: Community) -> bool:
    """Whether `user` is staff of the community's township itself (or a superuser): who sets
    its risk level."""
    return user.is_superuser or (jurisdiction_level(user) == "township" and covers(user, community))


def _check(by: User, capability: str, community: Community) -> None:
    if not by.can(capability):
        raise DomainError(_("Your role may not do this."))
    if not _inside(by, community):
        raise DomainError(_("This community is outside your jurisdiction."))


def _check_level_setter(by: User, community: Community) -> None:
    if not by.can(ClosureCapability.SET_COMMUNITY_LEVEL):
        raise DomainError(_("Only the township sets a community's risk level."))
    if not is_township_of(by, community):
        raise DomainError(_("Only the township of this community sets its risk level."))


def _reason(text: str) -> str:
    text = " ".join((text or "").split())
    if not text:
        raise DomainError(_("Say why the level changes."), field="reason")
    if len(text) > 500:
        raise DomainError(_("Keep the reason under 500 characters."), field="reason")
    return text


def _locked_community(community: Community) -> Community:
    return Community.objects.select_for_update().get(pk=community.pk)


# --- levels -----------------------------------------------------------------------------------


def _write_level(
    by: User,
    community: Community,
    *,
    source: str,
    level: str,
    reason: str,
    at: dt.datetime | None,
) -> CommunityLevel:
    community = _locked_community(community)
    today = timezone.localdate()
    now = timezone.now()
    before = community_level(community, today)
    latest = CommunityLevel.objects.filter(community=community).order_by("-at", "-id").first()
    if at is None:
        at = now
    elif at > now:
        raise DomainError(_("A level cannot be set for a time to come."), field="at")
    elif latest is not None and at < latest.at:
        raise DomainError(
            _("A level cannot be set before the latest change (%(at)s).")
            % {"at": timezone.localtime(latest.at).strftime("%Y-%m-%d %H:%M")},
            field="at",
        )
    if latest is not None and latest.source == source and latest.level == level:
        if source == LevelSource.COUNTY:
            raise DomainError(_("The community already follows the county."))
        raise DomainError(
            _("The level is already %(level)s.") % {"level": LevelChoice(level).label},
            field="level",
        )
    entry = CommunityLevel.objects.create(
        township_id=community.township_id,
        community=community,
        source=source,
        level=level,
        reason=reason,
        set_by=by,
        at=at,
    )
    after = community_level(community, today)
    audit.record_object(
        by,
        AuditAction.CREATE,
        entry,
        changes={
            **audit.snapshot(entry, LEVEL_FIELDS),
            "level_in_force": [before.level.value, after.level.value],
            "closed_management": [before.closed_management, after.closed_management],
        },
        reason=reason,
    )
    if after.closed_management:
        ensure_checklist(by, community)
    transaction.on_commit(lambda: forget(community.pk))
    forget(community.pk)
    return entry


@transaction.atomic
def set_level(
    by: User,
    community: Community,
    *,
    level: str,
    reason: str,
    at: dt.datetime | None = None,
) -> CommunityLevel:
    """The township sets the community's level (whatever the county's), from now (or from
    `at`, a moment since the latest change, for recording a decision taken earlier)."""
    _check_level_setter(by, community)
    if level not in LevelChoice.values:
        raise DomainError(
            _("Choose one of these levels: %(values)s.")
            % {"values": ", ".join(LevelChoice.values)},
            field="level",
        )
    reason = _reason(reason)
    return _write_level(
        by, community, source=LevelSource.TOWNSHIP, level=level, reason=reason, at=at
    )


@transaction.atomic
def follow_county(
    by: User, community: Community, *, reason: str, at: dt.datetime | None = None
) -> CommunityLevel:
    """From now on the community's level is its county's level of the day."""
    _check_level_setter(by, community)
    reason = _reason(reason)
    return _write_level(by, community, source=LevelSource.COUNTY, level="", reason=reason, at=at)


# --- the checklist ----------------------------------------------------------------------------


def ensure_checklist(by: User | None, community: Community) -> list[ChecklistItem]:
    """Make the checklist items the community lacks (in the plan's order); the ones made."""
    have = set(ChecklistItem.objects.filter(community=community).values_list("kind", flat=True))
    made: list[ChecklistItem] = []
    for kind in rule.KINDS:
        if kind in have:
            continue
        item = ChecklistItem.objects.create(
            township_id=community.township_id,
            community=community,
            kind=kind,
            state=ItemState.MISSING,
            updated_by=by,
        )
        audit.record_object(by, AuditAction.CREATE, item, changes={"kind": kind})
        made.append(item)
    return made


@transaction.atomic
def open_checklist(by: User, community: Community) -> list[ChecklistItem]:
    """Set up the six items of a community (e.g. closed by its county's level)."""
    _check(by, ClosureCapability.MANAGE_CLOSURE, community)
    community = _locked_community(community)
    return ensure_checklist(by, community)


def _check_owner(owner: User, item: ChecklistItem) -> None:
    ok = (
        owner.is_active
        and owner.can(ClosureCapability.VIEW_CLOSURE)
        and covers(owner, township_id=item.township_id, community_id=item.community_id)
    )
    if not ok:
        raise DomainError(
            _("The owner must be a staff member of this community or its township."),
            field="owner",
        )


def _clean_details(kind: str, details: Any, current: dict[str, Any]) -> dict[str, Any]:
    if not isinstance(details, dict):
        raise DomainError(_("Give the details as named values."), field="details")
    merged = dict(current)
    if kind == ChecklistKind.EQUIPMENT:
        if details and equipment.counted_from_stock():
            raise DomainError(
                _(
                    "The equipment counts come from the stock of supplies; record the goods "
                    "received there instead of typing the counts."
                ),
                field="details",
            )
        for key, value in details.items():
            if key not in rule.EQUIPMENT_KEYS:
                raise DomainError(
                    _("Equipment is counted as %(keys)s; not %(key)s.")
                    % {"keys": ", ".join(rule.EQUIPMENT_KEYS), "key": key},
                    field="details",
                )
            if isinstance(value, bool) or not isinstance(value, int):
                raise DomainError(_("Enter each quantity as a whole number."), field="details")
            if not 0 <= value <= MAX_QUANTITY:
                raise DomainError(
                    _("Enter a quantity from 0 to %(max)d.") % {"max": MAX_QUANTITY},
                    field="details",
                )
            merged[key] = value
    elif kind == ChecklistKind.RULES:
        for key, value in details.items():
            if key not in rule.RULE_SWITCHES:
                raise DomainError(
                    _("The rules are %(keys)s; not %(key)s.")
                    % {"keys": ", ".join(rule.RULE_SWITCHES), "key": key},
                    field="details",
                )
            if not isinstance(value, bool):
                raise DomainError(_("Each rule is on (true) or off (false)."), field="details")
            merged[key] = value
    elif details:
        raise DomainError(_("This item keeps no details beyond its note."), field="details")
    return merged


@transaction.atomic
def update_item(
    by: User,
    item: ChecklistItem,
    *,
    state: str | None = None,
    owner: User | None = _UNSET,
    note: str | None = None,
    details: dict[str, Any] | None = None,
) -> ChecklistItem:
    """Change an item's state, owner, note or details. "In place" only when nothing blocks
    it (`checklist.blockers`)."""
    _check(by, ClosureCapability.MANAGE_CLOSURE, item.community)
    item = ChecklistItem.objects.select_for_update().select_related("community").get(pk=item.pk)
    before = audit.snapshot(item, ITEM_FIELDS)
    if state is not None:
        if state not in ItemState.values:
            raise DomainError(
                _("Choose one of these states: %(values)s.")
                % {"values": ", ".join(ItemState.values)},
                field="state",
            )
        item.state = state
    if owner is not _UNSET:
        if owner is not None:
            _check_owner(owner, item)
        item.owner = owner
    if note is not None:
        if len(note) > 2000:
            raise DomainError(_("Keep the note under 2000 characters."), field="note")
        item.note = note.strip()
    if details is not None:
        item.details = _clean_details(item.kind, details, item.details or {})
    if item.state == ItemState.DONE:
        facts = facts_of_item(item)
        if not (item.kind == ChecklistKind.EQUIPMENT and equipment.counted_from_stock()):
            facts = replace(facts, details=item.details)
        facts = replace(facts, state=item.state)
        reasons = rule.blockers(facts)
        if reasons:
            raise DomainError(
                _("It cannot be in place yet: %(why)s")
                % {"why": " ".join(reason_text(r) for r in reasons)},
                field="state",
            )
    delta = audit.diff(before, audit.snapshot(item, ITEM_FIELDS))
    if delta:
        item.updated_by = by
        item.updated_at = timezone.now()
        item.save()
        audit.record_object(by, AuditAction.UPDATE, item, changes=delta)
    return item


def check_photo_size(size: int) -> None:
    if size > MAX_PHOTO_BYTES:
        raise DomainError(
            _("The photo is larger than %(mb)d MB.") % {"mb": MAX_PHOTO_BYTES // (1024 * 1024)},
            field="file",
        )


def read_photo(data: bytes) -> str:
    """The file ending of `data` if it is a photo Pillow can read; else DomainError."""
    from PIL import Image, UnidentifiedImageError

    check_photo_size(len(data))
    try:
        with Image.open(io.BytesIO(data)) as image:
            fmt = image.format
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise DomainError(_("This file is not a photo."), field="file") from exc
    if fmt not in PHOTO_FORMATS:
        raise DomainError(_("Send the photo as JPEG, PNG, WebP or GIF."), field="file")
    return PHOTO_FORMATS[fmt]


@transaction.atomic
def add_evidence(by: User, item: ChecklistItem, *, data: bytes, caption: str = "") -> Evidence:
    """Attach a photo to an item (checked to be an image, stored under a new name)."""
    _check(by, ClosureCapability.MANAGE_CLOSURE, item.community)
    item = ChecklistItem.objects.select_for_update().get(pk=item.pk)
    ending = read_photo(data)
    caption = " ".join((caption or "").split())
    if len(caption) > 200:
        raise DomainError(_("Keep the caption under 200 characters."), field="caption")
    evidence = Evidence(item=item, caption=caption, added_by=by)
    evidence.file.save(f"{uuid.uuid4().hex}.{ending}", ContentFile(data), save=False)
    try:
        evidence.save()
    except Exception:
        evidence.file.delete(save=False)
        raise
    audit.record_object(
        by,
        AuditAction.CREATE,
        evidence,
        changes={"item": item.pk, "caption": caption},
        township=item.township_id,
    )
    return evidence


@transaction.atomic
def remove_evidence(by: User, evidence: Evidence) -> None:
    item = evidence.item
    _check(by, ClosureCapability.MANAGE_CLOSURE, item.community)
    name = evidence.file.name or ""
    audit.record_object(
        by, AuditAction.DELETE, evidence, changes={"item": item.pk}, township=item.township_id
    )
    evidence.delete()
    if name:
        transaction.on_commit(lambda: evidence.file.storage.delete(name))


# --- gates ------------------------------------------------------------------------------------

GATE_FIELDS = ("name", "state", "note")


def _gate_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise DomainError(_("Name the gate, e.g. 南门."), field="name")
    if len(name) > 50:
        raise DomainError(_("Keep the name under 50 characters."), field="name")
    return name


@transaction.atomic
def add_gate(
    by: User, community: Community, *, name: str, state: str = GateState.OPEN, note: str = ""
) -> Gate:
    _check(by, ClosureCapability.MANAGE_CLOSURE, community)
    community = _locked_community(community)
    name = _gate_name(name)
    if state not in GateState.values:
        raise DomainError(_("A gate is open or sealed."), field="state")
    if Gate.objects.filter(community=community, name=name).exists():
        raise DomainError(_("This community already has a gate of that name."), field="name")
    gate = Gate.objects.create(
        township_id=community.township_id,
        community=community,
        name=name,
        state=state,
        note=note.strip()[:200],
        changed_by=by,
        changed_at=timezone.now(),
    )
    audit.record_object(by, AuditAction.CREATE, gate, changes=audit.snapshot(gate, GATE_FIELDS))
    return gate


@transaction.atomic
def keep_open(by: User, gate: Gate, *, note: str = "") -> list[Gate]:
    """`gate` stays open (the one entrance); every other open gate of its community is sealed,
    recorded with who, when and `note`. The gates changed."""
    community = gate.community
    _check(by, ClosureCapability.MANAGE_CLOSURE, community)
    _locked_community(community)
    note = " ".join((note or "").split())[:200]
    now = timezone.now()
    changed: list[Gate] = []
    for g in Gate.objects.select_for_update().filter(community=community):
        target = GateState.OPEN if g.pk == gate.pk else GateState.SEALED
        if g.state == target:
            continue
        before = audit.snapshot(g, GATE_FIELDS)
        g.state = target
        g.note = note
        g.changed_by = by
        g.changed_at = now
        g.save(update_fields=["state", "note", "changed_by", "changed_at"])
        audit.record_object(
            by, AuditAction.UPDATE, g, changes=audit.diff(before, audit.snapshot(g, GATE_FIELDS))
        )
        changed.append(g)
    return changed


# --- teams ------------------------------------------------------------------------------------

MEMBER_FIELDS = ("team", "user", "name", "duty", "phone")


@transaction.atomic
def add_member(
    by: User,
    community: Community,
    *,
    team: str,
    user: User | None = None,
    name: str = "",
    duty: str = "",
    phone: str = "",
) -> TeamMember:
    """Put a staff account, or a named person (物业, 保安, 协警, 志愿者…), on a team."""
    _check(by, ClosureCapability.MANAGE_CLOSURE, community)
    if team not in (ChecklistKind.TEAM, ChecklistKind.INSPECTION):
        raise DomainError(_("Choose the management or the inspection team."), field="team")
    name = " ".join((name or "").split())
    duty = " ".join((duty or "").split())
    phone = "".join((phone or "").split())
    if user is not None:
        if not (user.is_active and covers(user, community)):
            raise DomainError(
                _("Choose a staff member of this community or its township."), field="user"
            )
        if TeamMember.objects.filter(community=community, team=team, user=user).exists():
            raise DomainError(_("This staff member is already on the team."), field="user")
        name = name or str(user)
    if not name:
        raise DomainError(_("Give the member's name."), field="name")
    if len(name) > 50 or len(duty) > 50:
        raise DomainError(_("Keep the name and duty under 50 characters."), field="name")
    if phone and not _PHONE.match(phone):
        raise DomainError(_("Enter a phone number of digits only."), field="phone")
    member = TeamMember.objects.create(
        township_id=community.township_id,
        community=community,
        team=team,
        user=user,
        name=name,
        duty=duty,
        phone=phone,
    )
    audit.record_object(
        by, AuditAction.CREATE, member, changes=audit.snapshot(member, ("team", "user", "duty"))
    )
    return member


@transaction.atomic
def remove_member(by: User, member: TeamMember) -> None:
    _check(by, ClosureCapability.MANAGE_CLOSURE, member.community)
    audit.record_object(
        by, AuditAction.DELETE, member, changes=audit.snapshot(member, ("team", "user", "duty"))
    )
    member.delete()


# --- cordons ----------------------------------------------------------------------------------


@transaction.atomic
def add_cordon(by: User, grid: Grid, *, description: str) -> Cordon:
    """Record a cordon around an open settlement of `grid` that cannot be sealed."""
    community = grid.community
    _check(by, ClosureCapability.MANAGE_CLOSURE, community)
    description = " ".join((description or "").split())
    if not description:
        raise DomainError(_("Say where the cordon is."), field="description")
    if len(description) > 200:
        raise DomainError(_("Keep it under 200 characters."), field="description")
    cordon = Cordon.objects.create(
        township_id=community.township_id,
        community=community,
        grid=grid,
        description=description,
        set_by=by,
    )
    audit.record_object(
        by, AuditAction.CREATE, cordon, changes={"grid": grid.pk, "description": description}
    )
    return cordon


@transaction.atomic
def remove_cordon(by: User, cordon: Cordon) -> Cordon:
    _check(by, ClosureCapability.MANAGE_CLOSURE, cordon.community)
    cordon = Cordon.objects.select_for_update().get(pk=cordon.pk)
    if cordon.removed_at is not None:
        raise DomainError(_("This cordon was already removed."))
    cordon.removed_at = timezone.now()
    cordon.removed_by = by
    cordon.save(update_fields=["removed_at", "removed_by"])
    audit.record_object(by, AuditAction.UPDATE, cordon, changes={"removed": [False, True]})
    return cordon
