"""Classification of returnees, written from the plan (三(二)) and DESIGN.md §2. No database.

The default policy: look back 14 days; 高 → 14 days centralised, tests on days 1, 7, 14;
中 → 14 days at home, tests on days 1 and 14; 低 → a negative certificate dated within 7 days
before arrival, else a test within 24 hours; the county rule on, at county level.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fangkong.policy.places import AreaFact, Place
from fangkong.policy.rules import (
    DEFAULT_RULES,
    CountyRuleLevel,
    Level,
    Measure,
    MeasureKind,
    PolicyRules,
    highest,
)
from fangkong.screening.classification import (
    Certificate,
    Classifier,
    Decision,
    DecisionMeasure,
    ProblemKind,
    StayFact,
    check_travel,
    classify,
)

D = dt.date

# Places (codes from GB/T 2260).
MINZU = Place("420103", "湖北省武汉市江汉区", "民族街道")
HUAQIAO = Place("420103", "湖北省武汉市江汉区", "花桥街道")
JIANGHAN = Place("420103", "湖北省武汉市江汉区")
JIANGAN = Place("420102", "湖北省武汉市江岸区")
WUHAN = Place("4201", "湖北省武汉市")
HUBEI = Place("42", "湖北省")
ZENGCUN = Place("130109", "河北省石家庄市藁城区", "增村镇")
GAOCHENG = Place("130109", "河北省石家庄市藁城区")
XINHUA = Place("130105", "河北省石家庄市新华区")
BEIJING_CHAOYANG = Place("110105", "北京市朝阳区")


ARRIVAL = D(2024, 1, 22)


def area(place: Place, level: str, start: dt.date, end: dt.date | None = None) -> AreaFact:
    return AreaFact(place, level, start, end)


def stay(place: Place, start: dt.date, end: dt.date) -> StayFact:
    return StayFact(place, start, end)


def run(
    stays: list[StayFact],
    areas: list[AreaFact],
    *,
    arrival: dt.date = ARRIVAL,
    certificate: Certificate | None = None,
    rules: PolicyRules = DEFAULT_RULES,
) -> Decision:
    return classify(stays, arrival=arrival, certificate=certificate, rules=rules, areas=areas)


NO_COUNTY_RULE = dataclasses.replace(DEFAULT_RULES, county_rule=False)
PREFECTURE_RULE = dataclasses.replace(DEFAULT_RULES, county_rule_level=CountyRuleLevel.PREFECTURE)

CASES = [
    # (name, stays, areas, rules, expected level, county rule used)
    (
        "exact place that is a high-risk area",
        [stay(MINZU, D(2024, 1, 15), D(2024, 1, 21))],
        [area(MINZU, "high", D(2024, 1, 10))],
        DEFAULT_RULES,
        Level.HIGH,
        False,
    ),
    (
        "exact place that is a medium-risk area",
        [stay(MINZU, D(2024, 1, 15), D(2024, 1, 21))],
        [area(MINZU, "medium", D(2024, 1, 10))],
        DEFAULT_RULES,
        Level.MEDIUM,
        False,
    ),
    (
        "another street of the same county does not count for an exact stay",
        [stay(HUAQIAO, D(2024, 1, 15), D(2024, 1, 21))],
        [area(MINZU, "high", D(2024, 1, 10))],
        DEFAULT_RULES,
        Level.LOW,
        False,
    ),
    (
        "county rule: a stay known only to its county counts as the area inside it",
        [stay(GAOCHENG, D(2024, 1, 15), D(2024, 1, 21))],
        [area(ZENGCUN, "high", D(2024, 1, 10))],
        DEFAULT_RULES,
        Level.HIGH,
        True,
    ),
    (
        "county rule: the highest level of the areas in the county",
        [stay(JIANGHAN, D(2024, 1, 15), D(2024, 1, 21))],
        [area(HUAQIAO, "medium", D(2024, 1, 1)), area(MINZU, "high", D(2024, 1, 12))],
        DEFAULT_RULES,
        Level.HIGH,
        True,
    ),
    (
        "county rule off: an imprecise stay counts only areas that contain it",
        [stay(GAOCHENG, D(2024, 1, 15), D(2024, 1, 21))],
        [area(ZENGCUN, "high", D(2024, 1, 10))],
        NO_COUNTY_RULE,
        Level.LOW,
        False,
    ),
    (
        "county rule off: a whole-county area still contains the stay",
        [stay(GAOCHENG, D(2024, 1, 15), D(2024, 1, 21))],
        [area(GAOCHENG, "medium", D(2024, 1, 10))],
        NO_COUNTY_RULE,
        Level.MEDIUM,
        False,
    ),
    (
        "a whole-county area contains an exact place in it",
        [stay(MINZU, D(2024, 1, 15), D(2024, 1, 21))],
        [area(JIANGHAN, "medium", D(2024, 1, 10))],
        DEFAULT_RULES,
        Level.MEDIUM,
        False,
    ),
    (
        "a whole-prefecture or province area contains everything in it",
        [stay(HUAQIAO, D(2024, 1, 15), D(2024, 1, 21))],
        [area(WUHAN, "medium", D(2024, 1, 10)), area(HUBEI, "high", D(2024, 1, 20))],
        DEFAULT_RULES,
        Level.HIGH,
        False,
    ),
    (
        "a risk that began after the stay does not count",
        [stay(MINZU, D(2024, 1, 5), D(2024, 1, 9))],
        [area(MINZU, "high", D(2024, 1, 10))],
        DEFAULT_RULES,
        Level.LOW,
        False,
    ),
    (
        "a risk that began on the last day of the stay counts",
        [stay(MINZU, D(2024, 1, 5), D(2024, 1, 10))],
        [area(MINZU, "high", D(2024, 1, 10))],
        DEFAULT_RULES,
        Level.HIGH,
        False,
    ),
    (
        "a risk that ended before the stay does not count",
        [stay(MINZU, D(2024, 1, 15), D(2024, 1, 21))],
        [area(MINZU, "high", D(2024, 1, 1), D(2024, 1, 14))],
        DEFAULT_RULES,
        Level.LOW,
        False,
    ),
    (
        "a stay wholly before the 14-day window does not count",
        # arrival 1/22: the window is 1/8 .. 1/22
        [stay(MINZU, D(2024, 1, 1), D(2024, 1, 7))],
        [area(MINZU, "high", D(2023, 12, 1))],
        DEFAULT_RULES,
        Level.LOW,
        False,
    ),
    (
        "a one-day stay on the day before the window does not count",
        [stay(MINZU, D(2024, 1, 7), D(2024, 1, 7))],
        [area(MINZU, "high", D(2024, 1, 7), D(2024, 1, 7))],
        DEFAULT_RULES,
        Level.LOW,
        False,
    ),
    (
        "a stay ending on the first day of the window counts",
        [stay(MINZU, D(2024, 1, 1), D(2024, 1, 8))],
        [area(MINZU, "high", D(2023, 12, 1))],
        DEFAULT_RULES,
        Level.HIGH,
        False,
    ),
    (
        "only the part of a stay inside the window counts",
        # at risk 1/1..1/7 only, the stay 1/1..1/15 reaches into the window from 1/8
        [stay(MINZU, D(2024, 1, 1), D(2024, 1, 15))],
        [area(MINZU, "high", D(2024, 1, 1), D(2024, 1, 7))],
        DEFAULT_RULES,
        Level.LOW,
        False,
    ),
    (
        "several places: the highest level wins",
        [
            stay(MINZU, D(2024, 1, 10), D(2024, 1, 14)),
            stay(BEIJING_CHAOYANG, D(2024, 1, 15), D(2024, 1, 18)),
            stay(GAOCHENG, D(2024, 1, 19), D(2024, 1, 21)),
        ],
        [area(MINZU, "medium", D(2024, 1, 1)), area(ZENGCUN, "high", D(2024, 1, 1))],
        DEFAULT_RULES,
        Level.HIGH,
        True,
    ),
    (
        "county rule at county level: another county of the prefecture does not count",
        [stay(XINHUA, D(2024, 1, 15), D(2024, 1, 21))],
        [area(ZENGCUN, "high", D(2024, 1, 10))],
        DEFAULT_RULES,
        Level.LOW,
        False,
    ),
    (
        "county rule at prefecture level: the whole prefecture counts",
        [stay(XINHUA, D(2024, 1, 15), D(2024, 1, 21))],
        [area(ZENGCUN, "high", D(2024, 1, 10))],
        PREFECTURE_RULE,
        Level.HIGH,
        True,
    ),
    (
        "county rule at prefecture level leaves exact places exact",
        [stay(HUAQIAO, D(2024, 1, 15), D(2024, 1, 21))],
        [area(MINZU, "high", D(2024, 1, 10))],
        PREFECTURE_RULE,
        Level.LOW,
        False,
    ),
    (
        "a place known only to its prefecture takes the areas inside it",
        [stay(WUHAN, D(2024, 1, 15), D(2024, 1, 21))],
        [area(MINZU, "medium", D(2024, 1, 10))],
        DEFAULT_RULES,
        Level.MEDIUM,
        True,
    ),
    (
        "names below the county compare without spaces or full-width brackets",
        [
            stay(
                Place("420103", "湖北省武汉市江汉区", "唐家墩 （一期）"),
                D(2024, 1, 15),
                D(2024, 1, 21),
            )
        ],
        [area(Place("420103", "湖北省武汉市江汉区", "唐家墩(一期)"), "high", D(2024, 1, 10))],
        DEFAULT_RULES,
        Level.HIGH,
        False,
    ),
    (
        "the policy's look-back window decides what counts",
        [stay(MINZU, D(2024, 1, 10), D(2024, 1, 12))],
        [area(MINZU, "high", D(2024, 1, 1))],
        dataclasses.replace(DEFAULT_RULES, lookback_days=7),
        Level.LOW,
        False,
    ),
]


@pytest.mark.parametrize(
    ("stays", "areas", "rules", "level", "county_rule"),
    [pytest.param(*c[1:], id=c[0]) for c in CASES],
)
def test_classification_follows_the_plan(stays, areas, rules, level, county_rule):
    decision = run(stays, areas, rules=rules)
    assert decision.level is level
    assert any(r.county_rule for r in decision.reasons) is county_rule
    assert all(r.level.rank <= level.rank for r in decision.reasons)
    if level is not Level.LOW:
        assert any(r.level is level for r in decision.reasons)
    else:
        assert decision.reasons == ()


@pytest.mark.parametrize(
    ("level", "measure", "days", "test_days"),
    [
        ("high", DecisionMeasure.CENTRALISED_QUARANTINE, 14, (1, 7, 14)),
        ("medium", DecisionMeasure.HOME_QUARANTINE, 14, (1, 14)),
    ],
)
def test_the_measure_days_and_tests_come_from_the_level(level, measure, days, test_days):
    decision = run(
        [stay(MINZU, D(2024, 1, 15), D(2024, 1, 21))], [area(MINZU, level, D(2024, 1, 1))]
    )
    assert (decision.measure, decision.days, decision.test_days) == (measure, days, test_days)
    assert decision.is_quarantine


def test_the_numbers_come_from_the_policy_never_from_the_code():
    rules = dataclasses.replace(
        DEFAULT_RULES,
        high=Measure(MeasureKind.CENTRALISED_QUARANTINE, 21, (1, 7, 14, 21)),
        medium=Measure(MeasureKind.HEALTH_MONITORING, 7, ()),
    )
    high = run(
        [stay(MINZU, D(2024, 1, 15), D(2024, 1, 21))],
        [area(MINZU, "high", D(2024, 1, 1))],
        rules=rules,
    )
    assert (high.days, high.test_days) == (21, (1, 7, 14, 21))
    medium = run(
        [stay(MINZU, D(2024, 1, 15), D(2024, 1, 21))],
        [area(MINZU, "medium", D(2024, 1, 1))],
        rules=rules,
    )
    assert medium.measure is DecisionMeasure.HEALTH_MONITORING
    assert not medium.is_quarantine


@pytest.mark.parametrize(
    ("certificate", "measure"),
    [
        pytest.param(None, DecisionMeasure.TEST_WITHIN_24H, id="no certificate"),
        pytest.param(
            Certificate(ARRIVAL, True), DecisionMeasure.CERTIFICATE_ACCEPTED, id="same day"
        ),
        pytest.param(
            Certificate(ARRIVAL - dt.timedelta(days=7), True),
            DecisionMeasure.CERTIFICATE_ACCEPTED,
            id="7 days before arrival is accepted",
        ),
        pytest.param(
            Certificate(ARRIVAL - dt.timedelta(days=8), True),
            DecisionMeasure.TEST_WITHIN_24H,
            id="8 days before arrival is not",
        ),
        pytest.param(
            Certificate(ARRIVAL - dt.timedelta(days=1), False),
            DecisionMeasure.TEST_WITHIN_24H,
            id="a positive certificate is never accepted",
        ),
        pytest.param(
            Certificate(ARRIVAL + dt.timedelta(days=1), True),
            DecisionMeasure.TEST_WITHIN_24H,
            id="dated after arrival",
        ),
    ],
)
def test_a_low_risk_arrival_needs_a_recent_negative_certificate_or_a_test(certificate, measure):
    decision = run(
        [stay(BEIJING_CHAOYANG, D(2024, 1, 15), D(2024, 1, 21))], [], certificate=certificate
    )
    assert decision.level is Level.LOW
    assert decision.measure is measure
    assert (decision.days, decision.test_days, decision.reasons) == (0, (), ())


def test_the_certificate_window_is_policy():
    rules = dataclasses.replace(DEFAULT_RULES, certificate_valid_days=3)
    cert = Certificate(ARRIVAL - dt.timedelta(days=4), True)
    decision = run(
        [stay(BEIJING_CHAOYANG, D(2024, 1, 15), D(2024, 1, 21))], [], certificate=cert, rules=rules
    )
    assert decision.measure is DecisionMeasure.TEST_WITHIN_24H


def test_a_certificate_does_not_spare_a_quarantine():
    decision = run(
        [stay(MINZU, D(2024, 1, 15), D(2024, 1, 21))],
        [area(MINZU, "high", D(2024, 1, 1))],
        certificate=Certificate(ARRIVAL, True),
    )
    assert decision.measure is DecisionMeasure.CENTRALISED_QUARANTINE


def test_the_reason_names_the_stay_the_area_and_when_it_became_one():
    decision = run(
        [
            stay(BEIJING_CHAOYANG, D(2024, 1, 10), D(2024, 1, 14)),
            stay(MINZU, D(2024, 1, 15), D(2024, 1, 21)),
        ],
        [area(MINZU, "high", D(2024, 1, 10))],
    )
    (fact,) = decision.reasons
    assert (fact.start, fact.end) == (D(2024, 1, 15), D(2024, 1, 21))
    assert fact.place_name == "湖北省武汉市江汉区民族街道"
    assert fact.area_name == "湖北省武汉市江汉区民族街道"
    assert fact.area_since == D(2024, 1, 10)
    assert fact.level is Level.HIGH
    assert fact.county_rule is False


def test_the_county_rule_reason_names_the_area_inside_the_county():
    decision = run(
        [stay(GAOCHENG, D(2024, 1, 15), D(2024, 1, 21))],
        [AreaFact(ZENGCUN, "high", D(2024, 1, 3), None, area_id=7)],
    )
    (fact,) = decision.reasons
    assert (fact.place_name, fact.area_name, fact.area_id) == (
        "河北省石家庄市藁城区",
        "河北省石家庄市藁城区增村镇",
        7,
    )
    assert fact.county_rule is True


def test_a_place_that_contains_the_stay_is_preferred_to_the_county_rule_at_the_same_level():
    decision = run(
        [stay(GAOCHENG, D(2024, 1, 15), D(2024, 1, 21))],
        [area(ZENGCUN, "medium", D(2024, 1, 1)), area(GAOCHENG, "medium", D(2024, 1, 5))],
    )
    (fact,) = decision.reasons
    assert fact.county_rule is False and fact.area_name == "河北省石家庄市藁城区"


def test_one_classifier_classifies_a_batch_the_same_as_one_by_one():
    areas = [area(MINZU, "high", D(2024, 1, 10)), area(ZENGCUN, "medium", D(2024, 1, 1))]
    regs = [
        ([stay(MINZU, D(2024, 1, 15), D(2024, 1, 21))], ARRIVAL, None),
        ([stay(GAOCHENG, D(2024, 1, 15), D(2024, 1, 21))], ARRIVAL, None),
        (
            [stay(BEIJING_CHAOYANG, D(2024, 1, 15), D(2024, 1, 21))],
            ARRIVAL,
            Certificate(ARRIVAL, True),
        ),
    ]
    batch = list(Classifier(DEFAULT_RULES, areas).classify_many(regs))
    single = [run(s, areas, arrival=a, certificate=c) for s, a, c in regs]
    assert batch == single
    assert [d.level for d in batch] == [Level.HIGH, Level.MEDIUM, Level.LOW]


def test_a_classifier_refuses_other_rules():
    classifier = Classifier(DEFAULT_RULES, [])
    with pytest.raises(ValueError, match="other rules"):
        classify([], arrival=ARRIVAL, certificate=None, rules=NO_COUNTY_RULE, areas=classifier)


# --- properties -------------------------------------------------------------------------------

UNIVERSE = [
    MINZU,
    HUAQIAO,
    JIANGHAN,
    JIANGAN,
    WUHAN,
    HUBEI,
    ZENGCUN,
    GAOCHENG,
    XINHUA,
    BEIJING_CHAOYANG,
]
BASE = D(2024, 1, 1)
days = st.integers(min_value=0, max_value=60).map(lambda n: BASE + dt.timedelta(days=n))


@st.composite
def stays_st(draw: st.DrawFn) -> StayFact:
    a, b = sorted((draw(days), draw(days)))
    return StayFact(draw(st.sampled_from(UNIVERSE)), a, b)


@st.composite
def areas_st(draw: st.DrawFn) -> AreaFact:
    start = draw(days)
    end = draw(st.none() | st.integers(0, 30).map(lambda n: start + dt.timedelta(days=n)))
    return AreaFact(
        draw(st.sampled_from(UNIVERSE)), draw(st.sampled_from(["medium", "high"])), start, end
    )


rules_st = st.builds(
    lambda on, level, lookback: dataclasses.replace(
        DEFAULT_RULES, county_rule=on, county_rule_level=level, lookback_days=lookback
    ),
    st.booleans(),
    st.sampled_from(list(CountyRuleLevel)),
    st.integers(1, 21),
)
certs = st.none() | st.builds(Certificate, days, st.booleans())


def reference_level(stays, areas, arrival, rules) -> Level:
    """The rule restated naively: every stay against every area."""
    start_of_window = arrival - dt.timedelta(days=rules.lookback_days)
    levels = []
    for s in stays:
        start, end = max(s.start, start_of_window), min(s.end, arrival)
        if start > end:
            continue
        for a in areas:
            if not a.at_risk_during(start, end):
                continue
            if a.place.contains(s.place):
                levels.append(Level(a.level))
            elif rules.county_rule and not s.place.sub_name:
                region = s.place.code
                if rules.county_rule_level == CountyRuleLevel.PREFECTURE and len(region) == 6:
                    region = region[:4]
                if a.place.code.startswith(region):
                    levels.append(Level(a.level))
    return highest(levels)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(stays_st(), max_size=5),
    st.lists(areas_st(), max_size=8),
    days,
    rules_st,
    certs,
)
def test_the_indexed_classifier_agrees_with_the_rule_stated_naively(
    stays, areas, arrival, rules, cert
):
    decision = run(stays, areas, arrival=arrival, certificate=cert, rules=rules)
    assert decision.level is reference_level(stays, areas, arrival, rules)
    assert decision.measure in set(DecisionMeasure)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(stays_st(), max_size=5), stays_st(), st.lists(areas_st(), max_size=8), days, rules_st
)
def test_adding_a_stay_never_lowers_the_level(stays, extra, areas, arrival, rules):
    before = run(stays, areas, arrival=arrival, rules=rules)
    after = run([*stays, extra], areas, arrival=arrival, rules=rules)
    assert after.level.rank >= before.level.rank


@settings(max_examples=200, deadline=None)
@given(
    st.lists(stays_st(), max_size=5),
    st.sampled_from(UNIVERSE),
    st.integers(1, 200),
    st.integers(0, 30),
    st.lists(areas_st(), max_size=8),
    days,
    rules_st,
    certs,
)
def test_a_stay_wholly_outside_the_window_never_matters(
    stays, place, gap, length, areas, arrival, rules, cert
):
    end = arrival - dt.timedelta(days=rules.lookback_days + gap)
    outside = StayFact(place, end - dt.timedelta(days=length), end)
    assert run([*stays, outside], areas, arrival=arrival, certificate=cert, rules=rules) == run(
        stays, areas, arrival=arrival, certificate=cert, rules=rules
    )


@settings(max_examples=200, deadline=None)
@given(
    st.lists(stays_st(), min_size=1, max_size=5), st.lists(areas_st(), max_size=8), days, rules_st
)
def test_the_level_is_at_least_that_of_any_single_stay(stays, areas, arrival, rules):
    whole = run(stays, areas, arrival=arrival, rules=rules)
    for s in stays:
        assert whole.level.rank >= run([s], areas, arrival=arrival, rules=rules).level.rank


# --- input checks ------------------------------------------------------------------------------

TODAY = D(2024, 1, 22)


@pytest.mark.parametrize(
    ("stays", "arrival", "certificate", "expected"),
    [
        pytest.param([(D(2024, 1, 10), D(2024, 1, 20))], TODAY, None, [], id="fine"),
        pytest.param(
            [(D(2024, 1, 10), D(2024, 1, 15)), (D(2024, 1, 15), D(2024, 1, 20))],
            TODAY,
            None,
            [],
            id="travelling on the day one stay ends and the next begins is fine",
        ),
        pytest.param([], TODAY, None, [(ProblemKind.NO_STAYS, ())], id="no stay"),
        pytest.param(
            [(D(2024, 1, 20), D(2024, 1, 10))],
            TODAY,
            None,
            [(ProblemKind.STAY_REVERSED, (0,))],
            id="reversed dates",
        ),
        pytest.param(
            [(D(2024, 1, 1), D(2024, 1, 12)), (D(2024, 1, 10), D(2024, 1, 20))],
            TODAY,
            None,
            [(ProblemKind.STAYS_OVERLAP, (0, 1))],
            id="overlapping stays",
        ),
        pytest.param(
            [(D(2024, 1, 12), D(2024, 1, 13)), (D(2024, 1, 1), D(2024, 1, 20))],
            TODAY,
            None,
            [(ProblemKind.STAYS_OVERLAP, (0, 1))],
            id="a stay inside another, listed first",
        ),
        pytest.param(
            [(D(2024, 1, 10), D(2024, 1, 23))],
            TODAY,
            None,
            [(ProblemKind.STAY_AFTER_ARRIVAL, (0,))],
            id="stay ending after arrival",
        ),
        pytest.param(
            [(D(2024, 1, 10), D(2024, 1, 20))],
            TODAY + dt.timedelta(days=1),
            None,
            [(ProblemKind.ARRIVAL_IN_FUTURE, ())],
            id="arrival in the future",
        ),
        pytest.param(
            [(D(2022, 1, 10), D(2022, 1, 20))],
            D(2022, 1, 21),
            None,
            [(ProblemKind.ARRIVAL_TOO_OLD, ())],
            id="arrival two years ago",
        ),
        pytest.param(
            [(D(2021, 1, 10), D(2024, 1, 20))],
            TODAY,
            None,
            [(ProblemKind.STAY_TOO_OLD, (0,))],
            id="implausibly long stay",
        ),
        pytest.param(
            [(D(2024, 1, 10), D(2024, 1, 20))],
            TODAY,
            Certificate(TODAY + dt.timedelta(days=1), True),
            [(ProblemKind.CERTIFICATE_AFTER_ARRIVAL, ())],
            id="certificate dated after arrival",
        ),
        pytest.param(
            [(D(2024, 1, 10), D(2024, 1, 20))],
            TODAY,
            Certificate(TODAY, False),
            [],
            # registered, and it opens the case path (issue 12 item 5)
            id="a positive certificate is no input problem",
        ),
        pytest.param(
            [(D(2024, 1, 10), D(2024, 1, 20))] * 21,
            TODAY,
            None,
            None,
            id="too many stays",
        ),
    ],
)
def test_bad_travel_input_is_named(stays, arrival, certificate, expected):
    problems = check_travel(stays, arrival=arrival, certificate=certificate, today=TODAY)
    if expected is None:
        assert ProblemKind.TOO_MANY_STAYS in {p.kind for p in problems}
    else:
        assert [(p.kind, p.rows) for p in problems] == expected
