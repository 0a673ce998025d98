"""Fixtures of the screening tests: messages in English, frozen time, risk areas, the
browser."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.utils import translation

from fangkong.policy.models import RiskArea

from .factories import RiskAreaFactory

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
#: "now" in these tests: the morning of 22 January 2024
NOW = dt.datetime(2024, 1, 22, 9, 30, tzinfo=SHANGHAI)
TODAY = NOW.date()


@pytest.fixture(autouse=True)
def in_english():
    """Messages are asserted in their English source form, whatever the catalogue says."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def pages_in_english(client):
    """Pages are asserted in English too (the site's default language is Chinese)."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def fresh_cache():
    """Flood counters live in the cache: every test starts from none."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def areas(db) -> dict[str, RiskArea]:
    """民族街道 (江汉区) high since 1/10; 增村镇 (藁城区) high since 1/1; 花桥街道 medium."""
    return {
        "minzu": RiskAreaFactory.create(),
        "zengcun": RiskAreaFactory.create(
            code="130109",
            division_name="河北省石家庄市藁城区",
            sub_name="增村镇",
            start=dt.date(2024, 1, 1),
        ),
        "huaqiao": RiskAreaFactory.create(
            sub_name="花桥街道", level="medium", start=dt.date(2024, 1, 5)
        ),
    }
