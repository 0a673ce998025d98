"""The inspection endpoints under /api/v1/: the same access rules as the pages."""

import datetime as dt

import pytest
from django.utils import timezone

from fangkong.api.tests.client import ApiClient
from fangkong.inspections.models import Finding, FindingStatus

from .helpers import a_finding

pytestmark = pytest.mark.django_db


def api(world, key, language="en"):
    client = ApiClient(world.user(key))
    client.headers["Accept-Language"] = language
    return client


@pytest.mark.parametrize(
    ("key", "count"),
    [("leader_a1", 1), ("grid_g1", 1), ("admin_a", 1), ("leader_a2", 0), ("admin_b", 0)],
)
def test_rounds_and_findings_are_listed_within_the_jurisdiction(world, key, count):
    a_finding(world)
    rounds = api(world, key).get("/inspections").json()
    assert rounds["count"] == count
    if count:
        assert [c["item"] for c in rounds["items"][0]["checks"]][:2] == ["entrance", "team"]
    assert api(world, key).get("/inspection-findings").json()["count"] == count


def test_a_role_without_the_capability_is_refused(world):
    assert api(world, "volunteer_a1").get("/inspection-findings").status_code == 403


def test_overdue_and_mine(world):
    finding = a_finding(world)
    Finding.objects.filter(pk=finding.pk).update(deadline=timezone.localdate() - dt.timedelta(1))
    overdue = api(world, "leader_a1").get("/inspection-findings?status=overdue").json()
    assert [f["id"] for f in overdue["items"]] == [finding.pk] and overdue["items"][0]["overdue"]
    assert api(world, "grid_g1").get("/inspection-findings?status=mine").json()["count"] == 1
    assert api(world, "grid_g2").get("/inspection-findings?status=mine").json()["count"] == 0


def test_rectify_and_verify(world):
    finding = a_finding(world)
    r = api(world, "grid_g1", "zh-hans").post(
        f"/inspection-findings/{finding.pk}/rectify", {"evidence": " "}
    )
    assert r.status_code == 422 and "证据" in r.json()["errors"]["evidence"][0]
    r = api(world, "grid_g1").post(
        f"/inspection-findings/{finding.pk}/rectify", {"evidence": "已整改"}
    )
    assert r.status_code == 200 and r.json()["status"] == "rectified"
    assert (
        api(world, "grid_g1")
        .post(f"/inspection-findings/{finding.pk}/verify", {"accepted": True})
        .status_code
        == 403
    )
    assert (
        api(world, "leader_a2")
        .post(f"/inspection-findings/{finding.pk}/verify", {"accepted": True})
        .status_code
        == 404
    )
    r = api(world, "leader_a1").post(
        f"/inspection-findings/{finding.pk}/verify", {"accepted": True}
    )
    assert r.status_code == 200
    finding.refresh_from_db()
    assert finding.status == FindingStatus.CLOSED
    r = api(world, "leader_a1").post(
        f"/inspection-findings/{finding.pk}/verify", {"accepted": True}
    )
    assert r.status_code == 422
