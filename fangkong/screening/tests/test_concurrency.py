"""Two people confirming the same self-registration at once: one decision, one case.

Needs a database where two connections really run at once (PostgreSQL); SQLite serialises
writers, so the test is skipped there.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections
from django.utils import translation

from fangkong.core.errors import DomainError
from fangkong.quarantine.models import Case
from fangkong.screening import actions
from fangkong.screening.models import Registration

from .factories import RegistrationFactory, StayFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs two concurrent connections"
    ),
]


def test_two_confirmations_at_once_make_one_decision_and_one_case(world, areas):
    reg = RegistrationFactory.create(grid=world.grid_g1, claimed_doc_number="")
    StayFactory.create(registration=reg)
    users = [world.user("grid_g1"), world.user("leader_a1")]
    barrier = threading.Barrier(len(users))
    outcomes: list[str] = []

    def confirm(user) -> None:
        try:
            translation.activate("en")
            barrier.wait()
            actions.confirm_registration(
                user, Registration.objects.get(pk=reg.pk), resident=world.resident_g1
            )
            outcomes.append("confirmed")
        except DomainError as exc:
            outcomes.append(exc.message)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=confirm, args=(u,)) for u in users]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes.count("confirmed") == 1
    (refused,) = [o for o in outcomes if o != "confirmed"]
    assert "no longer waiting" in refused
    assert Case.objects.filter(registration=reg).count() == 1
    reg.refresh_from_db()
    assert reg.status == "confirmed"
