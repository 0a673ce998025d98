"""The workbench panel of the stops: one query whatever the number of stops, only the
user's jurisdiction, at most PANEL_LIMIT shown."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.test import RequestFactory

from fangkong.checkpoints import entries
from fangkong.checkpoints.payload import qr_text
from fangkong.checkpoints.templatetags.checkpoints_panel import PANEL_LIMIT

from .helpers import passage


def render(user) -> str:
    request = RequestFactory().get("/")
    request.user = user
    return Template("{% load checkpoints_panel %}{% gate_stops_panel %}").render(
        Context({"request": request, "csrf_token": "t"})
    )


@pytest.mark.parametrize("n", [2, 15])
def test_one_query_however_many_stops(world, gate, n, django_assert_num_queries) -> None:
    for _ in range(n):
        entries.record_resident(world.user("guard_a1"), gate, **passage(code="forged"))
        entries.record_resident(
            world.user("guard_a1"),
            gate,
            **passage(resident_id=world.resident_g1.pk, temperature="38.0"),
        )
    leader = world.user("leader_a1")
    with django_assert_num_queries(1):
        html = render(leader)
    assert html.count('class="stop"') == min(2 * n, PANEL_LIMIT)
    assert ("More in the gate log" in html) == (2 * n > PANEL_LIMIT)
    # The grid worker sees the stops of their grid only (not the forged codes).
    assert render(world.user("grid_g1")).count('class="stop"') == min(n, PANEL_LIMIT)
    assert 'class="stop"' not in render(world.user("grid_g2"))
    assert 'class="stop"' not in render(world.user("leader_a2"))


def test_a_guard_gets_the_way_to_the_gate_and_no_list(world, django_assert_num_queries) -> None:
    with django_assert_num_queries(0):
        html = render(world.user("guard_a1"))
    assert 'href="/gate/"' in html and "worklist-gate-stops" not in html
    assert render(world.user("volunteer_a1")).strip() == ""


def test_codes_are_not_in_the_panel(world, gate) -> None:
    entries.record_resident(world.user("guard_a1"), gate, **passage(code=qr_text("x-000001")))
    assert "x-000001" not in render(world.user("leader_a1"))
