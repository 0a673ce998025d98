"""Records for the urgent report tests, made through the owning apps' actions where they have
one (the lab's tube result is set as its import would)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from fangkong.conftest import World, ensure_default_policy
from fangkong.health.models import Alert
from fangkong.health.tests.factories import AlertFactory
from fangkong.masstesting import actions as masstesting
from fangkong.masstesting.models import MemberResult, RoundMember, Tube
from fangkong.masstesting.rounds import open_round
from fangkong.quarantine import actions as quarantine
from fangkong.quarantine.models import CaseReason, IndexCase, IndexCaseKind
from fangkong.urgent import actions
from fangkong.urgent.models import UrgentReport


def report(world: World, key: str = "office_a1", community=None, **kw) -> UrgentReport:
    fields: dict[str, Any] = {
        "category": "supplies",
        "what": "口罩只剩一天的量",
        "place": "社区办公室",
        "occurred_at": timezone.now() - dt.timedelta(minutes=10),
        "people": "",
    }
    fields.update(kw)
    return actions.report(world.user(key), community or world.community_a1, **fields)


def index_case(world: World) -> IndexCase:
    """张三丰 (grid G1 of A1): a confirmed case, registered by the township."""
    return quarantine.register_index_case(
        world.user("admin_a"),
        township=world.township_a,
        name=world.resident_g1.name,
        kind=IndexCaseKind.CONFIRMED,
        reported_on=timezone.localdate(),
        community=world.community_a1,
        resident=world.resident_g1,
    )


def positive_tube(world: World) -> Tube:
    """A pooled tube of a community round of A1 with 张三丰 and 李秀英, found positive."""
    rnd = open_round(world.user("leader_a1"), scope=world.community_a1, name="全员核酸第一轮")
    for resident in (world.resident_g1, world.resident_g1_spouse):
        masstesting.sample(
            world.user("grid_g1"), rnd, tube_code="T0001", pooled=True, resident=resident
        )
    tube = Tube.objects.get(round=rnd, code="T0001")
    tube.result = MemberResult.POSITIVE
    tube.result_at = timezone.now()
    tube.save(update_fields=["result", "result_at"])
    RoundMember.objects.filter(tube=tube).update(retest_needed=True)
    return tube


def escalated_alert(world: World) -> Alert:
    """张三丰 in home quarantine, an alert raised an hour ago that nobody acknowledged."""
    policy = ensure_default_policy()
    case = quarantine.open_case(
        world.resident_g1,
        by=world.user("grid_g1"),
        measure=policy.as_rules().medium,
        policy=policy,
        reason=CaseReason.RETURNEE,
        start_date=timezone.localdate() - dt.timedelta(days=3),
    )
    case = quarantine.start_quarantine(case, by=world.user("grid_g1"))
    return AlertFactory.create(case=case, raised_at=timezone.now() - dt.timedelta(hours=1))
