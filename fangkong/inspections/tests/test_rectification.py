"""The rules of a finding's rectification: table-driven and with hypothesis."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fangkong.inspections import rectification as r


@pytest.mark.parametrize(
    ("status", "step", "after"),
    [
        (r.OPEN, r.RECTIFY, r.RECTIFIED),
        (r.RECTIFIED, r.ACCEPT, r.CLOSED),
        (r.RECTIFIED, r.REJECT, r.OPEN),
    ],
)
def test_allowed_steps(status, step, after):
    assert r.after(status, step) == after


@pytest.mark.parametrize(
    ("status", "step"),
    [
        (r.OPEN, r.ACCEPT),
        (r.OPEN, r.REJECT),
        (r.RECTIFIED, r.RECTIFY),
        (r.CLOSED, r.RECTIFY),
        (r.CLOSED, r.ACCEPT),
        (r.CLOSED, r.REJECT),
        ("unknown", r.RECTIFY),
        (r.OPEN, "unknown"),
    ],
)
def test_refused_steps(status, step):
    with pytest.raises(r.NotAllowed):
        r.after(status, step)


@pytest.mark.parametrize(
    ("text", "files", "given_"),
    [("", 0, False), ("   ", 0, False), ("已清理", 0, True), ("", 1, True), ("x", 2, True)],
)
def test_evidence_is_words_or_a_photo(text, files, given_):
    assert r.Evidence(text, files).given is given_


D = dt.date(2026, 1, 20)


@pytest.mark.parametrize(
    ("status", "deadline", "today", "overdue", "late"),
    [
        (r.OPEN, D, D, False, 0),  # due today is not yet late
        (r.OPEN, D, D + dt.timedelta(days=1), True, 1),
        (r.OPEN, D, D + dt.timedelta(days=5), True, 5),
        (r.RECTIFIED, D, D + dt.timedelta(days=5), False, 0),  # waits for the inspector
        (r.CLOSED, D, D + dt.timedelta(days=5), False, 0),
    ],
)
def test_overdue(status, deadline, today, overdue, late):
    assert r.is_overdue(status, deadline, today) is overdue
    assert r.days_late(status, deadline, today) == late


@given(
    st.sampled_from(r.STATUSES),
    st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2030, 1, 1)),
    st.integers(min_value=-400, max_value=400),
)
def test_overdue_only_when_open_and_past_the_deadline(status, deadline, shift):
    today = deadline + dt.timedelta(days=shift)
    assert r.is_overdue(status, deadline, today) == (status == r.OPEN and shift > 0)
    assert r.days_late(status, deadline, today) == (
        shift if r.is_overdue(status, deadline, today) else 0
    )


@given(st.lists(st.sampled_from((r.RECTIFY, r.ACCEPT, r.REJECT)), max_size=12))
def test_any_sequence_of_steps_stays_within_the_statuses_and_closed_is_final(steps):
    status = r.OPEN
    for step in steps:
        try:
            status = r.after(status, step)
        except r.NotAllowed:
            continue
        assert status in r.STATUSES
    if r.CLOSED in [status]:
        for step in (r.RECTIFY, r.ACCEPT, r.REJECT):
            with pytest.raises(r.NotAllowed):
                r.after(status, step)
