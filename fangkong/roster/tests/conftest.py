"""Fixtures of the duty roster tests: a stopped clock (Beijing time, Tuesday 2026-01-20 at
10:00, inside the 08:00–16:00 shift of the default pattern), English messages, posts for 民族
社区 (its gate 南门, the office, the patrol)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import translation

SHANGHAI = ZoneInfo("Asia/Shanghai")
TODAY = dt.date(2026, 1, 20)


def at(day: dt.date = TODAY, hour: int = 10, minute: int = 0) -> dt.datetime:
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
