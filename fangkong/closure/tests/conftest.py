"""Fixtures of the closure tests: a stopped clock (Beijing time), English messages, an empty
cache, photos stored under a temporary MEDIA_ROOT."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache
from django.utils import translation

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
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


@pytest.fixture
def nobody_keeps_stock(monkeypatch) -> None:
    """No installed app answers the equipment counts (closure/equipment.py): they are typed."""
    from fangkong.closure.equipment import EQUIPMENT_COUNTS
    from fangkong.core import registry

    monkeypatch.delitem(registry._answers, EQUIPMENT_COUNTS, raising=False)
