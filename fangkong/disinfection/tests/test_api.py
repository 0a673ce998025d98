"""The disinfection entry endpoints under /api/v1/."""

import datetime as dt

import pytest
from django.utils import timezone

from fangkong.api.tests.client import ApiClient
from fangkong.conftest import ensure_default_policy
from fangkong.disinfection import actions
from fangkong.disinfection.models import Entry
from fangkong.supplies.tests.helpers import balance, kind, lot

pytestmark = pytest.mark.django_db


def api(world, key, language="en"):
    client = ApiClient(world.user(key))
    client.headers["Accept-Language"] = language
    return client


@pytest.fixture
def lift(world):
    ensure_default_policy()
    return actions.save_place(world.user("leader_a1"), world.community_a1, name="电梯", kind="lift")


def test_record_with_an_agent_and_list(world, lift):
    agent = lot(world, 10, item=kind(world, "84消毒液", unit="升", is_agent=True), batch="D")
    response = api(world, "medic_a1").post(
        "/disinfection-entries", {"place": lift.pk, "agent": agent.pk, "amount": "0.5"}
    )
    assert response.status_code == 201
    assert response.json()["movement"] is not None
    assert balance(agent) == 9.5
    assert api(world, "leader_a1").get("/disinfection-entries").json()["count"] == 1
    assert api(world, "leader_a2").get("/disinfection-entries").json()["count"] == 0


def test_an_entry_in_the_future_is_422_and_writes_nothing(world, lift):
    when = (timezone.now() + dt.timedelta(hours=2)).isoformat()
    response = api(world, "volunteer_a1", "zh-hans").post(
        "/disinfection-entries", {"place": lift.pk, "done_at": when}
    )
    assert response.status_code == 422
    assert "不能晚于现在" in str(response.json())
    assert not Entry.objects.exists()


def test_a_place_of_another_community_is_404(world, lift):
    response = api(world, "admin_b").post("/disinfection-entries", {"place": lift.pk})
    assert response.status_code == 404
    assert (
        api(world, "leader_a2").post("/disinfection-entries", {"place": lift.pk}).status_code == 403
    )
    assert api(world, "admin_b").get("/disinfection-entries").json()["count"] == 0
    assert not Entry.objects.exists()
