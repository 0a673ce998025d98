"""The duty roster part of the JSON API (mounted by fangkong/api/api.py), with the pages'
access rules.

`GET /roster/week?community=&day=`: the week of `day` (Monday to Sunday) by day, post and shift.
`GET /roster/mine`: your current, next and just-ended shifts. `POST /roster/duties/{id}/handover`:
the handover of your shift. `POST /roster/duties/{id}/swap`: ask to give your shift to someone.
`POST /roster/swaps/{id}/decide`: the leader approves or refuses. A refusal is 422 with the
message; another community's shift or swap is 404.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from fangkong.core.access import get_for, require
from fangkong.core.apiauth import caller
from fangkong.core.apitypes import Id
from fangkong.core.errors import DomainError
from fangkong.core.models import Community, User
from fangkong.core.registry import register_router
from fangkong.core.textfields import Line, Text

from . import actions, queries, shifts
from .capabilities import RosterCapability
from .models import Duty, Swap

router = Router(tags=["roster"])
register_router("roster", router, order=105)


class DutyOut(Schema):
    id: int
    community: int = Field(alias="community_id")
    post: int = Field(alias="post_id")
    post_name: str = Field(alias="post.name")
    day: dt.date
    slot: int
    start: dt.datetime
    end: dt.datetime
    person: int = Field(alias="person_id")
    person_name: str
    handover: str
    handover_at: dt.datetime | None
    handover_read_at: dt.datetime | None

    @staticmethod
    def resolve_person_name(obj: Duty) -> str:
        return str(obj.person)


class ShiftOut(Schema):
    slot: int
    start: dt.datetime
    end: dt.datetime
    people: list[str]
    duties: list[int]


class PostDayOut(Schema):
    post: int
    post_name: str
    shifts: list[ShiftOut]


class DayOut(Schema):
    day: dt.date
    posts: list[PostDayOut]


class WeekOut(Schema):
    community: int
    monday: dt.date
    days: list[DayOut]


class WeekFilters(Schema):
    community: Id
    day: dt.date | None = Field(None, description="any day of the week; today by default")


class MineOut(Schema):
    current: list[DutyOut]
    next: list[DutyOut]
    ended: list[DutyOut]


class HandoverIn(Schema):
    note: Text = Field(max_length=2000)


class SwapIn(Schema):
    to_person: Id
    reason: Line = Field("", max_length=200)


class SwapOut(Schema):
    id: int
    duty: int = Field(alias="duty_id")
    from_person: int = Field(alias="from_person_id")
    to_person: int = Field(alias="to_person_id")
    reason: str
    status: str
    requested_at: dt.datetime
    decided_at: dt.datetime | None


class DecideIn(Schema):
    approve: bool


@router.get("/roster/week", response=WeekOut)
def week(request: HttpRequest, filters: Query[WeekFilters]) -> dict[str, Any]:
    """A community's roster of a week, every shift of every post needing cover."""
    user = require(caller(request), RosterCapability.VIEW_ROSTER)
    community = get_for(user, Community, queryset=Community.objects.all(), pk=filters.community)
    days = shifts.week_days(filters.day or timezone.localdate())
    return {
        "community": community.pk,
        "monday": days[0],
        "days": [
            {
                "day": row.day,
                "posts": [
                    {
                        "post": post.pk,
                        "post_name": post.name,
                        "shifts": [
                            {
                                "slot": c.slot.index,
                                "start": c.slot.start,
                                "end": c.slot.end,
                                "people": [str(d.person) for d in c.duties],
                                "duties": [d.pk for d in c.duties],
                            }
                            for c in cells
                        ],
                    }
                    for post, cells in row.posts
                ],
            }
            for row in queries.grid(community, days)
        ],
    }


@router.get("/roster/mine", response=MineOut)
def mine(request: HttpRequest) -> dict[str, list[Duty]]:
    """Your shifts: the current one, the next ones, the ones ended in the last day."""
    user = require(caller(request), RosterCapability.VIEW_ROSTER)
    return queries.shifts_of(user)


@router.post("/roster/duties/{duty_id}/handover", response=DutyOut)
def handover(request: HttpRequest, duty_id: Id, payload: HandoverIn) -> Duty:
    user = require(caller(request), RosterCapability.VIEW_ROSTER)
    duty = get_for(user, Duty, pk=duty_id)
    actions.write_handover(user, duty, note=payload.note)
    return Duty.objects.select_related("post", "person").get(pk=duty.pk)


@router.post("/roster/duties/{duty_id}/swap", response={201: SwapOut})
def swap(request: HttpRequest, duty_id: Id, payload: SwapIn) -> Status[Swap]:
    user = require(caller(request), RosterCapability.VIEW_ROSTER)
    duty = get_for(user, Duty, pk=duty_id)
    to_person = User.objects.filter(pk=payload.to_person).first()
    if to_person is None:
        raise DomainError(_("There is no such staff member."), field="to_person")
    made = actions.request_swap(user, duty, to_person=to_person, reason=payload.reason)
    return Status(201, made)


@router.post("/roster/swaps/{swap_id}/decide", response=SwapOut)
def decide(request: HttpRequest, swap_id: Id, payload: DecideIn) -> Swap:
    user = require(caller(request), RosterCapability.VIEW_ROSTER)
    item = get_for(user, Swap, pk=swap_id)
    return actions.decide_swap(user, item, approve=payload.approve)
