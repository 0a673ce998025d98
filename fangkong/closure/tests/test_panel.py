"""The workbench panel of closed management and the navigation link."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from fangkong.closure import actions
from fangkong.closure.models import ChecklistItem
from fangkong.core.models import Community
from fangkong.core.tests.factories import CommunityFactory

pytestmark = pytest.mark.django_db
WORKBENCH = "/"


def login(client, world, key):
    client.force_login(world.user(key))
    return client


@pytest.fixture
def closed(world):
    actions.set_level(world.user("admin_a"), world.community_a1, level="medium", reason="病例")
    rules = ChecklistItem.objects.get(community=world.community_a1, kind="rules")
    actions.update_item(world.user("leader_a1"), rules, owner=world.user("office_a1"))
    return world.community_a1


def test_a_community_user_sees_the_level_and_the_missing_items_with_owners(client, world, closed):
    html = login(client, world, "grid_g1").get(WORKBENCH).content.decode()
    assert 'id="closure-panel"' in html
    assert 'data-closed="on"' in html
    assert "One set of rules" in html
    assert "office_a1" in html
    assert "No gate of the community is recorded." in html
    assert f'href="{reverse("closure:community_list")}"' in html


def test_a_community_not_closed_shows_only_its_level(client, world, closed):
    html = login(client, world, "leader_a2").get(WORKBENCH).content.decode()
    assert 'data-closed="off"' in html
    assert 'id="closure-missing"' not in html


def test_the_township_admin_sees_the_communities_with_missing_items(client, world, closed):
    html = login(client, world, "admin_a").get(WORKBENCH).content.decode()
    assert 'id="closure-communities"' in html
    assert "6 items missing" in html
    assert world.community_a1.name in html
    assert 'data-closed="off"' not in html  # only communities under closed management


@pytest.mark.parametrize("user", ["medic_a1", "guard_a1", "volunteer_a1", "police_a1"])
def test_roles_without_closure_see_no_panel_and_no_link(client, world, closed, user):
    html = login(client, world, user).get(WORKBENCH).content.decode()
    assert 'id="closure-panel"' not in html
    assert reverse("closure:community_list") not in html


def test_the_panel_stays_within_seven_queries_whatever_the_number_of_communities(world, closed):
    # seven: the equipment counts come from the supplies' stock in one more query
    # (closure/equipment.py)
    from django.template import Context, Template

    admin = world.user("admin_a")
    template = Template("{% load closure %}{% closure_panel %}")

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            template.render(Context({"user": admin}))
        return len(ctx)

    few = queries()
    for n in range(8):
        community = CommunityFactory.create(
            township=world.township_a, name=f"社区{n}", code=f"42010300103{n}"
        )
        actions.set_level(admin, community, level="high", reason="x")
    assert Community.objects.filter(township=world.township_a).count() == 10
    assert queries() == few <= 7
