"""The gate reads closed management from the closure app (`fangkong.closure.levels`): the
township sets the community to medium risk, and from then on non-residents are turned away."""

from __future__ import annotations

import datetime as dt

import pytest

from fangkong.checkpoints import entries
from fangkong.checkpoints.closed import ClosureUnavailable, closed_management_on
from fangkong.closure import actions as closure
from fangkong.closure import levels
from fangkong.core import registry

from .helpers import passage


@pytest.fixture
def closed() -> None:
    """Here the real answer, not the test switch of conftest."""
    return None


def visit(world, gate, **kw):
    values = {
        "name": "访客",
        "phone": "13912345678",
        "doc_number": world.resident_b.doc_number,
        "host_id": world.resident_g1.pk,
        "purpose": "串门",
        "essential": False,
        "direction": "in",
    }
    values.update(kw)
    return entries.record_visitor(world.user("guard_a1"), gate, **passage(**values)).entry


def test_closed_management_follows_the_communitys_level(world, gate, clock) -> None:
    assert visit(world, gate).verdict == "allow"
    closure.set_level(world.user("admin_a"), world.community_a1, level="medium", reason="本地疫情")
    refused = visit(world, gate)
    assert (refused.verdict, refused.reasons) == ("stop", ["non_essential"])
    assert visit(world, gate, essential=True).verdict == "allow"
    # The village next door is not closed.
    from .conftest import make_gate

    village_gate = make_gate(world, "村口", community=world.community_a2)
    guard = world.user("leader_a2")
    other = entries.record_visitor(
        guard,
        village_gate,
        **passage(
            name="访客",
            phone="13912345678",
            doc_number=world.resident_b.doc_number,
            host_id=world.resident_village.pk,
            purpose="串门",
            essential=False,
            direction="in",
        ),
    ).entry
    assert other.verdict == "allow"


def test_the_closure_app_registers_its_answer_and_without_it_the_gate_fails_loudly(
    monkeypatch, world
) -> None:
    assert registry.answer_to("closed_management_on") is levels.closed_management_on
    monkeypatch.setattr(registry, "_answers", {})
    with pytest.raises(ClosureUnavailable):
        closed_management_on(world.community_a1.pk, dt.date(2026, 1, 1))
