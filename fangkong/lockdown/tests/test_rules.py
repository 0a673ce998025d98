"""The pure rules: lifting, delivery escalation and order, the disinfection schedule."""

from __future__ import annotations

import datetime as dt
import itertools
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fangkong.lockdown import delivery, disinfection, lifting
from fangkong.lockdown.lifting import Block, MemberState
from fangkong.policy.rules import DEFAULT_RULES

TZ = ZoneInfo("Asia/Shanghai")


def m(sampled=True, result="negative", retest=False, pk=1):
    return MemberState(pk, f"p{pk}", sampled, result, retest)


@pytest.mark.parametrize(
    ("member", "code"),
    [
        (m(), None),
        (m(sampled=False, result=""), Block.NOT_SAMPLED),
        (m(result=""), Block.RESULT_MISSING),
        (m(result="positive"), Block.POSITIVE),
        (m(result="invalid"), Block.RETEST_PENDING),
        (m(retest=True), Block.RETEST_PENDING),
        (m(result="positive", retest=True), Block.POSITIVE),
    ],
)
def test_each_member_state(member, code):
    got = lifting.blockers([member])
    assert [b.code for b in got] == ([code] if code else [])


def test_no_round_blocks_and_an_all_negative_round_lifts():
    assert [b.code for b in lifting.blockers(None)] == [Block.NO_ROUND]
    assert lifting.may_lift([m(pk=1), m(pk=2)])


states = st.builds(
    MemberState,
    resident_id=st.integers(1, 10_000),
    name=st.text(max_size=5),
    sampled=st.booleans(),
    result=st.sampled_from(["", "negative", "positive", "invalid"]),
    retest_needed=st.booleans(),
)


@given(st.lists(states, max_size=30))
def test_lifting_is_allowed_exactly_when_everyone_is_sampled_and_negative(members):
    ok = all(x.sampled and x.result == "negative" and not x.retest_needed for x in members)
    assert lifting.may_lift(members) == ok
    # one blocker per person who is not done, naming them
    blocked = [b.resident_id for b in lifting.blockers(members)]
    assert len(blocked) == sum(
        1 for x in members if not (x.sampled and x.result == "negative" and not x.retest_needed)
    )


T0 = dt.datetime(2026, 1, 20, 8, 0, tzinfo=TZ)


@pytest.mark.parametrize(
    ("urgency", "status", "hours", "overdue"),
    [
        ("normal", "open", 23.9, False),
        ("normal", "open", 24, True),
        ("normal", "assigned", 30, True),
        ("normal", "delivered", 30, False),
        ("normal", "cancelled", 30, False),
        ("urgent", "assigned", 3.9, False),
        ("urgent", "assigned", 4, True),
    ],
)
def test_escalation(urgency, status, hours, overdue):
    now = T0 + dt.timedelta(hours=hours)
    assert delivery.is_overdue(T0, urgency, status, DEFAULT_RULES, now) is overdue


@given(
    st.sampled_from(["normal", "urgent"]),
    st.integers(0, 100 * 60),
    st.integers(1, 48),
    st.integers(1, 48),
)
def test_overdue_exactly_past_the_policy_limit(urgency, minutes, normal_h, urgent_h):
    from dataclasses import replace

    rules = replace(
        DEFAULT_RULES, delivery_limit_hours=normal_h, urgent_delivery_limit_hours=urgent_h
    )
    limit = urgent_h if urgency == "urgent" else normal_h
    now = T0 + dt.timedelta(minutes=minutes)
    assert delivery.is_overdue(T0, urgency, "assigned", rules, now) == (minutes >= limit * 60)


@given(
    st.lists(
        st.tuples(st.booleans(), st.sampled_from(["normal", "urgent"]), st.integers(0, 1000)),
        max_size=20,
    )
)
def test_the_volunteer_order_vulnerable_then_urgent_then_oldest(items):
    queued = [
        delivery.Queued(v, u, T0 + dt.timedelta(minutes=mins), pk)
        for pk, (v, u, mins) in enumerate(items)
    ]
    ordered = sorted(queued, key=delivery.queue_key)
    for a, b in itertools.pairwise(ordered):
        assert (not a.vulnerable, a.urgency != "urgent", a.requested_at) <= (
            not b.vulnerable,
            b.urgency != "urgent",
            b.requested_at,
        )


@pytest.mark.parametrize(
    ("per_day", "slot", "start_h", "end_h"),
    [(2, 1, 0, 12), (2, 2, 12, 24), (3, 2, 8, 16), (1, 1, 0, 24)],
)
def test_slot_windows(per_day, slot, start_h, end_h):
    day = dt.date(2026, 1, 20)
    start, end = disinfection.slot_window(day, slot, per_day, TZ)
    midnight = dt.datetime(2026, 1, 20, tzinfo=TZ)
    assert (start, end) == (
        midnight + dt.timedelta(hours=start_h),
        midnight + dt.timedelta(hours=end_h),
    )


def test_a_slot_is_missed_only_after_its_end_and_when_still_due():
    day = dt.date(2026, 1, 20)
    noon = dt.datetime(2026, 1, 20, 12, tzinfo=TZ)
    before = noon - dt.timedelta(seconds=1)
    # noon in Beijing is 04:00 UTC: the window is taken in local time, whatever `now`'s zone
    assert disinfection.is_missed(
        day, 1, 2, done=False, stopped=False, now=noon.astimezone(dt.UTC), tz=TZ
    )
    assert not disinfection.is_missed(day, 1, 2, done=False, stopped=False, now=before, tz=TZ)
    assert not disinfection.is_missed(day, 1, 2, done=True, stopped=False, now=noon, tz=TZ)
    assert not disinfection.is_missed(day, 1, 2, done=False, stopped=True, now=noon, tz=TZ)


@given(st.integers(1, 6), st.integers(0, 10), st.sets(st.integers(0, 10)))
def test_every_day_from_the_lock_to_today_is_scheduled_once(per_day, days, have_offsets):
    first = dt.date(2026, 1, 1)
    today = first + dt.timedelta(days=days)
    have = {first + dt.timedelta(days=o) for o in have_offsets}
    todo = disinfection.days_to_schedule(first, today, have)
    assert set(todo) | {d for d in have if first <= d <= today} == {
        first + dt.timedelta(days=i) for i in range(days + 1)
    }
    assert not set(todo) & have
    slots = disinfection.slots_for(today, ["电梯", "楼道"], per_day)
    assert len(slots) == len(set(slots)) == 2 * per_day
