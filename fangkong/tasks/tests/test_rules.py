"""The recurrence of duties and the life of a task: pure rules."""

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fangkong.tasks import flow, recurrence
from fangkong.tasks.recurrence import Rule

MON = dt.date(2026, 1, 19)


@pytest.mark.parametrize(
    ("rule", "day", "due"),
    [
        (Rule("daily", MON), MON, True),
        (Rule("daily", MON), MON - dt.timedelta(days=1), False),
        (Rule("daily", MON, MON + dt.timedelta(days=2)), MON + dt.timedelta(days=3), False),
        (Rule("weekly", MON, weekday=0), MON + dt.timedelta(days=7), True),
        (Rule("weekly", MON, weekday=0), MON + dt.timedelta(days=8), False),
        (Rule("monthly", MON, month_day=31), dt.date(2026, 2, 28), True),
        (Rule("monthly", MON, month_day=31), dt.date(2026, 3, 30), False),
        (Rule("monthly", MON, month_day=31), dt.date(2026, 3, 31), True),
        (Rule("monthly", MON, month_day=20), dt.date(2026, 1, 20), True),
    ],
)
def test_is_due(rule, day, due) -> None:
    assert recurrence.is_due(rule, day) is due


@pytest.mark.parametrize(
    "kwargs",
    [
        {"frequency": "yearly"},
        {"frequency": "weekly"},
        {"frequency": "weekly", "weekday": 7},
        {"frequency": "monthly", "month_day": 0},
        {"frequency": "daily", "ends_on": MON - dt.timedelta(days=1)},
    ],
)
def test_a_bad_rule_is_refused(kwargs) -> None:
    with pytest.raises(ValueError):
        Rule(starts_on=MON, **kwargs)


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(min_value=0, max_value=6), st.integers(min_value=1, max_value=400))
def test_a_weekly_rule_is_due_once_in_every_seven_days(weekday, offset) -> None:
    rule = Rule("weekly", MON, weekday=weekday)
    start = MON + dt.timedelta(days=offset)
    days = list(recurrence.occurrences(rule, start, start + dt.timedelta(days=6)))
    assert len(days) == 1 and days[0].weekday() == weekday


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(min_value=1, max_value=31), st.integers(min_value=2026, max_value=2030))
def test_a_monthly_rule_is_due_once_a_month(month_day, year) -> None:
    rule = Rule("monthly", dt.date(year, 1, 1), month_day=month_day)
    for month in range(1, 13):
        start = dt.date(year, month, 1)
        end = (start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
        assert len(list(recurrence.occurrences(rule, start, end))) == 1


@pytest.mark.parametrize(
    ("current", "to", "ok"),
    [
        ("open", "in_progress", True),
        ("open", "done", True),
        ("in_progress", "open", True),
        ("in_progress", "cancelled", True),
        ("done", "open", False),
        ("done", "cancelled", False),
        ("cancelled", "open", False),
        ("open", "open", False),
    ],
)
def test_moves(current, to, ok) -> None:
    assert flow.may_move(current, to) is ok


@pytest.mark.parametrize(
    ("status", "due", "overdue"),
    [
        ("open", MON - dt.timedelta(days=1), True),
        ("in_progress", MON - dt.timedelta(days=1), True),
        ("open", MON, False),
        ("done", MON - dt.timedelta(days=3), False),
        ("cancelled", MON - dt.timedelta(days=3), False),
    ],
)
def test_overdue(status, due, overdue) -> None:
    assert flow.is_overdue(status, due, MON) is overdue
