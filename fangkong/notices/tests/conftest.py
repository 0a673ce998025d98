"""Fixtures of the notices tests: a stopped clock (Beijing time), English messages."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import translation

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def clock() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(
        dt.datetime(2026, 1, 20, 9, 0, tzinfo=SHANGHAI), tick=False
    ) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def in_english(client) -> Iterator[None]:
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield
