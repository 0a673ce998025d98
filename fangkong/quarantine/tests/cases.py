"""Cases in a known state, made through the actions (as users would make them)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from zoneinfo import ZoneInfo

import time_machine

from fangkong.conftest import World, ensure_default_policy
from fangkong.core.models import User
from fangkong.people.models import Resident
from fangkong.policy.rules import DEFAULT_RULES, Measure
from fangkong.quarantine import actions
from fangkong.quarantine.models import Case, CaseReason, Room, SignRole, TestItemResult

START = dt.date(2026, 1, 10)
#: a 14-day quarantine from START: last day 1-23, served from 1-24
SERVED = dt.date(2026, 1, 24)
SHANGHAI = ZoneInfo("Asia/Shanghai")


@contextmanager
def on(day: dt.date, hour: int = 10) -> Iterator[None]:
    """Travel to `day` (Beijing time), clock stopped."""
    with time_machine.travel(dt.datetime.combine(day, dt.time(hour), SHANGHAI), tick=False):
        yield


def open_case(
    world: World,
    resident: Resident | None = None,
    *,
    measure: Measure = DEFAULT_RULES.medium,
    start: dt.date = START,
    room: Room | None = None,
    by: str = "grid_g1",
) -> Case:
    """A case opened as a returnee's decision would open it (home quarantine by default)."""
    with on(start):
        return actions.open_case(
            resident or world.resident_g1,
            by=world.user(by),
            measure=measure,
            policy=ensure_default_policy(),
            reason=CaseReason.RETURNEE,
            start_date=start,
            room=room,
        )


def started(world: World, case: Case, *, room: Room | None = None) -> Case:
    with on(case.start_date):
        return actions.start_quarantine(case, by=world.user("grid_g1"), room=room)


def all_negative(world: World, case: Case, *, by: str = "medic_a1") -> None:
    """Every pending test gets a negative result, sampled on its due date."""
    for item in case.tests.filter(result=""):
        with on(max(item.due_date, case.start_date)):
            actions.record_test_result(
                item,
                by=world.user(by),
                result=TestItemResult.NEGATIVE,
                sampled_on=item.due_date,
            )


def assign(world: World, case: Case, *, cadre: str = "", medic: str = "medic_a1") -> Case:
    """The community leader assigns the case's 包保 cadre (by default the grid worker of its
    grid) and medical worker (the world's buildings have none, so a case opens without them)."""
    cadre = cadre or ("grid_g2" if case.grid_id == world.grid_g2.pk else "grid_g1")
    with on(case.start_date):
        return actions.change_responsible(
            case,
            by=world.user("leader_a1"),
            cadre=world.user(cadre),
            medic=world.user(medic),
            reason="包保分工",
        )


def in_review(world: World, resident: Resident | None = None) -> Case:
    """A 14-day home case with negative tests, served and under release review on SERVED; its
    cadre is the grid worker of its grid (grid_g1) and its medical worker medic_a1."""
    case = started(world, assign(world, open_case(world, resident)))
    all_negative(world, case)
    with on(SERVED):
        return actions.request_release_review(case, by=world.user("grid_g1"))


def signed(world: World, case: Case, *, cadre: str = "grid_g1", medic: str = "medic_a1") -> Case:
    with on(SERVED):
        actions.sign(case, by=world.user(medic), role=SignRole.MEDIC)
        actions.sign(case, by=world.user(cadre), role=SignRole.CADRE)
    case.refresh_from_db()
    return case


def user(world: World, key: str) -> User:
    return world.user(key)
