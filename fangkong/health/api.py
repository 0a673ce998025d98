"""API for the health app, mounted under /api/v1/ by fangkong.api.api.

Same rules as the pages: check-ins and alerts are `visible_to(user)` (health records only
for roles holding VIEW_CASES: police, guards and volunteers get 403), single records come
through `access.get_for` (404 outside the jurisdiction), and every write is a
`health.actions` call. `POST /checkins` answers 201 `{id, alert, ...}`, 200 with the check-in
stored before when the person's check of today (the given slot, else the one of the time of
day) is already recorded, or 422 with the reason (an implausible temperature names the field
`temperature`).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from fangkong.core.access import get_for, require
from fangkong.core.apiauth import caller
from fangkong.core.apitypes import Id
from fangkong.core.errors import DomainError
from fangkong.core.models import Grid, User
from fangkong.core.registry import register_router
from fangkong.health.capabilities import HealthCapability
from fangkong.people.models import Household, Resident
from fangkong.people.phones import InvalidPhone, normalise_phone
from fangkong.policy.capabilities import PolicyCapability
from fangkong.quarantine.capabilities import QuarantineCapability
from fangkong.quarantine.models import Case

from . import actions
from .models import (
    ACTIVE_ALERT_STATUSES,
    Alert,
    AlertSource,
    AlertStatus,
    CheckIn,
    CheckInVia,
    ReportLink,
)
from .schemas import (
    AlertFilters,
    AlertOut,
    AlertPage,
    AlertShow,
    CheckInCreated,
    CheckInFilters,
    CheckInIn,
    CheckInPage,
    CloseIn,
    CollectedIn,
    ContactIn,
    ReportLinkCreated,
    ReportLinkIn,
    ReportLinkRevoked,
    SymptomReported,
    SymptomReportIn,
)

router = Router(tags=["health"])
register_router("health", router, order=60)


def _reader(request: HttpRequest) -> User:
    """The caller, if their role may see health records (403 otherwise)."""
    return require(caller(request), PolicyCapability.VIEW_CASES)


def _case(user: User, pk: int | None) -> Case | None:
    """The case a request points at, only if the user can see it (else 422)."""
    if pk is None:
        return None
    case = Case.objects.visible_to(user).select_related("resident", "policy").filter(pk=pk).first()
    if case is None:
        raise DomainError(
            _("There is no quarantine case with this id in your jurisdiction."), field="case_id"
        )
    return case


# ---- check-ins -------------------------------------------------------------------------------


@router.post("/checkins", response={200: CheckInCreated, 201: CheckInCreated}, tags=["check-ins"])
def create_checkin(request: HttpRequest, payload: CheckInIn) -> Status[dict[str, Any]]:
    """Record a reading of the person of an open case; a fever or a listed symptom raises
    (or joins) the person's alert. One per person, day and check: a resubmission answers
    200 with the check-in stored first (its values, not the resubmitted ones)."""
    user = _reader(request)
    case = _case(user, payload.case_id)
    assert case is not None
    require(user, QuarantineCapability.MANAGE_CASES)
    checkin, created = actions.check_in(
        case,
        case.resident,
        payload.temperature,
        payload.symptoms,
        by=user,
        via=CheckInVia.API,
        slot=payload.slot,
    )
    return Status(
        201 if created else 200,
        {
            "id": checkin.pk,
            "alert": checkin.alert_id is not None,
            "alert_id": checkin.alert_id,
            "fever": checkin.fever,
            "date": checkin.date,
            "slot": checkin.slot,
        },
    )


@router.get("/checkins", response=CheckInPage, tags=["check-ins"])
def list_checkins(request: HttpRequest, filters: Query[CheckInFilters]) -> dict[str, Any]:
    """Check-ins of your jurisdiction, newest first; by case and by day."""
    user = _reader(request)
    qs = CheckIn.objects.visible_to(user)
    case = _case(user, filters.case_id)
    if case is not None:
        qs = qs.filter(case=case)
    if filters.date is not None:
        qs = qs.filter(date=filters.date)
    end = filters.offset + filters.limit
    return {
        "count": qs.count(),
        "limit": filters.limit,
        "offset": filters.offset,
        "items": list(qs.order_by("-date", "-slot", "-pk")[filters.offset : end]),
    }


# ---- alerts ----------------------------------------------------------------------------------


@router.get("/alerts", response=AlertPage, tags=["alerts"])
def list_alerts(request: HttpRequest, filters: Query[AlertFilters]) -> dict[str, Any]:
    """Alerts of your jurisdiction: the active ones by default, escalated ones first."""
    user = _reader(request)
    now = timezone.now()
    qs = Alert.objects.visible_to(user)
    if filters.status == AlertShow.ACTIVE:
        qs = qs.filter(status__in=ACTIVE_ALERT_STATUSES)
    elif filters.status == AlertShow.ESCALATED:
        qs = qs.escalated(now)
    elif filters.status == AlertShow.CLOSED:
        qs = qs.filter(status=AlertStatus.CLOSED)
    end = filters.offset + filters.limit
    return {
        "count": qs.count(),
        "limit": filters.limit,
        "offset": filters.offset,
        "items": list(qs.escalated_first(now).select_related("resident")[filters.offset : end]),
    }


@router.post("/alerts/report", response={201: SymptomReported}, tags=["alerts"])
def report_symptoms(request: HttpRequest, payload: SymptomReportIn) -> Status[dict[str, Any]]:
    """Report fever or symptoms for anyone (plan 三(五)4): a resident, in quarantine or not,
    or someone without a resident record. A fever or a listed symptom raises the person's
    alert (or joins the active one); symptoms on no list raise a review for the medical
    worker. 422 when there is neither fever nor symptom."""
    user = require(_reader(request), HealthCapability.HANDLE_ALERTS)
    if payload.resident_id is not None:
        resident = (
            Resident.objects.visible_to(user)
            .filter(pk=payload.resident_id, merged_into__isnull=True)
            .first()
        )
        if resident is None:
            raise DomainError(
                _("There is no resident with this id in your jurisdiction."), field="resident_id"
            )
        case = Case.objects.open().filter(resident=resident).order_by("-pk").first()
        person = actions.Person.of_resident(resident, case_id=case.pk if case else None)
    else:
        grid = None
        if payload.grid_id is not None:
            grid = (
                Grid.objects.in_jurisdiction(user)
                .select_related("community")
                .filter(pk=payload.grid_id)
                .first()
            )
            if grid is None:
                raise DomainError(
                    _("There is no grid with this id in your jurisdiction."), field="grid_id"
                )
        places: tuple[int, int, int | None]
        if grid is not None:
            places = (grid.community.township_id, grid.community_id, grid.pk)
        elif user.community_id is not None and user.township_id is not None:
            places = (user.township_id, user.community_id, user.grid_id)
        else:
            raise DomainError(_("Choose the grid where the person is."), field="grid_id")
        phone = payload.phone
        if phone:
            try:
                phone = normalise_phone(phone)
            except InvalidPhone as exc:
                raise DomainError(exc.message, field="phone") from None
        if not phone:
            raise DomainError(_("Enter a phone number the team can call."), field="phone")
        person = actions.Person(*places, None, payload.name, phone, payload.place)
    reported = actions.report_symptoms(
        person,
        temperature=payload.temperature,
        symptoms=payload.symptoms,
        source=AlertSource.STAFF,
        by=user,
        notes=payload.notes,
    )
    return Status(
        201,
        {
            "alert_id": reported.alert.pk if reported.alert else None,
            "review_id": reported.review.pk if reported.review else None,
        },
    )


@router.get("/alerts/{alert_id}", response=AlertOut, tags=["alerts"])
def get_alert(request: HttpRequest, alert_id: Id) -> Alert:
    return get_for(_reader(request), Alert, pk=alert_id)


def _handler(request: HttpRequest, alert_id: Id) -> tuple[User, Alert]:
    user = _reader(request)
    alert = get_for(user, Alert, pk=alert_id, write=HealthCapability.HANDLE_ALERTS)
    return user, alert


@router.post("/alerts/{alert_id}/acknowledge", response=AlertOut, tags=["alerts"])
def acknowledge_alert(request: HttpRequest, alert_id: Id) -> Alert:
    """Take the alert on. A second caller gets 422 naming who acknowledged it, and when."""
    user, alert = _handler(request, alert_id)
    return actions.acknowledge(alert, by=user)


@router.post("/alerts/{alert_id}/contact", response=AlertOut, tags=["alerts"])
def contact_for_alert(request: HttpRequest, alert_id: Id, payload: ContactIn) -> Alert:
    """A medical institution was contacted; it collects the person at home."""
    user, alert = _handler(request, alert_id)
    return actions.record_contact(alert, by=user, institution=payload.institution)


@router.post("/alerts/{alert_id}/collected", response=AlertOut, tags=["alerts"])
def alert_collected(
    request: HttpRequest, alert_id: Id, payload: CollectedIn | None = None
) -> Alert:
    user, alert = _handler(request, alert_id)
    return actions.record_collected(alert, by=user, at=payload.at if payload else None)


@router.post("/alerts/{alert_id}/close", response=AlertOut, tags=["alerts"])
def close_alert(request: HttpRequest, alert_id: Id, payload: CloseIn) -> Alert:
    user, alert = _handler(request, alert_id)
    return actions.close(alert, by=user, outcome=str(payload.outcome), notes=payload.notes)


# ---- personal report links -------------------------------------------------------------------


@router.post("/report-links", response={201: ReportLinkCreated}, tags=["report links"])
def create_report_link(request: HttpRequest, payload: ReportLinkIn) -> Status[dict[str, Any]]:
    """A household's personal report link (no account needed). The URL is in this answer
    only: it is never stored and cannot be shown again."""
    user = _reader(request)
    household = Household.objects.visible_to(user).filter(pk=payload.household_id).first()
    if household is None:
        raise DomainError(
            _("There is no household with this id in your jurisdiction."), field="household_id"
        )
    require(user, QuarantineCapability.MANAGE_CASES)
    link, token = actions.create_report_link(user, household)
    url = request.build_absolute_uri(reverse("health:report", args=[token]))
    return Status(201, {"id": link.pk, "household": household.pk, "url": url})


@router.post("/report-links/{link_id}/revoke", response=ReportLinkRevoked, tags=["report links"])
def revoke_report_link(request: HttpRequest, link_id: Id) -> dict[str, Any]:
    user = _reader(request)
    link = get_for(user, ReportLink, pk=link_id, write=QuarantineCapability.MANAGE_CASES)
    link = actions.revoke_report_link(user, link)
    return {"id": link.pk, "revoked_at": link.revoked_at}
