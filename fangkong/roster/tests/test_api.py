"""The roster endpoints under /api/v1/, with the pages' access rules."""

from __future__ import annotations

import datetime as dt

import pytest

from fangkong.api.tests.client import ApiClient
from fangkong.roster.models import Swap, SwapStatus

from .conftest import TODAY, at
from .factories import on, posts

pytestmark = pytest.mark.django_db
TOMORROW = TODAY + dt.timedelta(days=1)


def api(world, key):
    client = ApiClient(world.user(key))
    client.headers["Accept-Language"] = "en"
    return client


def test_the_week_of_a_community(world) -> None:
    p = posts(world)
    on(world, p["gate"], "guard_a1", day=TOMORROW, slot=0)
    response = api(world, "guard_a1").get(
        "/roster/week", community=world.community_a1.pk, day=TOMORROW.isoformat()
    )
    assert response.status_code == 200
    data = response.json()
    assert data["monday"] == "2026-01-19" and len(data["days"]) == 7
    wednesday = data["days"][2]
    gate = next(x for x in wednesday["posts"] if x["post_name"] == "南门")
    assert [s["people"] for s in gate["shifts"]] == [["guard_a1"], [], []]


def test_another_communitys_week_is_not_found(world) -> None:
    posts(world)
    assert (
        api(world, "leader_a2").get("/roster/week", community=world.community_a1.pk).status_code
        == 404
    )


def test_my_shifts_and_the_handover(world, clock) -> None:
    p = posts(world)
    clock.move_to(at(hour=6))
    duty = on(world, p["gate"], "guard_a1", day=TODAY, slot=1)
    clock.move_to(at(hour=15, minute=45))
    data = api(world, "guard_a1").get("/roster/mine").json()
    assert [d["id"] for d in data["current"]] == [duty.pk]
    response = api(world, "guard_a1").post(f"/roster/duties/{duty.pk}/handover", {"note": "无异常"})
    assert response.status_code == 200 and response.json()["handover"] == "无异常"
    response = api(world, "volunteer_a1").post(
        f"/roster/duties/{duty.pk}/handover", {"note": "冒名"}
    )
    assert response.status_code == 422
    duty.refresh_from_db()
    assert duty.handover == "无异常"


def test_swap_asked_and_decided(world) -> None:
    p = posts(world)
    duty = on(world, p["gate"], "guard_a1", day=TOMORROW)
    response = api(world, "guard_a1").post(
        f"/roster/duties/{duty.pk}/swap", {"to_person": world.user("volunteer_a1").pk}
    )
    assert response.status_code == 201
    swap_id = response.json()["id"]
    assert (
        api(world, "office_a1")
        .post(f"/roster/swaps/{swap_id}/decide", {"approve": True})
        .status_code
        == 422
    )
    assert (
        api(world, "leader_a2")
        .post(f"/roster/swaps/{swap_id}/decide", {"approve": True})
        .status_code
        == 404
    )
    assert Swap.objects.get().status == SwapStatus.REQUESTED
    response = api(world, "leader_a1").post(f"/roster/swaps/{swap_id}/decide", {"approve": True})
    assert response.status_code == 200 and response.json()["status"] == "approved"
