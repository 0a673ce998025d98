"""The roster's workbench panel keeps a fixed number of queries however many posts and
shifts there are."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from fangkong.roster import actions
from fangkong.roster.panels import _panel

from .conftest import TODAY
from .factories import gate, on, posts

pytestmark = pytest.mark.django_db


def count(user) -> int:
    request = RequestFactory().get("/")
    request.user = user
    with CaptureQueriesContext(connection) as ctx:
        _panel(request)
    return len(ctx.captured_queries)


def test_the_panel_queries_are_bounded(world) -> None:
    p = posts(world)
    leader = world.user("leader_a1")
    on(world, p["gate"], "guard_a1", day=TODAY + dt.timedelta(days=1))
    few = count(leader)
    gate(world, "北门")
    actions.set_up_posts(leader, world.community_a1)
    for slot, key in enumerate(("volunteer_a1", "office_a1", "grid_g1")):
        on(world, p["office"], key, day=TODAY + dt.timedelta(days=1), slot=slot)
    # the posts, who is on duty now, the policy and tomorrow's shifts, one's own next shift
    assert count(leader) == few <= 6
    assert count(world.user("admin_a")) <= 6
