"""What a reading means, from the plan's numbers (三(五)4): plausible range, fever threshold,
listed symptoms, the day's checks. Pure: no database."""

import datetime as dt
from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fangkong.health.assessment import (
    assess,
    clean_symptoms,
    missing_slots,
    reading,
    slot_at,
    symptoms_problem,
)
from fangkong.policy.rules import DEFAULT_RULES

RULES = DEFAULT_RULES


@pytest.mark.parametrize(
    ("temperature", "plausible", "fever"),
    [
        ("34.0", True, False),  # the lowest plausible reading
        ("43.0", True, True),  # the highest plausible reading
        ("33.9", False, False),
        ("43.1", False, False),
        ("36.5", True, False),
        ("37.2", True, False),  # just below the threshold
        ("37.3", True, True),  # the threshold itself is a fever (≥)
        ("39.0", True, True),
        ("98.6", False, False),  # Fahrenheit by mistake
        ("0", False, False),
        ("-37.5", False, False),
        ("37.25", True, True),  # kept to one decimal: 37.3
        ("37.24", True, False),  # 37.2
        ("36,8", True, False),  # a decimal comma
        ("abc", False, False),
        ("", False, False),
        ("NaN", False, False),
        ("Infinity", False, False),
    ],
)
def test_a_temperature_is_plausible_and_a_fever_by_the_policys_numbers(
    temperature, plausible, fever
):
    found = assess(temperature, [], RULES)

    assert found.plausible is plausible
    assert found.fever is fever
    assert found.alert is fever


def test_a_reading_is_kept_to_one_decimal_as_a_thermometer_shows_it():
    assert reading("37.25") == Decimal("37.3")
    assert reading(36.55) == Decimal("36.6")
    assert reading(" 38 ") == Decimal("38.0")
    assert reading("abc") is None


@pytest.mark.parametrize("symptom", RULES.symptoms)
def test_each_listed_symptom_raises_an_alert_without_fever(symptom):
    found = assess(Decimal("36.6"), [symptom], RULES)

    assert found.plausible and not found.fever
    assert found.listed_symptoms == (symptom,)
    assert found.alert


def test_a_free_text_symptom_is_kept_but_raises_no_alert_by_itself():
    found = assess(Decimal("36.6"), ["头痛"], RULES)

    assert found.symptoms == ("头痛",)
    assert found.listed_symptoms == ()
    assert not found.alert


def test_symptoms_are_trimmed_listed_first_and_each_kept_once():
    assert clean_symptoms(["  头痛 ", "腹泻", "咳嗽", "腹泻", "", "头痛"], RULES) == (
        "咳嗽",
        "腹泻",
        "头痛",
    )


def test_an_implausible_reading_raises_no_alert_even_with_symptoms():
    found = assess(Decimal("45.0"), ["咳嗽"], RULES)

    assert not found.plausible and not found.alert


def test_the_numbers_come_from_the_rules_passed_in():
    strict = replace(
        RULES,
        fever_threshold=Decimal("37.0"),
        temperature_min=Decimal("35.0"),
        temperature_max=Decimal("42.0"),
        symptoms=("头痛",),
    )

    assert assess("37.0", [], strict).fever
    assert not assess("37.0", [], RULES).fever
    assert not assess("34.5", [], strict).plausible
    assert not assess("42.5", [], strict).plausible
    assert assess("36.5", ["头痛"], strict).alert
    assert not assess("36.5", ["咳嗽"], strict).alert


@pytest.mark.parametrize(
    ("symptoms", "problem"),
    [
        (["咳嗽"], None),
        (["症状"] * 20, None),
        (["症状"] * 21, "too_many"),
        (["很" * 50], None),
        (["很" * 51], "too_long"),
    ],
)
def test_symptom_lists_are_bounded(symptoms, problem):
    assert symptoms_problem(symptoms) == problem


@pytest.mark.parametrize(
    ("filled", "per_day", "missing"),
    [
        (set(), 2, (1, 2)),
        ({1}, 2, (2,)),
        ({2}, 2, (1,)),  # staff entered the evening first: the morning is still missing
        ({1, 2}, 2, ()),
        ({1, 3}, 3, (2,)),
        (set(), 1, (1,)),
    ],
)
def test_the_missing_checks_of_the_day(filled, per_day, missing):
    assert missing_slots(filled, per_day) == missing


@pytest.mark.parametrize(
    ("hhmm", "per_day", "slot"),
    [
        ("00:00", 2, 1),
        ("08:00", 2, 1),
        ("11:59", 2, 1),  # the morning check until noon
        ("12:00", 2, 2),
        ("19:30", 2, 2),
        ("23:59", 2, 2),
        ("07:59", 3, 1),
        ("08:00", 3, 2),
        ("16:00", 3, 3),
        ("23:59", 1, 1),
        ("10:00", 0, 1),  # a policy without checks still gives a valid check
    ],
)
def test_without_a_chosen_check_the_time_of_day_decides_it(hhmm, per_day, slot):
    assert slot_at(dt.time.fromisoformat(hhmm), per_day) == slot


# ---- properties ------------------------------------------------------------------------------

tenths = st.integers(min_value=250, max_value=500).map(lambda n: Decimal(n) / 10)
symptom_lists = st.lists(
    st.one_of(st.sampled_from(RULES.symptoms), st.sampled_from(["头痛", "失眠", "心慌"])),
    max_size=6,
)


@given(tenths, symptom_lists)
def test_an_alert_is_raised_exactly_when_there_is_fever_or_a_listed_symptom(temperature, symptoms):
    found = assess(temperature, symptoms, RULES)

    in_range = RULES.temperature_min <= temperature <= RULES.temperature_max
    listed = any(s in RULES.symptoms for s in symptoms)
    assert found.plausible is in_range
    assert found.alert is (in_range and (temperature >= RULES.fever_threshold or listed))


@given(tenths, symptom_lists)
def test_an_implausible_reading_never_counts_as_fever_or_alert(temperature, symptoms):
    found = assess(temperature, symptoms, RULES)

    if not found.plausible:
        assert not found.fever and not found.alert


@given(st.times(), st.integers(1, 24))
def test_the_time_of_day_always_gives_one_of_the_days_checks_in_order(moment, per_day):
    slot = slot_at(moment, per_day)

    assert 1 <= slot <= per_day
    assert slot_at(dt.time(0, 0), per_day) == 1 and slot_at(dt.time(23, 59), per_day) == per_day
    if moment.hour < 23:
        assert slot_at(dt.time(moment.hour + 1, moment.minute), per_day) >= slot
