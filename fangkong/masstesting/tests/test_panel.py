"""The workbench panel of testing rounds: bounded queries, the jurisdiction's open rounds."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.test import RequestFactory

from fangkong.masstesting import actions
from fangkong.masstesting.models import Round, RoundMember
from fangkong.masstesting.rounds import open_round

from .helpers import community_round

pytestmark = pytest.mark.django_db


def _render(user) -> str:
    request = RequestFactory().get("/")
    request.user = user
    return Template("{% load masstesting %}{% rounds_panel %}").render(
        Context({"request": request})
    )


def test_two_queries_for_one_or_seven_rounds(world, django_assert_num_queries) -> None:
    rnd = community_round(world)
    actions.sample(None, rnd, tube_code="P1", pooled=True, resident=world.resident_g1)
    RoundMember.objects.filter(round=rnd, resident=world.resident_g1).update(retest_needed=True)
    with django_assert_num_queries(2):
        html = _render(world.user("leader_a1"))
    assert "33% sampled (1 of 3)" in html and "1 retest needed" in html
    for i in range(6):
        open_round(None, scope=world.grid_g1, name=f"第{i}轮")
    with django_assert_num_queries(2):
        html = _render(world.user("leader_a1"))
    assert html.count("<li>") == 5 and "All open rounds" in html


def test_the_panel_keeps_to_the_jurisdiction(world, django_assert_num_queries) -> None:
    community_round(world)
    with django_assert_num_queries(1):
        html = _render(world.user("leader_a2"))
    assert "No round is open" in html
    assert _render(world.user("volunteer_a1")).strip() == ""
    Round.objects.update(status="closed")
    assert "No round is open" in _render(world.user("leader_a1"))
