"""API for returnee screening, mounted under /api/v1/ by fangkong.api.api.

Same rules as the pages: lists are `visible_to(user)`, single records come through
`access.get_for` (404 outside the jurisdiction, 403 when the role may see but not act), and
every write is a `screening.actions` call. Records a request body points at (resident,
household, registration) must be in the caller's jurisdiction, else 422 naming the field.

`POST /returnees` takes the person as `resident_id`, or as `person` {name, id_number, phone}:
a resident of the caller's jurisdiction holding that whole ID number is used (the name must
match); when nobody does, the person is created in `household_id`, which is then required.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Query, Router, Status

from fangkong.core import sealing
from fangkong.core.access import get_for, require
from fangkong.core.apiauth import caller
from fangkong.core.apitypes import Id
from fangkong.core.errors import DomainError
from fangkong.core.models import User
from fangkong.core.registry import register_router
from fangkong.people.identity import normalise
from fangkong.people.models import Household, Resident
from fangkong.policy.capabilities import PolicyCapability
from fangkong.quarantine.capabilities import QuarantineCapability
from fangkong.screening.capabilities import ScreeningCapability

from . import actions
from .actions import Arrival, CertificateInput, ObservationInput, StayInput
from .models import ArrivalTest, Refusal, Registration
from .schemas import (
    ConfirmIn,
    HandleIn,
    RefusalFilters,
    RefusalIn,
    RefusalOut,
    RefusalPage,
    RejectIn,
    ReturneeDetailOut,
    ReturneeFilters,
    ReturneeIn,
    ReturneeOut,
    ReturneePage,
    TestResultIn,
)

router = Router(tags=["screening"])
register_router("screening", router, order=40)

M = TypeVar("M", bound=models.Model)

_NOT_IN_JURISDICTION = {
    "resident_id": gettext_lazy("There is no resident with this id in your jurisdiction."),
    "household_id": gettext_lazy("There is no household with this id in your jurisdiction."),
    "registration_id": gettext_lazy("There is no registration with this id in your jurisdiction."),
}
#: action fields of a new person, as the request names them
_PERSON_FIELDS = {"name": "person", "doc_number": "person", "phone": "person"}


def _referenced(user: User, model: type[M], pk: int | None, field: str) -> M | None:
    if pk is None:
        return None
    obj = model._default_manager.visible_to(user).filter(pk=pk).first()  # type: ignore[attr-defined]
    if obj is None:
        raise DomainError(str(_NOT_IN_JURISDICTION[field]), field=field)
    return obj  # type: ignore[no-any-return]


def _registrations(qs: QuerySet[Registration]) -> QuerySet[Registration]:
    """What a registration in a response needs, in a fixed number of queries."""
    return qs.select_related("resident", "policy__township", "test_task").prefetch_related(
        "stays", "cases", "observations"
    )


def _out(user: User, pk: int) -> Registration:
    return get_for(user, Registration, queryset=_registrations(Registration.objects.all()), pk=pk)


def _arrival(payload: ReturneeIn) -> Arrival:
    cert = payload.certificate
    return Arrival(
        arrival_date=payload.arrival_date,
        stays=[StayInput(s.place, s.start, s.end) for s in payload.stays],
        certificate=(
            CertificateInput(cert.date, str(cert.result), cert.institution) if cert else None
        ),
        arrival_place=payload.arrival_place,
        transport=str(payload.transport or ""),
        transport_number=payload.transport_number,
        reason=payload.reason,
        observations=[
            ObservationInput(str(o.kind), o.value, o.observed_at, str(o.source))
            for o in payload.observations
        ],
        symptoms=payload.symptoms,
        contact_name=payload.contact_name,
        contact_phone=payload.contact_phone,
    )


def _person_errors(exc: DomainError) -> DomainError:
    """A new person's refusal, keyed by the request's field."""
    out: dict[str, list[str]] = {}
    for key, messages in exc.errors.items():
        out.setdefault(_PERSON_FIELDS.get(key, key), []).extend(messages)
    return DomainError(errors=out)


# ---- returnees -----------------------------------------------------------------------------


@router.post("/returnees", response={201: ReturneeOut})
def register_returnee(request: HttpRequest, payload: ReturneeIn) -> Status[Registration]:
    """Register an arrival: decided at once under the policy in force (see the decision)."""
    user = require(caller(request), ScreeningCapability.SCREEN_RETURNEES)
    if (payload.person is None) == (payload.resident_id is None):
        raise DomainError(_("Give either resident_id or person, not both."), field="person")
    resident = _referenced(user, Resident, payload.resident_id, "resident_id")
    household = None
    person = None
    if payload.person is not None:
        number = normalise(payload.person.id_number)
        found = (
            Resident.objects.visible_to(user)
            .active()
            .filter(doc_index__in=sealing.document_indexes(number))
            .first()
            if number
            else None
        )
        if found is not None:
            if "".join(found.name.split()) != "".join(payload.person.name.split()):
                raise DomainError(
                    _(
                        "This ID number belongs to %(name)s (record %(id)s) in your "
                        "jurisdiction; check the name or the number."
                    )
                    % {"name": found.name, "id": found.pk},
                    field="person",
                )
            resident = found
        else:
            household = _referenced(user, Household, payload.household_id, "household_id")
            if household is None:
                raise DomainError(
                    _(
                        "Nobody in your jurisdiction has this ID number: give household_id to "
                        "register the person as a new resident."
                    ),
                    field="household_id",
                )
            person = {
                "name": payload.person.name,
                "doc_number": number,
                "phone": payload.person.phone,
            }
    try:
        reg = actions.register_returnee(
            user,
            _arrival(payload),
            resident=resident,
            person=person,
            household=household,
            relation=str(payload.relation),
        )
    except DomainError as exc:
        raise _person_errors(exc) from exc
    return Status(201, _out(user, reg.pk))


@router.get("/returnees", response=ReturneePage)
def list_returnees(request: HttpRequest, filters: Query[ReturneeFilters]) -> dict[str, Any]:
    """Registrations of your jurisdiction, waiting ones first, then by arrival (latest first)."""
    user = require(caller(request), PolicyCapability.VIEW_CASES)
    qs = Registration.objects.visible_to(user)
    for key in ("status", "level", "measure"):
        value = getattr(filters, key)
        if value:
            qs = qs.filter(**{key: str(value)})
    if filters.arrival_from:
        qs = qs.filter(arrival_date__gte=filters.arrival_from)
    if filters.arrival_to:
        qs = qs.filter(arrival_date__lte=filters.arrival_to)
    if filters.grid is not None:
        qs = qs.filter(grid_id=filters.grid)
    end = filters.offset + filters.limit
    items = _registrations(qs).order_by("-arrival_date", "-id")[filters.offset : end]
    return {
        "count": qs.count(),
        "limit": filters.limit,
        "offset": filters.offset,
        "items": list(items),
    }


@router.get("/returnees/{registration_id}", response=ReturneeDetailOut)
def get_returnee(request: HttpRequest, registration_id: Id) -> Registration:
    return _out(require(caller(request), PolicyCapability.VIEW_CASES), registration_id)


@router.post("/returnees/{registration_id}/confirm", response=ReturneeOut)
def confirm_returnee(request: HttpRequest, registration_id: Id, payload: ConfirmIn) -> Registration:
    """Confirm a self-registration against a resident (or a new one in a household): the
    decision is taken now."""
    user = require(caller(request), PolicyCapability.VIEW_CASES)
    reg = get_for(
        user, Registration, write=ScreeningCapability.SCREEN_RETURNEES, pk=registration_id
    )
    if (payload.resident_id is None) == (payload.household_id is None):
        raise DomainError(_("Give either resident_id or household_id."), field="resident_id")
    try:
        actions.confirm_registration(
            user,
            reg,
            resident=_referenced(user, Resident, payload.resident_id, "resident_id"),
            household=_referenced(user, Household, payload.household_id, "household_id"),
            relation=str(payload.relation),
        )
    except DomainError as exc:
        raise _person_errors(exc) from exc
    return _out(user, reg.pk)


@router.post("/returnees/{registration_id}/reject", response=ReturneeOut)
def reject_returnee(request: HttpRequest, registration_id: Id, payload: RejectIn) -> Registration:
    user = require(caller(request), PolicyCapability.VIEW_CASES)
    reg = get_for(
        user, Registration, write=ScreeningCapability.SCREEN_RETURNEES, pk=registration_id
    )
    actions.reject_registration(user, reg, reason=payload.reason)
    return _out(user, reg.pk)


@router.post("/returnees/{registration_id}/test-result", response=ReturneeOut)
def record_test_task_result(
    request: HttpRequest, registration_id: Id, payload: TestResultIn
) -> Registration:
    """The result of a low-risk arrival's 24-hour test."""
    user = require(caller(request), PolicyCapability.VIEW_CASES)
    reg = get_for(user, Registration, write=QuarantineCapability.RECORD_TESTS, pk=registration_id)
    task = ArrivalTest.objects.filter(registration=reg).first()
    if task is None:
        raise DomainError(_("This registration has no 24-hour test."), field="result")
    actions.record_test_task_result(user, task, result=str(payload.result))
    return _out(user, reg.pk)


# ---- refusals ------------------------------------------------------------------------------


def _refusals(qs: QuerySet[Refusal]) -> QuerySet[Refusal]:
    return qs.select_related("resident")


@router.post("/refusals", response={201: RefusalOut})
def record_refusal(request: HttpRequest, payload: RefusalIn) -> Status[Refusal]:
    """Someone refused to report, be tested or observed: referred to the police officer."""
    user = caller(request)
    if not (
        user.can(ScreeningCapability.SCREEN_RETURNEES)
        or user.can(QuarantineCapability.MANAGE_CASES)
    ):
        require(user, ScreeningCapability.SCREEN_RETURNEES)
    resident = _referenced(user, Resident, payload.resident_id, "resident_id")
    assert resident is not None
    registration = _referenced(user, Registration, payload.registration_id, "registration_id")
    refusal = actions.record_refusal(
        user,
        resident,
        kind=str(payload.kind),
        details=payload.details,
        registration=registration,
    )
    return Status(201, _refusals(Refusal.objects.all()).get(pk=refusal.pk))


@router.get("/refusals", response=RefusalPage)
def list_refusals(request: HttpRequest, filters: Query[RefusalFilters]) -> dict[str, Any]:
    """Refusals of your jurisdiction (the police officer's worklist), latest first."""
    user = require(caller(request), ScreeningCapability.VIEW_REFERRALS)
    limit, offset = filters.limit, filters.offset
    qs = Refusal.objects.visible_to(user)
    if filters.status:
        qs = qs.filter(status=str(filters.status))
    return {
        "count": qs.count(),
        "limit": limit,
        "offset": offset,
        "items": list(_refusals(qs).order_by("-recorded_at", "-id")[offset : offset + limit]),
    }


@router.post("/refusals/{refusal_id}/handle", response=RefusalOut)
def handle_refusal(request: HttpRequest, refusal_id: Id, payload: HandleIn) -> Refusal:
    """The police officer records what was done about a referral."""
    user = require(caller(request), ScreeningCapability.VIEW_REFERRALS)
    refusal = get_for(user, Refusal, pk=refusal_id)
    actions.handle_refusal(user, refusal, notes=payload.notes)
    return _refusals(Refusal.objects.all()).get(pk=refusal.pk)
