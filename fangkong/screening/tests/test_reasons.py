"""A decision's reason in words (asserted in the English source; the catalogue makes it
"1月15日至1月21日在湖北省武汉市江汉区民族街道（高风险，自1月10日起）")."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from fangkong.policy.places import AreaFact, Place
from fangkong.policy.rules import DEFAULT_RULES, CountyRuleLevel
from fangkong.screening.classification import (
    Certificate,
    Problem,
    ProblemKind,
    StayFact,
    classify,
)
from fangkong.screening.reasons import decision_facts, decision_reason, problem_message

D = dt.date
MINZU = Place("420103", "湖北省武汉市江汉区", "民族街道")
ZENGCUN = Place("130109", "河北省石家庄市藁城区", "增村镇")
ARRIVAL = D(2024, 1, 22)


def reason(stays, areas, certificate=None, rules=DEFAULT_RULES) -> str:
    decision = classify(stays, arrival=ARRIVAL, certificate=certificate, rules=rules, areas=areas)
    return decision_reason(decision, rules=rules, certificate=certificate, language="en")


def test_an_exact_place_names_the_dates_the_place_the_level_and_since_when():
    text = reason(
        [StayFact(MINZU, D(2024, 1, 15), D(2024, 1, 21))],
        [AreaFact(MINZU, "high", D(2024, 1, 10), None)],
    )
    assert text == "1/15 to 1/21 in 湖北省武汉市江汉区民族街道 (High risk, since 1/10)"


def test_a_one_day_stay_names_the_day_once():
    text = reason(
        [StayFact(MINZU, D(2024, 1, 15), D(2024, 1, 15))],
        [AreaFact(MINZU, "medium", D(2024, 1, 10), None)],
    )
    assert text == "1/15 in 湖北省武汉市江汉区民族街道 (Medium risk, since 1/10)"


def test_the_county_rule_names_the_area_inside_the_county():
    text = reason(
        [StayFact(Place("130109", "河北省石家庄市藁城区"), D(2024, 1, 15), D(2024, 1, 21))],
        [AreaFact(ZENGCUN, "high", D(2024, 1, 3), None)],
    )
    assert text == (
        "1/15 to 1/21 in 河北省石家庄市藁城区 (High risk area 增村镇 in the county since 1/3, "
        "counted by the county rule)"
    )


def test_the_prefecture_rule_says_so():
    rules = dataclasses.replace(DEFAULT_RULES, county_rule_level=CountyRuleLevel.PREFECTURE)
    text = reason(
        [StayFact(Place("130105", "河北省石家庄市新华区"), D(2024, 1, 15), D(2024, 1, 21))],
        [AreaFact(ZENGCUN, "high", D(2024, 1, 3), None)],
        rules=rules,
    )
    assert "河北省石家庄市藁城区增村镇 in the prefecture" in text
    assert "prefecture rule" in text


def test_several_places_are_listed_in_order():
    text = reason(
        [
            StayFact(MINZU, D(2024, 1, 10), D(2024, 1, 12)),
            StayFact(Place("130109", "河北省石家庄市藁城区"), D(2024, 1, 13), D(2024, 1, 21)),
        ],
        [
            AreaFact(MINZU, "medium", D(2024, 1, 1), None),
            AreaFact(ZENGCUN, "high", D(2024, 1, 3), None),
        ],
    )
    first, second = text.split("; ")
    assert first.startswith("1/10 to 1/12 in 湖北省武汉市江汉区民族街道 (Medium risk")
    assert second.startswith("1/13 to 1/21 in 河北省石家庄市藁城区 (High risk area 增村镇")


@pytest.mark.parametrize(
    ("certificate", "expected"),
    [
        (
            Certificate(D(2024, 1, 20), True),
            "No stay in a medium- or high-risk area in the 14 days before arrival; negative "
            "test certificate of 1/20 accepted (within 7 days of arrival)",
        ),
        (
            None,
            "No stay in a medium- or high-risk area in the 14 days before arrival; no negative "
            "test certificate from the 7 days before arrival: a test is due within 24 hours at "
            "the township sampling point",
        ),
        (
            Certificate(D(2024, 1, 10), True),
            "No stay in a medium- or high-risk area in the 14 days before arrival; the test "
            "certificate of 1/10 is older than 7 days: a test is due within 24 hours at the "
            "township sampling point",
        ),
    ],
)
def test_a_low_risk_reason_says_what_the_certificate_decided(certificate, expected):
    beijing = Place("110105", "北京市朝阳区")
    assert reason([StayFact(beijing, D(2024, 1, 15), D(2024, 1, 21))], [], certificate) == expected


def test_the_facts_keep_what_the_text_was_written_from():
    decision = classify(
        [StayFact(MINZU, D(2024, 1, 15), D(2024, 1, 21))],
        arrival=ARRIVAL,
        certificate=Certificate(D(2024, 1, 20), True),
        rules=DEFAULT_RULES,
        areas=[AreaFact(MINZU, "high", D(2024, 1, 10), None, area_id=3)],
    )
    facts = decision_facts(
        decision,
        rules=DEFAULT_RULES,
        arrival=ARRIVAL,
        certificate=Certificate(D(2024, 1, 20), True),
    )
    assert facts["window"] == ["2024-01-08", "2024-01-22"]
    assert facts["stays"] == [
        {
            "start": "2024-01-15",
            "end": "2024-01-21",
            "place": "湖北省武汉市江汉区民族街道",
            "level": "high",
            "area": "湖北省武汉市江汉区民族街道",
            "area_id": 3,
            "area_since": "2024-01-10",
            "county_rule": False,
        }
    ]
    assert facts["certificate"] == {"date": "2024-01-20", "negative": True, "accepted": False}
    assert facts["rules"]["lookback_days"] == 14


def test_problems_name_the_row_a_person_sees():
    assert problem_message(Problem(ProblemKind.STAY_REVERSED, "stays", (1,))) == (
        "Place 2: the last day is before the first day."
    )
    assert "Places 1 and 3 overlap" in problem_message(
        Problem(ProblemKind.STAYS_OVERLAP, "stays", (0, 2))
    )
