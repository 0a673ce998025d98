"""Fixtures of the disinfection tests: a stopped clock (Beijing time), English messages."""

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
def in_english(request) -> Iterator[None]:
    if "client" in request.fixturenames:
        request.getfixturevalue("client").defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield
