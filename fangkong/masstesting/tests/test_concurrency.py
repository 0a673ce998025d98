"""Samplers working at the same moment, each on their own connection (PostgreSQL: on SQLite
the test database is in memory and connections serialize anyway)."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection
from django.utils import translation

from fangkong.core.errors import DomainError
from fangkong.masstesting import actions
from fangkong.masstesting.models import RoundMember, Tube

from .helpers import community_round

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs two connections that run at once"
    ),
]


def at_once(*calls: Callable[[], object]) -> list[object]:
    barrier = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)

    def run(i: int, call: Callable[[], object]) -> None:
        from django.db import connection as own

        try:
            barrier.wait()
            with translation.override("en"):
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


def _sampler(rnd, code, person, by=None):
    return lambda: actions.sample(by, rnd, tube_code=code, pooled=True, resident=person)


def test_twelve_samplers_on_one_tube_fill_it_to_ten(world) -> None:
    rnd = community_round(world, extra=9)
    people = [m.resident for m in rnd.members.select_related("resident")]
    assert len(people) == 12
    results = at_once(*(_sampler(rnd, "P1", p) for p in people))
    added = [r for r in results if isinstance(r, RoundMember)]
    refused = [r for r in results if isinstance(r, DomainError)]
    assert len(added) == 10 and len(refused) == 2, results
    assert all("full" in r.message for r in refused)
    assert Tube.objects.get(round=rnd, code="P1").members.count() == 10
    assert Tube.objects.filter(round=rnd).count() == 1


def test_one_person_into_two_tubes_at_once_is_sampled_once(world) -> None:
    rnd = community_round(world)
    results = at_once(
        _sampler(rnd, "P1", world.resident_g1), _sampler(rnd, "P2", world.resident_g1)
    )
    refused = [r for r in results if isinstance(r, DomainError)]
    assert len(refused) == 1 and "already sampled" in refused[0].message, results
    member = RoundMember.objects.get(round=rnd, resident=world.resident_g1)
    assert member.tube is not None
    assert RoundMember.objects.filter(round=rnd, tube__isnull=False).count() == 1
