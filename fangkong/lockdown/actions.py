"""Every write of a lockdown: locking, the register, disinfections, supply deliveries, lifting.

Each verb is one transaction, locks the row it changes (`select_for_update`), writes an
audit entry and refuses with a `DomainError` that changes nothing. Views, the API, the demo
and tasks call these; nothing else writes a lockdown's records.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from fangkong.core import audit
from fangkong.core.errors import DomainError
from fangkong.core.models import AuditAction, Building, Unit, User
from fangkong.core.roles import Role
from fangkong.core.scoping import covers
from fangkong.lockdown.capabilities import LockdownCapability
from fangkong.people.models import Household, Relation, Resident
from fangkong.policy.versions import in_force
from fangkong.quarantine import actions as quarantine
from fangkong.quarantine.models import Case, CaseKind, CaseReason, IndexCase

from . import disinfection, lifting, testing
from .models import (
    DisinfectionTask,
    Lockdown,
    LockdownMember,
    LockdownStatus,
    RequestVia,
    SupplyKind,
    SupplyRequest,
    SupplyStatus,
    Urgency,
)

#: largest delivery photo accepted
MAX_PHOTO_BYTES = 8 * 1024 * 1024
PHOTO_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}


def default_areas() -> list[str]:
    """The public areas of a building or unit disinfected unless the leader names others."""
    return [_("Unit entrance"), _("Stairwell"), pgettext("elevator", "Lift")]


# --- who may ----------------------------------------------------------------------------------


def _require(user: User | None, capability: str, message: str) -> None:
    if user is not None and not user.can(capability):
        raise DomainError(message)


def _text(value: str, message: str, field: str = "reason") -> str:
    text = " ".join((value or "").split())
    if not text:
        raise DomainError(message, field=field)
    return text


def place_of(building: Building, unit: Unit | None) -> str:
    return f"{building}{unit.name}" if unit is not None else str(building)


# --- locking ----------------------------------------------------------------------------------


def covering(household: Household) -> Lockdown | None:
    """The active lockdown the household lives under (its unit's, or its whole building's)."""
    if household.building_id is None:
        return None
    return (
        Lockdown.objects.active()
        .filter(building_id=household.building_id)
        .filter(Q(unit__isnull=True) | Q(unit_id=household.unit_id))
        .first()
    )


def _residents_of(building: Building, unit: Unit | None) -> list[Resident]:
    qs = Resident.objects.active().filter(household__building=building)
    if unit is not None:
        qs = qs.filter(household__unit=unit)
    return list(qs.select_related("household__building").order_by("household_id", "id"))


def _isolate(
    lockdown: Lockdown, resident: Resident, by: User | None, open_cases: dict[int, Case]
) -> tuple[Case, str]:
    """The resident's isolation: a new lockdown case, started at once, or the open case they
    already have (kept, and noted on the register)."""
    existing = open_cases.get(resident.pk)
    if existing is not None:
        return existing, _("Already in quarantine: keeps case %(case)s (%(kind)s).") % {
            "case": existing.pk,
            "kind": existing.get_kind_display(),
        }
    rules = lockdown.policy.as_rules()
    case = quarantine.open_case(
        resident,
        by=by,
        measure=rules.lockdown,
        policy=lockdown.policy,
        reason=CaseReason.LOCKDOWN,
        start_date=timezone.localdate(),
        index_case=lockdown.index_case,
        kind=CaseKind.LOCKDOWN,
        note=_("Lockdown of %(place)s") % {"place": lockdown},
    )
    return quarantine.start_quarantine(case, by=by), ""


def _open_cases(resident_ids: Iterable[int]) -> dict[int, Case]:
    return {c.resident_id: c for c in Case.objects.filter(resident_id__in=resident_ids).open()}


@transaction.atomic
def lock(
    by: User | None,
    *,
    building: Building,
    unit: Unit | None = None,
    index_case: IndexCase | None = None,
    reason: str,
    areas: Sequence[str] | None = None,
) -> Lockdown:
    """Lock a building (or one of its units): in one transaction the lockdown, the register of
    everyone living there now, a started home isolation for each (kept if they already are
    in quarantine), the testing round of them all, today's disinfection slots, the audit."""
    _require(
        by,
        LockdownCapability.MANAGE_LOCKDOWNS,
        _("Only a community leader or township admin locks."),
    )
    reason = _text(reason, _("Say why the building or unit is locked."))
    # The building's row is the lock that serialises two leaders locking it at once.
    building = (
        Building.objects.select_for_update(of=("self",))
        .select_related("grid__community")
        .get(pk=building.pk)
    )
    grid = building.grid
    # Neither refusal names what it refuses: it may lie outside the user's jurisdiction.
    if by is not None and not covers(by, grid):
        raise DomainError(_("This building is outside your jurisdiction."))
    if unit is not None and unit.building_id != building.pk:
        raise DomainError(
            _("The unit chosen is not in %(building)s.") % {"building": building}, field="unit"
        )
    township_id = grid.community.township_id
    if index_case is not None and index_case.township_id != township_id:
        raise DomainError(_("The index case is of another township."), field="index_case")
    active = Lockdown.objects.active().filter(building=building).select_related("unit")
    for other in active:
        if other.unit_id is None:
            raise DomainError(_("%(building)s is already locked.") % {"building": building})
        if unit is None or other.unit_id == unit.pk:
            raise DomainError(
                _("%(place)s is already locked; lift it first or lock only another unit.")
                % {"place": place_of(building, other.unit)}
            )
    residents = _residents_of(building, unit)
    if not residents:
        raise DomainError(
            _("Nobody is registered as living in %(place)s: add the residents first.")
            % {"place": place_of(building, unit)}
        )
    policy = in_force(township_id, timezone.localdate())
    chosen_areas = [a for a in (" ".join(x.split())[:50] for x in (areas or [])) if a]
    try:
        with transaction.atomic():
            lockdown = Lockdown.objects.create(
                township_id=township_id,
                community_id=grid.community_id,
                grid=grid,
                building=building,
                unit=unit,
                index_case=index_case,
                reason=reason,
                policy=policy,
                locked_by=by,
                areas=chosen_areas or default_areas(),
            )
    except IntegrityError as exc:  # the constraints keep the last word
        raise DomainError(
            _("%(place)s is already locked.") % {"place": place_of(building, unit)}
        ) from exc
    lockdown.building = building
    open_cases = _open_cases(r.pk for r in residents)
    members = []
    for resident in residents:
        case, note = _isolate(lockdown, resident, by, open_cases)
        members.append(
            LockdownMember(
                lockdown=lockdown,
                resident=resident,
                household=resident.household,
                case=case,
                note=note,
                added_by=by,
            )
        )
    LockdownMember.objects.bulk_create(members)
    testing.open_round(by, lockdown, residents)
    ensure_schedule([lockdown], timezone.localdate())
    audit.record_object(
        by,
        AuditAction.CREATE,
        lockdown,
        changes={
            "building": str(building.pk),
            "unit": str(unit.pk) if unit else None,
            "index_case": str(index_case.pk) if index_case else None,
            "members": len(members),
            "kept_cases": sum(1 for m in members if m.note),
        },
        reason=reason,
        township=township_id,
    )
    return lockdown


@transaction.atomic
def add_member(by: User | None, lockdown: Lockdown, resident: Resident) -> LockdownMember:
    """Someone found living there after the lock: on the register, isolated, in the round."""
    _require(
        by,
        LockdownCapability.MANAGE_LOCKDOWNS,
        _("Only a community leader or township admin adds people."),
    )
    lockdown = (
        Lockdown.objects.select_for_update(of=("self",))
        .select_related("policy", "building", "unit", "index_case")
        .get(pk=lockdown.pk)
    )
    if lockdown.status != LockdownStatus.ACTIVE:
        raise DomainError(_("This lockdown was lifted; nobody can be added."))
    resident = Resident.objects.select_related("household").get(pk=resident.pk)
    household = resident.household
    if resident.merged_into_id is not None:
        raise DomainError(_("This record was merged into another; use that one."), field="resident")
    if (
        household is None
        or household.building_id != lockdown.building_id
        or (lockdown.unit_id is not None and household.unit_id != lockdown.unit_id)
    ):
        raise DomainError(
            _("%(name)s does not live in %(place)s; record their household there first.")
            % {"name": resident.name, "place": lockdown},
            field="resident",
        )
    if LockdownMember.objects.filter(lockdown=lockdown, resident=resident).exists():
        raise DomainError(
            _("%(name)s is already on the register.") % {"name": resident.name}, field="resident"
        )
    case, note = _isolate(lockdown, resident, by, _open_cases([resident.pk]))
    member = LockdownMember.objects.create(
        lockdown=lockdown,
        resident=resident,
        household=household,
        case=case,
        note=note,
        added_later=True,
        added_by=by,
    )
    # Into the round while it samples (a closed round leaves them "not sampled": lifting then
    # waits for a new round of the lockdown).
    testing.add_to_round(by, lockdown, resident)
    audit.record_object(
        by,
        AuditAction.UPDATE,
        lockdown,
        changes={"added_member": str(resident.pk), "case": str(case.pk)},
        township=lockdown.township_id,
    )
    return member


# --- lifting ----------------------------------------------------------------------------------


def member_states(lockdown: Lockdown) -> list[lifting.MemberState] | None:
    """What the lockdown's latest round knows of each person on the register (None: no
    round). Someone on the register but not in the round counts as not sampled."""
    by_resident = testing.round_results(lockdown)
    if by_resident is None:
        return None
    out = []
    for member in lockdown.members.select_related("resident").order_by("household_id", "id"):
        rm = by_resident.get(member.resident_id)
        out.append(
            lifting.MemberState(
                resident_id=member.resident_id,
                name=member.resident.name,
                sampled=rm is not None and rm.sampled,
                result=rm.result if rm is not None else "",
                retest_needed=rm.retest_needed if rm is not None else False,
            )
        )
    return out


def describe(blocker: lifting.Blocker) -> str:
    messages = {
        lifting.Block.NO_ROUND: _("The lockdown has no testing round."),
        lifting.Block.NOT_SAMPLED: _("%(name)s has not been sampled."),
        lifting.Block.RESULT_MISSING: _("The result of %(name)s is missing."),
        lifting.Block.POSITIVE: _("%(name)s tested POSITIVE."),
        lifting.Block.RETEST_PENDING: _("%(name)s needs a retest."),
    }
    return messages[blocker.code] % {"name": blocker.name}


@transaction.atomic
def lift(by: User | None, lockdown: Lockdown, *, reason: str) -> Lockdown:
    """Lift the lockdown: only when its round is complete and negative. Ends the lockdown
    isolation cases of its people and stops the disinfection slots still to come."""
    _require(
        by,
        LockdownCapability.MANAGE_LOCKDOWNS,
        _("Only a community leader or township admin lifts."),
    )
    reason = _text(reason, _("Say why the lockdown is lifted."))
    lockdown = (
        Lockdown.objects.select_for_update(of=("self",))
        .select_related("building", "unit")
        .get(pk=lockdown.pk)
    )
    if lockdown.status != LockdownStatus.ACTIVE:
        raise DomainError(_("This lockdown was already lifted."))
    blocking = lifting.blockers(member_states(lockdown))
    if blocking:
        raise DomainError(
            errors={"": [_("The lockdown cannot be lifted yet:"), *map(describe, blocking)]}
        )
    now = timezone.now()
    ended = 0
    cases = Case.objects.filter(
        pk__in=lockdown.members.values("case_id"), kind=CaseKind.LOCKDOWN
    ).open()
    for case in cases:
        quarantine.end_lockdown_isolation(
            case,
            by=by,
            reason=_("Lockdown of %(place)s lifted: %(reason)s")
            % {"place": lockdown, "reason": reason},
        )
        ended += 1
    stopped = 0
    for task in DisinfectionTask.objects.filter(lockdown=lockdown).undone():
        tz = timezone.get_current_timezone()
        if disinfection.slot_window(task.date, task.slot, task.per_day, tz)[1] > now:
            task.stopped_at = now
            task.save(update_fields=["stopped_at"])
            stopped += 1
    lockdown.status = LockdownStatus.LIFTED
    lockdown.lifted_by = by
    lockdown.lifted_at = now
    lockdown.lift_reason = reason
    lockdown.save(update_fields=["status", "lifted_by", "lifted_at", "lift_reason"])
    audit.record_object(
        by,
        AuditAction.TRANSITION,
        lockdown,
        changes={
            "status": ["active", "lifted"],
            "cases_ended": ended,
            "disinfections_stopped": stopped,
        },
        reason=reason,
        township=lockdown.township_id,
    )
    return lockdown


# --- disinfection -----------------------------------------------------------------------------


def ensure_schedule(lockdowns: Sequence[Lockdown], today: dt.date) -> int:
    """Make the disinfection slots of every day from the lock to `today` that has none yet,
    for the active `lockdowns` (with their policy loaded). Two queries at most; safe to call
    from two pages at once (a slot exists once). Returns how many slots were made."""
    active = [ld for ld in lockdowns if ld.status == LockdownStatus.ACTIVE]
    if not active:
        return 0
    have: dict[int, set[dt.date]] = {ld.pk: set() for ld in active}
    for lockdown_id, day in (
        DisinfectionTask.objects.filter(lockdown__in=active, date__lte=today)
        .values_list("lockdown_id", "date")
        .distinct()
    ):
        have[lockdown_id].add(day)
    new = []
    for ld in active:
        per_day = ld.policy.as_rules().lockdown_disinfections_per_day
        first = timezone.localtime(ld.locked_at).date()
        for day in disinfection.days_to_schedule(first, today, have[ld.pk]):
            for area, slot in disinfection.slots_for(day, ld.areas or default_areas(), per_day):
                new.append(
                    DisinfectionTask(lockdown=ld, area=area, date=day, slot=slot, per_day=per_day)
                )
    if new:
        DisinfectionTask.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


@transaction.atomic
def mark_disinfected(
    by: User | None, task: DisinfectionTask, *, note: str = ""
) -> DisinfectionTask:
    """Record one slot's disinfection as done (once)."""
    _require(
        by, LockdownCapability.VIEW_LOCKDOWNS, _("Only the community's staff record disinfections.")
    )
    task = (
        DisinfectionTask.objects.select_for_update(of=("self",))
        .select_related("lockdown")
        .get(pk=task.pk)
    )
    if task.done_at is not None:
        raise DomainError(
            _("This disinfection was already recorded at %(time)s; nothing was changed.")
            % {"time": timezone.localtime(task.done_at).strftime("%m-%d %H:%M")}
        )
    if task.stopped_at is not None:
        raise DomainError(_("The lockdown was lifted; this disinfection is no longer due."))
    now = timezone.now()
    start, _end = disinfection.slot_window(
        task.date, task.slot, task.per_day, timezone.get_current_timezone()
    )
    if now < start:
        raise DomainError(_("This disinfection is not due yet."))
    task.done_at = now
    task.done_by = by
    task.note = " ".join((note or "").split())[:200]
    task.save(update_fields=["done_at", "done_by", "note"])
    audit.record_object(
        by,
        AuditAction.UPDATE,
        task,
        changes={"done": True, "area": task.area, "date": task.date.isoformat(), "slot": task.slot},
        township=task.lockdown.township_id,
    )
    return task


# --- supply delivery --------------------------------------------------------------------------


@transaction.atomic
def request_supplies(
    by: User | None,
    *,
    household: Household,
    kind: str,
    urgency: str = Urgency.NORMAL,
    details: str = "",
    via: str = RequestVia.STAFF,
    requested_at: dt.datetime | None = None,
) -> SupplyRequest:
    """A household asks for supplies: taken on the phone by staff, or sent through its
    personal link (`by` None). Staff may give the time the call came in (`requested_at`,
    within the last day); the limits of `delivery` run from it."""
    errors: dict[str, list[str]] = {}
    if kind not in SupplyKind.values:
        errors.setdefault("kind", []).append(_("Choose food, medicine or other needs."))
    if urgency not in Urgency.values:
        errors.setdefault("urgency", []).append(_("Choose normal or urgent."))
    if via not in RequestVia.values:
        errors.setdefault("via", []).append(_("Unknown way of asking."))
    details = (details or "").strip()[:2000]
    if kind == SupplyKind.OTHER and not details:
        errors.setdefault("details", []).append(_("Say what is needed."))
    now = timezone.now()
    if requested_at is not None and not (
        now - dt.timedelta(days=1) <= requested_at <= now + dt.timedelta(minutes=5)
    ):
        errors.setdefault("requested_at", []).append(
            _("The time of the call must be within the last day.")
        )
    if errors:
        raise DomainError(errors=errors)
    if via == RequestVia.STAFF:
        _require(
            by, LockdownCapability.MANAGE_DELIVERIES, _("Only the community's staff take requests.")
        )
        if by is not None and not covers(by, household.grid):
            raise DomainError(_("This household is outside your jurisdiction."))
    request = SupplyRequest.objects.create(
        township_id=household.township_id,
        community_id=household.community_id,
        grid_id=household.grid_id,
        household=household,
        lockdown=covering(household),
        kind=kind,
        urgency=urgency,
        details=details,
        via=via,
        requested_by=by,
        requested_at=requested_at or now,
    )
    audit.record_object(
        by,
        AuditAction.CREATE,
        request,
        changes=audit.snapshot(request, ("household", "lockdown", "kind", "urgency", "via")),
        township=household.township_id,
    )
    return request


def volunteers_for(community_id: int) -> Any:
    """The active volunteers of a community (who a delivery may be assigned to)."""
    return User.objects.filter(
        role=Role.VOLUNTEER, community_id=community_id, is_active=True
    ).order_by("display_name", "username")


def _locked_request(request: SupplyRequest) -> SupplyRequest:
    return (
        SupplyRequest.objects.select_for_update(of=("self",))
        .select_related("household")
        .get(pk=request.pk)
    )


def _refuse_finished(request: SupplyRequest) -> None:
    if request.status == SupplyStatus.DELIVERED:
        when = (
            timezone.localtime(request.delivered_at).strftime("%m-%d %H:%M")
            if request.delivered_at
            else ""
        )
        raise DomainError(
            _("This request was already delivered (%(time)s); nothing was changed.")
            % {"time": when}
        )
    if request.status == SupplyStatus.CANCELLED:
        raise DomainError(_("This request was cancelled; nothing was changed."))


@transaction.atomic
def assign(by: User | None, request: SupplyRequest, *, volunteer: User) -> SupplyRequest:
    """Give the request to a volunteer of its community (or to another one)."""
    _require(
        by, LockdownCapability.MANAGE_DELIVERIES, _("Only the community's staff assign deliveries.")
    )
    request = _locked_request(request)
    _refuse_finished(request)
    if by is not None and not covers(by, request.household.grid):
        raise DomainError(_("This household is outside your jurisdiction."))
    if (
        volunteer.role != Role.VOLUNTEER
        or not volunteer.is_active
        or volunteer.community_id != request.community_id
    ):
        raise DomainError(_("Choose a volunteer of this household's community."), field="volunteer")
    before = audit.snapshot(request, ("volunteer", "status"))
    request.volunteer = volunteer
    request.assigned_by = by
    request.assigned_at = timezone.now()
    request.status = SupplyStatus.ASSIGNED
    request.save(update_fields=["volunteer", "assigned_by", "assigned_at", "status"])
    audit.record_object(
        by,
        AuditAction.UPDATE,
        request,
        changes=audit.diff(before, audit.snapshot(request, ("volunteer", "status"))),
        township=request.township_id,
    )
    return request


@transaction.atomic
def cancel(by: User | None, request: SupplyRequest, *, reason: str) -> SupplyRequest:
    """Withdraw a request nobody will deliver (the household no longer needs it, it was
    taken twice, …): staff only, with a reason, kept in the audit log. A delivered or
    cancelled request is refused and nothing changes."""
    _require(
        by, LockdownCapability.MANAGE_DELIVERIES, _("Only the community's staff cancel requests.")
    )
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Say why the request is cancelled."), field="reason")
    request = _locked_request(request)
    _refuse_finished(request)
    if by is not None and not covers(by, request.household.grid):
        raise DomainError(_("This household is outside your jurisdiction."))
    before = request.status
    request.status = SupplyStatus.CANCELLED
    request.save(update_fields=["status"])
    audit.record_object(
        by,
        AuditAction.TRANSITION,
        request,
        changes={"status": [before, SupplyStatus.CANCELLED.value]},
        reason=reason,
        township=request.township_id,
    )
    return request


def check_photo(photo: UploadedFile[bytes]) -> str:
    """The file extension of an acceptable delivery photo; DomainError otherwise."""
    from PIL import Image, UnidentifiedImageError

    if photo.size is not None and photo.size > MAX_PHOTO_BYTES:
        raise DomainError(
            _("The photo is too large (at most %(mb)d MB).") % {"mb": MAX_PHOTO_BYTES // 2**20},
            field="photo",
        )
    try:
        photo.seek(0)
        with Image.open(photo) as image:
            fmt = image.format or ""
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise DomainError(
            _("The photo is not a picture (JPEG, PNG or WebP)."), field="photo"
        ) from exc
    finally:
        photo.seek(0)
    if fmt not in PHOTO_FORMATS:
        raise DomainError(_("The photo is not a picture (JPEG, PNG or WebP)."), field="photo")
    return PHOTO_FORMATS[fmt]


def household_contact(household: Household) -> Resident | None:
    """Who the volunteer phones about a delivery: the householder when a phone is registered
    for them, else the first other current member with one."""
    members = Resident.objects.active().filter(household=household).exclude(phone_last4="")
    return min(members, key=lambda r: (r.relation != Relation.HEAD, r.pk), default=None)


@transaction.atomic
def reveal_contact_phone(by: User, request: SupplyRequest) -> str:
    """The household's phone, for the volunteer assigned to `request` and only while it is
    still to be delivered; each reveal is audited on the resident whose number it is."""
    request = _locked_request(request)
    if not by.can(LockdownCapability.DELIVER_SUPPLIES) or request.volunteer_id != by.pk:
        raise DomainError(_("This delivery is not assigned to you."))
    if request.status != SupplyStatus.ASSIGNED:
        raise DomainError(
            _("This delivery is no longer open, so the household's phone is not shown.")
        )
    contact = household_contact(request.household)
    if contact is None:
        raise DomainError(
            _("No phone number is registered for this household. Ask the community's staff.")
        )
    audit.record_object(
        by,
        AuditAction.REVEAL,
        contact,
        changes={"field": "phone"},
        reason=_("supply delivery #%(id)s") % {"id": request.pk},
    )
    return str(contact.phone)


@transaction.atomic
def mark_delivered(
    by: User,
    request: SupplyRequest,
    *,
    delivered_at: dt.datetime | None = None,
    photo: UploadedFile[bytes] | None = None,
) -> SupplyRequest:
    """The volunteer left the supplies at the door. Recorded once: a second attempt (a
    double tap, another device) is refused and changes nothing."""
    request = _locked_request(request)
    _refuse_finished(request)
    if by.can(LockdownCapability.DELIVER_SUPPLIES):
        if request.volunteer_id != by.pk:
            raise DomainError(_("This delivery is not assigned to you."))
    elif not by.can(LockdownCapability.MANAGE_DELIVERIES) or not covers(by, request.household.grid):
        raise DomainError(_("Only the assigned volunteer or the community's staff record it."))
    now = timezone.now()
    delivered_at = delivered_at or now
    if delivered_at > now + dt.timedelta(minutes=5):
        raise DomainError(_("The delivery time is in the future."), field="delivered_at")
    if delivered_at < request.requested_at:
        raise DomainError(
            _("The delivery time is before the request was made."), field="delivered_at"
        )
    if photo is not None:
        ext = check_photo(photo)
        request.photo.save(f"{secrets.token_hex(16)}.{ext}", photo, save=False)
    request.delivered_at = delivered_at
    request.delivered_by = by
    request.status = SupplyStatus.DELIVERED
    request.save(update_fields=["delivered_at", "delivered_by", "status", "photo"])
    audit.record_object(
        by,
        AuditAction.TRANSITION,
        request,
        changes={
            "status": ["assigned", "delivered"],
            "delivered_at": delivered_at.isoformat(),
            "photo": bool(photo),
        },
        township=request.township_id,
    )
    return request
