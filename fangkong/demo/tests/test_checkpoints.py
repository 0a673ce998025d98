"""The checkpoints demo on the `world` fixture, under the closure demo's closed management."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from fangkong.checkpoints.entries import forget_rules
from fangkong.checkpoints.models import GateEntry, Pass
from fangkong.demo.checkpoints import build_demo_checkpoints
from fangkong.demo.closure import build_demo_closure
from fangkong.people.tests.factories import ResidentFactory

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 1, 20)


@pytest.fixture(autouse=True)
def fresh_rules():
    forget_rules()
    yield
    forget_rules()


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(
        dt.datetime(2026, 1, 20, 18, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False
    ):
        yield


def test_the_demo_issues_passes_and_records_a_day_at_the_gate(world):
    for i in range(30):
        ResidentFactory.create(household=world.household_g1 if i % 2 else world.household_g2)
    build_demo_closure(world.township_a, today=TODAY)

    made = build_demo_checkpoints(world.township_a, today=TODAY)

    a1 = world.community_a1
    people = 30 + 3  # the two buildings of A1: 1栋 and 2栋
    assert Pass.objects.valid().filter(community=a1).count() == people
    assert made == GateEntry.objects.count() == 24 + 1 + 1 + 2 + 2
    log = GateEntry.objects.all()
    assert {e.gate.name for e in log} == {"南门"}
    assert all(e.at.astimezone(ZoneInfo("Asia/Shanghai")).date() == TODAY for e in log)
    reasons = [r for e in log.filter(verdict="stop") for r in e.reasons]
    assert sorted(reasons) == ["fever", "non_essential", "quarantine"]
    assert log.filter(kind="vehicle").count() == 2
    assert log.filter(kind="visitor", verdict="allow").count() == 1
    assert log.filter(verdict="allow").count() == made - 3
    open_stops = list(log.unhandled())
    assert len(open_stops) == 1
    assert log.filter(verdict="stop", handled_at__isnull=False).count() == 2


def test_without_gates_the_demo_opens_one(world):
    made = build_demo_checkpoints(world.township_a, today=TODAY)
    assert made > 0
    assert list(world.community_a1.gates.values_list("name", "state")) == [("南门", "open")]
