"""What entering one test result does to its case. Pure; no Django.

One definition for both ways a result arrives: `actions.record_test_result` (one result,
from the form or the API) and the lab import (`lab_import.ResultWriter`, set-based, a chunk
of results in a few statements). Both write the result on the test and then:

- an event "test result recorded" for every result;
- for a positive result, an event "POSITIVE test result" as well (it blocks release);
- for an invalid result, a retest: a new test due on the day the result is entered, numbered
  with that day's quarantine day (never below 0), and an event "retest scheduled".

Day arithmetic as in `release`: the start date is quarantine day 1.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

# Test results (the values of `models.TestItemResult`).
NEGATIVE = "negative"
POSITIVE = "positive"
INVALID = "invalid"
RESULTS = (NEGATIVE, POSITIVE, INVALID)

# The case events a result writes (the values of `models.EventAction`).
TEST_RESULT = "test_result"
POSITIVE_RESULT = "positive_result"
RETEST = "retest"


@dataclass(frozen=True, slots=True)
class Retest:
    """The test scheduled again after an invalid result."""

    day: int
    due: dt.date


@dataclass(frozen=True, slots=True)
class Effect:
    """The effect of one result: the events about the result itself, in order, and the
    retest to schedule (None: none). The retest writes its own `RETEST` event once it
    exists (the event names the new test)."""

    result: str
    events: tuple[str, ...]
    retest: Retest | None


def retest_day(case_start: dt.date, due: dt.date) -> int:
    """The quarantine day of a retest due on `due` (the start date is day 1; never below 0)."""
    return max((due - case_start).days + 1, 0)


@lru_cache(maxsize=4096)
def effect_of(result: str, *, case_start: dt.date, today: dt.date) -> Effect:
    """What entering `result` on `today` does to a case that started on `case_start`.

    Cached: the lab import asks it once per row, with few distinct arguments."""
    if result not in RESULTS:
        raise ValueError(f"not a test result: {result!r}")
    events = (TEST_RESULT, POSITIVE_RESULT) if result == POSITIVE else (TEST_RESULT,)
    retest = Retest(retest_day(case_start, today), today) if result == INVALID else None
    return Effect(result, events, retest)
