"""The stock rules (supplies/stock.py): table-driven, and hypothesis for the invariants."""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fangkong.supplies import stock

D = Decimal
TODAY = dt.date(2026, 1, 20)


@pytest.mark.parametrize(
    ("on_hand", "quantity", "ok"),
    [
        (D(10), D(10), True),
        (D(10), D("10.01"), False),
        (D(0), D(1), False),
        (D(5), D(0), False),
        (D(5), D(-1), False),
        (D("2.5"), D("0.5"), True),
    ],
)
def test_a_stock_out_never_goes_below_zero(on_hand, quantity, ok):
    assert stock.may_take(on_hand, quantity) is ok


@pytest.mark.parametrize(
    ("on_hand", "threshold", "low"),
    [(D(100), D(100), True), (D(101), D(100), False), (D(0), D(0), False), (D(0), D(1), True)],
)
def test_low_at_or_under_the_threshold(on_hand, threshold, low):
    assert stock.is_low(on_hand, threshold) is low


@pytest.mark.parametrize(
    ("expires_on", "state"),
    [
        (None, ""),
        (TODAY - dt.timedelta(days=1), "expired"),
        (TODAY, "soon"),
        (TODAY + dt.timedelta(days=30), "soon"),
        (TODAY + dt.timedelta(days=31), ""),
    ],
)
def test_expiry(expires_on, state):
    assert stock.expiry_state(expires_on, TODAY) == state


def test_a_negative_count_is_refused():
    with pytest.raises(ValueError):
        stock.difference(D(3), D(-1))


quantities = st.decimals(min_value=0, max_value=10**6, places=2)


@given(st.lists(quantities, max_size=8), quantities)
def test_a_sequence_of_allowed_stock_outs_keeps_the_balance_at_or_above_zero(outs, start):
    on_hand = start
    for q in outs:
        if stock.may_take(on_hand, q):
            on_hand -= q
        assert on_hand >= 0


@given(quantities, quantities)
def test_after_a_stock_take_the_balance_is_the_count(expected, counted):
    assert expected + stock.difference(expected, counted) == counted


@given(st.decimals(min_value="0.01", max_value=10**6, places=2), st.lists(quantities, max_size=6))
def test_the_uses_never_add_up_to_more_than_the_donation(amount, uses):
    used: list[Decimal] = []
    for q in uses:
        if stock.may_use(amount, used, q):
            used.append(q)
    assert sum(used, D(0)) <= amount
    assert stock.left_of(amount, used) >= 0
