"""The inspection demo on the `world` fixture."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from fangkong.demo.inspections import build_demo_inspections
from fangkong.inspections.models import Finding, FindingStatus, Inspection, Merit

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 1, 20)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(
        dt.datetime(2026, 1, 20, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False
    ):
        yield


def test_the_demo_shows_a_finished_round_an_overdue_rectification_and_a_round_today(world):
    assert build_demo_inspections(world.township_a, today=TODAY) == 2
    rounds = list(Inspection.objects.order_by("on"))
    assert [r.on for r in rounds] == [TODAY - dt.timedelta(days=3), TODAY]
    assert rounds[0].finished_at is not None and rounds[1].finished_at is None
    assert {f.status for f in Finding.objects.all()} == {FindingStatus.OPEN, FindingStatus.CLOSED}
    overdue = Finding.objects.overdue(TODAY).get()
    assert overdue.owner == world.user("grid_g1") and overdue.days_late(TODAY) == 1
    assert Merit.objects.get().subject == "交通管控组"
