"""Who signs a release (`release.sign_refusal`), without a database: the cadre and the medical
worker assigned to the case (三(五)3, "由包保干部和包保医务人员共同签字确认"), nobody else; and
which signatures stop counting when the assignment changes (`release.lapsed_signatures`)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fangkong.quarantine.release import (
    CADRE,
    MEDIC,
    SIGN_ROLES,
    Assignment,
    SignRefusal,
    lapsed_signatures,
    sign_refusal,
)

GRID_WORKER, MEDIC_USER, LEADER, OTHER_GRID_WORKER = 11, 22, 33, 44
ASSIGNED = Assignment(cadre=GRID_WORKER, medic=MEDIC_USER)


@pytest.mark.parametrize(
    ("role", "signer", "assignment", "expected"),
    [
        pytest.param(CADRE, GRID_WORKER, ASSIGNED, None, id="the assigned cadre signs"),
        pytest.param(MEDIC, MEDIC_USER, ASSIGNED, None, id="the assigned medical worker signs"),
        pytest.param(
            CADRE, LEADER, ASSIGNED, SignRefusal.NOT_ASSIGNED, id="a leader is not the cadre"
        ),
        pytest.param(
            CADRE,
            OTHER_GRID_WORKER,
            ASSIGNED,
            SignRefusal.NOT_ASSIGNED,
            id="another grid worker is not the cadre",
        ),
        pytest.param(
            MEDIC,
            GRID_WORKER,
            ASSIGNED,
            SignRefusal.NOT_ASSIGNED,
            id="the cadre is not the medical worker",
        ),
        pytest.param(
            CADRE,
            GRID_WORKER,
            Assignment(medic=MEDIC_USER),
            SignRefusal.NOBODY_ASSIGNED,
            id="no cadre assigned: nobody signs as the cadre",
        ),
        pytest.param(
            MEDIC,
            MEDIC_USER,
            Assignment(cadre=GRID_WORKER),
            SignRefusal.NOBODY_ASSIGNED,
            id="no medical worker assigned: nobody signs as one",
        ),
        pytest.param(
            CADRE, LEADER, Assignment(cadre=LEADER), None, id="a leader assigned as cadre signs"
        ),
        pytest.param("boss", GRID_WORKER, ASSIGNED, SignRefusal.UNKNOWN_ROLE, id="no such role"),
    ],
)
def test_only_the_person_assigned_to_the_role_signs(role, signer, assignment, expected):
    assert sign_refusal(role, signer, assignment) == expected


ids = st.integers(min_value=1, max_value=50)
assignments = st.builds(Assignment, cadre=st.none() | ids, medic=st.none() | ids)


@given(st.sampled_from(SIGN_ROLES), ids, assignments)
def test_a_signer_is_accepted_exactly_when_assigned_to_that_role(role, signer, assignment):
    accepted = sign_refusal(role, signer, assignment) is None
    assert accepted == (assignment.of(role) == signer)


@given(st.sampled_from(SIGN_ROLES), ids, assignments)
def test_nobody_signs_a_role_nobody_is_assigned_to(role, signer, assignment):
    if assignment.of(role) is None:
        assert sign_refusal(role, signer, assignment) == SignRefusal.NOBODY_ASSIGNED


@pytest.mark.parametrize(
    ("signoffs", "assignment", "lapsed"),
    [
        pytest.param(
            ((CADRE, GRID_WORKER), (MEDIC, MEDIC_USER)), ASSIGNED, (), id="nothing changed"
        ),
        pytest.param(
            ((CADRE, GRID_WORKER), (MEDIC, MEDIC_USER)),
            Assignment(cadre=LEADER, medic=MEDIC_USER),
            ((CADRE, GRID_WORKER),),
            id="a new cadre: the old cadre's signature lapses, the medic's stands",
        ),
        pytest.param(
            ((MEDIC, MEDIC_USER),),
            Assignment(cadre=None, medic=MEDIC_USER),
            (),
            id="the cadre removed before signing",
        ),
        pytest.param(
            ((CADRE, GRID_WORKER),),
            Assignment(cadre=None, medic=MEDIC_USER),
            ((CADRE, GRID_WORKER),),
            id="the cadre removed after signing",
        ),
    ],
)
def test_a_signature_lapses_when_its_signer_is_no_longer_assigned(signoffs, assignment, lapsed):
    assert lapsed_signatures(signoffs, assignment) == lapsed


signoff_lists = st.lists(st.tuples(st.sampled_from(SIGN_ROLES), ids), max_size=2).map(tuple)


@given(signoff_lists, assignments)
def test_after_a_change_every_signature_left_is_by_the_person_assigned(signoffs, assignment):
    lapsed = lapsed_signatures(signoffs, assignment)
    kept = [s for s in signoffs if s not in lapsed]
    assert all(sign_refusal(role, user, assignment) is None for role, user in kept)
    assert all(sign_refusal(role, user, assignment) is not None for role, user in lapsed)
