"""Records for the roster tests, made through the actions (posts, shifts)."""

from __future__ import annotations

import datetime as dt

from fangkong.checkpoints.models import Gate
from fangkong.conftest import World
from fangkong.roster import actions
from fangkong.roster.models import Duty, Post, PostKind

from .conftest import TODAY


def gate(world: World, name: str = "南门", community=None) -> Gate:
    community = community or world.community_a1
    return Gate.objects.create(township=community.township, community=community, name=name)


def posts(world: World, community=None) -> dict[str, Post]:
    """The gate 南门, the office and the patrol of the community (民族社区 by default)."""
    community = community or world.community_a1
    gate(world, community=community)
    leader = "leader_a1" if community == world.community_a1 else "admin_a"
    if community == world.community_b1:
        leader = "admin_b"
    actions.set_up_posts(world.user(leader), community)
    found = {p.kind: p for p in Post.objects.filter(community=community)}
    return {
        "gate": found[PostKind.GATE],
        "office": found[PostKind.OFFICE],
        "patrol": found[PostKind.PATROL],
    }


def on(
    world: World,
    post: Post,
    key: str,
    *,
    day: dt.date = TODAY,
    slot: int = 1,
    by: str = "leader_a1",
) -> Duty:
    return actions.assign(world.user(by), post, day=day, slot=slot, person=world.user(key))
