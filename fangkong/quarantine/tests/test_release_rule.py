"""The release rule (`release.release_verdict`), without a database: one row per blocking
reason, written from the plan (三(五)3), and properties that hold for any case."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fangkong.policy.rules import DEFAULT_RULES, PolicyRules, ReleaseCriteria
from fangkong.quarantine import release
from fangkong.quarantine.release import (
    CADRE,
    IN_QUARANTINE,
    INVALID,
    MEDIC,
    NEGATIVE,
    PENDING,
    POSITIVE,
    REFERRED,
    REGISTERED,
    RELEASE_REVIEW,
    RELEASED,
    STATUS_RANK,
    TRANSITIONS,
    Blocker,
    BlockerCode,
    CaseFacts,
    may_move,
    release_verdict,
)
from fangkong.quarantine.release import (
    TestFact as Fact,
)

START = dt.date(2026, 1, 10)  # day 1; a 14-day quarantine ends on 1-23, release from 1-24
SERVED = dt.date(2026, 1, 24)
CADRE_USER, MEDIC_USER = 11, 22


def schedule_of(*results: str) -> tuple[Fact, ...]:
    days = (1, 7, 14)
    return tuple(
        Fact(day, START + dt.timedelta(days=day - 1), result)
        for day, result in zip(days, results, strict=True)
    )


READY = CaseFacts(
    status=RELEASE_REVIEW,
    start_date=START,
    days=14,
    tests=schedule_of(NEGATIVE, NEGATIVE, NEGATIVE),
    fever_or_symptom_recorded=False,
    signoffs=((CADRE, CADRE_USER), (MEDIC, MEDIC_USER)),
)


def test_a_case_with_everything_done_may_be_released():
    verdict = release_verdict(READY, DEFAULT_RULES, today=SERVED)
    assert verdict.ok and verdict.reasons == ()


@pytest.mark.parametrize(
    ("facts", "today", "expected"),
    [
        pytest.param(
            READY,
            dt.date(2026, 1, 23),
            Blocker(BlockerCode.PERIOD_NOT_SERVED, days_left=1, release_on=SERVED),
            id="on the last quarantine day the period is not yet served",
        ),
        pytest.param(
            READY,
            START,
            Blocker(BlockerCode.PERIOD_NOT_SERVED, days_left=14, release_on=SERVED),
            id="on the first day, fourteen days are left",
        ),
        pytest.param(
            replace(READY, days=21),
            SERVED,
            Blocker(BlockerCode.PERIOD_NOT_SERVED, days_left=7, release_on=dt.date(2026, 1, 31)),
            id="an extended quarantine is served later",
        ),
        pytest.param(
            replace(READY, tests=schedule_of(NEGATIVE, NEGATIVE, PENDING)),
            SERVED,
            Blocker(BlockerCode.TEST_PENDING, day=14, due=dt.date(2026, 1, 23)),
            id="the last test has no result",
        ),
        pytest.param(
            replace(READY, tests=schedule_of(NEGATIVE, POSITIVE, NEGATIVE)),
            SERVED,
            Blocker(
                BlockerCode.TEST_NOT_NEGATIVE, day=7, due=dt.date(2026, 1, 16), result=POSITIVE
            ),
            id="a positive test",
        ),
        pytest.param(
            replace(READY, tests=schedule_of(INVALID, NEGATIVE, NEGATIVE)),
            SERVED,
            Blocker(BlockerCode.TEST_NOT_NEGATIVE, day=1, due=START, result=INVALID),
            id="an invalid test not yet retested",
        ),
        pytest.param(
            replace(READY, fever_or_symptom_recorded=True),
            SERVED,
            Blocker(BlockerCode.FEVER_OR_SYMPTOM),
            id="a fever or symptom in the record",
        ),
        pytest.param(
            replace(READY, signoffs=((MEDIC, MEDIC_USER),)),
            SERVED,
            Blocker(BlockerCode.MISSING_CADRE_SIGNOFF),
            id="the cadre has not signed",
        ),
        pytest.param(
            replace(READY, signoffs=((CADRE, CADRE_USER),)),
            SERVED,
            Blocker(BlockerCode.MISSING_MEDIC_SIGNOFF),
            id="the medical worker has not signed",
        ),
        pytest.param(
            replace(READY, signoffs=((CADRE, CADRE_USER), (MEDIC, CADRE_USER))),
            SERVED,
            Blocker(BlockerCode.SAME_PERSON_SIGNED_TWICE, user_id=CADRE_USER),
            id="one person signed for both roles",
        ),
        pytest.param(
            replace(READY, status=IN_QUARANTINE),
            SERVED,
            Blocker(BlockerCode.WRONG_STATUS, status=IN_QUARANTINE),
            id="a case not under review",
        ),
        pytest.param(
            replace(READY, status=RELEASED),
            SERVED,
            Blocker(BlockerCode.WRONG_STATUS, status=RELEASED),
            id="a case already released",
        ),
        pytest.param(
            replace(READY, status=REFERRED),
            SERVED,
            Blocker(BlockerCode.WRONG_STATUS, status=REFERRED),
            id="a case referred to hospital",
        ),
    ],
)
def test_each_missing_condition_blocks_release_with_its_own_reason(facts, today, expected):
    verdict = release_verdict(facts, DEFAULT_RULES, today=today)
    assert not verdict.ok
    assert verdict.reasons == (expected,)


def test_every_reason_is_listed_at_once():
    facts = CaseFacts(
        status=IN_QUARANTINE,
        start_date=START,
        days=14,
        tests=schedule_of(NEGATIVE, PENDING, PENDING),
        fever_or_symptom_recorded=True,
    )
    verdict = release_verdict(facts, DEFAULT_RULES, today=dt.date(2026, 1, 20))
    assert [b.code for b in verdict.reasons] == [
        BlockerCode.WRONG_STATUS,
        BlockerCode.PERIOD_NOT_SERVED,
        BlockerCode.FEVER_OR_SYMPTOM,
        BlockerCode.TEST_PENDING,
        BlockerCode.TEST_PENDING,
        BlockerCode.MISSING_CADRE_SIGNOFF,
        BlockerCode.MISSING_MEDIC_SIGNOFF,
    ]
    assert {b.code for b in verdict.without_signatures()} == {
        BlockerCode.PERIOD_NOT_SERVED,
        BlockerCode.FEVER_OR_SYMPTOM,
        BlockerCode.TEST_PENDING,
    }


@pytest.mark.parametrize(
    ("criterion", "facts", "code"),
    [
        ("period_served", READY, BlockerCode.PERIOD_NOT_SERVED),
        (
            "no_fever_or_symptom",
            replace(READY, fever_or_symptom_recorded=True),
            BlockerCode.FEVER_OR_SYMPTOM,
        ),
        (
            "all_tests_negative",
            replace(READY, tests=schedule_of(NEGATIVE, PENDING, POSITIVE)),
            BlockerCode.TEST_PENDING,
        ),
        (
            "cadre_signoff",
            replace(READY, signoffs=((MEDIC, MEDIC_USER),)),
            BlockerCode.MISSING_CADRE_SIGNOFF,
        ),
        (
            "medic_signoff",
            replace(READY, signoffs=((CADRE, CADRE_USER),)),
            BlockerCode.MISSING_MEDIC_SIGNOFF,
        ),
    ],
)
def test_a_criterion_the_policy_switches_off_no_longer_blocks(criterion, facts, code):
    today = START + dt.timedelta(days=3)
    on = release_verdict(facts, DEFAULT_RULES, today=today)
    assert code in on.codes
    rules = replace(DEFAULT_RULES, release=replace(ReleaseCriteria(), **{criterion: False}))
    off = release_verdict(facts, rules, today=today)
    assert code not in off.codes
    assert off.codes == on.codes - {code} - (
        {BlockerCode.TEST_NOT_NEGATIVE} if criterion == "all_tests_negative" else set()
    )


def test_one_person_signing_twice_blocks_even_when_the_policy_asks_for_one_signature():
    rules = replace(DEFAULT_RULES, release=ReleaseCriteria(medic_signoff=False))
    facts = replace(READY, signoffs=((CADRE, CADRE_USER), (MEDIC, CADRE_USER)))
    assert release_verdict(facts, rules, today=SERVED).codes == {
        BlockerCode.SAME_PERSON_SIGNED_TWICE
    }


def test_the_release_criteria_alone_may_be_given_instead_of_the_whole_policy():
    assert release_verdict(READY, ReleaseCriteria(), today=SERVED).ok
    assert not release_verdict(READY, ReleaseCriteria(), today=START).ok


def test_a_case_without_scheduled_tests_is_not_blocked_by_tests():
    assert release_verdict(replace(READY, tests=()), DEFAULT_RULES, today=SERVED).ok


def test_the_test_taken_at_once_counts_like_any_other():
    at_once = Fact(0, START, PENDING)
    facts = replace(READY, tests=(at_once, *READY.tests))
    assert release_verdict(facts, DEFAULT_RULES, today=SERVED).reasons == (
        Blocker(BlockerCode.TEST_PENDING, day=0, due=START),
    )


# --- properties -------------------------------------------------------------------------------

results = st.sampled_from([NEGATIVE, POSITIVE, INVALID, PENDING])
statuses = st.sampled_from([REGISTERED, IN_QUARANTINE, RELEASE_REVIEW, RELEASED, REFERRED])
users = st.integers(min_value=1, max_value=4)


@st.composite
def case_facts(draw: st.DrawFn) -> CaseFacts:
    start = draw(st.dates(dt.date(2025, 1, 1), dt.date(2027, 12, 31)))
    days = draw(st.integers(min_value=1, max_value=30))
    test_days = draw(st.lists(st.integers(0, days), max_size=5, unique=True))
    signoffs = draw(
        st.lists(st.tuples(st.sampled_from([CADRE, MEDIC]), users), max_size=3, unique=True)
    )
    return CaseFacts(
        status=draw(statuses),
        start_date=start,
        days=days,
        tests=tuple(
            Fact(d, start + dt.timedelta(days=max(d - 1, 0)), draw(results)) for d in test_days
        ),
        fever_or_symptom_recorded=draw(st.booleans()),
        signoffs=tuple(signoffs),
    )


offsets = st.integers(min_value=-5, max_value=45)


@given(case_facts(), offsets)
def test_release_allowed_implies_every_condition_of_the_plan(facts, offset):
    today = facts.start_date + dt.timedelta(days=offset)
    verdict = release_verdict(facts, DEFAULT_RULES, today=today)
    if verdict.ok:
        assert facts.status == RELEASE_REVIEW
        assert today >= facts.start_date + dt.timedelta(days=facts.days)
        assert all(t.result == NEGATIVE for t in facts.tests)
        assert not facts.positive_test
        assert not facts.fever_or_symptom_recorded
        cadres, medics = facts.signers(CADRE), facts.signers(MEDIC)
        assert cadres and medics
        assert set(cadres).isdisjoint(medics), "two different people signed"


@given(case_facts(), offsets)
def test_release_is_blocked_exactly_when_a_reason_is_given(facts, offset):
    verdict = release_verdict(facts, DEFAULT_RULES, today=facts.start_date + dt.timedelta(offset))
    assert verdict.ok == (verdict.reasons == ())
    assert len(set(verdict.reasons)) == len(verdict.reasons), "no reason twice"


@given(case_facts(), offsets, st.integers(min_value=1, max_value=30))
def test_waiting_longer_never_adds_a_reason(facts, offset, later):
    today = facts.start_date + dt.timedelta(days=offset)
    now = release_verdict(facts, DEFAULT_RULES, today=today).codes
    after = release_verdict(facts, DEFAULT_RULES, today=today + dt.timedelta(later)).codes
    assert after <= now


@given(case_facts(), offsets)
def test_a_positive_test_always_blocks(facts, offset):
    facts = replace(facts, tests=(*facts.tests, Fact(1, facts.start_date, POSITIVE)))
    verdict = release_verdict(facts, DEFAULT_RULES, today=facts.start_date + dt.timedelta(offset))
    assert not verdict.ok and BlockerCode.TEST_NOT_NEGATIVE in verdict.codes


@given(case_facts(), offsets, st.builds(ReleaseCriteria))
def test_switching_criteria_off_only_ever_removes_reasons(facts, offset, criteria):
    today = facts.start_date + dt.timedelta(days=offset)
    strict = release_verdict(facts, PolicyRules(), today=today).codes
    assert release_verdict(facts, criteria, today=today).codes <= strict


# --- status moves -----------------------------------------------------------------------------

ALL_STATUSES = [REGISTERED, IN_QUARANTINE, RELEASE_REVIEW, RELEASED, REFERRED]


@pytest.mark.parametrize("from_status", ALL_STATUSES)
@pytest.mark.parametrize("to_status", ALL_STATUSES)
def test_a_status_only_ever_moves_forward(from_status, to_status):
    allowed = may_move(from_status, to_status)
    if allowed:
        assert STATUS_RANK[to_status] > STATUS_RANK[from_status]
    expected = {
        (REGISTERED, IN_QUARANTINE),
        (REGISTERED, REFERRED),
        (IN_QUARANTINE, RELEASE_REVIEW),
        (IN_QUARANTINE, REFERRED),
        (RELEASE_REVIEW, RELEASED),
        (RELEASE_REVIEW, REFERRED),
    }
    assert allowed == ((from_status, to_status) in expected)


def test_a_closed_case_never_moves_again():
    assert TRANSITIONS[RELEASED] == frozenset() and TRANSITIONS[REFERRED] == frozenset()
    assert release.STATUS_RANK.keys() == TRANSITIONS.keys()


@pytest.mark.parametrize("from_status", ALL_STATUSES)
@pytest.mark.parametrize("to_status", ALL_STATUSES)
def test_a_lifted_lockdown_releases_from_any_open_status(from_status, to_status):
    lifted = may_move(from_status, to_status, lockdown_lifted=True)
    if to_status == RELEASED:
        assert lifted == (from_status in (REGISTERED, IN_QUARANTINE, RELEASE_REVIEW))
    else:
        assert lifted == may_move(from_status, to_status)
