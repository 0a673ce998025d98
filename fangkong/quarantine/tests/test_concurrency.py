"""Two people acting on one case at the same moment, each on their own connection.

Needs a database where two connections really run at once: PostgreSQL (on SQLite the test
database is in memory and connections serialize anyway).
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection
from django.utils import translation

from fangkong.core.errors import DomainError
from fangkong.policy.rules import DEFAULT_RULES
from fangkong.quarantine import actions
from fangkong.quarantine.models import Case, CaseEvent, EventAction, SignOff, SignRole

from .cases import SERVED, in_review, on, open_case

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs two connections that run at once"
    ),
]


def at_once(*calls: Callable[[], object]) -> list[object]:
    """Run `calls` in threads released together; each result or the exception it raised."""
    barrier = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)

    def run(i: int, call: Callable[[], object]) -> None:
        from django.db import connection as own

        try:
            barrier.wait()
            with translation.override("en"):  # each thread has its own active language
                results[i] = call()
        except Exception as exc:
            results[i] = exc
        finally:
            own.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def test_two_cadre_signatures_at_once_leave_exactly_one_cadre_signature(world):
    # Only the assigned cadre signs (issue 12 item 1), so the race is theirs with themself: a
    # double tap, or the page open on two phones.
    case = in_review(world)
    with on(SERVED):
        results = at_once(
            lambda: actions.sign(case, by=world.user("grid_g1"), role=SignRole.CADRE),
            lambda: actions.sign(case, by=world.user("grid_g1"), role=SignRole.CADRE),
        )
    signed = [r for r in results if isinstance(r, SignOff)]
    refused = [r for r in results if isinstance(r, DomainError)]
    assert len(signed) == 1 and len(refused) == 1, results
    assert "has already signed" in refused[0].message
    assert SignOff.objects.filter(case=case).count() == 1
    assert CaseEvent.objects.filter(case=case, action=EventAction.SIGN).count() == 1


def test_one_person_signing_both_roles_at_once_gets_only_one_signature(world):
    from fangkong.core.tests.factories import UserFactory

    both = UserFactory.create(username="root", is_superuser=True, township=world.township_a)
    case = in_review(world)
    # Assigned to both roles (no assignment action allows it: the rule holds even then).
    Case.objects.filter(pk=case.pk).update(cadre=both, medic=both)
    with on(SERVED):
        results = at_once(
            lambda: actions.sign(case, by=both, role=SignRole.CADRE),
            lambda: actions.sign(case, by=both, role=SignRole.MEDIC),
        )
    assert sum(isinstance(r, SignOff) for r in results) == 1, results
    assert SignOff.objects.filter(case=case).count() == 1


def test_two_people_taking_the_last_bed_at_once_leave_one_of_them_waiting(world, room_a):
    first = open_case(world, measure=DEFAULT_RULES.high)
    second = open_case(world, world.resident_g1_spouse, measure=DEFAULT_RULES.high)
    with on(first.start_date):
        results = at_once(
            lambda: actions.start_quarantine(first, by=world.user("grid_g1"), room=room_a),
            lambda: actions.start_quarantine(second, by=world.user("leader_a1"), room=room_a),
        )
    assert sum(isinstance(r, Case) for r in results) == 1, results
    assert Case.objects.filter(room=room_a).count() == 1
