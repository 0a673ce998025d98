"""The urgent report endpoints under /api/v1/."""

import datetime as dt

import pytest
from django.utils import timezone

from fangkong.api.tests.client import ApiClient
from fangkong.urgent.models import Status, UrgentReport

from .helpers import report

pytestmark = pytest.mark.django_db


def api(world, key, language="en"):
    client = ApiClient(world.user(key))
    client.headers["Accept-Language"] = language
    return client


def body(world, **kw):
    data = {
        "community": world.community_a1.pk,
        "category": "supplies",
        "what": "消毒液用完了",
        "place": "社区卫生站",
        "occurred_at": timezone.now().isoformat(),
        "people": "",
    }
    data.update(kw)
    return data


@pytest.mark.parametrize("key", ["leader_a1", "office_a1", "grid_g1"])
def test_community_staff_report(world, key):
    response = api(world, key).post("/urgent-reports", body(world))
    assert response.status_code == 201
    data = response.json()
    made = UrgentReport.objects.get()
    assert (data["id"], data["status"], data["escalated"], data["community"]) == (
        made.pk,
        "reported",
        False,
        world.community_a1.pk,
    )


@pytest.mark.parametrize(
    ("key", "status"),
    [("leader_a2", 404), ("admin_b", 404), ("medic_a1", 403), ("volunteer_a1", 403)],
)
def test_nobody_reports_for_another_community(world, key, status):
    response = api(world, key).post("/urgent-reports", body(world))
    assert response.status_code == status
    assert response.json()["detail"]
    assert not UrgentReport.objects.exists()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"what": ""}, "what"),
        ({"category": "party"}, "category"),
        ({"occurred_at": "yesterday"}, "occurred_at"),
        ({"place": "x" * 201}, "place"),
    ],
)
def test_bad_input_is_422_and_writes_nothing(world, fields, field):
    response = api(world, "office_a1").post("/urgent-reports", body(world, **fields))
    assert response.status_code == 422
    assert field in response.json()["errors"]
    assert not UrgentReport.objects.exists()


def test_the_message_is_in_chinese(world):
    future = (timezone.now() + dt.timedelta(hours=3)).isoformat()
    response = api(world, "office_a1", "zh-hans").post(
        "/urgent-reports", body(world, occurred_at=future)
    )
    assert response.status_code == 422
    assert "不能发生在将来" in response.json()["errors"]["occurred_at"][0]
    assert not UrgentReport.objects.exists()


def test_the_list_is_scoped_and_escalated_first(world, clock):
    old = report(world, what="旧的")
    clock.shift(dt.timedelta(minutes=45))
    fresh = report(world, "leader_a2", community=world.community_a2, what="新的")
    township = api(world, "admin_a").get("/urgent-reports").json()
    assert [(i["id"], i["escalated"]) for i in township["items"]] == [
        (old.pk, True),
        (fresh.pk, False),
    ]
    assert [i["id"] for i in api(world, "grid_g1").get("/urgent-reports").json()["items"]] == [
        old.pk
    ]
    assert api(world, "admin_b").get("/urgent-reports").json()["count"] == 0
    assert api(world, "medic_a1").get("/urgent-reports").status_code == 403
    escalated = api(world, "admin_a").get("/urgent-reports", status="escalated").json()
    assert [i["id"] for i in escalated["items"]] == [old.pk]
    assert api(world, "admin_a").get("/urgent-reports", status="soon").status_code == 422


def test_the_township_acknowledges(world):
    made = report(world)
    response = api(world, "admin_a").post(
        f"/urgent-reports/{made.pk}/acknowledge", {"note": "已收到"}
    )
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["acknowledgement"]) == (
        "acknowledged",
        "已收到",
    )
    again = api(world, "admin_a", "zh-hans").post(f"/urgent-reports/{made.pk}/acknowledge", {})
    assert again.status_code == 422
    assert "已由" in again.json()["errors"][""][0]


@pytest.mark.parametrize(
    ("key", "status"), [("leader_a1", 403), ("grid_g1", 403), ("leader_a2", 404), ("admin_b", 404)]
)
def test_only_the_township_acknowledges(world, key, status):
    made = report(world)
    response = api(world, key).post(f"/urgent-reports/{made.pk}/acknowledge", {})
    assert response.status_code == status
    made.refresh_from_db()
    assert made.status == Status.REPORTED


def test_odd_but_valid_input(world):
    naive = api(world, "office_a1").post(
        "/urgent-reports", body(world, occurred_at="2026-01-20T07:30")
    )
    assert naive.status_code == 201
    made = UrgentReport.objects.get()
    assert timezone.localtime(made.occurred_at).strftime("%H:%M") == "07:30"
    huge = api(world, "office_a1").post("/urgent-reports", body(world, community=2**63 - 1))
    assert huge.status_code == 404
    zero = api(world, "office_a1").post("/urgent-reports", body(world, community=0))
    assert zero.status_code == 422
    assert api(world, "admin_a").get("/urgent-reports", limit=0).status_code == 422
    assert api(world, "admin_a").post("/urgent-reports/999999/acknowledge", {}).status_code == 404
    assert UrgentReport.objects.count() == 1
