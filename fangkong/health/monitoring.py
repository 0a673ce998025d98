"""What the check-in pages show about a case today: each of the day's checks, done or not.

Shared by the staff quick-entry page, the case page's panel and the public report page; one
query for the check-ins of all the cases shown.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db.models import QuerySet

from fangkong.policy.rules import PolicyRules
from fangkong.quarantine.models import Case, CaseKind

from .models import CheckIn, slot_label


def checks_per_day(rules: PolicyRules, kind: str) -> int:
    """Temperature checks a day for a case of `kind`: a lockdown isolation has the policy's
    lockdown number (one check per household a day), every other case `checks_per_day`."""
    return rules.lockdown_checks_per_day if kind == CaseKind.LOCKDOWN else rules.checks_per_day


@dataclass(frozen=True, slots=True)
class SlotView:
    slot: int
    label: str
    checkin: CheckIn | None


@dataclass
class CaseToday:
    case: Case
    rules: PolicyRules
    slots: list[SlotView] = field(default_factory=list)

    @property
    def done(self) -> int:
        return sum(1 for s in self.slots if s.checkin is not None and s.slot <= self.per_day)

    @property
    def per_day(self) -> int:
        return checks_per_day(self.rules, self.case.kind)

    @property
    def missing(self) -> int:
        return max(self.per_day - self.done, 0)


def today_of(cases: Sequence[Case], checkins: QuerySet[CheckIn], today: dt.date) -> list[CaseToday]:
    """For each case (with its policy loaded), today's checks: the scheduled ones, done or
    not, then any extra reading. `checkins` is the (scoped) queryset to read them from."""
    by_case: dict[int, list[CheckIn]] = defaultdict(list)
    if cases:
        for checkin in checkins.filter(case_id__in=[c.pk for c in cases], date=today).order_by(
            "slot", "pk"
        ):
            by_case[checkin.case_id].append(checkin)
    rules_of: dict[int, PolicyRules] = {}
    out = []
    for case in cases:
        rules = rules_of.get(case.policy_id)
        if rules is None:
            rules = rules_of[case.policy_id] = case.policy.as_rules()
        per_day = checks_per_day(rules, case.kind)
        out.append(CaseToday(case, rules, slot_views(by_case[case.pk], per_day)))
    return out


def slot_views(checkins: Iterable[CheckIn], per_day: int) -> list[SlotView]:
    done = {c.slot: c for c in checkins}
    views = [SlotView(n, slot_label(n, per_day), done.get(n)) for n in range(1, per_day + 1)]
    views += [
        SlotView(n, slot_label(n, per_day), c) for n, c in sorted(done.items()) if n > per_day
    ]
    return views
