"""The daily-report part of the JSON API (mounted by fangkong/api/api.py), so that a township
system can pull the reports and their completeness.

`GET /daily-reports/{community_id}/{date}`: the figures (as submitted, or computed now for a
draft), the status, zero report or not, corrections with reasons. `POST …/submit` submits it
(the community's office), `POST …/return` returns it with a comment (the township). `GET
/daily-reports/completeness?date=`: the communities due, submitted, on time, late and
missing. As on the pages: 404 outside the jurisdiction, 403 for a role that may not, a refusal
422 with a Chinese message.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Router

from fangkong.core.access import get_for, require
from fangkong.core.apiauth import caller
from fangkong.core.apitypes import Id
from fangkong.core.days import EARLIEST
from fangkong.core.models import Community, Township, User
from fangkong.core.registry import register_router

from . import actions, board
from .capabilities import ReportCapability
from .models import DailyReport
from .schemas import CompletenessOut, DailyReportOut, ReturnIn, SubmitIn

router = Router(tags=["daily reports"])
register_router("reports", router, order=110)


def _community(user: User, community_id: int) -> Community:
    require(user, ReportCapability.VIEW_DAILY_REPORTS)
    return get_for(user, Community, pk=community_id)


def _day(date: dt.date) -> dt.date:
    if date > timezone.localdate() or date < EARLIEST:
        raise Http404
    return date


def _out(community: Community, day: dt.date) -> dict[str, Any]:
    data = board.community_day(community, day, actions.deadline_of(community.township_id, day))
    report = data.report
    corrections = []
    for section in data.sections:
        for row in section.rows:
            c = row.correction
            if c is None:
                continue
            reason = c["reason"] if isinstance(c, dict) else c.reason
            corrections.append(
                {"key": row.key, "computed": row.computed, "value": row.value, "reason": reason}
            )
    return {
        "community_id": community.pk,
        "community": community.name,
        "date": day,
        "status": data.status,
        "version": report.version if report else 0,
        "zero_report": bool(report and data.locked and report.zero_report),
        "on_time": report.on_time if report else None,
        "submitted_at": report.submitted_at if report else None,
        "return_comment": report.return_comment if report else "",
        "deadline": data.deadline,
        "figures": [
            {
                "key": row.key,
                "label": row.label,
                "section": section.title,
                "value": row.value,
                "computed": row.computed,
            }
            for section in data.sections
            for row in section.rows
        ],
        "corrections": corrections,
    }


@router.get("/daily-reports/completeness", response=CompletenessOut)
def completeness(request: HttpRequest, date: dt.date) -> dict[str, Any]:
    user = require(caller(request), ReportCapability.REVIEW_DAILY_REPORTS)
    if user.township_id is None:
        raise Http404
    township = get_for(user, Township, pk=user.township_id)
    day = _day(date)
    data = board.township_day(township, day, actions.deadline_of(township.pk, day))
    found = data.completeness
    return {
        "township_id": township.pk,
        "date": day,
        "due": [row.community.pk for row in data.rows],
        "submitted": list(found.submitted),
        "on_time": list(found.on_time),
        "late": list(found.late),
        "missing": list(found.missing),
        "approved": data.consolidated is not None,
    }


@router.get("/daily-reports/{community_id}/{date}", response=DailyReportOut)
def daily_report(request: HttpRequest, community_id: Id, date: dt.date) -> dict[str, Any]:
    community = _community(caller(request), community_id)
    return _out(community, _day(date))


@router.post("/daily-reports/{community_id}/{date}/submit", response=DailyReportOut)
def submit(
    request: HttpRequest, community_id: Id, date: dt.date, payload: SubmitIn
) -> dict[str, Any]:
    user = caller(request)
    community = _community(user, community_id)
    require(user, ReportCapability.PREPARE_DAILY_REPORTS)
    day = _day(date)
    actions.submit(user, community, day, zero_report=payload.zero_report, note=payload.note)
    return _out(community, day)


@router.post("/daily-reports/{community_id}/{date}/return", response=DailyReportOut)
def return_report(
    request: HttpRequest, community_id: Id, date: dt.date, payload: ReturnIn
) -> dict[str, Any]:
    user = caller(request)
    community = _community(user, community_id)
    require(user, ReportCapability.REVIEW_DAILY_REPORTS)
    day = _day(date)
    report = DailyReport.objects.visible_to(user).filter(community=community, date=day).first()
    if report is None:
        raise Http404
    actions.return_report(user, report, comment=payload.comment)
    return _out(community, day)
