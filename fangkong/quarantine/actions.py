"""Every write to quarantine cases: atomic, audited, one function per verb.

Views, the API, screening decisions and commands call these; nothing else creates a Case or
changes its status.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from fangkong.core import audit
from fangkong.core.errors import DomainError
from fangkong.core.models import AuditAction, User
from fangkong.people.models import Resident
from fangkong.policy.models import Policy
from fangkong.policy.rules import Measure, MeasureKind

from .models import (
    Case,
    CaseEvent,
    CaseKind,
    CaseReason,
    CaseStatus,
    IndexCase,
    Room,
    TestItem,
)
from .schedule import planned_end, test_schedule

if TYPE_CHECKING:
    from fangkong.screening.models import Registration

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


def check_room_free(room: Room) -> None:
    occupied = room.cases.open().count()  # type: ignore[attr-defined]
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
    registration: Registration | None = None,
    index_case: IndexCase | None = None,
    room: Room | None = None,
    test_at_once: bool = False,
    note: str = "",
) -> Case:
    """Open a quarantine case for `resident` as `measure` says, with its test schedule.

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
    kind = _KIND_BY_MEASURE[measure.kind]
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
        registration=registration,
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
    TestItem.objects.bulk_create(
        TestItem(case=case, day=item.day, due_date=item.due)
        for item in test_schedule(start_date, measure.days, measure.test_days, at_once=test_at_once)
    )
    event(case, by, "open", reason=note, data={"policy": policy.label})
    audit.record_object(by, AuditAction.CREATE, case, changes=audit.snapshot(case, CASE_FIELDS))
    return case
