"""Which open quarantine cases a policy version would treat differently (F20).

Pure: no Django. A case keeps the measure it was opened under (kind, days, test days copied
from its version); a new version never changes it. Before a version is activated, and while
it is in force, the page lists the open cases whose measure differs from what the version
would decide for them today, so that the team can review them by hand.

What the version would decide: a returnee's case follows the measure for the level their
registration was classified at, a close contact's case the close-contact measure. A case
opened for another reason was not decided by the policy and is never listed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from .rules import Level, Measure, MeasureKind, PolicyRules

# The quarantine.CaseKind and quarantine.CaseReason values this comparison looks at.
CENTRALISED = "centralised"
HOME = "home"
RETURNEE = "returnee"
CLOSE_CONTACT = "close_contact"

#: quarantine.CaseKind values and the measure each one carries out
CASE_KIND_MEASURES = {
    CENTRALISED: MeasureKind.CENTRALISED_QUARANTINE,
    HOME: MeasureKind.HOME_QUARANTINE,
}


class Aspect(StrEnum):
    """What differs between a case and the version."""

    KIND = "kind"
    DAYS = "days"
    TEST_DAYS = "test_days"


@dataclass(frozen=True, slots=True)
class OpenCase:
    """An open case as the comparison needs it."""

    id: int
    reason: str  # quarantine.CaseReason value: "returnee", "close_contact", "other"
    kind: str  # quarantine.CaseKind value: "centralised", "home"
    days: int
    test_days: tuple[int, ...]
    #: the returnee's classified level ("high", "medium", "low"); None for others
    level: str | None = None
    start_date: dt.date | None = None
    #: shown on the page: the person's name
    name: str = ""
    #: the label of the version the case was opened under
    policy_label: str = ""

    @property
    def measure(self) -> Measure:
        return Measure(
            CASE_KIND_MEASURES.get(self.kind, MeasureKind.CENTRALISED_QUARANTINE),
            self.days,
            tuple(sorted(self.test_days)),
        )


@dataclass(frozen=True, slots=True)
class Difference:
    case: OpenCase
    #: what the version would decide for this case
    would_be: Measure
    aspects: tuple[Aspect, ...]


def measure_under(rules: PolicyRules, case: OpenCase) -> Measure | None:
    """The measure `rules` would decide for `case`; None when the policy does not decide it."""
    if case.reason == CLOSE_CONTACT:
        return rules.close_contact
    if case.reason == RETURNEE and case.level:
        try:
            return rules.measure_for(Level(case.level))
        except ValueError:
            return None
    return None


def compare(case: OpenCase, measure: Measure) -> tuple[Aspect, ...]:
    now = case.measure
    aspects: list[Aspect] = []
    if measure.kind != now.kind:
        aspects.append(Aspect.KIND)
    if measure.days != now.days:
        aspects.append(Aspect.DAYS)
    if tuple(sorted(set(measure.test_days))) != tuple(sorted(set(now.test_days))):
        aspects.append(Aspect.TEST_DAYS)
    return tuple(aspects)


def treated_differently(cases: Iterable[OpenCase], rules: PolicyRules) -> list[Difference]:
    """The cases whose measure `rules` would decide differently, in the order given."""
    out: list[Difference] = []
    for case in cases:
        measure = measure_under(rules, case)
        if measure is None:
            continue
        aspects = compare(case, measure)
        if aspects:
            out.append(Difference(case, measure, aspects))
    return out
