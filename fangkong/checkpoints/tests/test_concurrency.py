"""Two guards at once, in threads with their own connections (PostgreSQL): two scans of the
same person are both stored; one submission arriving twice at once is stored once and both
requests get its answer; two people issuing passes at once draw different numbers."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from fangkong.checkpoints import entries, passes
from fangkong.checkpoints.models import GateEntry, Pass
from fangkong.checkpoints.payload import qr_text
from fangkong.core.roles import Role
from fangkong.core.tests.factories import UserFactory

from .helpers import passage

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs row locks and a shared database"
    ),
]


def at_once(*calls: Callable[[], Any]) -> list[Any]:
    start = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(i: int, call: Callable[[], Any]) -> None:
        from django.db import connection as own

        try:
            start.wait()
            results[i] = call()
        except Exception as exc:
            results[i] = exc
        finally:
            own.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return results


def test_two_guards_scanning_the_same_person_store_both(world, gate, pass_of) -> None:
    code = qr_text(pass_of(world.resident_g1).number)
    second = UserFactory.create(
        username="guard2",
        role=Role.CHECKPOINT_GUARD,
        township=world.township_a,
        community=world.community_a1,
    )
    guards = [world.user("guard_a1"), second]
    results = at_once(
        *[
            (lambda g=g: entries.record_resident(g, gate, **passage(code=code, direction="in")))
            for g in guards
        ]
    )
    assert all(isinstance(r, entries.Recorded) and r.created for r in results), results
    assert GateEntry.objects.count() == 2
    assert set(GateEntry.objects.values_list("guard_id", flat=True)) == {g.pk for g in guards}


def test_one_submission_arriving_twice_at_once_is_stored_once(world, gate, pass_of) -> None:
    code = qr_text(pass_of(world.resident_g1).number)
    key = uuid.uuid4()
    guard = world.user("guard_a1")
    results = at_once(
        *[
            (lambda: entries.record_resident(guard, gate, **passage(code=code, client_key=key)))
            for _ in range(4)
        ]
    )
    assert all(isinstance(r, entries.Recorded) for r in results), results
    assert GateEntry.objects.count() == 1
    assert {r.entry.pk for r in results} == {GateEntry.objects.get().pk}
    assert sum(r.created for r in results) == 1


def test_one_key_sent_at_once_with_two_payloads_stores_one_and_refuses_the_other(
    world, gate, pass_of
) -> None:
    codes = [qr_text(pass_of(r).number) for r in (world.resident_g1, world.resident_g2)]
    key = uuid.uuid4()
    guard = world.user("guard_a1")
    results = at_once(
        *[
            (lambda c=c: entries.record_resident(guard, gate, **passage(code=c, client_key=key)))
            for c in codes
        ]
    )
    stored = [r for r in results if isinstance(r, entries.Recorded)]
    refused = [r for r in results if isinstance(r, entries.KeyReused)]
    assert len(stored) == 1 and stored[0].created and len(refused) == 1, results
    assert list(GateEntry.objects.values_list("pk", flat=True)) == [stored[0].entry.pk]


def test_passes_issued_at_once_get_different_numbers(world) -> None:
    people = [world.resident_g1, world.resident_g1_spouse, world.resident_g2]
    by = world.user("leader_a1")
    results = at_once(*[(lambda r=r: passes.issue(by, r)) for r in people])
    assert all(isinstance(r, Pass) for r in results), results
    numbers = sorted(Pass.objects.values_list("number", flat=True))
    assert numbers == [f"420103001001-00000{i}" for i in (1, 2, 3)]
