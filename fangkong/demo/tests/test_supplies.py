"""The supplies and disinfection demo on the `world` fixture."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from fangkong.conftest import ensure_default_policy
from fangkong.demo.disinfection import build_demo_disinfection
from fangkong.demo.supplies import build_demo_supplies
from fangkong.disinfection import coverage, queries
from fangkong.disinfection.models import Place
from fangkong.supplies import queries as stock_queries
from fangkong.supplies.models import Donation

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 1, 20)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(
        dt.datetime(2026, 1, 20, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False
    ):
        yield


def test_each_community_has_a_low_item_an_expiring_batch_and_one_place_missed(client, world):
    ensure_default_policy()
    assert build_demo_supplies(world.township_a, today=TODAY) > 0
    assert build_demo_disinfection(world.township_a, today=TODAY) > 0
    ids = [world.community_a1.pk, world.community_a2.pk]
    state = stock_queries.state_of(ids, TODAY)
    for community_id in ids:
        assert [row.name for row in state[community_id].low] == ["防护服"]
        assert [row.name for row in state[community_id].expiring] == ["抗原检测试剂"]
    yesterday = queries.by_community(ids, TODAY - dt.timedelta(days=1), TODAY)
    for community_id in ids:
        missed = [r.place.name for r in yesterday[community_id] if r.status == coverage.MISSED]
        assert missed == ["1栋电梯"]
    today = queries.day_of(Place.objects.filter(community=world.community_a1), TODAY, TODAY)
    assert any(r.done for r in today)
    assert Donation.objects.filter(publishable=True).count() == 4
    page = client.get(reverse("donations:public", args=[world.community_a1.code]))
    assert "爱心超市" in page.content.decode()
    assert "居民王女士" not in page.content.decode()
