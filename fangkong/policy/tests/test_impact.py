"""Which open cases a version would treat differently (`impact`). Pure: no database."""

from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fangkong.policy.impact import Aspect, OpenCase, measure_under, treated_differently
from fangkong.policy.rules import DEFAULT_RULES, Measure, MeasureKind

CQ = MeasureKind.CENTRALISED_QUARANTINE
HQ = MeasureKind.HOME_QUARANTINE
HIGH_21 = replace(DEFAULT_RULES, high=Measure(CQ, 21, (1, 7, 14, 21)))


def case(pk=1, reason="returnee", kind="centralised", days=14, test_days=(1, 7, 14), level="high"):
    return OpenCase(pk, reason, kind, days, tuple(test_days), level)


@pytest.mark.parametrize(
    ("rules", "the_case", "aspects"),
    [
        (DEFAULT_RULES, case(), None),
        (HIGH_21, case(), (Aspect.DAYS, Aspect.TEST_DAYS)),
        (HIGH_21, case(level="medium", kind="home", test_days=(1, 14)), None),
        (
            replace(DEFAULT_RULES, medium=Measure(CQ, 14, (1, 14))),
            case(level="medium", kind="home", test_days=(1, 14)),
            (Aspect.KIND,),
        ),
        (
            replace(DEFAULT_RULES, medium=Measure(HQ, 14, (1, 7, 14))),
            case(level="medium", kind="home", test_days=(1, 14)),
            (Aspect.TEST_DAYS,),
        ),
        # a version that no longer quarantines arrivals from medium areas
        (
            replace(DEFAULT_RULES, medium=Measure(MeasureKind.HEALTH_MONITORING, 7, ())),
            case(level="medium", kind="home", test_days=(1, 14)),
            (Aspect.KIND, Aspect.DAYS, Aspect.TEST_DAYS),
        ),
        (
            replace(DEFAULT_RULES, close_contact=Measure(CQ, 21, (1, 7, 14))),
            case(reason="close_contact", level=None),
            (Aspect.DAYS,),
        ),
        # close contacts follow the close-contact measure, whatever a level says
        (HIGH_21, case(reason="close_contact", level="high"), None),
        # cases opened for another reason were not decided by the policy
        (HIGH_21, case(reason="other", level="high"), None),
        (HIGH_21, case(level=None), None),
        (HIGH_21, case(level="unknown"), None),
        # test days in another order are the same schedule
        (DEFAULT_RULES, case(test_days=(14, 1, 7)), None),
    ],
)
def test_a_case_is_listed_only_when_the_version_decides_it_differently(rules, the_case, aspects):
    found = treated_differently([the_case], rules)

    if aspects is None:
        assert found == []
    else:
        assert [(d.case, d.aspects) for d in found] == [(the_case, aspects)]
        assert d_would_be(found) == measure_under(rules, the_case)


def d_would_be(found):
    return found[0].would_be


def test_cases_keep_their_order_and_only_the_changed_ones_are_listed():
    cases = [
        case(1),
        case(2, level="medium", kind="home", test_days=(1, 14)),
        case(3),
        case(4, reason="close_contact", level=None),
    ]

    assert [d.case.id for d in treated_differently(cases, HIGH_21)] == [1, 3]


@given(
    days=st.integers(1, 30),
    test_days=st.lists(st.integers(1, 30), max_size=4, unique=True),
    kind=st.sampled_from(["centralised", "home"]),
    reason=st.sampled_from(["returnee", "close_contact"]),
)
def test_a_case_opened_under_the_same_numbers_is_never_listed(days, test_days, kind, reason):
    test_days = [d for d in test_days if d <= days]
    measure = Measure(CQ if kind == "centralised" else HQ, days, tuple(test_days))
    rules = replace(DEFAULT_RULES, high=measure, close_contact=measure)
    the_case = case(reason=reason, kind=kind, days=days, test_days=test_days, level="high")

    assert treated_differently([the_case], rules) == []
