"""Every write to quarantine cases: atomic, audited, one function per verb.

Views, the API, screening decisions, the lab import and commands call these; nothing else
creates a Case or changes its status. Each step of a case writes a `CaseEvent` (who, what,
why) and an audit entry. A case's row is locked (`select_for_update`) by every verb that
changes it, so two people acting on one case at once are served one after the other, and the
second sees what the first did. Status moves only forward (`release.TRANSITIONS`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.core import audit
from fangkong.core.actions import check_assignee
from fangkong.core.errors import DomainError
from fangkong.core.models import AuditAction, Community, Township, User
from fangkong.core.roles import CoreCapability
from fangkong.people.models import Resident
from fangkong.policy.models import Policy
from fangkong.policy.rules import Measure, MeasureKind
from fangkong.policy.versions import in_force
from fangkong.quarantine.capabilities import QuarantineCapability

from . import release as rule
from . import result_effect
from .blockers import describe_all, verdict_for
from .models import (
    OPEN_STATUSES,
    Case,
    CaseEvent,
    CaseKind,
    CaseReason,
    CaseStatus,
    CounsellingNote,
    EventAction,
    IndexCase,
    IndexCaseKind,
    Room,
    ScheduledTest,
    SignOff,
    SignRole,
    Site,
    TestItemResult,
)
from .schedule import planned_end, test_schedule

CASE_FIELDS = (
    "resident",
    "kind",
    "reason",
    "status",
    "room",
    "address",
    "start_date",
    "planned_end",
    "cadre",
    "medic",
    "policy",
    "days",
    "test_days",
    "index_case",
    "registration",
)

_KIND_BY_MEASURE = {
    MeasureKind.CENTRALISED_QUARANTINE: CaseKind.CENTRALISED,
    MeasureKind.HOME_QUARANTINE: CaseKind.HOME,
}


def event(
    case: Case,
    by: User | None,
    action: str,
    *,
    to_status: str = "",
    reason: str = "",
    data: dict[str, object] | None = None,
) -> CaseEvent:
    """Record one step of the case's history (and its status move, if any)."""
    return CaseEvent.objects.create(
        case=case,
        action=action,
        from_status=case.status if to_status else "",
        to_status=to_status,
        by=by,
        reason=reason,
        data=data or {},
    )


def check_room_free(room: Room, *, exclude: Case | None = None) -> None:
    """DomainError unless `room` has a free bed. The room's row is locked first, so two people
    placing someone in its last bed at once are served one after the other."""
    room = Room.objects.select_for_update().select_related("site").get(pk=room.pk)
    cases = room.cases.open()
    if exclude is not None:
        cases = cases.exclude(pk=exclude.pk)
    occupied = cases.count()
    if occupied >= room.capacity:
        raise DomainError(
            _("Room %(room)s is full (%(n)d of %(cap)d beds taken).")
            % {"room": room, "n": occupied, "cap": room.capacity},
            field="room",
        )


@transaction.atomic
def open_case(
    resident: Resident,
    *,
    by: User | None,
    measure: Measure,
    policy: Policy,
    reason: CaseReason | str,
    start_date: dt.date,
    registration_id: int | None = None,
    index_case: IndexCase | None = None,
    room: Room | None = None,
    test_at_once: bool = False,
    note: str = "",
    kind: CaseKind | None = None,
) -> Case:
    """Open a quarantine case for `resident` as `measure` says, with its test schedule.

    `kind` overrides the kind the measure maps to (a lockdown's home isolation is a
    `CaseKind.LOCKDOWN` case under a home-quarantine measure). `registration_id` names the
    returnee registration that decided the case (screening sits above quarantine, so it is
    passed by id, not imported).

    The cadre and medical worker come from the household's 包保 assignment (changeable later);
    home quarantine happens at the household's address, centralised quarantine in `room` (may
    be given later, when the person arrives at the site).
    """
    if not measure.is_quarantine:
        raise DomainError(_("This measure is not a quarantine."))
    if resident.merged_into_id is not None:
        raise DomainError(_("This record was merged into another; use that one."))
    if Case.objects.filter(resident=resident).open().exists():
        raise DomainError(
            _("%(name)s already has an open quarantine case.") % {"name": resident.name}
        )
    kind = kind or _KIND_BY_MEASURE[measure.kind]
    if room is not None:
        if kind != CaseKind.CENTRALISED:
            raise DomainError(_("Only centralised quarantine takes a room."), field="room")
        check_room_free(room)
    household = resident.household
    if household is None:
        raise DomainError(
            _("%(name)s has no household; record where they live first.") % {"name": resident.name}
        )
    building = household.building
    address = str(room) if room is not None else household.address
    case = Case.objects.create(
        township_id=resident.township_id,
        community_id=resident.community_id,
        grid_id=resident.grid_id,
        resident=resident,
        kind=kind,
        reason=reason,
        status=CaseStatus.REGISTERED,
        registration_id=registration_id,
        index_case=index_case,
        room=room,
        address=address,
        start_date=start_date,
        planned_end=planned_end(start_date, measure.days),
        cadre=household.cadre or (building.cadre if building else None),
        medic=household.medic or (building.medic if building else None),
        policy=policy,
        days=measure.days,
        test_days=list(measure.test_days),
        created_by=by,
    )
    ScheduledTest.objects.bulk_create(
        ScheduledTest(case=case, day=item.day, due_date=item.due)
        for item in test_schedule(start_date, measure.days, measure.test_days, at_once=test_at_once)
    )
    event(case, by, EventAction.OPEN, reason=note, data={"policy": policy.label})
    audit.record_object(by, AuditAction.CREATE, case, changes=audit.snapshot(case, CASE_FIELDS))
    return case


# --- helpers ----------------------------------------------------------------------------------


def _locked(case: Case) -> Case:
    """The case's row, locked until the end of the transaction, read afresh."""
    return (
        Case.objects.select_for_update(of=("self",))
        .select_related("policy", "resident", "room__site", "grid")
        .get(pk=case.pk)
    )


def _status_label(status: str) -> str:
    return str(CaseStatus(status).label) if status in CaseStatus.values else status


def _refuse_closed(case: Case) -> None:
    if case.status not in OPEN_STATUSES:
        raise DomainError(
            _("This case is closed (%(status)s); it can no longer change.")
            % {"status": _status_label(case.status)}
        )


def _reason(text: str, message: str) -> str:
    text = " ".join((text or "").split())
    if not text:
        raise DomainError(message, field="reason")
    return text


def _move(
    case: Case,
    by: User | None,
    action: EventAction,
    to_status: CaseStatus,
    *,
    reason: str = "",
    data: dict[str, object] | None = None,
    lockdown_lifted: bool = False,
) -> None:
    """Move the (locked) case to `to_status`, with its event and audit entry.

    `lockdown_lifted`: the move ends a lockdown isolation because its lockdown was lifted
    (`release.LOCKDOWN_LIFTED_TRANSITIONS`); the audit entry says so."""
    if not rule.may_move(case.status, to_status, lockdown_lifted=lockdown_lifted):
        raise DomainError(
            _("A case cannot go from %(from)s to %(to)s.")
            % {"from": _status_label(case.status), "to": _status_label(to_status)}
        )
    from_status = case.status
    event(case, by, action, to_status=to_status, reason=reason, data=data)
    case.status = to_status
    fields = ["status"]
    if to_status in (CaseStatus.RELEASED, CaseStatus.REFERRED):
        case.closed_at = timezone.now()
        fields.append("closed_at")
    case.save(update_fields=fields)
    audit.record_object(
        by,
        AuditAction.TRANSITION,
        case,
        changes={
            "status": [from_status, to_status],
            **(data or {}),
            **({"lockdown_lifted": True} if lockdown_lifted else {}),
        },
        reason=reason,
    )


def _update(case: Case, by: User | None, before: dict[str, Any], reason: str = "") -> None:
    delta = audit.diff(before, audit.snapshot(case, CASE_FIELDS))
    if delta:
        audit.record_object(by, AuditAction.UPDATE, case, changes=delta, reason=reason)


# --- status moves -----------------------------------------------------------------------------


@transaction.atomic
def start_quarantine(
    case: Case, *, by: User | None, room: Room | None = None, reason: str = ""
) -> Case:
    """registered → in quarantine: the person is at home, or in a room of the site."""
    case = _locked(case)
    if case.status != CaseStatus.REGISTERED:
        raise DomainError(
            _("Only a registered case can be started; this one is %(status)s.")
            % {"status": _status_label(case.status)}
        )
    data: dict[str, object] = {}
    if case.kind == CaseKind.CENTRALISED:
        room = room or case.room
        if room is None:
            raise DomainError(
                _("Choose the room at the quarantine site where the person stays."), field="room"
            )
        _check_room_place(case, room)
        check_room_free(room, exclude=case)
        before = audit.snapshot(case, CASE_FIELDS)
        case.room, case.address = room, str(room)
        case.save(update_fields=["room", "address"])
        _update(case, by, before)
        data["room"] = str(room)
    elif room is not None:
        raise DomainError(_("Only centralised quarantine takes a room."), field="room")
    _move(case, by, EventAction.START, CaseStatus.IN_QUARANTINE, reason=reason, data=data)
    return case


@transaction.atomic
def request_release_review(case: Case, *, by: User | None, reason: str = "") -> Case:
    """in quarantine → release review: refused while anything but the signatures blocks."""
    case = _locked(case)
    if case.status != CaseStatus.IN_QUARANTINE:
        raise DomainError(
            _("Only a case in quarantine can be put under release review; this one is %(status)s.")
            % {"status": _status_label(case.status)}
        )
    verdict = verdict_for(case, today=timezone.localdate())
    blocking = verdict.without_signatures()
    if blocking:
        raise DomainError(
            errors={
                "": [
                    _("The case cannot go to release review yet:"),
                    *describe_all(blocking),
                ]
            }
        )
    _move(case, by, EventAction.REVIEW, CaseStatus.RELEASE_REVIEW, reason=reason)
    return case


_SIGN_CAPABILITY = {
    SignRole.CADRE: QuarantineCapability.SIGN_AS_CADRE,
    SignRole.MEDIC: QuarantineCapability.SIGN_AS_MEDIC,
}


def may_sign(user: User, role: str) -> bool:
    """Whether `user`'s role may sign as `role` at all (the case's assignment decides who
    of them does: `sign_refusal_for`)."""
    capability = _SIGN_CAPABILITY.get(role)  # type: ignore[call-overload]
    return capability is not None and user.can(capability)


def assignment_of(case: Case) -> rule.Assignment:
    return rule.Assignment(cadre=case.cadre_id, medic=case.medic_id)


def sign_refusal_for(user: User, case: Case, role: str) -> str | None:
    """Why `user` may not sign the release of `case` as `role`, as a sentence (None: they
    may, as far as who they are goes). Only the cadre and the medical worker assigned to the
    case sign (`release.sign_refusal`)."""
    if role not in SignRole.values:
        return _("Sign as the cadre or as the medical worker.")
    if not may_sign(user, role):
        return (
            _("Only a responsible cadre (包保干部) may sign as the cadre.")
            if role == SignRole.CADRE
            else _(
                "Only a responsible medical worker (包保医务人员) may sign as the medical worker."
            )
        )
    refusal = rule.sign_refusal(role, user.pk, assignment_of(case))
    if refusal == rule.SignRefusal.NOBODY_ASSIGNED:
        return (
            _(
                "No responsible cadre (包保干部) is assigned to this case, so nobody can sign as "
                "the cadre yet. A community leader assigns one first (change the responsible "
                "staff, with the reason)."
            )
            if role == SignRole.CADRE
            else _(
                "No responsible medical worker (包保医务人员) is assigned to this case, so nobody "
                "can sign as the medical worker yet. A community leader assigns one first "
                "(change the responsible staff, with the reason)."
            )
        )
    if refusal == rule.SignRefusal.NOT_ASSIGNED:
        return (
            _(
                "Only the cadre assigned to this case (包保干部: %(name)s) may sign as the cadre. "
                "If someone else must sign, a community leader first changes the responsible "
                "staff, with the reason."
            )
            % {"name": case.cadre}
            if role == SignRole.CADRE
            else _(
                "Only the medical worker assigned to this case (包保医务人员: %(name)s) may sign "
                "as the medical worker. If someone else must sign, a community leader first "
                "changes the responsible staff, with the reason."
            )
            % {"name": case.medic}
        )
    return None


@transaction.atomic
def sign(case: Case, *, by: User, role: SignRole | str) -> SignOff:
    """One of the two release signatures, by the cadre or the medical worker assigned to the
    case. One per role; never one person for both."""
    if role not in SignRole.values:
        raise DomainError(_("Sign as the cadre or as the medical worker."), field="role")
    role = SignRole(role)
    if not may_sign(by, role):
        raise DomainError(sign_refusal_for(by, case, role) or "", field="role")
    case = _locked(case)
    if case.status != CaseStatus.RELEASE_REVIEW:
        raise DomainError(
            _("Signatures are given during the release review; this case is %(status)s.")
            % {"status": _status_label(case.status)}
        )
    signoffs = list(case.signoffs.select_related("user"))
    for existing in signoffs:
        if existing.role == role:
            raise DomainError(
                _("%(role)s has already signed: %(user)s.")
                % {"role": SignRole(role).label, "user": existing.user}
            )
        if existing.user_id == by.pk:
            raise DomainError(
                _(
                    "You have already signed as %(role)s; the other signature must come from "
                    "someone else."
                )
                % {"role": SignRole(existing.role).label}
            )
    refusal = sign_refusal_for(by, case, role)
    if refusal is not None:
        raise DomainError(refusal, field="role")
    verdict = verdict_for(case, today=timezone.localdate(), signoffs=signoffs)
    blocking = verdict.without_signatures()
    if blocking:
        raise DomainError(
            errors={"": [_("The release cannot be signed yet:"), *describe_all(blocking)]}
        )
    try:
        with transaction.atomic():
            signoff = SignOff.objects.create(case=case, role=role, user=by)
    except IntegrityError as exc:  # the constraints keep the last word
        raise DomainError(
            _("Someone signed this case at the same moment; reload the page to see who.")
        ) from exc
    event(case, by, EventAction.SIGN, data={"role": str(role)})
    audit.record_object(by, AuditAction.SIGN, case, changes={"role": str(role)})
    return signoff


@transaction.atomic
def release(case: Case, *, by: User | None, reason: str = "") -> Case:
    """release review → released, only when the release rule says nothing blocks."""
    case = _locked(case)
    if case.status != CaseStatus.RELEASE_REVIEW:
        raise DomainError(
            _("Only a case under release review can be released; this one is %(status)s.")
            % {"status": _status_label(case.status)}
        )
    verdict = verdict_for(case, today=timezone.localdate())
    if not verdict.ok:
        raise DomainError(
            errors={"": [_("The case cannot be released yet:"), *describe_all(verdict.reasons)]}
        )
    _move(case, by, EventAction.RELEASE, CaseStatus.RELEASED, reason=reason)
    return case


@transaction.atomic
def refer_to_hospital(case: Case, *, by: User | None, hospital: str, reason: str) -> Case:
    """Any open status → referred: the person was taken to hospital (never by themself)."""
    hospital = " ".join((hospital or "").split())
    if not hospital:
        raise DomainError(_("Name the hospital the person was taken to."), field="hospital")
    reason = _reason(reason, _("Say why the person was referred to hospital."))
    case = _locked(case)
    _refuse_closed(case)
    case.hospital = hospital[:100]
    case.save(update_fields=["hospital"])
    _move(
        case, by, EventAction.REFER, CaseStatus.REFERRED, reason=reason, data={"hospital": hospital}
    )
    return case


@transaction.atomic
def end_lockdown_isolation(case: Case, *, by: User | None, reason: str) -> Case:
    """An open lockdown-isolation case → released, because its lockdown was lifted.

    Unlike a quarantine's release (review, then two signatures: `release`), a lockdown's home
    isolation ends by the leader's decision to lift the lockdown, taken only when its testing
    round is complete and negative (`lockdown.actions.lift` calls this in its transaction).
    The event and the audit entry name that decision."""
    reason = _reason(reason, _("Say why the isolation ends."))
    case = _locked(case)
    _refuse_closed(case)
    if case.kind != CaseKind.LOCKDOWN:
        raise DomainError(_("Only a lockdown isolation ends when its lockdown is lifted."))
    _move(case, by, EventAction.RELEASE, CaseStatus.RELEASED, reason=reason, lockdown_lifted=True)
    return case


# --- changes to an open case ------------------------------------------------------------------


def _check_room_place(case: Case, room: Room) -> None:
    if case.kind != CaseKind.CENTRALISED:
        raise DomainError(_("Only centralised quarantine takes a room."), field="room")
    if room.site.township_id != case.township_id:
        raise DomainError(
            _("The room belongs to a site of another township; choose one of this township."),
            field="room",
        )


@transaction.atomic
def assign_room(case: Case, *, by: User | None, room: Room, reason: str = "") -> Case:
    """Place a centralised case in `room` (or move it there), if a bed is free."""
    case = _locked(case)
    _refuse_closed(case)
    room = Room.objects.select_related("site").get(pk=room.pk)
    _check_room_place(case, room)
    if case.room_id == room.pk:
        return case
    check_room_free(room, exclude=case)
    before = audit.snapshot(case, CASE_FIELDS)
    old = str(case.room) if case.room_id else ""
    case.room, case.address = room, str(room)
    case.save(update_fields=["room", "address"])
    event(case, by, EventAction.ASSIGN_ROOM, reason=reason, data={"from": old, "to": str(room)})
    _update(case, by, before, reason)
    return case


def _check_responsible(kind: str, user: User | None, case: Case) -> None:
    if user is None:
        return
    check_assignee(kind, user, case.grid)
    capability = (
        QuarantineCapability.SIGN_AS_CADRE
        if kind == "cadre"
        else QuarantineCapability.SIGN_AS_MEDIC
    )
    if not user.can(capability):
        raise DomainError(
            _("The responsible cadre must be someone who may sign as the cadre.")
            if kind == "cadre"
            else _("The responsible medical worker must be someone who may sign as one."),
            field=kind,
        )


def may_reassign(user: User) -> bool:
    """Who decides which cadre and medical worker 包保 a case (and so who signs its release):
    community leaders and township admins, who hold case work and the jurisdictions."""
    return user.can(QuarantineCapability.MANAGE_CASES) and user.can(
        CoreCapability.MANAGE_JURISDICTIONS
    )


@transaction.atomic
def change_responsible(
    case: Case, *, by: User | None, cadre: User | None, medic: User | None, reason: str
) -> Case:
    """Set the cadre and medical worker responsible for the case (包保): a leader's decision,
    with its reason, in the case's history and the audit log.

    The release is signed by the people assigned: a signature already given by someone who
    is no longer assigned to that role stops counting (it is withdrawn, and the history says
    so), and the newly assigned person signs instead."""
    if by is not None and not may_reassign(by):
        raise DomainError(
            _("Only a community leader or the township changes who is responsible for a case.")
        )
    case = _locked(case)
    _refuse_closed(case)
    _check_responsible("cadre", cadre, case)
    _check_responsible("medic", medic, case)
    before = audit.snapshot(case, CASE_FIELDS)
    changes: dict[str, object] = {}
    if case.cadre_id != (cadre.pk if cadre else None):
        changes["cadre"] = [str(case.cadre) if case.cadre else "", str(cadre or "")]
    if case.medic_id != (medic.pk if medic else None):
        changes["medic"] = [str(case.medic) if case.medic else "", str(medic or "")]
    if not changes:
        return case
    reason = _reason(reason, _("Say why the responsible staff change."))
    case.cadre, case.medic = cadre, medic
    case.save(update_fields=["cadre", "medic"])
    signoffs = list(case.signoffs.select_related("user"))
    lapsed = set(
        rule.lapsed_signatures(tuple((s.role, s.user_id) for s in signoffs), assignment_of(case))
    )
    withdrawn = [s for s in signoffs if (s.role, s.user_id) in lapsed]
    if withdrawn:
        changes["withdrawn"] = [{"role": s.role, "user": str(s.user)} for s in withdrawn]
        SignOff.objects.filter(pk__in=[s.pk for s in withdrawn]).delete()
    event(case, by, EventAction.CHANGE_RESPONSIBLE, reason=reason, data=changes)
    delta = audit.diff(before, audit.snapshot(case, CASE_FIELDS))
    for signoff in withdrawn:  # "cadre_signature": ["<who signed>", ""]: withdrawn
        delta[f"{signoff.role}_signature"] = [str(signoff.user), ""]
    audit.record_object(by, AuditAction.UPDATE, case, changes=delta, reason=reason)
    return case


@transaction.atomic
def extend(case: Case, *, by: User | None, days: int, reason: str) -> Case:
    """Lengthen the quarantine by `days`. When the schedule ends with a test on the last day,
    a test is added on the new last day."""
    if days < 1:
        raise DomainError(_("Extend by at least one day."), field="days")
    reason = _reason(reason, _("Say why the quarantine is extended."))
    case = _locked(case)
    if case.status not in (CaseStatus.REGISTERED, CaseStatus.IN_QUARANTINE):
        raise DomainError(
            _(
                "Only a registered case or one in quarantine can be extended; this one is "
                "%(status)s."
            )
            % {"status": _status_label(case.status)}
        )
    before = audit.snapshot(case, CASE_FIELDS)
    ends_with_test = case.days in case.test_days
    old_end = case.planned_end
    case.days += days
    case.planned_end = planned_end(case.start_date, case.days)
    added = None
    if ends_with_test:
        case.test_days = [*case.test_days, case.days]
        added = ScheduledTest.objects.create(case=case, day=case.days, due_date=case.planned_end)
    case.save(update_fields=["days", "planned_end", "test_days"])
    event(
        case,
        by,
        EventAction.EXTEND,
        reason=reason,
        data={
            "days": days,
            "planned_end": [old_end.isoformat(), case.planned_end.isoformat()],
            "test_added": added.day if added else None,
        },
    )
    _update(case, by, before, reason)
    return case


@transaction.atomic
def add_counselling_note(case: Case, *, by: User | None, text: str) -> CounsellingNote:
    text = (text or "").strip()
    if not text:
        raise DomainError(_("Write the note."), field="text")
    case = _locked(case)
    _refuse_closed(case)
    note = CounsellingNote.objects.create(case=case, text=text, by=by)
    event(case, by, EventAction.NOTE)
    audit.record_object(
        by, AuditAction.CREATE, note, changes={"case": str(case.pk)}, township=case.township_id
    )
    return note


# --- tests ------------------------------------------------------------------------------------


def check_sample_date(case: Case, sampled_on: dt.date, today: dt.date) -> str | None:
    """Why `sampled_on` cannot be the sample date of a test of `case` (None: it can)."""
    if sampled_on > today:
        return _("The sample date %(day)s is in the future.") % {"day": sampled_on.isoformat()}
    if sampled_on < case.start_date:
        return _("The sample was taken on %(day)s, before the quarantine began (%(start)s).") % {
            "day": sampled_on.isoformat(),
            "start": case.start_date.isoformat(),
        }
    return None


@transaction.atomic
def record_test_result(
    item: ScheduledTest,
    *,
    by: User | None,
    result: TestItemResult | str,
    sampled_on: dt.date,
    lab: str = "",
) -> ScheduledTest:
    """Enter the result of one scheduled test. A positive result is flagged on the case (and
    blocks release); an invalid one schedules a retest, due at once (what a result does:
    `result_effect.effect_of`, as for the lab import)."""
    if result not in TestItemResult.values:
        raise DomainError(_("The result must be negative, positive or invalid."), field="result")
    case = _locked(item.case)
    _refuse_closed(case)
    item = ScheduledTest.objects.select_for_update().get(pk=item.pk, case=case)
    if item.result:
        raise DomainError(
            _("A result is already recorded for this test (%(result)s).")
            % {"result": item.get_result_display()}
        )
    today = timezone.localdate()
    problem = check_sample_date(case, sampled_on, today)
    if problem:
        raise DomainError(problem, field="sampled_on")
    item.result = result
    item.sampled_on = sampled_on
    item.result_at = timezone.now()
    item.recorded_by = by
    item.lab = " ".join((lab or "").split())[:100]
    item.save(update_fields=["result", "sampled_on", "result_at", "recorded_by", "lab"])
    data: dict[str, object] = {
        "test": item.pk,
        "day": item.day,
        "result": str(result),
        "sampled_on": sampled_on.isoformat(),
    }
    effect = result_effect.effect_of(str(result), case_start=case.start_date, today=today)
    for action in effect.events:
        event(case, by, EventAction(action), data=data)
    if effect.retest is not None:
        retest = ScheduledTest.objects.create(
            case=case, day=effect.retest.day, due_date=effect.retest.due, retest_of=item
        )
        event(
            case,
            by,
            EventAction(result_effect.RETEST),
            data={"test": retest.pk, "due": effect.retest.due.isoformat()},
        )
    audit.record_object(by, AuditAction.UPDATE, case, changes={"test_result": data})
    return item


# --- index cases and close contacts -----------------------------------------------------------


@transaction.atomic
def register_index_case(
    by: User | None,
    *,
    township: Township,
    name: str,
    kind: IndexCaseKind | str,
    reported_on: dt.date,
    community: Community | None = None,
    resident: Resident | None = None,
    notes: str = "",
) -> IndexCase:
    """Record a confirmed, asymptomatic or suspected case that close contacts are traced from."""
    name = " ".join((name or "").split())
    if not name:
        raise DomainError(_("Give the name or the case number."), field="name")
    if kind not in IndexCaseKind.values:
        raise DomainError(_("Choose the kind of case."), field="kind")
    if reported_on > timezone.localdate():
        raise DomainError(_("The report date cannot be in the future."), field="reported_on")
    if community is not None and community.township_id != township.pk:
        raise DomainError(_("The community is not in this township."), field="community")
    if resident is not None and resident.township_id != township.pk:
        raise DomainError(_("The person is not registered in this township."), field="resident")
    index = IndexCase.objects.create(
        township=township,
        community=community,
        resident=resident,
        name=name[:100],
        kind=kind,
        reported_on=reported_on,
        notes=(notes or "").strip(),
        created_by=by,
    )
    audit.record_object(
        by,
        AuditAction.CREATE,
        index,
        changes=audit.snapshot(
            index, ("township", "community", "resident", "name", "kind", "reported_on")
        ),
    )
    return index


@transaction.atomic
def register_close_contact(
    by: User | None,
    *,
    index_case: IndexCase,
    resident: Resident,
    start_date: dt.date | None = None,
    room: Room | None = None,
    note: str = "",
) -> Case:
    """A close contact of `index_case`: quarantined as the policy in force says for close
    contacts (centralised by default), with the first test at once."""
    start_date = start_date or timezone.localdate()
    if resident.township_id != index_case.township_id:
        raise DomainError(
            _(
                "%(name)s lives in another township; that township registers them as a close "
                "contact."
            )
            % {"name": resident.name},
            field="resident",
        )
    if index_case.resident_id is not None and index_case.resident_id == resident.pk:
        raise DomainError(
            _("This person is the index case itself, not a close contact."), field="resident"
        )
    policy = in_force(resident.township_id, start_date)
    rules = policy.as_rules()
    return open_case(
        resident,
        by=by,
        measure=rules.close_contact,
        policy=policy,
        reason=CaseReason.CLOSE_CONTACT,
        start_date=start_date,
        index_case=index_case,
        room=room,
        test_at_once=rules.close_contact_first_test_at_once,
        note=note or _("Close contact of %(index)s") % {"index": index_case},
    )


# --- sites and rooms --------------------------------------------------------------------------

SITE_FIELDS = ("township", "name", "address", "phone")
ROOM_FIELDS = ("site", "number", "capacity")


def may_manage_sites(user: User) -> bool:
    """Township admins and community leaders: they hold case work and the jurisdictions."""
    return user.can(QuarantineCapability.MANAGE_CASES) and user.can(
        CoreCapability.MANAGE_JURISDICTIONS
    )


def _site_values(name: str, address: str, phone: str) -> tuple[str, str, str]:
    name = " ".join((name or "").split())
    address = " ".join((address or "").split())
    if not name:
        raise DomainError(_("Give the name of the site."), field="name")
    if not address:
        raise DomainError(_("Give the address of the site."), field="address")
    return name[:100], address[:200], " ".join((phone or "").split())[:20]


def _unique_site_name(township_id: int, name: str, exclude: int | None = None) -> None:
    others = Site.objects.filter(township_id=township_id, name=name)
    if exclude is not None:
        others = others.exclude(pk=exclude)
    if others.exists():
        raise DomainError(
            _("The township already has a site named %(name)s.") % {"name": name}, field="name"
        )


@transaction.atomic
def create_site(
    by: User | None, *, township: Township, name: str, address: str, phone: str = ""
) -> Site:
    name, address, phone = _site_values(name, address, phone)
    _unique_site_name(township.pk, name)
    site = Site.objects.create(township=township, name=name, address=address, phone=phone)
    audit.record_object(by, AuditAction.CREATE, site, changes=audit.snapshot(site, SITE_FIELDS))
    return site


@transaction.atomic
def update_site(by: User | None, site: Site, *, name: str, address: str, phone: str = "") -> Site:
    site = Site.objects.select_for_update().get(pk=site.pk)
    name, address, phone = _site_values(name, address, phone)
    _unique_site_name(site.township_id, name, exclude=site.pk)
    before = audit.snapshot(site, SITE_FIELDS)
    renamed = name != site.name
    site.name, site.address, site.phone = name, address, phone
    site.save()
    if renamed:
        # The place of quarantine of the open cases at the site follows its name.
        for room in site.rooms.all():
            Case.objects.filter(room=room, status__in=OPEN_STATUSES).update(address=str(room))
    delta = audit.diff(before, audit.snapshot(site, SITE_FIELDS))
    if delta:
        audit.record_object(by, AuditAction.UPDATE, site, changes=delta)
    return site


def _room_values(site: Site, number: str, capacity: int, exclude: int | None = None) -> str:
    number = "".join((number or "").split())
    if not number:
        raise DomainError(_("Give the room number."), field="number")
    if capacity < 1:
        raise DomainError(_("A room has at least one bed."), field="capacity")
    others = Room.objects.filter(site=site, number=number)
    if exclude is not None:
        others = others.exclude(pk=exclude)
    if others.exists():
        raise DomainError(
            _("The site already has a room %(number)s.") % {"number": number}, field="number"
        )
    return number[:20]


@transaction.atomic
def create_room(by: User | None, *, site: Site, number: str, capacity: int) -> Room:
    number = _room_values(site, number, capacity)
    room = Room.objects.create(site=site, number=number, capacity=capacity)
    audit.record_object(
        by,
        AuditAction.CREATE,
        room,
        changes=audit.snapshot(room, ROOM_FIELDS),
        township=site.township_id,
    )
    return room


@transaction.atomic
def update_room(by: User | None, room: Room, *, number: str, capacity: int) -> Room:
    room = Room.objects.select_for_update().select_related("site").get(pk=room.pk)
    number = _room_values(room.site, number, capacity, exclude=room.pk)
    occupied = room.cases.open().count()
    if capacity < occupied:
        raise DomainError(
            _("%(n)d people stay in this room now; it needs at least that many beds.")
            % {"n": occupied},
            field="capacity",
        )
    before = audit.snapshot(room, ROOM_FIELDS)
    renamed = number != room.number
    room.number, room.capacity = number, capacity
    room.save()
    if renamed:
        # The place of quarantine shown on the open cases and their notices follows the room.
        Case.objects.filter(room=room, status__in=OPEN_STATUSES).update(address=str(room))
    delta = audit.diff(before, audit.snapshot(room, ROOM_FIELDS))
    if delta:
        audit.record_object(
            by, AuditAction.UPDATE, room, changes=delta, township=room.site.township_id
        )
    return room
