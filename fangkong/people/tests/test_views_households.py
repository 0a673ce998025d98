"""The household page, its 包户 assignment, and creating households in a unit, a building or
(village) directly on a grid."""

import pytest
from django.urls import reverse

from fangkong.core.errors import DomainError
from fangkong.core.models import AuditAction, AuditEntry
from fangkong.core.roles import Role
from fangkong.core.tests.factories import UserFactory
from fangkong.people import actions
from fangkong.people.models import Household


def page(household):
    return reverse("people:household_detail", args=[household.pk])


def login(client, world, key):
    client.force_login(world.user(key))
    return client


@pytest.mark.parametrize(
    ("user", "allowed", "denied"),
    [
        ("grid_g1", ["household_g1"], ["household_g2", "household_village", "household_b"]),
        ("leader_a1", ["household_g1", "household_g2"], ["household_village", "household_b"]),
        ("leader_a2", ["household_village"], ["household_g1", "household_b"]),
        ("admin_a", ["household_g1", "household_village"], ["household_b"]),
        ("admin_b", ["household_b"], ["household_g1", "household_village"]),
    ],
)
def test_household_page_is_404_outside_the_jurisdiction(client, world, user, allowed, denied):
    c = login(client, world, user)
    for key in allowed:
        assert c.get(page(getattr(world, key))).status_code == 200, key
    for key in denied:
        assert c.get(page(getattr(world, key))).status_code == 404, key


@pytest.mark.parametrize("user", ["guard_a1", "volunteer_a1"])
def test_guards_get_403_on_a_household(client, world, user):
    assert login(client, world, user).get(page(world.household_g1)).status_code == 403


def test_household_page_lists_members_with_relation_and_no_one_else(client, world):
    response = login(client, world, "grid_g1").get(page(world.household_g1))
    html = response.content.decode()

    assert [m.name for m in response.context["members"]] == ["张三丰", "李秀英"]
    assert world.household_g1.address in html
    assert "王二小" not in html and "孙外人" not in html
    assert f"{reverse('people:resident_create')}?household={world.household_g1.pk}" in html


def test_a_medical_worker_sees_the_household_without_the_assignment_form(client, world):
    response = login(client, world, "medic_a1").get(page(world.household_g1))

    assert response.status_code == 200
    assert "assign_form" not in response.context
    assert reverse("people:resident_create") not in response.content.decode()


# --- 包户 assignment ----------------------------------------------------------------------


def assign(client, household, **data):
    return client.post(reverse("people:household_assign", args=[household.pk]), data)


def test_the_cadre_and_medic_of_a_household_are_assigned_and_audited(client, world):
    c = login(client, world, "office_a1")

    response = assign(
        c, world.household_g1, cadre=world.user("grid_g1").pk, medic=world.user("medic_a1").pk
    )

    assert response.status_code == 302
    world.household_g1.refresh_from_db()
    assert world.household_g1.cadre == world.user("grid_g1")
    assert world.household_g1.medic == world.user("medic_a1")
    entry = AuditEntry.objects.get(action=AuditAction.UPDATE, target_type="people.household")
    assert entry.changes["cadre"] == [None, world.user("grid_g1").pk]


def test_the_htmx_assignment_returns_the_assignment_partial(client, world):
    response = login(client, world, "grid_g1").post(
        reverse("people:household_assign", args=[world.household_g1.pk]),
        {"cadre": world.user("grid_g1").pk},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="assignment"' in html and "<html" not in html


@pytest.mark.parametrize(
    ("field", "user"),
    [
        ("cadre", "grid_g2"),  # a grid worker of another grid
        ("cadre", "medic_a1"),  # wrong role
        ("medic", "grid_g1"),  # wrong role
        ("cadre", "leader_a2"),  # another community
    ],
)
def test_an_assignee_of_the_wrong_role_or_place_is_refused(client, world, field, user):
    response = assign(
        login(client, world, "leader_a1"), world.household_g1, **{field: world.user(user).pk}
    )

    assert response.status_code == 422
    assert response.context["assign_form"].errors[field]
    world.household_g1.refresh_from_db()
    assert getattr(world.household_g1, field) is None
    assert not AuditEntry.objects.exists()


def test_the_action_refuses_an_assignee_outside_the_grid_whoever_calls_it(world):
    with pytest.raises(DomainError) as exc:
        actions.update_household(
            world.user("admin_a"), world.household_g1, cadre=world.user("grid_g2")
        )
    assert "cadre" in exc.value.errors


def test_a_deactivated_cadre_cannot_be_assigned(world):
    gone = UserFactory(
        role=Role.GRID_WORKER,
        township=world.township_a,
        community=world.community_a1,
        grid=world.grid_g1,
        is_active=False,
    )
    with pytest.raises(DomainError):
        actions.update_household(world.user("admin_a"), world.household_g1, cadre=gone)


@pytest.mark.parametrize(
    ("user", "household", "status"),
    [
        ("grid_g1", "household_g2", 404),
        ("admin_b", "household_g1", 404),
        ("medic_a1", "household_g1", 403),
    ],
)
def test_assignment_elsewhere_or_without_the_role_is_refused(
    client, world, user, household, status
):
    target = getattr(world, household)
    response = assign(login(client, world, user), target, cadre=world.user("grid_g1").pk)

    assert response.status_code == status
    target.refresh_from_db()
    assert target.cadre is None


# --- creating households -----------------------------------------------------------------


def create(client, number, **place):
    return client.post(reverse("people:household_create"), {"number": number, **place})


def test_a_household_is_created_in_a_unit(client, world):
    response = create(login(client, world, "grid_g1"), "102", unit=world.unit_g1.pk)

    household = Household.objects.get(number="102")
    assert response.status_code == 302 and response["Location"] == page(household)
    assert (household.unit, household.building, household.grid) == (
        world.unit_g1,
        world.building_g1,
        world.grid_g1,
    )
    assert AuditEntry.objects.filter(
        action=AuditAction.CREATE, target_type="people.household"
    ).exists()


def test_a_village_household_is_created_directly_on_the_village_group(client, world):
    response = create(login(client, world, "leader_a2"), "9号", grid=world.village_group.pk)

    household = Household.objects.get(number="9号")
    assert response.status_code == 302
    assert household.grid == world.village_group and household.building is None


def test_a_household_in_a_building_with_units_needs_its_unit(client, world):
    response = create(login(client, world, "grid_g1"), "103", building=world.building_g1.pk)

    assert response.status_code == 422
    assert response.context["form"].non_field_errors()
    assert not Household.objects.filter(number="103").exists()


def test_an_existing_household_number_is_refused(client, world):
    response = create(login(client, world, "grid_g1"), "101", unit=world.unit_g1.pk)

    assert response.status_code == 422
    assert response.context["form"].errors["number"]
    assert Household.objects.filter(number="101").count() == 1


@pytest.mark.parametrize(
    ("user", "place", "status"),
    [
        ("grid_g1", {"building": "building_g2"}, 404),
        ("leader_a1", {"grid": "village_group"}, 404),
        ("admin_b", {"unit": "unit_g1"}, 404),
        ("medic_a1", {"unit": "unit_g1"}, 403),
        ("guard_a1", {"unit": "unit_g1"}, 403),
    ],
)
def test_creating_a_household_elsewhere_is_refused(client, world, user, place, status):
    data = {key: getattr(world, value).pk for key, value in place.items()}

    response = create(login(client, world, user), "777", **data)

    assert response.status_code == status
    assert not Household.objects.filter(number="777").exists()
