"""Fixtures of the masstesting tests: a stopped clock, English messages, a round helper."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import translation

SHANGHAI = ZoneInfo("Asia/Shanghai")
TODAY = dt.date(2026, 1, 20)


@pytest.fixture(autouse=True)
def clock() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(dt.datetime.combine(TODAY, dt.time(8), SHANGHAI), tick=False) as t:
        yield t


@pytest.fixture(autouse=True)
def in_english(client) -> Iterator[None]:
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield
