"""The household endpoints, for every role and jurisdiction of the `world` fixture."""

import pytest

from fangkong.api.tests.client import ApiClient
from fangkong.core.models import AuditAction, AuditEntry
from fangkong.core.roles import Role
from fangkong.core.tests.factories import UserFactory
from fangkong.people.models import Household
from fangkong.people.tests.factories import HouseholdFactory, ResidentFactory

pytestmark = pytest.mark.django_db

H1 = "民族社区 第一网格 1栋 1单元 101"
H2 = "民族社区 第二网格 2栋 202"
HV = "新河村 一组 8号"
HB = "外镇社区 外网格 9栋 909"


def api(world, key):
    return ApiClient(world.user(key))


def addresses(response):
    return sorted(item["address"] for item in response.json()["items"])


@pytest.mark.parametrize(
    ("user", "expected"),
    [
        ("grid_g1", [H1]),
        ("grid_g2", [H2]),
        ("leader_a1", [H1, H2]),
        ("leader_a2", [HV]),
        ("admin_a", [H1, H2, HV]),
        ("admin_b", [HB]),
        ("medic_a1", [H1, H2]),
        ("police_a1", [H1, H2]),
    ],
)
def test_the_household_list_holds_exactly_the_callers_jurisdiction(world, user, expected):
    response = api(world, user).get("/households")

    assert response.status_code == 200
    assert addresses(response) == sorted(expected)
    assert response.json()["count"] == len(expected)


@pytest.mark.parametrize("user", ["guard_a1", "volunteer_a1"])
def test_guards_and_volunteers_may_not_list_households(world, user):
    assert api(world, user).get("/households").status_code == 403


def test_households_are_filtered_by_grid_building_and_address(world):
    client = api(world, "admin_a")

    assert addresses(client.get("/households", grid=world.grid_g2.pk)) == [H2]
    assert addresses(client.get("/households", building=world.building_g1.pk)) == [H1]
    assert addresses(client.get("/households", q="新河村 一组")) == [HV]
    assert addresses(client.get("/households", q="外镇")) == []  # another township


def test_filtering_households_by_a_grid_of_another_township_is_refused(world):
    response = api(world, "admin_a").get("/households", grid=world.grid_b.pk)

    assert response.status_code == 422
    assert "grid" in response.json()["errors"]


def test_the_household_list_counts_members_in_a_fixed_number_of_queries(
    world, django_assert_max_num_queries
):
    for n in range(20):
        household = HouseholdFactory.create(grid=world.grid_g1, number=f"6{n:02d}")
        ResidentFactory(household=household)
        ResidentFactory(household=household)
    client = api(world, "grid_g1")
    client.get("/me")

    with django_assert_max_num_queries(3):
        response = client.get("/households", limit=100)

    items = response.json()["items"]
    assert len(items) == 21
    assert {i["members_count"] for i in items} == {2}


@pytest.mark.parametrize(
    ("user", "household", "status"),
    [
        ("grid_g1", "household_g1", 200),
        ("grid_g1", "household_g2", 404),
        ("grid_g1", "household_b", 404),
        ("grid_g2", "household_g2", 200),
        ("grid_g2", "household_g1", 404),
        ("leader_a1", "household_g2", 200),
        ("leader_a1", "household_village", 404),
        ("admin_a", "household_village", 200),
        ("admin_a", "household_b", 404),
        ("admin_b", "household_b", 200),
        ("admin_b", "household_g1", 404),
        ("medic_a1", "household_g1", 200),
        ("police_a1", "household_g1", 200),
        ("police_a1", "household_b", 404),
        ("guard_a1", "household_g1", 403),
        ("volunteer_a1", "household_g1", 403),
    ],
)
def test_a_household_is_shown_only_inside_the_jurisdiction(world, user, household, status):
    target = getattr(world, household)

    response = api(world, user).get(f"/households/{target.pk}")

    assert response.status_code == status
    assert (response.json().get("address") == target.address) is (status == 200)


def test_a_household_lists_its_members_masked(world):
    response = api(world, "grid_g1").get(f"/households/{world.household_g1.pk}")

    body = response.json()
    assert sorted(m["name"] for m in body["members"]) == ["张三丰", "李秀英"]
    assert body["members_count"] == 2
    assert body["unit"] == world.unit_g1.pk
    assert world.resident_g1.doc_number not in response.content.decode()


# ---- create ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("user", "place", "status"),
    [
        ("grid_g1", {"unit": "unit_g1"}, 201),
        ("grid_g1", {"building": "building_g2"}, 422),
        ("grid_g1", {"grid": "village_group"}, 422),
        ("grid_g2", {"building": "building_g2"}, 201),
        ("grid_g2", {"unit": "unit_g1"}, 422),
        ("leader_a1", {"building": "building_g2"}, 201),
        ("leader_a2", {"grid": "village_group"}, 201),
        ("admin_a", {"grid": "village_group"}, 201),
        ("admin_b", {"grid": "grid_b"}, 201),
        ("admin_b", {"unit": "unit_g1"}, 422),
        ("medic_a1", {"unit": "unit_g1"}, 403),
        ("police_a1", {"unit": "unit_g1"}, 403),
        ("guard_a1", {"unit": "unit_g1"}, 403),
        ("volunteer_a1", {"unit": "unit_g1"}, 403),
    ],
)
def test_a_household_is_created_only_in_a_place_the_caller_may_edit(world, user, place, status):
    body = {"number": "707", **{k: getattr(world, v).pk for k, v in place.items()}}

    response = api(world, user).post("/households", body)

    assert response.status_code == status
    assert Household.objects.filter(number="707").exists() is (status == 201)
    if status == 422:
        assert set(place) <= set(response.json()["errors"])


def test_a_created_household_is_returned_with_its_address_and_audited(world):
    response = api(world, "grid_g1").post(
        "/households", {"number": "102", "unit": world.unit_g1.pk}
    )

    body = response.json()
    assert body["address"] == "民族社区 第一网格 1栋 1单元 102"
    assert body["grid"] == world.grid_g1.pk
    assert body["building"] == world.building_g1.pk
    assert body["members"] == []
    assert AuditEntry.objects.filter(
        action=AuditAction.CREATE, target_type="people.household", target_id=str(body["id"])
    ).exists()


def test_a_duplicate_household_is_refused_naming_it(world):
    response = api(world, "grid_g1").post(
        "/households", {"number": "101", "unit": world.unit_g1.pk}
    )

    assert response.status_code == 422
    assert H1 in response.json()["errors"]["number"][0]
    assert Household.objects.filter(number="101").count() == 1


def test_a_household_needs_a_place(world):
    response = api(world, "leader_a1").post("/households", {"number": "303"})

    assert response.status_code == 422
    assert "grid" in response.json()["errors"]
    assert not Household.objects.filter(number="303").exists()


# ---- update ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("user", "household", "status"),
    [
        ("grid_g1", "household_g1", 200),
        ("grid_g1", "household_g2", 404),
        ("grid_g2", "household_g1", 404),
        ("leader_a1", "household_g2", 200),
        ("admin_a", "household_b", 404),
        ("admin_b", "household_b", 200),
        ("medic_a1", "household_g1", 403),
        ("police_a1", "household_g1", 403),
        ("guard_a1", "household_g1", 403),
    ],
)
def test_a_household_is_changed_only_by_an_editor_of_the_jurisdiction(
    world, user, household, status
):
    target = getattr(world, household)

    response = api(world, user).patch(f"/households/{target.pk}", {"number": "A1"})

    assert response.status_code == status
    target.refresh_from_db()
    assert (target.number == "A1") is (status == 200)


def test_renumbering_a_household_rewrites_its_address_and_is_audited(world):
    household = world.household_g1

    response = api(world, "grid_g1").patch(f"/households/{household.pk}", {"number": "105"})

    assert response.json()["address"] == "民族社区 第一网格 1栋 1单元 105"
    entry = AuditEntry.objects.get(action=AuditAction.UPDATE, target_id=str(household.pk))
    assert entry.changes["number"] == ["101", "105"]


def test_renumbering_onto_an_existing_household_is_refused(world):
    other = HouseholdFactory.create(
        grid=world.grid_g1, building=world.building_g1, unit=world.unit_g1, number="102"
    )

    response = api(world, "grid_g1").patch(
        f"/households/{world.household_g1.pk}", {"number": "102"}
    )

    assert response.status_code == 422
    assert "number" in response.json()["errors"]
    world.household_g1.refresh_from_db()
    assert world.household_g1.number == "101"
    assert other.number == "102"


def test_the_assigned_medic_must_work_in_the_households_community(world):
    client = api(world, "leader_a1")
    household = world.household_g1
    own_medic = world.user("medic_a1")
    foreign_medic = UserFactory.create(
        role=Role.MEDICAL_WORKER, township=world.township_b, community=world.community_b1
    )

    refused = client.patch(f"/households/{household.pk}", {"medic": foreign_medic.pk})
    assert refused.status_code == 422
    assert "medic" in refused.json()["errors"]

    accepted = client.patch(f"/households/{household.pk}", {"medic": own_medic.pk})
    assert accepted.status_code == 200
    assert accepted.json()["medic"] == own_medic.pk
    household.refresh_from_db()
    assert household.medic == own_medic
