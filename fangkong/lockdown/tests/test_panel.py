"""The workbench panel costs the same queries for one lockdown or several."""

from __future__ import annotations

import pytest
from django.template import Context, Template

from fangkong.core.tests.factories import BuildingFactory
from fangkong.lockdown import actions
from fangkong.people.tests.factories import HouseholdFactory, ResidentFactory


def _render(user) -> str:
    return Template("{% load lockdown_tags %}{% lockdown_panel %}").render(Context({"user": user}))


def _locked_buildings(world, n):
    for i in range(n):
        b = BuildingFactory.create(grid=world.grid_g1, name=f"{10 + i}栋")
        h = HouseholdFactory.create(grid=world.grid_g1, building=b, number=f"{i}01")
        ResidentFactory.create(household=h)
        lockdown = actions.lock(world.user("leader_a1"), building=b, reason="病例")
        actions.request_supplies(
            world.user("office_a1"), household=h, kind="food", urgency="urgent"
        )
        assert lockdown.pk


def test_no_lockdown_costs_one_query(world, django_assert_num_queries):
    with django_assert_num_queries(1):
        html = _render(world.user("leader_a1"))
    assert "No building or unit is locked." in html


@pytest.mark.parametrize("n", [1, 6])
def test_the_panel_costs_the_same_for_1_or_6_lockdowns(world, n, django_assert_num_queries):
    _locked_buildings(world, n)
    _render(world.user("leader_a1"))  # today's slots exist from the lock
    with django_assert_num_queries(4):
        html = _render(world.user("leader_a1"))
    assert html.count('href="/lockdown/') == n


def test_nothing_for_the_guard_and_a_count_for_the_volunteer(world, django_assert_num_queries):
    assert "lockdown-panel" not in _render(world.user("guard_a1"))
    with django_assert_num_queries(1):
        html = _render(world.user("volunteer_a1"))
    assert "0 deliveries wait for you" in html
