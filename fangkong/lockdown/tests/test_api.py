"""The lockdown endpoints under /api/v1/: same roles and jurisdictions as the pages; a
refusal is 422 with its sentences."""

from __future__ import annotations

import pytest
from django.utils import timezone

from fangkong.api.tests.client import ApiClient
from fangkong.lockdown.models import Lockdown, SupplyRequest
from fangkong.masstesting.models import MemberResult, RoundMember
from fangkong.quarantine.models import Case, CaseStatus


def api(world, key):
    client = ApiClient(world.user(key))
    client.headers["Accept-Language"] = "en"
    return client


def test_lock_read_and_lift_through_the_api(world):
    leader = api(world, "leader_a1")
    response = leader.post("/lockdowns", {"building_id": world.building_g1.pk, "reason": "病例"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["counts"]["people"] == 2 and body["counts"]["round_expected"] == 2
    assert body["lift_blockers"]
    pk = body["id"]
    assert [x["id"] for x in leader.get("/lockdowns").json()] == [pk]
    assert leader.get(f"/lockdowns/{pk}").json()["counts"]["cases_open"] == 2
    refused = leader.post(f"/lockdowns/{pk}/lift", {"reason": "阴性"})
    assert refused.status_code == 422
    assert "has not been sampled" in str(refused.json())
    RoundMember.objects.filter(round__lockdown_id=pk).update(
        sampled_at=timezone.now(), result=MemberResult.NEGATIVE
    )
    lifted = leader.post(f"/lockdowns/{pk}/lift", {"reason": "阴性"})
    assert lifted.status_code == 200 and lifted.json()["status"] == "lifted"
    assert set(Case.objects.values_list("status", flat=True)) == {CaseStatus.RELEASED}


@pytest.mark.parametrize(
    ("key", "status"),
    [("grid_g1", 403), ("volunteer_a1", 403), ("guard_a1", 403), ("leader_a2", 422)],
)
def test_who_may_lock_through_the_api(world, key, status):
    response = api(world, key).post(
        "/lockdowns", {"building_id": world.building_g1.pk, "reason": "x"}
    )
    assert response.status_code == status
    assert not Lockdown.objects.exists()


def test_a_lockdown_outside_the_jurisdiction_is_404(world):
    pk = (
        api(world, "leader_a1")
        .post("/lockdowns", {"building_id": world.building_g1.pk, "reason": "x"})
        .json()["id"]
    )
    assert api(world, "admin_b").get(f"/lockdowns/{pk}").status_code == 404
    assert api(world, "grid_g2").get(f"/lockdowns/{pk}").status_code == 404
    assert api(world, "police_a1").get(f"/lockdowns/{pk}").status_code == 403


def test_supply_request_assign_and_deliver_once(world):
    office = api(world, "office_a1")
    r = office.post(
        "/supply-requests",
        {"household_id": world.household_g1.pk, "kind": "food", "urgency": "urgent"},
    )
    assert r.status_code == 201, r.content
    rid = r.json()["id"]
    assert (
        office.post(
            f"/supply-requests/{rid}/assign", {"volunteer_id": world.user("grid_g1").pk}
        ).status_code
        == 422
    )
    assigned = office.post(
        f"/supply-requests/{rid}/assign", {"volunteer_id": world.user("volunteer_a1").pk}
    )
    assert assigned.json()["status"] == "assigned"
    vol = api(world, "volunteer_a1")
    assert (
        vol.post(
            "/supply-requests", {"household_id": world.household_g1.pk, "kind": "food"}
        ).status_code
        == 403
    )
    done = vol.post(f"/supply-requests/{rid}/delivered", {})
    assert done.status_code == 200 and done.json()["status"] == "delivered"
    again = vol.post(f"/supply-requests/{rid}/delivered", {})
    assert again.status_code == 422 and "already delivered" in str(again.json())
    assert SupplyRequest.objects.get().delivered_by == world.user("volunteer_a1")
    assert api(world, "guard_a1").post(f"/supply-requests/{rid}/delivered", {}).status_code == 403
