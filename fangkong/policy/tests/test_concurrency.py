"""Two admins acting at once: version numbers and risk areas are never doubled.

Needs a database where two connections really run side by side: PostgreSQL (on SQLite the
IMMEDIATE transactions run one after the other, which is the same guarantee by other means).
Each action is slowed down at its critical point, so without the lock both would pass it.
"""

import datetime as dt
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections

from fangkong.conftest import ensure_default_policy
from fangkong.core.errors import DomainError
from fangkong.policy import actions
from fangkong.policy.actions import AreaRow
from fangkong.policy.models import Policy, PolicyStatus, RiskArea
from fangkong.policy.places import Place

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs two connections running side by side"
    ),
]

TODAY = dt.date(2026, 1, 20)


def at_once(*calls: Callable[[], Any]) -> list[Any]:
    """Run `calls` in threads started together; each result, or the exception raised."""
    results: list[Any] = [None] * len(calls)
    start = threading.Barrier(len(calls))

    def run(i: int, call: Callable[[], Any]) -> None:
        start.wait()
        try:
            results[i] = call()
        except Exception as exc:
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results


def slowed(monkeypatch, name: str, seconds: float = 0.4) -> None:
    original = getattr(actions, name)

    def slow(*args: Any, **kwargs: Any) -> Any:
        result = original(*args, **kwargs)
        time.sleep(seconds)
        return result

    monkeypatch.setattr(actions, name, slow)


def test_two_copies_at_once_get_different_numbers(world, monkeypatch):
    v1 = ensure_default_policy()
    slowed(monkeypatch, "_next_version")
    admin = world.user("admin_a")

    results = at_once(
        lambda: actions.copy_version(admin, v1, today=TODAY),
        lambda: actions.copy_version(admin, v1, today=TODAY),
    )

    assert not [r for r in results if isinstance(r, Exception)], results
    assert sorted(
        Policy.objects.filter(status=PolicyStatus.DRAFT).values_list("version", flat=True)
    ) == [2, 3]


def test_the_same_place_registered_twice_at_once_is_kept_once(world, monkeypatch):
    slowed(monkeypatch, "area_problems")
    place = Place("130109", "河北省石家庄市藁城区", "增村镇")
    rows = [AreaRow(place, "high", TODAY, origin="line 1")]

    results = at_once(
        lambda: actions.add_areas(world.user("admin_a"), rows, how="a"),
        lambda: actions.add_areas(world.user("admin_b"), rows, how="b"),
    )

    assert RiskArea.objects.count() == 1
    assert sum(isinstance(r, DomainError) for r in results) == 1
    [refusal] = [r for r in results if isinstance(r, DomainError)]
    assert "already registered" in refusal.message or "已" in refusal.message
