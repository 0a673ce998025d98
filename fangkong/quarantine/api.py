"""API of quarantine work, mounted under /api/v1/ by fangkong.api.api.

The same rules as the pages: lists are `visible_to(user)`, single records come through
`access.get_for` (404 outside the jurisdiction, 403 when the role may see but not act), and
every write is a `quarantine.actions` call. A refused transition answers 422 with each
blocker's sentence in `errors[""]`. Guards, volunteers and the police officer hold no
health records: 403 everywhere here.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from fangkong.core.access import can, get_for, require
from fangkong.core.apiauth import caller
from fangkong.core.apitypes import Id
from fangkong.core.errors import DomainError
from fangkong.core.models import Community, User
from fangkong.core.registry import register_router
from fangkong.people.models import Resident
from fangkong.policy.capabilities import PolicyCapability
from fangkong.quarantine.capabilities import QuarantineCapability

from . import actions
from .blockers import describe, tests_in_force, verdict_for
from .lists import filtered_cases, with_flags
from .models import Case, CounsellingNote, IndexCase, Room, ScheduledTest, Site
from .occupancy import rooms_with_beds, sites_with_beds
from .schemas import (
    CaseDetailOut,
    CaseFilters,
    CasePage,
    CloseContactIn,
    ExtendIn,
    IndexCaseIn,
    IndexCaseOut,
    NoteIn,
    NoteOut,
    ReasonIn,
    ReferIn,
    ResponsibleIn,
    ResultIn,
    RoomFilters,
    RoomIn,
    RoomPage,
    SignIn,
    SiteOut,
    StartIn,
    TestOut,
)

router = Router(tags=["quarantine"])
register_router("quarantine", router, order=50)


def _reader(request: HttpRequest) -> User:
    """The caller, if their role may see health records (403 otherwise)."""
    return require(caller(request), PolicyCapability.VIEW_CASES)


def _cases() -> QuerySet[Case]:
    return Case.objects.select_related("resident", "policy__township", "cadre", "medic")


def _tests(case: Case) -> list[ScheduledTest]:
    today = timezone.localdate()
    items = list(case.tests.all())
    in_force = {t.pk for t in tests_in_force(items)}
    for t in items:
        t.overdue = t.is_overdue(today)  # type: ignore[attr-defined]
        t.superseded = t.pk not in in_force  # type: ignore[attr-defined]
    return items


def _detail(user: User, pk: int) -> Case:
    """The case with everything `CaseDetailOut` shows."""
    today = timezone.localdate()
    case = get_for(user, Case, pk=pk, queryset=with_flags(_cases(), today))
    tests = _tests(case)
    signoffs = list(case.signoffs.select_related("user"))
    verdict = verdict_for(case, today=today, tests=tests, signoffs=signoffs)
    case.today_number = min(max(case.day_number(today), 0), case.days)  # type: ignore[attr-defined]
    case.tests_out = tests  # type: ignore[attr-defined]
    case.signoffs_out = signoffs  # type: ignore[attr-defined]
    case.release_out = {  # type: ignore[attr-defined]
        "ok": verdict.ok,
        "blockers": [{"code": b.code, "message": describe(b)} for b in verdict.reasons],
    }
    return case


def _writer(
    request: HttpRequest, pk: int, capability: str = QuarantineCapability.MANAGE_CASES
) -> tuple[User, Case]:
    user = _reader(request)
    return user, get_for(user, Case, pk=pk, write=capability)


def _room(user: User, pk: int | None) -> Room | None:
    return None if pk is None else _room_of(user, pk)


def _room_of(user: User, pk: int) -> Room:
    """A room of a site in the user's jurisdiction (422 naming the field otherwise)."""
    sites = Site.objects.visible_to(user)
    room = Room.objects.filter(pk=pk, site__in=sites).select_related("site").first()
    if room is None:
        raise DomainError(_("There is no room with this id in your township."), field="room")
    return room


# ---- cases -----------------------------------------------------------------------------------


@router.get("/cases", response=CasePage)
def list_cases(request: HttpRequest, filters: Query[CaseFilters]) -> dict[str, Any]:
    """Quarantine cases of your jurisdiction (open ones unless `status` says otherwise)."""
    user = _reader(request)
    params = {
        k: str(v)
        for k, v in filters.model_dump(exclude={"limit", "offset"}).items()
        if v not in (None, "")
    }
    form, qs = filtered_cases(user, params, timezone.localdate())
    if not form.is_valid():
        raise DomainError(errors={f: [str(m) for m in msgs] for f, msgs in form.errors.items()})
    qs = qs.select_related("resident", "policy__township", "cadre", "medic").order_by(
        "-start_date", "-id"
    )
    end = filters.offset + filters.limit
    return {
        "count": qs.count(),
        "limit": filters.limit,
        "offset": filters.offset,
        "items": list(qs[filters.offset : end]),
    }


@router.get("/cases/{case_id}", response=CaseDetailOut)
def get_case(request: HttpRequest, case_id: Id) -> Case:
    """A case with its tests, signatures and what still blocks its release."""
    return _detail(_reader(request), case_id)


@router.post("/cases/{case_id}/start", response=CaseDetailOut)
def start_case(request: HttpRequest, case_id: Id, payload: StartIn) -> Case:
    user, case = _writer(request, case_id)
    actions.start_quarantine(case, by=user, room=_room(user, payload.room), reason=payload.reason)
    return _detail(user, case_id)


@router.post("/cases/{case_id}/room", response=CaseDetailOut)
def assign_room(request: HttpRequest, case_id: Id, payload: RoomIn) -> Case:
    """Place a centralised case in a room of your township's sites, or move it to another
    (MANAGE_CASES): recorded in the case's history and the audit log. 422 for a full room, a
    room outside your jurisdiction, or a case that is not centralised."""
    user, case = _writer(request, case_id)
    actions.assign_room(case, by=user, room=_room_of(user, payload.room), reason=payload.reason)
    return _detail(user, case_id)


@router.post("/cases/{case_id}/extend", response=CaseDetailOut)
def extend_case(request: HttpRequest, case_id: Id, payload: ExtendIn) -> Case:
    user, case = _writer(request, case_id)
    actions.extend(case, by=user, days=payload.days, reason=payload.reason)
    return _detail(user, case_id)


@router.post("/cases/{case_id}/review", response=CaseDetailOut)
def review_case(request: HttpRequest, case_id: Id, payload: ReasonIn) -> Case:
    """in_quarantine → release_review; 422 listing what blocks it (but the signatures)."""
    user, case = _writer(request, case_id)
    actions.request_release_review(case, by=user, reason=payload.reason)
    return _detail(user, case_id)


def _staff(pk: int | None, field: str) -> User | None:
    """An active staff member by id; whether they may 包保 the case is the action's rule (its
    refusal names nobody, so an id tells the caller nothing about staff elsewhere)."""
    if pk is None:
        return None
    user = User.objects.filter(pk=pk, is_active=True).first()
    if user is None:
        raise DomainError(
            _("The chosen person does not work in this grid; choose someone who does."),
            field=field,
        )
    return user


@router.post("/cases/{case_id}/responsible", response=CaseDetailOut)
def change_responsible(request: HttpRequest, case_id: Id, payload: ResponsibleIn) -> Case:
    """Change the case's responsible cadre and medical worker (包保), who alone sign its
    release: a community leader's or township admin's decision, with the reason (403 for
    anyone else). A signature given by someone replaced no longer counts."""
    user, case = _writer(request, case_id)
    if not actions.may_reassign(user):
        raise PermissionDenied
    actions.change_responsible(
        case,
        by=user,
        cadre=_staff(payload.cadre, "cadre"),
        medic=_staff(payload.medic, "medic"),
        reason=payload.reason,
    )
    return _detail(user, case_id)


@router.post("/cases/{case_id}/sign", response=CaseDetailOut)
def sign_case(request: HttpRequest, case_id: Id, payload: SignIn) -> Case:
    """One release signature: `cadre` or `medic`, by the cadre or the medical worker assigned
    to the case (SIGN_AS_CADRE / SIGN_AS_MEDIC); anyone else gets 422 saying who may."""
    user = _reader(request)
    if not (
        can(user, QuarantineCapability.SIGN_AS_CADRE)
        or can(user, QuarantineCapability.SIGN_AS_MEDIC)
    ):
        require(user, QuarantineCapability.SIGN_AS_CADRE)  # 403
    case = get_for(user, Case, pk=case_id)
    actions.sign(case, by=user, role=payload.role)
    return _detail(user, case_id)


@router.post("/cases/{case_id}/release", response=CaseDetailOut)
def release_case(request: HttpRequest, case_id: Id, payload: ReasonIn) -> Case:
    """release_review → released; 422 listing every blocker."""
    user, case = _writer(request, case_id)
    actions.release(case, by=user, reason=payload.reason)
    return _detail(user, case_id)


@router.post("/cases/{case_id}/refer", response=CaseDetailOut)
def refer_case(request: HttpRequest, case_id: Id, payload: ReferIn) -> Case:
    user, case = _writer(request, case_id)
    actions.refer_to_hospital(case, by=user, hospital=payload.hospital, reason=payload.reason)
    return _detail(user, case_id)


@router.post("/cases/{case_id}/notes", response={201: NoteOut})
def add_note(request: HttpRequest, case_id: Id, payload: NoteIn) -> Status[CounsellingNote]:
    user, case = _writer(request, case_id)
    return Status(201, actions.add_counselling_note(case, by=user, text=payload.text))


@router.get("/cases/{case_id}/tests", response=list[TestOut])
def list_tests(request: HttpRequest, case_id: Id) -> list[ScheduledTest]:
    case = get_for(_reader(request), Case, pk=case_id)
    return _tests(case)


@router.post("/tests/{test_id}/result", response=TestOut)
def record_result(request: HttpRequest, test_id: Id, payload: ResultIn) -> ScheduledTest:
    """The result of one scheduled test (RECORD_TESTS). An invalid result schedules a retest."""
    user = _reader(request)
    item = get_for(user, ScheduledTest, pk=test_id, write=QuarantineCapability.RECORD_TESTS)
    actions.record_test_result(
        item, by=user, result=payload.result, sampled_on=payload.sampled_on, lab=payload.lab
    )
    item.refresh_from_db()
    item.overdue = False  # type: ignore[attr-defined]
    item.superseded = item.retests.exists()  # type: ignore[attr-defined]
    return item


# ---- index cases and close contacts ----------------------------------------------------------


@router.get("/index-cases", response=list[IndexCaseOut])
def list_index_cases(request: HttpRequest) -> QuerySet[IndexCase]:
    """The township's index cases; who each one is only where the person's record is yours."""
    user = _reader(request)
    return (
        IndexCase.objects.visible_to(user)
        .with_identity(user)
        .select_related("township", "community")[:500]
    )


@router.post("/index-cases", response={201: IndexCaseOut})
def create_index_case(request: HttpRequest, payload: IndexCaseIn) -> Status[IndexCase]:
    user = require(_reader(request), QuarantineCapability.MANAGE_CASES)
    if user.township is None:
        raise DomainError(_("Your account is not bound to a township."))
    community = None
    if payload.community is not None:
        community = Community.objects.visible_to(user).filter(pk=payload.community).first()
        if community is None:
            raise DomainError(
                _("There is no community with this id in your jurisdiction."), field="community"
            )
    resident = None
    if payload.resident is not None:
        resident = Resident.objects.visible_to(user).filter(pk=payload.resident).first()
        if resident is None:
            raise DomainError(
                _("There is no resident with this id in your jurisdiction."), field="resident"
            )
    index = actions.register_index_case(
        user,
        township=user.township,
        name=payload.name,
        kind=payload.kind,
        reported_on=payload.reported_on,
        community=community or user.community,
        resident=resident,
        notes=payload.notes,
    )
    return Status(201, IndexCase.objects.with_identity(user).get(pk=index.pk))


@router.post("/close-contacts", response={201: CaseDetailOut})
def register_close_contact(request: HttpRequest, payload: CloseContactIn) -> Status[Case]:
    """A close contact of an index case: centralised quarantine with the first test at once."""
    user = require(_reader(request), QuarantineCapability.MANAGE_CASES)
    index = IndexCase.objects.visible_to(user).filter(pk=payload.index_case_id).first()
    if index is None:
        raise DomainError(
            _("There is no index case with this id in your jurisdiction."), field="index_case_id"
        )
    resident = Resident.objects.visible_to(user).active().filter(pk=payload.resident_id).first()
    if resident is None:
        raise DomainError(
            _("There is no resident with this id in your jurisdiction."), field="resident_id"
        )
    case = actions.register_close_contact(
        user,
        index_case=index,
        resident=resident,
        start_date=payload.start_date,
        room=_room(user, payload.room),
        note=payload.note,
    )
    return Status(201, _detail(user, case.pk))


# ---- centralised quarantine sites and rooms ----------------------------------------------------


@router.get("/quarantine-sites", response=list[SiteOut])
def list_sites(request: HttpRequest) -> QuerySet[Site]:
    """The centralised quarantine sites of your township, with their beds taken and free."""
    user = _reader(request)
    return sites_with_beds(Site.objects.visible_to(user)).order_by("name", "id")


@router.get("/quarantine-rooms", response=RoomPage)
def list_rooms(request: HttpRequest, filters: Query[RoomFilters]) -> dict[str, Any]:
    """The rooms of your township's sites with their beds taken and free (`free_only`: the
    rooms a case can be placed in now), by site and room number. A site outside your
    jurisdiction is 404."""
    user = _reader(request)
    sites = Site.objects.visible_to(user)
    if filters.site is not None:
        sites = sites.filter(pk=get_for(user, Site, pk=filters.site).pk)
    qs = rooms_with_beds(Room.objects.filter(site__in=sites).select_related("site"))
    if filters.free_only:
        qs = qs.filter(Q(free__gt=0))  # (an annotation: the type checker cannot see it)
    qs = qs.order_by("site__name", "site_id", "sort_key", "id")
    end = filters.offset + filters.limit
    return {
        "count": qs.count(),
        "limit": filters.limit,
        "offset": filters.offset,
        "items": list(qs[filters.offset : end]),
    }
