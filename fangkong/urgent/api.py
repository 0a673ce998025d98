"""The urgent report part of the JSON API (mounted by fangkong/api/api.py).

`GET /urgent-reports`: the reports of your jurisdiction (not closed by default; escalated
first). `POST /urgent-reports`: report for a community of yours (201; a bad field: 422 with
the message). `POST /urgent-reports/{id}/acknowledge`: the township acknowledges (200; 403
for a role that may not, 404 outside the jurisdiction, 422 when already acknowledged).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Status

from fangkong.core.access import get_for, require
from fangkong.core.apiauth import caller
from fangkong.core.apitypes import Id
from fangkong.core.models import Community
from fangkong.core.registry import register_router

from . import actions
from .capabilities import UrgentCapability
from .models import UrgentReport
from .schemas import AcknowledgeIn, ReportFilters, ReportIn, ReportOut, ReportPage, Show

router = Router(tags=["urgent"])
register_router("urgent", router, order=100)


@router.get("/urgent-reports", response=ReportPage)
def list_reports(request: HttpRequest, filters: Query[ReportFilters]) -> dict[str, Any]:
    """Urgent reports of your jurisdiction, escalated ones first."""
    user = require(caller(request), UrgentCapability.VIEW_URGENT)
    now = timezone.now()
    qs = UrgentReport.objects.visible_to(user)
    if filters.community is not None:
        qs = qs.filter(community_id=filters.community)
    if filters.status == Show.OPEN:
        qs = qs.open()
    elif filters.status == Show.UNACKNOWLEDGED:
        qs = qs.unacknowledged()
    elif filters.status == Show.ESCALATED:
        qs = qs.was_escalated(now)
    end = filters.offset + filters.limit
    return {
        "count": qs.count(),
        "limit": filters.limit,
        "offset": filters.offset,
        "items": list(
            qs.waiting_first(now).select_related("reported_by", "acknowledged_by")[
                filters.offset : end
            ]
        ),
    }


@router.post("/urgent-reports", response={201: ReportOut})
def create_report(request: HttpRequest, payload: ReportIn) -> Status[UrgentReport]:
    user = require(caller(request), UrgentCapability.REPORT_URGENT)
    community = get_for(user, Community, queryset=Community.objects.all(), pk=payload.community)
    made = actions.report(
        user,
        community,
        category=payload.category,
        what=payload.what,
        place=payload.place,
        occurred_at=payload.occurred_at,
        people=payload.people,
    )
    return Status(201, made)


@router.post("/urgent-reports/{report_id}/acknowledge", response=ReportOut)
def acknowledge(request: HttpRequest, report_id: Id, payload: AcknowledgeIn) -> UrgentReport:
    user = require(caller(request), UrgentCapability.VIEW_URGENT)
    item = get_for(user, UrgentReport, write=UrgentCapability.ACKNOWLEDGE_URGENT, pk=report_id)
    return actions.acknowledge(user, item, note=payload.note)
