"""What a lockdown's page shows: its numbers, the register by household, today's
disinfection slots, its supply requests. A fixed number of queries, whatever its size."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count
from django.utils import timezone

from fangkong.health.models import CheckIn
from fangkong.health.monitoring import checks_per_day
from fangkong.policy.rules import PolicyRules
from fangkong.quarantine.models import OPEN_STATUSES, Case

from . import delivery, disinfection
from .models import DisinfectionTask, Lockdown, LockdownMember, SupplyRequest, SupplyStatus
from .testing import Coverage, round_coverage


@dataclass
class HouseholdRow:
    household: Any
    members: list[LockdownMember] = field(default_factory=list)
    vulnerable: bool = False
    checks_done: int = 0
    checks_missing: int = 0


@dataclass
class SlotRow:
    task: DisinfectionTask
    missed: bool
    due_now: bool


@dataclass
class RequestRow:
    request: SupplyRequest
    overdue: bool
    due_at: dt.datetime


@dataclass
class Summary:
    people: int
    households: int
    cases_open: int
    coverage: Coverage
    checks_done: int
    checks_missing: int
    register: list[HouseholdRow]
    slots: list[SlotRow]
    slots_done: int
    slots_missed: int
    #: missed on any day of the lockdown
    slots_missed_all: int
    requests: list[RequestRow]
    requests_open: int
    requests_overdue: int


def request_rows(
    requests: list[SupplyRequest], rules: PolicyRules, now: dt.datetime
) -> list[RequestRow]:
    return [
        RequestRow(
            r,
            delivery.is_overdue(r.requested_at, r.urgency, r.status, rules, now),
            delivery.due_at(r.requested_at, r.urgency, rules),
        )
        for r in requests
    ]


def summarise(lockdown: Lockdown, *, now: dt.datetime | None = None) -> Summary:
    now = now or timezone.now()
    today = timezone.localdate(now)
    rules = lockdown.policy.as_rules()
    members = list(
        lockdown.members.select_related("resident", "household", "case").prefetch_related(
            "resident__tags"
        )
    )
    by_household: dict[int, HouseholdRow] = {}
    for m in members:
        row = by_household.setdefault(m.household_id, HouseholdRow(m.household))
        row.members.append(m)
        if m.resident.tags.all():
            row.vulnerable = True
    case_ids = [m.case_id for m in members if m.case_id]
    open_cases = {
        c.pk: c
        for c in Case.objects.filter(pk__in=case_ids, status__in=OPEN_STATUSES).select_related(
            "policy"
        )
    }
    done_of = Counter(
        dict(
            CheckIn.objects.filter(case_id__in=list(open_cases), date=today)
            .values_list("case_id")
            .annotate(n=Count("pk"))
            .values_list("case_id", "n")
        )
    )
    rules_of: dict[int, PolicyRules] = {}
    for row in by_household.values():
        for m in row.members:
            case = open_cases.get(m.case_id or 0)
            if case is None:
                continue
            case_rules = rules_of.get(case.policy_id)
            if case_rules is None:
                case_rules = rules_of[case.policy_id] = case.policy.as_rules()
            per_day = checks_per_day(case_rules, case.kind)
            done = min(done_of[case.pk], per_day)
            row.checks_done += done
            row.checks_missing += per_day - done
    register = sorted(by_household.values(), key=lambda r: (not r.vulnerable, r.household.address))
    for row in register:
        row.members.sort(key=lambda m: (not m.resident.tags.all(), m.pk))
    tz = timezone.get_current_timezone()
    slots = []
    for task in DisinfectionTask.objects.filter(lockdown=lockdown, date=today).select_related(
        "done_by"
    ):
        start, end = disinfection.slot_window(task.date, task.slot, task.per_day, tz)
        missed = disinfection.is_missed(
            task.date,
            task.slot,
            task.per_day,
            done=task.done_at is not None,
            stopped=task.stopped_at is not None,
            now=now,
            tz=timezone.get_current_timezone(),
        )
        due = task.done_at is None and task.stopped_at is None and start <= now < end
        slots.append(SlotRow(task, missed, due))
    missed_total = sum(
        1
        for t in DisinfectionTask.objects.filter(lockdown=lockdown)
        .undone()
        .only("date", "slot", "per_day")
        if disinfection.is_missed(
            t.date,
            t.slot,
            t.per_day,
            done=False,
            stopped=False,
            now=now,
            tz=timezone.get_current_timezone(),
        )
    )
    requests = list(
        SupplyRequest.objects.filter(lockdown=lockdown)
        .exclude(status=SupplyStatus.CANCELLED)
        .select_related("household", "volunteer")
        .order_by("status", "requested_at")
    )
    rows = request_rows(requests, rules, now)
    grouped: defaultdict[str, int] = defaultdict(int)
    for r in rows:
        grouped["open"] += r.request.status in delivery.PENDING
        grouped["overdue"] += r.overdue
    return Summary(
        people=len(members),
        households=len(by_household),
        cases_open=len(open_cases),
        coverage=round_coverage(lockdown),
        checks_done=sum(r.checks_done for r in register),
        checks_missing=sum(r.checks_missing for r in register),
        register=register,
        slots=slots,
        slots_done=sum(1 for s in slots if s.task.done_at is not None),
        slots_missed=sum(1 for s in slots if s.missed),
        slots_missed_all=missed_total,
        requests=rows,
        requests_open=grouped["open"],
        requests_overdue=grouped["overdue"],
    )
