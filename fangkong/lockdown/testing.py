"""A lockdown's testing round, as the app that owns rounds says.

Testing rounds belong to `fangkong.masstesting`, which sits above lockdown (a round may test a
lockdown), so it is not imported here: masstesting registers its answers to the questions below
in its `panels.py` (`fangkong.core.registry.provide`), and lockdown asks them through
`answer_to`. The answers' shapes are declared here, by the asking app. A missing answer fails
loudly (`LookupError`) instead of quietly locking without a round.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from fangkong.core.models import User
from fangkong.core.registry import answer_to
from fangkong.people.models import Resident

from .models import Lockdown

#: masstesting opens the round of a new lockdown: (by, lockdown, residents) → None
OPEN_ROUND = "lockdown.open_round"
#: masstesting adds someone to the lockdown's latest round while it samples:
#: (by, lockdown, resident) → None
ADD_TO_ROUND = "lockdown.add_to_round"
#: what the lockdown's latest round knows of each person: (lockdown) → dict[resident id,
#: RoundResult] | None (None: the lockdown has no round)
ROUND_RESULTS = "lockdown.round_results"
#: the latest round's numbers: (lockdown) → Coverage (all zero without a round)
ROUND_COVERAGE = "lockdown.round_coverage"


@dataclass(frozen=True, slots=True)
class RoundResult:
    """One person in the round: sampled or not, their result ("" while none), a retest flag."""

    sampled: bool
    result: str
    retest_needed: bool


@dataclass
class Coverage:
    expected: int = 0
    sampled: int = 0
    negative: int = 0
    positive: int = 0
    pending: int = 0
    retest: int = 0


def open_round(by: User | None, lockdown: Lockdown, residents: Sequence[Resident]) -> None:
    """The testing round of everyone on a new lockdown's register (same transaction)."""
    answer_to(OPEN_ROUND)(by, lockdown, residents)


def add_to_round(by: User | None, lockdown: Lockdown, resident: Resident) -> None:
    """Someone added to the register joins the latest round while it samples (a closed round
    leaves them "not sampled": lifting then waits for a new round of the lockdown)."""
    answer_to(ADD_TO_ROUND)(by, lockdown, resident)


def round_results(lockdown: Lockdown) -> dict[int, RoundResult] | None:
    results: dict[int, RoundResult] | None = answer_to(ROUND_RESULTS)(lockdown)
    return results


def round_coverage(lockdown: Lockdown) -> Coverage:
    coverage: Coverage = answer_to(ROUND_COVERAGE)(lockdown)
    return coverage
