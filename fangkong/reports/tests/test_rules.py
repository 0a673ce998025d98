"""The rules of the daily report (`reports.rules`): pure, no database."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fangkong.reports.rules import (
    APPROVED,
    DRAFT,
    RETURNED,
    SUBMITTED,
    Received,
    apply_corrections,
    cases_in,
    completeness,
    deadline,
    differences,
    is_on_time,
    totals,
)

TZ = ZoneInfo("Asia/Shanghai")
DAY = dt.date(2026, 12, 7)


@pytest.mark.parametrize(
    ("at", "cut", "on_time"),
    [
        (dt.datetime(2026, 12, 7, 15, 59, tzinfo=TZ), "16:00", True),
        (dt.datetime(2026, 12, 7, 16, 0, tzinfo=TZ), "16:00", True),
        (dt.datetime(2026, 12, 7, 16, 0, 1, tzinfo=TZ), "16:00", False),
        (dt.datetime(2026, 12, 8, 9, 0, tzinfo=TZ), "16:00", False),
        (dt.datetime(2026, 12, 7, 9, 31, tzinfo=TZ), "09:30", False),
        # 08:30 UTC is 16:30 in Beijing: late
        (dt.datetime(2026, 12, 7, 8, 30, tzinfo=dt.UTC), "16:00", False),
        (dt.datetime(2026, 12, 7, 7, 59, tzinfo=dt.UTC), "16:00", True),
    ],
)
def test_a_report_is_on_time_up_to_the_policy_deadline_in_local_time(at, cut, on_time):
    assert is_on_time(at, DAY, cut, TZ) is on_time


def test_the_deadline_is_the_day_at_the_policy_time():
    assert deadline(DAY, "16:00", TZ) == dt.datetime(2026, 12, 7, 16, 0, tzinfo=TZ)


def test_corrections_replace_only_their_figures():
    assert apply_corrections({"a": 1, "b": 2}, {"b": 5}) == {"a": 1, "b": 5}


@pytest.mark.parametrize(
    ("figures", "cases"),
    [
        ({"q.positive": 0, "q.index": 0, "h.alerts": 9}, []),
        ({"q.positive": 1, "q.index": 0}, ["q.positive"]),
        ({"q.positive": 0, "q.index": 2}, ["q.index"]),
        ({}, []),
    ],
)
def test_only_figures_that_count_cases_stop_a_zero_report(figures, cases):
    assert cases_in(figures, ["q.positive", "q.index"]) == cases


def test_completeness_counts_on_time_late_missing_and_returned():
    found = completeness(
        [1, 2, 3, 4, 5, 6],
        [
            Received(1, SUBMITTED, True),
            Received(2, SUBMITTED, False),
            Received(3, APPROVED, True),
            Received(4, RETURNED, True),
            Received(5, DRAFT),
            Received(99, SUBMITTED, True),  # not expected (another township's): ignored
        ],
    )
    assert found.due == 6
    assert found.submitted == (1, 2, 3)
    assert found.on_time == (1, 3)
    assert found.late == (2,)
    assert found.missing == (4, 5, 6)
    assert found.returned == (4,)
    assert not found.complete


STATUSES = st.sampled_from([DRAFT, SUBMITTED, RETURNED, APPROVED])


@given(
    st.dictionaries(st.integers(1, 50), st.tuples(STATUSES, st.booleans()), max_size=30),
    st.sets(st.integers(1, 60), max_size=40),
)
def test_every_expected_community_is_either_reported_or_missing(received, expected):
    found = completeness(
        expected, [Received(cid, status, on) for cid, (status, on) in received.items()]
    )
    assert set(found.submitted) | set(found.missing) == expected
    assert not set(found.submitted) & set(found.missing)
    assert set(found.on_time) | set(found.late) == set(found.submitted)
    assert set(found.returned) <= set(found.missing)
    assert found.due == len(expected)


@given(st.lists(st.dictionaries(st.sampled_from("abc"), st.integers(0, 1000)), max_size=10))
def test_totals_add_every_report_and_differences_undo_them(reports):
    summed = totals(reports, "abc")
    assert summed == {k: sum(r.get(k, 0) for r in reports) for k in "abc"}
    assert differences(summed, summed) == dict.fromkeys("abc", 0)
    assert differences(summed, {}) == summed
