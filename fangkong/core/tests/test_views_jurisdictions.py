"""The jurisdiction tree, grid and building pages, adding grids, buildings and units, and
the 包楼 assignment of a building."""

import pytest
from django.urls import reverse

from fangkong.core.models import AuditAction, AuditEntry, Building, Grid, Unit
from fangkong.core.tests.factories import BuildingFactory

TREE = reverse("core:tree")


def login(client, world, key):
    client.force_login(world.user(key))
    return client


def grid_names(response):
    return sorted(
        g.obj.name for t in response.context["townships"] for c in t.children for g in c.children
    )


@pytest.mark.parametrize(
    ("user", "grids"),
    [
        ("grid_g1", ["第一网格"]),
        ("grid_g2", ["第二网格"]),
        ("leader_a1", ["第一网格", "第二网格"]),
        ("leader_a2", ["一组"]),
        ("admin_a", ["一组", "第一网格", "第二网格"]),
        ("admin_b", ["外网格"]),
        ("medic_a1", ["第一网格", "第二网格"]),
    ],
)
def test_the_tree_shows_only_the_users_jurisdiction(client, world, user, grids):
    response = login(client, world, user).get(TREE)

    assert response.status_code == 200
    assert grid_names(response) == grids
    html = response.content.decode()
    for name in {"第一网格", "第二网格", "一组", "外网格"} - set(grids):
        assert name not in html


def test_the_tree_counts_residents_and_households(client, world):
    response = login(client, world, "admin_a").get(TREE)

    township = response.context["townships"][0]
    assert (township.residents, township.households) == (4, 3)
    community = next(c for c in township.children if c.obj == world.community_a1)
    assert (community.residents, community.households, community.buildings) == (3, 2, 2)


@pytest.mark.parametrize("user", ["guard_a1", "volunteer_a1"])
def test_guards_and_volunteers_get_403_on_the_tree(client, world, user):
    c = login(client, world, user)
    assert c.get(TREE).status_code == 403
    assert c.get(reverse("core:grid_detail", args=[world.grid_g1.pk])).status_code == 403
    assert c.get(reverse("core:building_detail", args=[world.building_g1.pk])).status_code == 403


@pytest.mark.parametrize(
    ("user", "allowed", "denied"),
    [
        ("grid_g1", ["grid_g1"], ["grid_g2", "village_group", "grid_b"]),
        ("leader_a1", ["grid_g1", "grid_g2"], ["village_group", "grid_b"]),
        ("admin_b", ["grid_b"], ["grid_g1", "village_group"]),
    ],
)
def test_the_grid_page_is_404_outside_the_jurisdiction(client, world, user, allowed, denied):
    c = login(client, world, user)
    for key in allowed:
        assert c.get(reverse("core:grid_detail", args=[getattr(world, key).pk])).status_code == 200
    for key in denied:
        assert c.get(reverse("core:grid_detail", args=[getattr(world, key).pk])).status_code == 404


def test_the_grid_partial_lists_buildings_units_and_village_households(client, world):
    c = login(client, world, "admin_a")
    html = c.get(
        reverse("core:grid_detail", args=[world.grid_g1.pk]), HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "<html" not in html and "1栋" in html and "1单元" in html

    village = c.get(reverse("core:grid_detail", args=[world.village_group.pk])).content.decode()
    assert reverse("people:household_detail", args=[world.household_village.pk]) in village


@pytest.mark.parametrize(
    ("user", "allowed", "denied"),
    [
        ("grid_g1", ["building_g1"], ["building_g2", "building_b"]),
        ("grid_g2", ["building_g2"], ["building_g1", "building_b"]),
        ("leader_a1", ["building_g1", "building_g2"], ["building_b"]),
        ("admin_b", ["building_b"], ["building_g1"]),
    ],
)
def test_the_building_page_is_404_outside_the_jurisdiction(client, world, user, allowed, denied):
    buildings = {
        "building_g1": world.building_g1,
        "building_g2": world.building_g2,
        "building_b": world.household_b.building,
    }
    c = login(client, world, user)
    for key in allowed:
        url = reverse("core:building_detail", args=[buildings[key].pk])
        assert c.get(url).status_code == 200, key
    for key in denied:
        url = reverse("core:building_detail", args=[buildings[key].pk])
        assert c.get(url).status_code == 404, key


def test_the_building_page_lists_units_and_households(client, world):
    response = login(client, world, "grid_g1").get(
        reverse("core:building_detail", args=[world.building_g1.pk])
    )

    assert [u.name for u in response.context["units"]] == ["1单元"]
    assert [h.number for h in response.context["households"]] == ["101"]
    assert response.context["households"][0].n_members == 2
    assert "assign_form" not in response.context  # a grid worker does not assign 包楼


# --- adding places -----------------------------------------------------------------------


def test_a_community_leader_adds_a_grid_to_their_community(client, world):
    response = login(client, world, "leader_a1").post(
        reverse("core:grid_create"), {"community": world.community_a1.pk, "name": "第三网格"}
    )

    assert response.status_code == 302
    grid = Grid.objects.get(name="第三网格")
    assert grid.community == world.community_a1
    entry = AuditEntry.objects.get(action=AuditAction.CREATE, target_type="core.grid")
    assert entry.township == world.township_a and entry.target_id == str(grid.pk)


@pytest.mark.parametrize(
    ("user", "community", "status"),
    [
        ("leader_a1", "community_a2", 404),
        ("admin_b", "community_a1", 404),
        ("grid_g1", "community_a1", 403),
        ("office_a1", "community_a1", 403),
    ],
)
def test_adding_a_grid_elsewhere_or_without_the_role_is_refused(
    client, world, user, community, status
):
    response = login(client, world, user).post(
        reverse("core:grid_create"), {"community": getattr(world, community).pk, "name": "新网格"}
    )

    assert response.status_code == status
    assert not Grid.objects.filter(name="新网格").exists()


def test_a_duplicate_grid_name_is_refused_with_a_message(client, world):
    c = login(client, world, "admin_a")
    response = c.post(
        reverse("core:grid_create"),
        {"community": world.community_a1.pk, "name": "第一网格"},
        follow=True,
    )

    assert Grid.objects.filter(name="第一网格").count() == 1
    assert [m.level_tag for m in response.context["messages"]] == ["error"]


def test_buildings_and_units_are_added_and_audited(client, world):
    c = login(client, world, "admin_a")

    c.post(reverse("core:building_create"), {"grid": world.grid_g2.pk, "name": "5栋"})
    building = Building.objects.get(name="5栋")
    c.post(reverse("core:unit_create"), {"building": building.pk, "name": "1单元"})

    assert Unit.objects.filter(building=building, name="1单元").exists()
    types = set(AuditEntry.objects.values_list("target_type", flat=True))
    assert {"core.building", "core.unit"} <= types


@pytest.mark.parametrize(("user", "status"), [("leader_a2", 404), ("grid_g1", 403)])
def test_adding_a_building_elsewhere_is_refused(client, world, user, status):
    response = login(client, world, user).post(
        reverse("core:building_create"), {"grid": world.grid_g1.pk, "name": "5栋"}
    )

    assert response.status_code == status
    assert not Building.objects.filter(name="5栋").exists()


# --- 包楼 assignment ----------------------------------------------------------------------


def test_a_leader_assigns_the_cadre_and_medic_of_a_building(client, world):
    response = login(client, world, "leader_a1").post(
        reverse("core:building_assign", args=[world.building_g1.pk]),
        {"cadre": world.user("grid_g1").pk, "medic": world.user("medic_a1").pk},
    )

    assert response.status_code == 302
    world.building_g1.refresh_from_db()
    assert world.building_g1.cadre == world.user("grid_g1")
    assert AuditEntry.objects.filter(
        action=AuditAction.UPDATE, target_type="core.building"
    ).exists()


def test_a_building_cadre_from_another_grid_is_refused(client, world):
    response = login(client, world, "leader_a1").post(
        reverse("core:building_assign", args=[world.building_g1.pk]),
        {"cadre": world.user("grid_g2").pk},
    )

    assert response.status_code == 422
    world.building_g1.refresh_from_db()
    assert world.building_g1.cadre is None


@pytest.mark.parametrize(("user", "status"), [("grid_g1", 403), ("admin_b", 404)])
def test_building_assignment_is_refused_without_the_role_or_outside(client, world, user, status):
    response = login(client, world, user).post(
        reverse("core:building_assign", args=[world.building_g1.pk]),
        {"cadre": world.user("grid_g1").pk},
    )

    assert response.status_code == status


def test_a_new_household_takes_the_building_assignment(client, world):
    building = BuildingFactory.create(grid=world.grid_g1, name="7栋")
    login(client, world, "leader_a1").post(
        reverse("core:building_assign", args=[building.pk]), {"cadre": world.user("grid_g1").pk}
    )
    client.post(reverse("people:household_create"), {"building": building.pk, "number": "701"})

    household = building.households.get()
    assert household.cadre == world.user("grid_g1")


def test_the_tree_and_the_grid_page_list_places_in_natural_order(client, world):
    """Issue 12 item 14: grids 第一、第二、第三、第四 and buildings 8栋 before 10栋, units
    2单元 before 10单元, however they were added."""
    from fangkong.core import actions

    community = world.grid_g1.community
    for name in ("第十网格", "第四网格", "第三网格"):
        actions.create_grid(None, community=community, name=name)
    for name in ("10栋", "8栋"):
        actions.create_building(None, grid=world.grid_g1, name=name)
    for name in ("10单元", "2单元"):
        actions.create_unit(None, building=world.building_g1, name=name)
    c = login(client, world, "leader_a1")

    response = c.get(TREE)
    townships = response.context["townships"]
    shown = [g.obj.name for t in townships for c in t.children for g in c.children]
    assert shown == ["第一网格", "第二网格", "第三网格", "第四网格", "第十网格"]
    html = response.content.decode()
    assert html.index("第三网格") < html.index("第四网格") < html.index("第十网格")

    page = c.get(reverse("core:grid_detail", args=[world.grid_g1.pk]))
    buildings = [b.name for b, _ in page.context["buildings"]]
    assert buildings == ["1栋", "8栋", "10栋"]
    units = [u.name for b, units in page.context["buildings"] if b.name == "1栋" for u in units]
    assert units == ["1单元", "2单元", "10单元"]
