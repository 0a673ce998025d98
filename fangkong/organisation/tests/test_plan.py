"""The plan's structure and the volunteers' hours: pure rules."""

import datetime as dt
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fangkong.organisation import plan

T0 = dt.datetime(2026, 1, 20, 8, 0, tzinfo=dt.UTC)


def test_the_plan_has_seven_working_groups_with_their_duties() -> None:
    assert [g.name for g in plan.GROUPS] == [
        "综合协调组",
        "卫生医疗组",
        "后勤保障组",
        "交通管控组",
        "治安管理组",
        "环境治理组",
        "新闻宣传组",
    ]
    assert all(g.duties for g in plan.GROUPS)
    assert "驻片民警" in plan.GROUPS[4].duties
    assert len(set(plan.GROUP_KEYS)) == 7
    assert [p.title for p in plan.POSTS if p.kind == plan.LEADER] == ["书记"]
    assert not any(re.search(r"\*\*\*", g.duties) for g in plan.GROUPS)


@pytest.mark.parametrize(
    ("spans", "hours"),
    [
        ([], 0.0),
        ([plan.Span(T0, T0 + dt.timedelta(hours=2))], 2.0),
        ([plan.Span(T0, T0 + dt.timedelta(minutes=90)), plan.Span(T0, None)], 1.5),
        ([plan.Span(T0, T0 - dt.timedelta(hours=1))], 0.0),
    ],
)
def test_hours_served(spans, hours) -> None:
    assert plan.hours_served(spans) == hours


@pytest.mark.parametrize(
    ("end", "valid"),
    [
        (None, True),
        (T0 + dt.timedelta(minutes=1), True),
        (T0, False),
        (T0 - dt.timedelta(1), False),
    ],
)
def test_a_span_ends_after_it_starts(end, valid) -> None:
    assert plan.span_is_valid(plan.Span(T0, end)) is valid


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.integers(min_value=-600, max_value=6000), max_size=20))
def test_hours_are_never_negative_and_add_up(minutes) -> None:
    spans = [plan.Span(T0, T0 + dt.timedelta(minutes=m)) for m in minutes]
    assert plan.hours_served(spans) == round(sum(m for m in minutes if m > 0) / 60, 1)
    assert plan.hours_served(spans) >= 0
