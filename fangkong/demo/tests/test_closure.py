"""The closure demo on the `world` fixture."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from fangkong.checkpoints.models import Gate
from fangkong.closure import checklist as rule
from fangkong.closure.board import facts_of
from fangkong.closure.levels import community_level
from fangkong.closure.models import ChecklistItem, CommunityLevel, TeamMember
from fangkong.demo.closure import build_demo_closure
from fangkong.policy.rules import Level

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 1, 20)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(
        dt.datetime(2026, 1, 20, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False
    ):
        yield


def test_the_demo_closes_the_first_community_and_leaves_two_items_missing(world):
    made = build_demo_closure(world.township_a, today=TODAY)

    assert made == 6
    a1 = world.community_a1
    now = community_level(a1, TODAY)
    assert (now.level, now.source, now.closed_management) == (Level.MEDIUM, "township", True)
    assert now.since is not None and now.since.date() == TODAY - dt.timedelta(days=3)
    assert community_level(a1, TODAY - dt.timedelta(days=4)).closed_management is False
    entry = CommunityLevel.objects.get(community=a1)
    assert entry.set_by == world.user("admin_a")

    assert dict(Gate.objects.filter(community=a1).values_list("name", "state")) == {
        "南门": "open",
        "北门": "sealed",
        "东门": "sealed",
    }
    sealed = Gate.objects.get(community=a1, name="北门")
    assert sealed.changed_by == world.user("leader_a1") and sealed.note

    assert TeamMember.objects.filter(community=a1, team="team").count() == 5
    facts = facts_of([a1.pk])[a1.pk]
    assert rule.progress(facts) == (4, 6)
    missing = rule.missing(facts)
    assert [m.kind for m in missing] == ["publicity", "inspection"]
    assert all(m.owner_id for m in missing)

    village = community_level(world.community_a2, TODAY)
    assert (village.source, village.level, village.closed_management) == ("county", "low", False)
    assert not ChecklistItem.objects.filter(community=world.community_a2).exists()
