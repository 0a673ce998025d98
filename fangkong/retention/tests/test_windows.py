"""The retention windows: a pure rule over the policy's numbers, tested with a table."""

import datetime as dt
from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fangkong.policy.rules import DEFAULT_RULES
from fangkong.retention.windows import RULE_OF, Kind, cutoff, days_kept, is_due

TODAY = dt.date(2026, 3, 31)


@pytest.mark.parametrize(
    ("kind", "changes", "closed_on", "due"),
    [
        # the default: 30 days after closing
        (Kind.CASE, {}, dt.date(2026, 3, 1), False),  # day 30 after: still kept
        (Kind.CASE, {}, dt.date(2026, 2, 28), True),  # day 31: purged
        (Kind.CASE, {}, None, False),  # an open case is never due
        (Kind.CASE, {}, TODAY, False),
        (Kind.REGISTRATION, {"retention_registration_days": 7}, dt.date(2026, 3, 24), False),
        (Kind.REGISTRATION, {"retention_registration_days": 7}, dt.date(2026, 3, 23), True),
        (Kind.CHECKIN, {"retention_checkin_days": 1}, dt.date(2026, 3, 30), False),
        (Kind.CHECKIN, {"retention_checkin_days": 1}, dt.date(2026, 3, 29), True),
        (Kind.ALERT, {"retention_alert_days": 90}, dt.date(2025, 12, 31), False),
        (Kind.ALERT, {"retention_alert_days": 90}, dt.date(2025, 12, 30), True),
        (Kind.GATE_ENTRY, {"retention_gate_entry_days": 14}, dt.date(2026, 3, 16), True),
        (Kind.GATE_ENTRY, {"retention_gate_entry_days": 14}, dt.date(2026, 3, 17), False),
        # each kind reads its own number
        (Kind.VISITOR, {"retention_gate_entry_days": 365}, dt.date(2026, 2, 28), True),
        (Kind.VISITOR, {"retention_visitor_days": 60}, dt.date(2026, 2, 28), False),
        (Kind.ALERT, {}, None, False),
    ],
)
def test_a_record_is_due_once_its_window_after_closing_has_passed(kind, changes, closed_on, due):
    rules = replace(DEFAULT_RULES, **changes)
    assert is_due(kind, closed_on, rules, today=TODAY) is due


def test_every_kind_has_a_policy_number_of_thirty_days_by_default():
    assert set(RULE_OF) == set(Kind)
    for kind in Kind:
        assert days_kept(kind, DEFAULT_RULES) == 30


@given(
    kind=st.sampled_from(list(Kind)),
    days=st.integers(1, 365),
    closed=st.dates(dt.date(2020, 1, 1), dt.date(2030, 1, 1)),
    today=st.dates(dt.date(2020, 1, 1), dt.date(2030, 1, 1)),
)
def test_due_exactly_when_more_than_the_window_has_passed(kind, days, closed, today):
    rules = replace(DEFAULT_RULES, **{RULE_OF[kind]: days})
    assert is_due(kind, closed, rules, today=today) is ((today - closed).days > days)
    assert cutoff(kind, rules, today=today) == today - dt.timedelta(days=days)
