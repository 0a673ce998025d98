"""The coverage rule (disinfection/coverage.py): table-driven, and hypothesis."""

import datetime as dt
from dataclasses import dataclass

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fangkong.disinfection import coverage
from fangkong.policy.rules import DEFAULT_RULES

TODAY = dt.date(2026, 1, 20)
YESTERDAY = TODAY - dt.timedelta(days=1)


@dataclass(frozen=True)
class Rules:
    disinfections_per_day: int = 1
    key_area_disinfections_per_day: int = 2
    busy_spot_disinfections_per_day: int = 4


R = Rules()


@pytest.mark.parametrize(
    ("category", "day", "entries", "expected"),
    [
        (coverage.ORDINARY, TODAY, 0, coverage.DUE),
        (coverage.ORDINARY, TODAY, 1, coverage.COVERED),
        (coverage.ORDINARY, YESTERDAY, 0, coverage.MISSED),
        (coverage.ORDINARY, YESTERDAY, 1, coverage.COVERED),
        (coverage.KEY, TODAY, 1, coverage.DUE),
        (coverage.KEY, YESTERDAY, 1, coverage.MISSED),
        (coverage.KEY, YESTERDAY, 2, coverage.COVERED),
        (coverage.BUSY, YESTERDAY, 3, coverage.MISSED),
        (coverage.BUSY, TODAY, 5, coverage.COVERED),
    ],
)
def test_status(category, day, entries, expected):
    assert coverage.status(category, R, day, [day] * entries, TODAY) == expected


def test_entries_of_another_day_do_not_count():
    assert coverage.status(coverage.ORDINARY, R, YESTERDAY, [TODAY, TODAY], TODAY) == "missed"


def test_the_plans_defaults():
    assert [coverage.times_per_day(c, DEFAULT_RULES) for c in coverage.CATEGORIES] == [1, 2, 4]


def test_every_kind_has_a_category():
    assert set(coverage.DEFAULT_CATEGORY.values()) <= set(coverage.CATEGORIES)
    with pytest.raises(ValueError):
        coverage.times_per_day("weekly", R)


@given(
    st.sampled_from(coverage.CATEGORIES),
    st.integers(0, 30),
    st.integers(-3, 3),
    st.integers(1, 12),
)
def test_covered_exactly_with_enough_entries_and_missed_only_once_the_day_is_over(
    category, entries, offset, per_day
):
    rules = Rules(per_day, per_day + 1, per_day + 2)
    day = TODAY + dt.timedelta(days=offset)
    found = coverage.status(category, rules, day, [day] * entries, TODAY)
    enough = entries >= coverage.times_per_day(category, rules)
    assert (found == coverage.COVERED) == enough
    if not enough:
        assert found == (coverage.MISSED if day < TODAY else coverage.DUE)
    assert coverage.still_to_do(category, rules, day, [day] * entries) == max(
        coverage.times_per_day(category, rules) - entries, 0
    )
