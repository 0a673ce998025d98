"""Two people acting on one community at once (PostgreSQL: two connections side by side).

Each action is slowed down after it read the state, so without the lock on the community row
both would pass: two identical level entries and the checklist made twice (an integrity
error), or two gates left open.
"""

import time
from typing import Any

import pytest
from django.db import connection

from fangkong.checkpoints.models import Gate, GateState
from fangkong.closure import actions
from fangkong.closure.models import ChecklistItem, CommunityLevel
from fangkong.core.errors import DomainError
from fangkong.policy.tests.test_concurrency import at_once

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs two connections running side by side"
    ),
]


def slowed(monkeypatch, name: str, seconds: float = 0.4) -> None:
    original = getattr(actions, name)

    def slow(*args: Any, **kwargs: Any) -> Any:
        result = original(*args, **kwargs)
        time.sleep(seconds)
        return result

    monkeypatch.setattr(actions, name, slow)


def test_the_same_level_set_twice_at_once_is_recorded_once(world, monkeypatch):
    slowed(monkeypatch, "community_level")
    admin = world.user("admin_a")

    results = at_once(
        lambda: actions.set_level(admin, world.community_a1, level="medium", reason="一"),
        lambda: actions.set_level(admin, world.community_a1, level="medium", reason="二"),
    )

    assert sum(isinstance(r, DomainError) for r in results) == 1, results
    assert not [r for r in results if isinstance(r, Exception) and not isinstance(r, DomainError)]
    assert CommunityLevel.objects.count() == 1
    assert ChecklistItem.objects.filter(community=world.community_a1).count() == 6


def test_two_gates_kept_open_at_once_leave_one_open(world, monkeypatch):
    leader = world.user("leader_a1")
    south = actions.add_gate(leader, world.community_a1, name="南门")
    north = actions.add_gate(leader, world.community_a1, name="北门", state=GateState.SEALED)
    slowed(monkeypatch, "_locked_community")

    results = at_once(
        lambda: actions.keep_open(leader, south),
        lambda: actions.keep_open(world.user("office_a1"), north),
    )

    assert not [r for r in results if isinstance(r, Exception)], results
    assert Gate.objects.filter(community=world.community_a1, state=GateState.OPEN).count() == 1
