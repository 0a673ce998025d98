"""Fixtures of the health tests: a stopped clock (Beijing time), people in quarantine,
messages in English, the browser."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache
from django.utils import translation

from fangkong.conftest import World, ensure_default_policy
from fangkong.people.models import Resident
from fangkong.policy.models import Policy, PolicyStatus
from fangkong.policy.rules import DEFAULT_RULES, PolicyRules
from fangkong.quarantine import actions as quarantine
from fangkong.quarantine.models import Case, CaseReason

SHANGHAI = ZoneInfo("Asia/Shanghai")
#: the day the tests run on, and the start of the quarantines they make (day 6 on TODAY)
TODAY = dt.date(2026, 1, 20)
START = dt.date(2026, 1, 15)


def at(day: dt.date = TODAY, hour: int = 8, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), SHANGHAI)


@pytest.fixture(autouse=True)
def clock() -> Iterator[time_machine.Traveller]:
    """Time stands still at 08:00 on TODAY unless a test moves it (`clock.move_to`)."""
    with time_machine.travel(at(), tick=False) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def in_english(client) -> Iterator[None]:
    """Messages are asserted in their English source form, whatever the catalogue says."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def fresh_cache() -> Iterator[None]:
    """The public page's flood control counts in the cache; each test starts with none."""
    cache.clear()
    yield
    cache.clear()


def township_policy(world: World, **rules: object) -> Policy:
    """An active version of township A's own, with some rules changed."""
    data = PolicyRules.from_data({**DEFAULT_RULES.to_data(), **rules}).to_data()
    return Policy.objects.create(
        township=world.township_a,
        version=2,
        name="江汉街道加强版",
        status=PolicyStatus.ACTIVE,
        effective_from=dt.date(2026, 1, 1),
        source_title="江汉街道通知",
        rules=data,
    )


def quarantine_case(
    world: World,
    resident: Resident,
    *,
    start: dt.date = START,
    policy: Policy | None = None,
    by: str = "grid_g1",
) -> Case:
    """A home quarantine from `start`, opened and started through the quarantine actions."""
    policy = policy or ensure_default_policy()
    user = world.user(by) if by in world.users else None
    case = quarantine.open_case(
        resident,
        by=user,
        measure=policy.as_rules().medium,
        policy=policy,
        reason=CaseReason.RETURNEE,
        start_date=start,
    )
    return quarantine.start_quarantine(case, by=user)


@pytest.fixture
def in_quarantine(world) -> Callable[..., Case]:
    def make(resident: Resident, **kw: object) -> Case:
        return quarantine_case(world, resident, **kw)  # type: ignore[arg-type]

    return make


@pytest.fixture
def case_g1(world) -> Case:
    """张三丰 (grid G1), in home quarantine since START."""
    return quarantine_case(world, world.resident_g1)


@pytest.fixture
def case_g2(world) -> Case:
    """王二小 (grid G2, same community), in home quarantine since START."""
    return quarantine_case(world, world.resident_g2, by="grid_g2")
