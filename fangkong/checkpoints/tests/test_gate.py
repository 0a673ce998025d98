"""The gate's decision (`gate.decide`): every stop reason and an allow, table-driven, and
properties that hold for any passage."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fangkong.checkpoints.gate import Passage, PassProblem, StopReason, decide
from fangkong.policy.rules import DEFAULT_RULES

RESIDENT = Passage(
    entering=True, is_resident=True, temperature=Decimal("36.5"), health_code="green"
)
VISIT = Passage(
    entering=True, is_visit=True, essential=True, temperature=Decimal("36.5"), health_code="green"
)

CASES = [
    ("a healthy resident", RESIDENT, []),
    ("a healthy resident leaving", replace(RESIDENT, entering=False), []),
    ("under closed management, a resident", replace(RESIDENT, closed_management=True), []),
    ("an essential visit", replace(VISIT, closed_management=True), []),
    ("a non-essential visit, no closed management", replace(VISIT, essential=False), []),
    ("a resident in quarantine", replace(RESIDENT, in_quarantine=True), [StopReason.QUARANTINE]),
    ("a resident of a locked building", replace(RESIDENT, in_lockdown=True), [StopReason.LOCKDOWN]),
    ("37.3 is a fever", replace(RESIDENT, temperature=Decimal("37.3")), [StopReason.FEVER]),
    ("37.2 is not", replace(RESIDENT, temperature=Decimal("37.2")), []),
    ("a yellow code", replace(RESIDENT, health_code="yellow"), [StopReason.HEALTH_CODE]),
    ("a red code", replace(RESIDENT, health_code="red"), [StopReason.HEALTH_CODE]),
    ("no code shown is not listed by default", replace(RESIDENT, health_code="none"), []),
    (
        "closed management, not a resident, no visit",
        replace(RESIDENT, is_resident=False, closed_management=True),
        [StopReason.NOT_RESIDENT],
    ),
    (
        "closed management, not a resident, leaving",
        replace(RESIDENT, is_resident=False, closed_management=True, entering=False),
        [],
    ),
    (
        "closed management, a non-essential visit",
        replace(VISIT, essential=False, closed_management=True),
        [StopReason.NON_ESSENTIAL],
    ),
    ("a forged code", replace(RESIDENT, pass_problem=PassProblem.FORGED), [StopReason.PASS_FORGED]),
    (
        "a revoked pass",
        replace(RESIDENT, pass_problem=PassProblem.REVOKED),
        [StopReason.PASS_REVOKED],
    ),
    (
        "a pass of another community",
        replace(RESIDENT, is_resident=False, pass_problem=PassProblem.OTHER_COMMUNITY),
        [StopReason.PASS_OTHER_COMMUNITY],
    ),
    (
        "everything at once, most serious first",
        replace(
            RESIDENT,
            in_quarantine=True,
            in_lockdown=True,
            temperature=Decimal("38.5"),
            health_code="red",
            pass_problem=PassProblem.REVOKED,
        ),
        [
            StopReason.PASS_REVOKED,
            StopReason.QUARANTINE,
            StopReason.LOCKDOWN,
            StopReason.FEVER,
            StopReason.HEALTH_CODE,
        ],
    ),
]


@pytest.mark.parametrize(("passage", "reasons"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_decision_table(passage: Passage, reasons: list[StopReason]) -> None:
    decision = decide(passage, DEFAULT_RULES)
    assert list(decision.reasons) == reasons
    assert decision.verdict == ("allow" if not reasons else "stop")


def test_the_numbers_come_from_the_policy() -> None:
    stricter = replace(
        DEFAULT_RULES,
        fever_threshold=Decimal("37.0"),
        gate_stop_health_codes=("yellow", "red", "none"),
        refuse_non_essential_visits=False,
    )
    assert decide(replace(RESIDENT, temperature=Decimal("37.1")), stricter).reasons == (
        StopReason.FEVER,
    )
    assert decide(replace(RESIDENT, health_code="none"), stricter).reasons == (
        StopReason.HEALTH_CODE,
    )
    relaxed_visit = replace(VISIT, essential=False, closed_management=True)
    assert decide(relaxed_visit, stricter).allowed
    assert not decide(relaxed_visit, DEFAULT_RULES).allowed


passages = st.builds(
    Passage,
    entering=st.booleans(),
    is_resident=st.booleans(),
    is_visit=st.booleans(),
    essential=st.booleans(),
    in_quarantine=st.booleans(),
    in_lockdown=st.booleans(),
    temperature=st.none() | st.decimals("34.0", "43.0", places=1),
    health_code=st.sampled_from(["", "green", "yellow", "red", "none"]),
    closed_management=st.booleans(),
    pass_problem=st.none() | st.sampled_from(list(PassProblem)),
)


@settings(max_examples=200, deadline=None)
@given(passages)
def test_allowed_exactly_when_no_reason_and_reasons_are_unique(passage: Passage) -> None:
    decision = decide(passage, DEFAULT_RULES)
    assert decision.allowed == (decision.reasons == ())
    assert len(set(decision.reasons)) == len(decision.reasons)


@settings(max_examples=200, deadline=None)
@given(passages)
def test_quarantine_lockdown_fever_always_stop(passage: Passage) -> None:
    decision = decide(passage, DEFAULT_RULES)
    if passage.in_quarantine:
        assert StopReason.QUARANTINE in decision.reasons
    if passage.in_lockdown:
        assert StopReason.LOCKDOWN in decision.reasons
    if passage.temperature is not None and passage.temperature >= Decimal("37.3"):
        assert StopReason.FEVER in decision.reasons


@settings(max_examples=200, deadline=None)
@given(passages)
def test_without_closed_management_nobody_is_stopped_for_not_living_here(passage: Passage) -> None:
    decision = decide(replace(passage, closed_management=False), DEFAULT_RULES)
    assert StopReason.NOT_RESIDENT not in decision.reasons
    assert StopReason.NON_ESSENTIAL not in decision.reasons


@settings(max_examples=200, deadline=None)
@given(passages)
def test_closing_never_lets_more_people_through(passage: Passage) -> None:
    opened = decide(replace(passage, closed_management=False), DEFAULT_RULES)
    closed = decide(replace(passage, closed_management=True), DEFAULT_RULES)
    assert set(opened.reasons) <= set(closed.reasons)
