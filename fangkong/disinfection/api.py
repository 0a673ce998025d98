"""The disinfection part of the JSON API (mounted by fangkong/api/api.py).

`GET /disinfection-entries`: the entries of your jurisdiction, newest first.
`POST /disinfection-entries`: record one (201; RECORD_DISINFECTION; 422 in the future or when
the agent's stock would go below zero; 404 for a place outside the jurisdiction).
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from ninja import Query, Router, Status

from fangkong.core.access import get_for, require
from fangkong.core.apiauth import caller
from fangkong.core.registry import register_router
from fangkong.supplies.models import Lot

from . import actions
from .capabilities import DisinfectionCapability
from .models import Entry, Place
from .schemas import (
    DisinfectionEntryFilters,
    DisinfectionEntryIn,
    DisinfectionEntryOut,
    DisinfectionEntryPage,
)

router = Router(tags=["disinfection"])
register_router("disinfection", router, order=111)


@router.get("/disinfection-entries", response=DisinfectionEntryPage)
def list_entries(request: HttpRequest, filters: Query[DisinfectionEntryFilters]) -> dict[str, Any]:
    """Disinfection entries of your jurisdiction, newest first."""
    user = require(caller(request), DisinfectionCapability.VIEW_DISINFECTION)
    qs = Entry.objects.visible_to(user)
    if filters.community is not None:
        qs = qs.filter(community_id=filters.community)
    if filters.place is not None:
        qs = qs.filter(place_id=filters.place)
    end = filters.offset + filters.limit
    return {
        "count": qs.count(),
        "limit": filters.limit,
        "offset": filters.offset,
        "items": list(
            qs.select_related("place", "done_by").order_by("-done_at", "-id")[filters.offset : end]
        ),
    }


@router.post("/disinfection-entries", response={201: DisinfectionEntryOut})
def create_entry(request: HttpRequest, payload: DisinfectionEntryIn) -> Status[Entry]:
    user = require(caller(request), DisinfectionCapability.RECORD_DISINFECTION)
    place = get_for(user, Place, pk=payload.place)
    agent = None
    if payload.agent is not None:
        # the recorder need not see the stock pages: the batch must be in their jurisdiction
        agent = Lot.objects.in_jurisdiction(user).filter(pk=payload.agent).first()
        if agent is None:
            raise Http404
    entry = actions.record(
        user, place, done_at=payload.done_at, agent=agent, amount=payload.amount, note=payload.note
    )
    return Status(201, entry)
