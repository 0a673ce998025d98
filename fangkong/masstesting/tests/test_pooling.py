"""The pooling rule: table-driven and property tests."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fangkong.masstesting import pooling
from fangkong.masstesting.pooling import INVALID, NEGATIVE, POSITIVE, Outcome


@pytest.mark.parametrize(
    ("result", "pooled", "expected"),
    [
        (NEGATIVE, True, Outcome(NEGATIVE, False)),
        (NEGATIVE, False, Outcome(NEGATIVE, False)),
        (POSITIVE, True, Outcome("", True)),
        (POSITIVE, False, Outcome(POSITIVE, False)),
        (INVALID, True, Outcome(INVALID, True)),
        (INVALID, False, Outcome(INVALID, True)),
    ],
)
def test_outcome_table(result: str, pooled: bool, expected: Outcome) -> None:
    assert pooling.outcome_of(result, pooled=pooled) == expected


def test_unknown_result_is_refused() -> None:
    with pytest.raises(ValueError):
        pooling.outcome_of("maybe", pooled=True)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("阴性", NEGATIVE),
        (" 阳性 ", POSITIVE),
        ("无效", INVALID),
        ("Negative", NEGATIVE),
        ("POSITIVE", POSITIVE),
        ("invalid", INVALID),
        ("阴 性", NEGATIVE),
        ("", None),
        ("待定", None),
    ],
)
def test_parse_result(text: str, code: str | None) -> None:
    assert pooling.parse_result(text) == code


def test_member_outcomes_by_tube() -> None:
    tubes = {
        "P1": (True, POSITIVE),
        "P2": (True, NEGATIVE),
        "S1": (False, POSITIVE),
        "P3": (True, ""),
    }
    members = [(1, "P1"), (2, "P1"), (3, "P2"), (4, "S1"), (5, "P3"), (6, "unknown")]
    out = pooling.member_outcomes(tubes, members)
    assert out == {
        1: Outcome("", True),
        2: Outcome("", True),
        3: Outcome(NEGATIVE, False),
        4: Outcome(POSITIVE, False),
    }


@pytest.mark.parametrize(
    ("count", "pooled", "size", "room"),
    [
        (0, True, 10, True),
        (9, True, 10, True),
        (10, True, 10, False),
        (0, False, 10, True),
        (1, False, 10, False),
        (4, True, 5, True),
        (5, True, 5, False),
    ],
)
def test_pool_has_room(count: int, pooled: bool, size: int, room: bool) -> None:
    assert pooling.pool_has_room(count, pooled=pooled, pool_size=size) is room


@given(
    result=st.sampled_from(pooling.RESULTS),
    pooled=st.booleans(),
    members=st.lists(st.integers(min_value=1, max_value=10_000), unique=True, max_size=20),
)
def test_every_member_of_a_tube_gets_the_same_outcome(
    result: str, pooled: bool, members: list[int]
) -> None:
    out = pooling.member_outcomes({"T": (pooled, result)}, [(m, "T") for m in members])
    assert set(out) == set(members)
    assert len(set(out.values())) <= 1
    for outcome in out.values():
        # nobody in a pool is ever called positive on the pool's result alone
        if pooled:
            assert outcome.result != POSITIVE
        # a retest is needed exactly when the result is not final
        assert outcome.retest_needed == (outcome.result in ("", INVALID))
        # a negative tube never asks for a retest
        if result == NEGATIVE:
            assert outcome == Outcome(NEGATIVE, False)


@given(size=st.integers(min_value=1, max_value=50), pooled=st.booleans())
def test_a_tube_takes_exactly_its_capacity(size: int, pooled: bool) -> None:
    capacity = size if pooled else 1
    taken = 0
    while pooling.pool_has_room(taken, pooled=pooled, pool_size=size):
        taken += 1
    assert taken == capacity
