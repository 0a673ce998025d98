"""`in_jurisdiction`, `visible_to` and `covers` at the four distances: same grid, other grid
(same community), other community (same township), other township."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from fangkong.core.models import Building, Community, Grid, Township, Unit, User
from fangkong.core.roles import Role
from fangkong.core.scoping import covers, jurisdiction_level
from fangkong.people.models import Resident

pytestmark = pytest.mark.django_db


def test_a_grid_worker_covers_their_grid_and_its_buildings_not_the_next_grid(world):
    user = world.user("grid_g1")
    assert covers(user, world.grid_g1)
    assert covers(user, world.building_g1)
    assert covers(user, world.unit_g1)
    assert covers(user, world.resident_g1)
    assert covers(user, grid_id=world.grid_g1.pk)
    # other grid of the same community
    assert not covers(user, world.grid_g2)
    assert not covers(user, world.building_g2)
    assert not covers(user, world.resident_g2)
    # other community, other township
    assert not covers(user, world.village_group)
    assert not covers(user, world.resident_village)
    assert not covers(user, world.grid_b)
    assert not covers(user, world.resident_b)


def test_a_grid_worker_covers_their_own_community_and_township_but_no_other(world):
    user = world.user("grid_g1")
    assert covers(user, world.community_a1)
    assert covers(user, world.township_a)
    assert covers(user, township_id=world.township_a.pk, community_id=world.community_a1.pk)
    assert not covers(user, world.community_a2)
    assert not covers(user, world.township_b)
    assert not covers(user, world.community_b1)


def test_a_community_leader_covers_every_grid_of_the_community_only(world):
    user = world.user("leader_a1")
    assert covers(user, world.grid_g1)
    assert covers(user, world.grid_g2)
    assert covers(user, world.unit_g1)
    assert covers(user, world.resident_g2)
    assert covers(user, world.community_a1)
    assert covers(user, world.township_a)
    assert not covers(user, world.village_group)
    assert not covers(user, world.community_a2)
    assert not covers(user, world.resident_village)
    assert not covers(user, world.grid_b)
    assert not covers(user, world.township_b)


def test_a_township_admin_covers_the_township_only(world):
    user = world.user("admin_a")
    for place in (world.grid_g1, world.grid_g2, world.village_group, world.community_a2):
        assert covers(user, place)
    assert covers(user, world.township_a)
    assert covers(user, township_id=world.township_a.pk)
    assert not covers(user, world.township_b)
    assert not covers(user, world.community_b1)
    assert covers(user, world.building_g1)
    assert not covers(user, world.resident_b)
    assert not covers(user, township_id=world.township_b.pk)


def test_nobody_covers_anything_and_a_superuser_everything(world):
    assert not covers(AnonymousUser(), world.grid_g1)
    assert not covers(None, world.grid_g1)
    unbound = User.objects.create(username="unbound", role=Role.OFFICE_STAFF)
    assert not covers(unbound, world.township_a)
    assert jurisdiction_level(unbound) is None
    inactive = world.user("grid_g1")
    inactive.is_active = False
    assert not covers(inactive, world.grid_g1)
    root = User.objects.create(username="root", is_superuser=True)
    assert covers(root, world.grid_b)
    assert covers(root, township_id=world.township_b.pk)


def test_levels(world):
    assert jurisdiction_level(world.user("admin_a")) == "township"
    assert jurisdiction_level(world.user("leader_a1")) == "community"
    assert jurisdiction_level(world.user("grid_g1")) == "grid"
    assert jurisdiction_level(AnonymousUser()) is None


def test_in_jurisdiction_ignores_the_role_and_visible_to_does_not(world):
    """A guard may not read jurisdiction pages, yet the buildings of their community are in
    their jurisdiction."""
    guard = world.user("guard_a1")
    assert not Building.objects.visible_to(guard).exists()
    assert set(Building.objects.in_jurisdiction(guard)) == {world.building_g1, world.building_g2}
    volunteer = world.user("volunteer_a1")
    assert not Resident.objects.visible_to(volunteer).exists()
    assert set(Resident.objects.in_jurisdiction(volunteer)) == {
        world.resident_g1,
        world.resident_g1_spouse,
        world.resident_g2,
    }


@pytest.mark.parametrize(
    ("key", "grids"),
    [
        ("grid_g1", {"grid_g1"}),
        ("leader_a1", {"grid_g1", "grid_g2"}),
        ("admin_a", {"grid_g1", "grid_g2", "village_group"}),
        ("admin_b", {"grid_b"}),
    ],
)
def test_in_jurisdiction_and_covers_agree_at_every_distance(world, key, grids):
    user = world.user(key)
    assert set(Grid.objects.in_jurisdiction(user)) == {getattr(world, g) for g in grids}
    for model in (Township, Community, Grid, Building, Unit, Resident):
        inside = set(model.objects.in_jurisdiction(user))
        for obj in model.objects.all():
            assert covers(user, obj) == (obj in inside), (key, obj)
