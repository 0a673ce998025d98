"""Two people acting at once, each on their own connection (PostgreSQL only: on SQLite the
test database is in memory and connections serialize anyway)."""

from __future__ import annotations

import pytest
from django.db import connection

from fangkong.core.errors import DomainError
from fangkong.core.models import AuditEntry
from fangkong.lockdown import actions
from fangkong.lockdown.models import Lockdown, LockdownMember, SupplyRequest, SupplyStatus
from fangkong.masstesting.models import Round
from fangkong.quarantine.models import Case
from fangkong.quarantine.tests.test_concurrency import at_once

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs two connections that run at once"
    ),
]


def test_two_leaders_locking_one_building_at_once_make_one_lockdown(world):
    results = at_once(
        lambda: actions.lock(world.user("leader_a1"), building=world.building_g1, reason="a"),
        lambda: actions.lock(world.user("admin_a"), building=world.building_g1, reason="b"),
    )
    made = [r for r in results if isinstance(r, Lockdown)]
    refused = [r for r in results if isinstance(r, DomainError)]
    assert len(made) == 1 and len(refused) == 1, results
    assert "already locked" in refused[0].message
    assert Lockdown.objects.count() == 1 and Round.objects.count() == 1
    assert LockdownMember.objects.count() == 2 and Case.objects.count() == 2


def test_a_delivery_marked_twice_at_once_is_recorded_once(world):
    lockdown = actions.lock(world.user("leader_a1"), building=world.building_g1, reason="a")
    request = actions.request_supplies(
        world.user("office_a1"), household=world.household_g1, kind="food"
    )
    actions.assign(world.user("office_a1"), request, volunteer=world.user("volunteer_a1"))
    audits = AuditEntry.objects.count()
    results = at_once(
        lambda: actions.mark_delivered(world.user("volunteer_a1"), request),
        lambda: actions.mark_delivered(world.user("volunteer_a1"), request),
    )
    done = [r for r in results if isinstance(r, SupplyRequest)]
    refused = [r for r in results if isinstance(r, DomainError)]
    assert len(done) == 1 and len(refused) == 1, results
    assert "already delivered" in refused[0].message
    assert SupplyRequest.objects.get().status == SupplyStatus.DELIVERED
    assert AuditEntry.objects.count() == audits + 1
    assert lockdown.pk
