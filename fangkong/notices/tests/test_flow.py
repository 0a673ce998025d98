"""The way of a notice: pure rules."""

from __future__ import annotations

import pytest

from fangkong.notices import flow


@pytest.mark.parametrize(
    ("status", "step", "after"),
    [
        (flow.DRAFT, flow.SUBMIT, flow.SUBMITTED),
        (flow.RETURNED, flow.SUBMIT, flow.SUBMITTED),
        (flow.SUBMITTED, flow.REVIEW, flow.REVIEWED),
        (flow.SUBMITTED, flow.RETURN, flow.RETURNED),
        (flow.REVIEWED, flow.APPROVE, flow.APPROVED),
        (flow.REVIEWED, flow.RETURN, flow.RETURNED),
        (flow.APPROVED, flow.PUBLISH, flow.PUBLISHED),
        (flow.PUBLISHED, flow.WITHDRAW, flow.WITHDRAWN),
        (flow.DRAFT, flow.PUBLISH, None),
        (flow.SUBMITTED, flow.APPROVE, None),
        (flow.DRAFT, flow.APPROVE, None),
        (flow.WITHDRAWN, flow.PUBLISH, None),
        (flow.PUBLISHED, flow.RETURN, None),
    ],
)
def test_next_status(status, step, after) -> None:
    assert flow.next_status(status, step) == after


def test_nothing_reaches_the_board_without_the_township() -> None:
    """Every way to "published" passes through "approved", which only the township reaches."""
    into = {after: (status, step) for (status, step), after in flow.TRANSITIONS.items()}
    assert into[flow.PUBLISHED] == (flow.APPROVED, flow.PUBLISH)
    approving = [k for k, after in flow.TRANSITIONS.items() if after == flow.APPROVED]
    assert all(flow.actors(*k) == (flow.TOWNSHIP,) for k in approving)


def test_only_draft_and_returned_are_editable() -> None:
    assert {s for s in flow.STATUSES if flow.editable(s)} == {flow.DRAFT, flow.RETURNED}


def test_every_transition_has_an_actor_and_every_text_step_is_checked() -> None:
    assert set(flow.STEP_ACTOR) == set(flow.TRANSITIONS)
    assert {flow.SUBMIT, flow.REVIEW, flow.APPROVE, flow.PUBLISH} == flow.CHECKED
