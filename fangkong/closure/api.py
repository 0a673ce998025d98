"""The closure part of the JSON API (mounted by fangkong/api/api.py).

`GET /communities/{id}/closure`: the level in force, where it comes from, whether closed
management is on, and the checklist with what is missing. `POST /communities/{id}/level`
sets the level or makes the community follow its county (the township: 201, else 403; a bad
level or no reason: 422). `PATCH /checklist-items/{id}` changes an item. As on the pages:
404 outside the jurisdiction, 403 for a role that may not.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Status

from fangkong.closure.capabilities import ClosureCapability
from fangkong.core.access import get_for, require
from fangkong.core.apiauth import caller
from fangkong.core.apitypes import Id
from fangkong.core.errors import DomainError
from fangkong.core.models import Community, User
from fangkong.core.registry import register_router

from . import actions
from . import checklist as rule
from .board import facts_of, reason_text
from .levels import community_level
from .models import ChecklistItem
from .schemas import ClosureOut, ItemIn, ItemOut, LevelIn, ReasonOut

router = Router(tags=["closure"])
register_router("closure", router, order=70)


def _community(user: User, community_id: Id) -> Community:
    require(user, ClosureCapability.VIEW_CLOSURE)
    return get_for(user, Community, pk=community_id)


def _reasons(reasons: Iterable[rule.Reason]) -> list[ReasonOut]:
    return [ReasonOut(code=r.code, message=reason_text(r)) for r in reasons]


def _closure(community: Community) -> dict[str, Any]:
    today = timezone.localdate()
    now = community_level(community, today)
    facts = facts_of([community.pk]).get(community.pk, [])
    items = {
        i.pk: i for i in ChecklistItem.objects.filter(community=community).select_related("owner")
    }
    by_kind = {f.kind: f for f in facts}
    checklist = []
    for kind in rule.KINDS:
        f = by_kind.get(kind)
        item = items.get(f.item_id) if f and f.item_id else None
        if f is None or item is None:
            reasons = next(m.reasons for m in rule.missing([]) if m.kind == kind)
            checklist.append(
                ItemOut(
                    id=None,
                    kind=kind,
                    state=rule.MISSING,
                    in_place=False,
                    owner_id=None,
                    owner=None,
                    note="",
                    details={},
                    missing=_reasons(reasons),
                )
            )
            continue
        found = next((m for m in rule.missing([f]) if m.kind == kind), None)
        reasons = found.reasons if found else ()
        checklist.append(
            ItemOut(
                id=item.pk,
                kind=kind,
                state=item.state,
                in_place=rule.in_place(f),
                owner_id=item.owner_id,
                owner=str(item.owner) if item.owner else None,
                note=item.note,
                details=dict(f.details),
                missing=_reasons(reasons),
            )
        )
    return {
        "community_id": community.pk,
        "community": community.name,
        "day": today,
        "level": now.level.value,
        "source": now.source,
        "since": now.since,
        "closed_management": now.closed_management,
        "checklist": checklist,
    }


@router.get("/communities/{community_id}/closure", response=ClosureOut)
def closure(request: HttpRequest, community_id: Id) -> dict[str, Any]:
    return _closure(_community(caller(request), community_id))


@router.post("/communities/{community_id}/level", response={201: ClosureOut})
def set_level(request: HttpRequest, community_id: Id, payload: LevelIn) -> Status[Any]:
    user = caller(request)
    community = _community(user, community_id)
    require(user, ClosureCapability.SET_COMMUNITY_LEVEL)
    if not actions.is_township_of(user, community):
        raise Http404
    if payload.follow_county and payload.level:
        raise DomainError(_("Give a level or follow the county, not both."), field="level")
    if payload.follow_county:
        actions.follow_county(user, community, reason=payload.reason)
    elif payload.level is None:
        raise DomainError(_("Give a level, or follow_county: true."), field="level")
    else:
        actions.set_level(user, community, level=payload.level, reason=payload.reason)
    return Status(201, _closure(community))


@router.patch("/checklist-items/{item_id}", response=ItemOut)
def update_item(request: HttpRequest, item_id: Id, payload: ItemIn) -> ItemOut:
    user = caller(request)
    require(user, ClosureCapability.VIEW_CLOSURE)
    item = get_for(user, ChecklistItem, write=ClosureCapability.MANAGE_CLOSURE, pk=item_id)
    sent = payload.model_fields_set
    kwargs: dict[str, Any] = {}
    if "state" in sent and payload.state is not None:
        kwargs["state"] = payload.state
    if "note" in sent and payload.note is not None:
        kwargs["note"] = payload.note
    if "details" in sent and payload.details is not None:
        kwargs["details"] = payload.details
    if "owner_id" in sent:
        owner = None
        if payload.owner_id is not None:
            owner = User.objects.filter(pk=payload.owner_id).first()
            if owner is None:
                raise DomainError(_("No such staff member."), field="owner_id")
        kwargs["owner"] = owner
    try:
        actions.update_item(user, item, **kwargs)
    except DomainError as exc:
        if "owner" in exc.errors:
            exc.errors["owner_id"] = exc.errors.pop("owner")
        raise
    checklist: list[ItemOut] = _closure(item.community)["checklist"]
    return next(i for i in checklist if i.id == item.pk)
