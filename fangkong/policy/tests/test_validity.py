"""Whether a version's numbers make sense (`validity.problems`), and reading them from JSON.
Pure: no database."""

from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fangkong.policy.rules import DEFAULT_RULES, Measure, MeasureKind, ReleaseCriteria
from fangkong.policy.validity import RulesProblems, problems, rules_from_json

CQ = MeasureKind.CENTRALISED_QUARANTINE
HQ = MeasureKind.HOME_QUARANTINE


def keys(rules):
    return sorted({p.key for p in problems(rules)})


def test_the_plans_numbers_are_valid():
    assert problems(DEFAULT_RULES) == []


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"high": Measure(CQ, 14, (1, 7, 15))}, ["high_test_days"]),
        ({"high": Measure(CQ, 14, (0, 7))}, ["high_test_days"]),
        ({"medium": Measure(HQ, 14, (1, 1, 14))}, ["medium_test_days"]),
        ({"medium": Measure(HQ, 0, ())}, ["medium_days"]),
        ({"high": Measure(CQ, 61, (1,))}, ["high_days"]),
        ({"low": Measure(MeasureKind.CERTIFICATE_CHECK, 0, (1,))}, ["low_test_days"]),
        ({"low": Measure(MeasureKind.CERTIFICATE_CHECK, -1, ())}, ["low_days"]),
        ({"close_contact": Measure(MeasureKind.HEALTH_MONITORING, 14, ())}, ["close_contact_kind"]),
        ({"certificate_valid_days": 0}, ["certificate_valid_days"]),
        ({"test_within_hours": 0}, ["test_within_hours"]),
        ({"lookback_days": 0}, ["lookback_days"]),
        ({"lookback_days": 61}, ["lookback_days"]),
        ({"checks_per_day": 0}, ["checks_per_day"]),
        ({"alert_escalation_minutes": 0}, ["alert_escalation_minutes"]),
        ({"fever_threshold": Decimal("43.5")}, ["fever_threshold"]),
        ({"fever_threshold": Decimal("34.0")}, ["fever_threshold"]),
        (
            {"temperature_min": Decimal("38.0"), "temperature_max": Decimal("37.0")},
            ["temperature_max"],
        ),
        ({"temperature_min": Decimal("20.0")}, ["temperature_min"]),
        ({"temperature_max": Decimal("50.0")}, ["temperature_max"]),
        ({"symptoms": ()}, ["symptoms"]),
        ({"symptoms": ("发热", "发热")}, ["symptoms"]),
        ({"symptoms": ("发热", "  ")}, ["symptoms"]),
        ({"symptoms": ("很" * 21,)}, ["symptoms"]),
        ({"release": ReleaseCriteria(False, False, False, False, False)}, ["release"]),
        ({"daily_report_deadline": "24:00"}, ["daily_report_deadline"]),
        ({"daily_report_deadline": "4pm"}, ["daily_report_deadline"]),
        ({"daily_report_deadline": "9:30"}, ["daily_report_deadline"]),
        ({"urgent_report_escalation_minutes": 0}, ["urgent_report_escalation_minutes"]),
        ({"duty_shift_starts": ""}, ["duty_shift_starts"]),
        ({"duty_shift_starts": "08:00,00:00,16:00"}, ["duty_shift_starts"]),
        ({"duty_shift_starts": "08:00,08:00"}, ["duty_shift_starts"]),
        ({"duty_shift_starts": "8:00,20:00"}, ["duty_shift_starts"]),
        ({"duty_shift_starts": "08:00,08:30"}, ["duty_shift_starts"]),
        ({"duty_shift_starts": "00:00,23:30"}, ["duty_shift_starts"]),
        ({"duty_shift_starts": "24:00"}, ["duty_shift_starts"]),
    ],
)
def test_a_number_that_cannot_be_right_is_named_by_its_rule(change, expected):
    assert keys(replace(DEFAULT_RULES, **change)) == expected


@pytest.mark.parametrize(
    "change",
    [
        {"high": Measure(CQ, 21, (1, 7, 14, 21))},
        {"medium": Measure(MeasureKind.HEALTH_MONITORING, 7, ())},
        {"low": Measure(MeasureKind.HEALTH_MONITORING, 14, (1,))},
        {"fever_threshold": Decimal("43.0")},
        {"release": ReleaseCriteria(period_served=True, medic_signoff=False, cadre_signoff=False)},
        {"lookback_days": 7, "certificate_valid_days": 3, "test_within_hours": 48},
        {"daily_report_deadline": "09:30", "urgent_report_escalation_minutes": 10},
        {"daily_report_deadline": "23:59"},
        {"duty_shift_starts": "08:00,20:00"},
        {"duty_shift_starts": "07:30"},
        {"duty_shift_starts": "00:00,06:00,12:00,18:00"},
    ],
)
def test_other_sensible_numbers_are_accepted(change):
    assert problems(replace(DEFAULT_RULES, **change)) == []


def test_the_message_names_the_test_days_outside_the_period():
    [problem] = problems(replace(DEFAULT_RULES, high=Measure(CQ, 10, (1, 7, 14, 21))))

    assert problem.message % problem.params == (
        "Test days must fall inside the period of 10 days (day 1 to day 10); 14, 21 do not."
    )


@given(
    days=st.integers(1, 60),
    data=st.data(),
    kind=st.sampled_from([CQ, HQ]),
)
def test_any_test_days_inside_the_period_are_accepted(days, data, kind):
    test_days = data.draw(st.lists(st.integers(1, days), unique=True, max_size=days))
    rules = replace(DEFAULT_RULES, high=Measure(kind, days, tuple(test_days)))

    assert problems(rules) == []


@given(days=st.integers(1, 60), outside=st.integers(61, 400) | st.integers(-5, 0))
def test_a_test_day_outside_the_period_is_always_refused(days, outside):
    rules = replace(DEFAULT_RULES, medium=Measure(HQ, days, (1, outside)))

    assert "medium_test_days" in keys(rules)


# --- JSON ------------------------------------------------------------------------------------


def test_rules_left_out_of_the_json_keep_the_base_values():
    rules = rules_from_json({"high": {"days": 21, "test_days": [1, 7, 14, 21]}}, DEFAULT_RULES)

    assert rules.high == Measure(CQ, 21, (1, 7, 14, 21))
    assert rules.medium == DEFAULT_RULES.medium
    assert rules.fever_threshold == DEFAULT_RULES.fever_threshold


def test_json_of_a_version_reads_back_to_the_same_rules():
    data = replace(DEFAULT_RULES, fever_threshold=Decimal("37.5"), checks_per_day=3).to_data()

    assert rules_from_json(data, DEFAULT_RULES) == replace(
        DEFAULT_RULES, fever_threshold=Decimal("37.5"), checks_per_day=3
    )


@pytest.mark.parametrize(
    ("data", "path"),
    [
        ({"quarantine_days": 14}, ("quarantine_days",)),
        ({"high": {"kind": "jail"}}, ("high", "kind")),
        ({"high": {"days": "14"}}, ("high", "days")),
        ({"high": {"test_days": "1,7"}}, ("high", "test_days")),
        ({"high": {"test_days": [1, True]}}, ("high", "test_days")),
        ({"high": [14]}, ("high",)),
        ({"high": {"weeks": 2}}, ("high",)),
        ({"county_rule": "yes"}, ("county_rule",)),
        ({"county_rule_level": "nation"}, ("county_rule_level",)),
        ({"fever_threshold": "warm"}, ("fever_threshold",)),
        ({"fever_threshold": "NaN"}, ("fever_threshold",)),
        ({"symptoms": "发热"}, ("symptoms",)),
        ({"release": {"period_served": "yes"}}, ("release",)),
        ({"release": {"prayer": True}}, ("release",)),
        ({"checks_per_day": 2.5}, ("checks_per_day",)),
    ],
)
def test_json_of_the_wrong_shape_is_refused_naming_the_rule(data, path):
    with pytest.raises(RulesProblems) as caught:
        rules_from_json(data, DEFAULT_RULES)

    assert [p.path for p in caught.value.problems] == [path]
