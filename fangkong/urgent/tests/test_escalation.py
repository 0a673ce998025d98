"""The escalation rule on plain data: a table, then properties (hypothesis)."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fangkong.urgent.escalation import ReportFacts, escalate_at, is_escalated, was_escalated

UTC = dt.UTC
T0 = dt.datetime(2026, 1, 20, 0, 0, tzinfo=UTC)


def m(minutes: int) -> dt.datetime:
    return T0 + dt.timedelta(minutes=minutes)


@pytest.mark.parametrize(
    ("acknowledged", "now", "escalated", "late"),
    [
        (None, 0, False, False),  # just reported
        (None, 29, False, False),  # a minute before the deadline
        (None, 30, True, True),  # the deadline itself
        (None, 300, True, True),  # long past
        (10, 300, False, False),  # acknowledged in time
        (29, 300, False, False),  # at the last minute
        (30, 300, False, True),  # at the deadline: too late
        (45, 300, False, True),  # acknowledged late
    ],
)
def test_the_table(acknowledged, now, escalated, late):
    facts = ReportFacts(escalate_at(T0, 30), m(acknowledged) if acknowledged is not None else None)
    assert is_escalated(facts, m(now)) is escalated
    assert was_escalated(facts, m(now)) is late


def test_the_delay_is_at_least_a_minute():
    with pytest.raises(ValueError, match="at least one minute"):
        escalate_at(T0, 0)


minutes = st.integers(min_value=1, max_value=24 * 60)
offsets = st.integers(min_value=0, max_value=3 * 24 * 60)


@given(minutes, offsets, offsets)
def test_time_only_makes_it_worse(delay, earlier, later):
    """Once escalated, a report stays so while nobody acknowledges it."""
    earlier, later = sorted((earlier, later))
    facts = ReportFacts(escalate_at(T0, delay))
    if is_escalated(facts, m(earlier)):
        assert is_escalated(facts, m(later))
    assert is_escalated(facts, m(later)) == (later >= delay)


@given(minutes, offsets, offsets)
def test_an_acknowledged_report_is_never_escalated_now(delay, ack, after):
    facts = ReportFacts(escalate_at(T0, delay), m(ack))
    now = m(ack + after)
    assert not is_escalated(facts, now)
    # and whether it was escalated depends only on when it was acknowledged
    assert was_escalated(facts, now) == (ack >= delay)
    assert was_escalated(facts, now) == was_escalated(facts, m(ack))


@given(minutes, offsets)
def test_escalated_now_means_escalated_at_all(delay, now):
    facts = ReportFacts(escalate_at(T0, delay))
    assert is_escalated(facts, m(now)) == was_escalated(facts, m(now))


@given(minutes, minutes, offsets)
def test_a_longer_delay_never_escalates_sooner(short, long, now):
    short, long = sorted((short, long))
    if is_escalated(ReportFacts(escalate_at(T0, long)), m(now)):
        assert is_escalated(ReportFacts(escalate_at(T0, short)), m(now))
