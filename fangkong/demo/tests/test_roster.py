"""The duty roster demo on the `world` fixture."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from fangkong.checkpoints.models import Gate
from fangkong.demo.roster import build_demo_roster
from fangkong.roster import queries
from fangkong.roster.models import Duty, Post

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 1, 20)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(
        dt.datetime(2026, 1, 20, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False
    ):
        yield


def test_the_demo_fills_this_week_but_one_shift_tomorrow(world):
    Gate.objects.create(township=world.township_a, community=world.community_a1, name="南门")
    made = build_demo_roster(world.township_a, today=TODAY)
    a1 = world.community_a1
    assert Post.objects.filter(community=a1).count() == 3
    # 7 days × 3 shifts × 3 posts, but the gate's first shift tomorrow
    assert Duty.objects.filter(community=a1).count() == 7 * 3 * 3 - 1
    empty = queries.empty_shifts(a1, TODAY + dt.timedelta(days=1))
    assert [(c.post.name, c.slot.index) for c in empty] == [("南门", 0)]
    written = Duty.objects.filter(community=a1, handover_at__isnull=False)
    assert written.count() == 4  # yesterday's three gate shifts and today's first
    assert Duty.objects.filter(community=a1, handover_read_at__isnull=False).count() == 4
    assert made >= 62
