"""The notices demo on the `world` fixture."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from fangkong.demo.notices import build_demo_notices
from fangkong.notices.models import MediaRequest, Notice

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 1, 20)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(
        dt.datetime(2026, 1, 20, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False
    ):
        yield


def test_the_demo_publishes_two_plan_texts_and_leaves_one_for_the_township(world):
    assert build_demo_notices(world.township_a, today=TODAY) == 2
    statuses = dict(
        Notice.objects.filter(community=world.community_a1).values_list("template", "status")
    )
    assert statuses == {
        "proposal_festival": "published",
        "cold_chain": "published",
        "letter_workers": "reviewed",
        "protection": "draft",
    }
    published = Notice.objects.get(template="cold_chain")
    assert published.approved_by == world.user("admin_a")
    assert "民族社区居委会" in published.approved_body
    assert MediaRequest.objects.get().status == "requested"
