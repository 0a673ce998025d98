"""Fixtures of the checkpoints tests: a stopped clock (Beijing time), English messages, an
open gate and a sealed one in community A1, passes, and closed management switched on or off
per community (`closed`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache
from django.utils import translation

from fangkong.checkpoints import closed as closure_state
from fangkong.checkpoints.entries import forget_rules
from fangkong.checkpoints.models import Gate, GateState, Pass
from fangkong.checkpoints.passes import issue
from fangkong.conftest import World
from fangkong.people.models import Resident

SHANGHAI = ZoneInfo("Asia/Shanghai")
TODAY = dt.date(2026, 1, 20)


def at(day: dt.date = TODAY, hour: int = 8, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), SHANGHAI)


@pytest.fixture(autouse=True)
def clock() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(at(), tick=False) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def in_english(client) -> Iterator[None]:
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def fresh_cache() -> Iterator[None]:
    cache.clear()
    forget_rules()
    yield
    cache.clear()
    forget_rules()


@pytest.fixture(autouse=True)
def closed(monkeypatch) -> set[int]:
    """Communities under closed management (none unless a test adds its id). The real
    answer (`fangkong.closure.levels`) is exercised in test_closure_link.py."""
    communities: set[int] = set()
    monkeypatch.setattr(
        closure_state, "closed_management_on", lambda community_id, day: community_id in communities
    )
    return communities


def make_gate(
    world: World, name: str = "南门", state: str = GateState.OPEN, community=None
) -> Gate:
    community = community or world.community_a1
    return Gate.objects.create(
        township=community.township, community=community, name=name, state=state
    )


@pytest.fixture
def gate(world) -> Gate:
    return make_gate(world)


@pytest.fixture
def sealed_gate(world) -> Gate:
    return make_gate(world, "北门", GateState.SEALED)


@pytest.fixture
def pass_of(world) -> Callable[[Resident], Pass]:
    def make(resident: Resident) -> Pass:
        by = world.user("admin_a" if resident.township_id == world.township_a.pk else "admin_b")
        return issue(by, resident)

    return make
