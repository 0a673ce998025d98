"""Fixtures of the lockdown tests: a stopped clock (Beijing time), messages in English, a
second unit of building G1 with its own household (the neighbour that must stay untouched)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache
from django.utils import translation

from fangkong.conftest import World
from fangkong.core.models import Unit
from fangkong.core.tests.factories import UnitFactory
from fangkong.people.models import Household, Resident
from fangkong.people.tests.factories import HouseholdFactory, ResidentFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")
TODAY = dt.date(2026, 1, 20)


def at(day: dt.date = TODAY, hour: int = 8, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), SHANGHAI)


@pytest.fixture(autouse=True)
def clock() -> Iterator[time_machine.Traveller]:
    """Time stands still at 08:00 on TODAY unless a test moves it (`clock.move_to`)."""
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
    yield
    cache.clear()


@dataclass
class Neighbours:
    unit2: Unit
    household2: Household
    resident2: Resident


@pytest.fixture
def neighbours(world: World) -> Neighbours:
    """Unit 2 of building G1 (same building as 张三丰's unit 1), one person in room 201."""
    unit2 = UnitFactory.create(building=world.building_g1, name="2单元")
    household2 = HouseholdFactory.create(
        grid=world.grid_g1,
        building=world.building_g1,
        unit=unit2,
        number="201",
        address="民族社区 第一网格 1栋 2单元 201",
    )
    return Neighbours(
        unit2, household2, ResidentFactory.create(household=household2, name="周邻居")
    )
