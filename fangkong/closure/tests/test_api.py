"""The closure endpoints under /api/v1/."""

import pytest

from fangkong.api.tests.client import ApiClient
from fangkong.closure import actions
from fangkong.closure.models import ChecklistItem, CommunityLevel
from fangkong.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def api(world, key):
    client = ApiClient(world.user(key))
    client.headers["Accept-Language"] = "en"
    return client


@pytest.fixture
def closed(world):
    actions.set_level(world.user("admin_a"), world.community_a1, level="medium", reason="病例")
    return world.community_a1


def test_the_closure_of_a_community(world, closed):
    data = api(world, "grid_g1").get(f"/communities/{closed.pk}/closure").json()
    assert (data["level"], data["source"], data["closed_management"]) == (
        "medium",
        "township",
        True,
    )
    assert [i["kind"] for i in data["checklist"]] == [
        "entrance",
        "team",
        "publicity",
        "equipment",
        "rules",
        "inspection",
    ]
    entrance = data["checklist"][0]
    assert entrance["state"] == "missing" and entrance["in_place"] is False
    assert entrance["missing"] == [
        {"code": "no_gate", "message": "No gate of the community is recorded."}
    ]


def test_a_community_never_closed_lists_items_not_set_up(world):
    data = api(world, "leader_a2").get(f"/communities/{world.community_a2.pk}/closure").json()
    assert (data["level"], data["source"], data["since"]) == ("low", "county", None)
    assert all(
        i["id"] is None and i["missing"][0]["code"] == "not_set_up" for i in data["checklist"]
    )


@pytest.mark.parametrize(
    ("key", "status"), [("medic_a1", 403), ("guard_a1", 403), ("admin_b", 404)]
)
def test_who_may_not_read(world, closed, key, status):
    assert api(world, key).get(f"/communities/{closed.pk}/closure").status_code == status


def test_the_township_sets_and_follows_the_county(world):
    client = api(world, "admin_a")
    response = client.post(
        f"/communities/{world.community_a2.pk}/level", {"level": "high", "reason": "疫情"}
    )
    assert response.status_code == 201
    assert response.json()["closed_management"] is True
    response = client.post(
        f"/communities/{world.community_a2.pk}/level", {"follow_county": True, "reason": "随县"}
    )
    assert response.status_code == 201
    assert (response.json()["source"], response.json()["level"]) == ("county", "low")
    assert CommunityLevel.objects.filter(community=world.community_a2).count() == 2


@pytest.mark.parametrize(
    ("key", "status"), [("leader_a1", 403), ("office_a1", 403), ("grid_g1", 403), ("admin_b", 404)]
)
def test_only_the_township_sets_the_level(world, key, status):
    response = api(world, key).post(
        f"/communities/{world.community_a1.pk}/level", {"level": "medium", "reason": "x"}
    )
    assert response.status_code == status
    assert not CommunityLevel.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"level": "medium"}, "reason"),
        ({"level": "severe", "reason": "x"}, "level"),
        ({"reason": "x"}, "level"),
        ({"level": "high", "follow_county": True, "reason": "x"}, "level"),
    ],
)
def test_bad_level_requests_are_422_and_write_nothing(world, body, field):
    response = api(world, "admin_a").post(f"/communities/{world.community_a1.pk}/level", body)
    assert response.status_code == 422
    assert field in response.json()["errors"]
    assert not CommunityLevel.objects.exists()
    assert not ChecklistItem.objects.exists()


def test_an_item_is_patched(world, closed):
    rules = ChecklistItem.objects.get(community=closed, kind="rules")
    client = api(world, "office_a1")
    response = client.patch(
        f"/checklist-items/{rules.pk}",
        {
            "details": {"duty_24h": True, "daily_disinfection": True, "entry_registration": True},
            "state": "done",
            "owner_id": world.user("office_a1").pk,
            "note": "制度上墙",
        },
    )
    assert response.status_code == 200, response.json()
    data = response.json()
    assert (data["state"], data["in_place"], data["owner_id"], data["missing"]) == (
        "done",
        True,
        world.user("office_a1").pk,
        [],
    )
    response = client.patch(f"/checklist-items/{rules.pk}", {"owner_id": None})
    assert response.json()["owner_id"] is None
    assert ChecklistItem.objects.get(pk=rules.pk).note == "制度上墙"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"state": "done"}, "state"),
        ({"state": "finished"}, "state"),
        ({"details": {"masks": 5}}, "details"),
        ({"details": {"duty_24h": "yes"}}, "details"),
        ({"owner_id": 999999}, "owner_id"),
    ],
)
def test_a_bad_patch_is_422_and_changes_nothing(world, closed, body, field):
    rules = ChecklistItem.objects.get(community=closed, kind="rules")
    before = AuditEntry.objects.count()
    response = api(world, "office_a1").patch(f"/checklist-items/{rules.pk}", body)
    assert response.status_code == 422
    assert field in response.json()["errors"]
    after = ChecklistItem.objects.get(pk=rules.pk)
    assert (after.state, after.details, after.owner_id) == ("missing", {}, None)
    assert AuditEntry.objects.count() == before


@pytest.mark.parametrize(("key", "status"), [("grid_g1", 403), ("guard_a1", 403), ("admin_b", 404)])
def test_who_may_not_patch(world, closed, key, status):
    rules = ChecklistItem.objects.get(community=closed, kind="rules")
    response = api(world, key).patch(f"/checklist-items/{rules.pk}", {"state": "in_progress"})
    assert response.status_code == status
    assert ChecklistItem.objects.get(pk=rules.pk).state == "missing"
