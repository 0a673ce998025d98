"""The inspections part of the JSON API (mounted by fangkong/api/api.py).

`GET /inspections`: the rounds of your jurisdiction with their checklists.
`GET /inspection-findings`: findings (not closed by default; overdue, mine, rectified, all).
`POST /inspection-findings/{id}/rectify`: the owner records the rectification with evidence
(422 without). `POST /inspection-findings/{id}/verify`: the inspector's verdict (403 for a role
that may not inspect, 404 outside the jurisdiction, 422 when not rectified).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router

from fangkong.core.access import get_for, require
from fangkong.core.apiauth import caller
from fangkong.core.apitypes import Id
from fangkong.core.registry import register_router

from . import actions
from .capabilities import InspectionCapability
from .models import Finding, FindingStatus, Inspection
from .schemas import (
    FindingFilters,
    FindingOut,
    FindingPage,
    InspectionFilters,
    InspectionPage,
    RectifyIn,
    Show,
    VerifyIn,
)

router = Router(tags=["inspections"])
register_router("inspections", router, order=110)


@router.get("/inspections", response=InspectionPage)
def list_inspections(request: HttpRequest, filters: Query[InspectionFilters]) -> dict[str, Any]:
    """Inspection rounds of your jurisdiction, newest first."""
    user = require(caller(request), InspectionCapability.VIEW_INSPECTIONS)
    qs = Inspection.objects.visible_to(user)
    if filters.community is not None:
        qs = qs.filter(community_id=filters.community)
    end = filters.offset + filters.limit
    return {
        "count": qs.count(),
        "limit": filters.limit,
        "offset": filters.offset,
        "items": list(qs.prefetch_related("checks").order_by("-on", "-id")[filters.offset : end]),
    }


@router.get("/inspection-findings", response=FindingPage)
def list_findings(request: HttpRequest, filters: Query[FindingFilters]) -> dict[str, Any]:
    """Findings of your jurisdiction, earliest deadline first."""
    user = require(caller(request), InspectionCapability.VIEW_INSPECTIONS)
    qs = Finding.objects.visible_to(user)
    if filters.community is not None:
        qs = qs.filter(community_id=filters.community)
    if filters.status == Show.OPEN:
        qs = qs.unresolved()
    elif filters.status == Show.OVERDUE:
        qs = qs.overdue(timezone.localdate())
    elif filters.status == Show.MINE:
        qs = qs.filter(owner=user).unresolved()
    elif filters.status == Show.RECTIFIED:
        qs = qs.filter(status=FindingStatus.RECTIFIED)
    end = filters.offset + filters.limit
    return {
        "count": qs.count(),
        "limit": filters.limit,
        "offset": filters.offset,
        "items": list(qs.select_related("owner").order_by("deadline", "id")[filters.offset : end]),
    }


@router.post("/inspection-findings/{finding_id}/rectify", response=FindingOut)
def rectify(request: HttpRequest, finding_id: Id, payload: RectifyIn) -> Finding:
    user = require(caller(request), InspectionCapability.VIEW_INSPECTIONS)
    finding = get_for(user, Finding, pk=finding_id)
    return actions.rectify(user, finding, evidence=payload.evidence)


@router.post("/inspection-findings/{finding_id}/verify", response=FindingOut)
def verify(request: HttpRequest, finding_id: Id, payload: VerifyIn) -> Finding:
    user = require(caller(request), InspectionCapability.VIEW_INSPECTIONS)
    finding = get_for(user, Finding, write=InspectionCapability.INSPECT, pk=finding_id)
    return actions.verify(
        user,
        finding,
        accepted=payload.accepted,
        note=payload.note,
        new_deadline=payload.new_deadline,
    )
