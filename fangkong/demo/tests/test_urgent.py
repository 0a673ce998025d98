"""The urgent report demo on the `world` fixture."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from fangkong.demo.urgent import build_demo_urgent
from fangkong.urgent.models import Status, UrgentReport

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 1, 20)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(
        dt.datetime(2026, 1, 20, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False
    ):
        yield


def test_the_demo_shows_one_escalated_one_waiting_and_one_closed_report(world):
    assert build_demo_urgent(world.township_a, today=TODAY) == 3
    now = timezone.now()
    reports = {r.category: r for r in UrgentReport.objects.all()}
    assert set(reports) == {"conflict", "supplies", "fever"}
    assert all(r.community == world.community_a1 for r in reports.values())
    assert reports["conflict"].status == Status.CLOSED
    assert not reports["conflict"].was_escalated(now)
    assert reports["supplies"].is_escalated(now)
    assert reports["supplies"].reported_by == world.user("office_a1")
    assert reports["fever"].status == Status.REPORTED and not reports["fever"].is_escalated(now)
    assert reports["fever"].reported_by == world.user("grid_g1")
