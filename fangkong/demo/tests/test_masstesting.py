"""The testing-round demo on the `world` fixture."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from fangkong.core.models import AuditEntry
from fangkong.demo.masstesting import build_demo_masstesting
from fangkong.masstesting.models import Round, RoundMember, RoundStatus, ScopeKind, Tube
from fangkong.people.tests.factories import HouseholdFactory, ResidentFactory

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 1, 20)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(
        dt.datetime(2026, 1, 20, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False
    ):
        yield


def test_the_demo_makes_two_rounds(world):
    for _ in range(23):  # 25 people in grid G1: three pooled tubes
        ResidentFactory.create(household=world.household_g1)
    village = [HouseholdFactory.create(grid=world.village_group, number=f"{i}号") for i in range(3)]
    for i in range(8):
        ResidentFactory.create(household=village[i % 3])

    made = build_demo_masstesting(world.township_a, today=TODAY)

    grid_round = Round.objects.get(scope=ScopeKind.GRID)
    community_round = Round.objects.get(scope=ScopeKind.COMMUNITY)
    assert made == grid_round.members.count() + community_round.members.count() == 25 + 9
    assert grid_round.grid == world.grid_g1 and grid_round.status == RoundStatus.CLOSED
    assert timezone.localtime(grid_round.opened_at).date() == TODAY - dt.timedelta(days=1)
    tubes = Tube.objects.filter(round=grid_round)
    assert tubes.count() == 3 and set(tubes.values_list("result", flat=True)) == {
        "negative",
        "positive",
    }
    positive_pool = tubes.get(result="positive")
    flagged = RoundMember.objects.filter(round=grid_round, retest_needed=True)
    assert set(flagged.values_list("tube_id", flat=True)) == {positive_pool.pk}
    assert flagged.count() == positive_pool.members.count() > 0
    assert not RoundMember.objects.filter(round=grid_round, result="positive").exists()
    negatives = RoundMember.objects.filter(round=grid_round, result="negative").count()
    assert negatives == 25 - flagged.count()

    assert community_round.community == world.community_a2
    assert community_round.status == RoundStatus.OPEN
    sampled = community_round.members.filter(tube__isnull=False).count()
    assert sampled == 9 // 3
    assert timezone.localtime(community_round.opened_at).date() == TODAY
    assert AuditEntry.objects.filter(action="import", target_type="masstesting.round").count() == 1
