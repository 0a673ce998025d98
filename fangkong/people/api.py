"""API: residents and households of the caller's jurisdiction.

Same rules as the pages: lists are `visible_to(user)`, single records come through
`access.get_for` (404 outside the jurisdiction, 403 when the role may see but not act), and
every write is a `people.actions` call (validated by `registry.clean_person`, audited).
Guards and volunteers, whose roles do not browse the registry, get 403 everywhere here.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import models
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Query, Router, Status

from fangkong.core.access import get_for, require
from fangkong.core.apiauth import caller
from fangkong.core.apitypes import Id
from fangkong.core.errors import DomainError
from fangkong.core.models import Building, Grid, Unit, User
from fangkong.core.registry import register_router
from fangkong.core.roles import CoreCapability
from fangkong.people.capabilities import PeopleCapability

from . import actions
from .models import Household, Resident, ResidentTag
from .schemas import (
    HouseholdDetailOut,
    HouseholdFilters,
    HouseholdIn,
    HouseholdPage,
    HouseholdPatch,
    ResidentFilters,
    ResidentIn,
    ResidentOut,
    ResidentPage,
    ResidentPatch,
    RevealIn,
    RevealOut,
)
from .search import filtered_residents

router = Router()
register_router("people", router, order=20)

M = TypeVar("M", bound=models.Model)

_NOT_IN_JURISDICTION = {
    "household": gettext_lazy("There is no household with this id in your jurisdiction."),
    "grid": gettext_lazy("There is no grid with this id in your jurisdiction."),
    "building": gettext_lazy("There is no building with this id in your jurisdiction."),
    "unit": gettext_lazy("There is no unit with this id in your jurisdiction."),
    "cadre": gettext_lazy("There is no staff member with this id in the community."),
    "medic": gettext_lazy("There is no staff member with this id in the community."),
}


def _reader(request: HttpRequest) -> User:
    """The caller, if their role may read the registry (403 otherwise, e.g. guards)."""
    return require(caller(request), CoreCapability.VIEW_PEOPLE)


def _referenced(user: User, model: type[M], pk: int | None, field: str) -> M | None:
    """The record a request body points at, only if the user can see it (else 422)."""
    if pk is None:
        return None
    obj = model._default_manager.visible_to(user).filter(pk=pk).first()  # type: ignore[attr-defined]
    if obj is None:
        raise DomainError(str(_NOT_IN_JURISDICTION[field]), field=field)
    return obj  # type: ignore[no-any-return]


def _residents(qs: QuerySet[Resident]) -> QuerySet[Resident]:
    """What a resident in a response needs, in a fixed number of queries."""
    return qs.select_related("household").prefetch_related(
        Prefetch("tags", queryset=ResidentTag.objects.only("id", "resident_id", "tag"))
    )


def _resident_out(user: User, pk: int) -> Resident:
    return get_for(user, Resident, queryset=_residents(Resident.objects.all()), pk=pk)


def _plain(value: Any) -> Any:
    """Enum members as their codes, lists element-wise: what the actions and audit expect."""
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, str):
        return str(value)
    return value


# ---- residents -----------------------------------------------------------------------------


@router.get("/residents", response=ResidentPage, tags=["residents"])
def list_residents(request: HttpRequest, filters: Query[ResidentFilters]) -> dict[str, Any]:
    """Residents of your jurisdiction: the search and filters of the resident list page."""
    user = _reader(request)
    params = {
        key: str(_plain(value))
        for key, value in filters.model_dump(exclude={"limit", "offset"}).items()
        if value not in (None, "")
    }
    form, qs = filtered_residents(user, params)
    if params and not form.is_valid():
        raise DomainError(errors={f: [str(m) for m in msgs] for f, msgs in form.errors.items()})
    end = filters.offset + filters.limit
    return {
        "count": qs.count(),
        "limit": filters.limit,
        "offset": filters.offset,
        "items": list(_residents(qs)[filters.offset : end]),
    }


@router.get("/residents/{resident_id}", response=ResidentOut, tags=["residents"])
def get_resident(request: HttpRequest, resident_id: Id) -> Resident:
    return _resident_out(_reader(request), resident_id)


def _place_fields(user: User, data: dict[str, Any]) -> None:
    """Replace household / grid ids by records the user can see."""
    if "household" in data:
        data["household"] = _referenced(user, Household, data["household"], "household")
    if "grid" in data:
        data["grid"] = _referenced(user, Grid, data["grid"], "grid")
        if data["grid"] is None:
            del data["grid"]


@router.post("/residents", response={201: ResidentOut}, tags=["residents"])
def create_resident(request: HttpRequest, payload: ResidentIn) -> Status[Resident]:
    user = require(_reader(request), PeopleCapability.EDIT_PEOPLE)
    data = {key: _plain(value) for key, value in payload.model_dump().items()}
    tags = data.pop("tags")
    data["gender"] = data["gender"] or ""
    _place_fields(user, data)
    resident = actions.create_resident(user, tags=tags, **data)
    return Status(201, _resident_out(user, resident.pk))


@router.patch("/residents/{resident_id}", response=ResidentOut, tags=["residents"])
def update_resident(request: HttpRequest, resident_id: Id, payload: ResidentPatch) -> Resident:
    user = _reader(request)
    resident = get_for(user, Resident, write=PeopleCapability.EDIT_PEOPLE, pk=resident_id)
    data = {key: _plain(value) for key, value in payload.model_dump(exclude_unset=True).items()}
    tags = data.pop("tags", None)
    for key in ("name", "doc_type", "relation", "residence_type", "party_member", "works_away"):
        if key in data and data[key] is None:
            raise DomainError(_("This field cannot be emptied."), field=key)
    for key in ("doc_number", "no_doc_reason", "phone", "away_place", "away_contact", "notes"):
        if key in data and data[key] is None:
            data[key] = ""
    if "gender" in data:
        data["gender"] = data["gender"] or ""
    _place_fields(user, data)
    actions.update_resident(user, resident, tags=tags, **data)
    return _resident_out(user, resident.pk)


@router.post("/residents/{resident_id}/reveal", response=RevealOut, tags=["residents"])
def reveal(request: HttpRequest, resident_id: Id, payload: RevealIn) -> RevealOut:
    """The full document number or phone, for a stated reason; the reveal is audited."""
    user = _reader(request)
    resident = get_for(user, Resident, write=PeopleCapability.REVEAL_SENSITIVE, pk=resident_id)
    value = actions.reveal(user, resident, field=payload.field, reason=payload.reason)
    return RevealOut(field=payload.field, value=value)


# ---- households ----------------------------------------------------------------------------


def _households(qs: QuerySet[Household]) -> QuerySet[Household]:
    return qs.annotate(members_count=Count("members", filter=Q(members__merged_into__isnull=True)))


@router.get("/households", response=HouseholdPage, tags=["households"])
def list_households(request: HttpRequest, filters: Query[HouseholdFilters]) -> dict[str, Any]:
    """Households of your jurisdiction, by grid or building, or by part of the address."""
    user = _reader(request)
    qs = Household.objects.visible_to(user)
    grid = _referenced(user, Grid, filters.grid, "grid")
    if grid is not None:
        qs = qs.filter(grid=grid)
    building = _referenced(user, Building, filters.building, "building")
    if building is not None:
        qs = qs.filter(building=building)
    q = " ".join(filters.q.split())
    if q:
        qs = qs.filter(address__contains=q)
    end = filters.offset + filters.limit
    return {
        "count": qs.count(),
        "limit": filters.limit,
        "offset": filters.offset,
        "items": list(_households(qs)[filters.offset : end]),
    }


def _household_detail(user: User, pk: int) -> Household:
    """The household with its members (those the user sees) in `visible_members`."""
    members = _residents(Resident.objects.visible_to(user).active()).order_by("id")
    qs = _households(Household.objects.all()).prefetch_related(
        Prefetch("members", queryset=members, to_attr="visible_members")
    )
    return get_for(user, Household, queryset=qs, pk=pk)


@router.get("/households/{household_id}", response=HouseholdDetailOut, tags=["households"])
def get_household(request: HttpRequest, household_id: Id) -> Household:
    return _household_detail(_reader(request), household_id)


def _staff(pk: int | None, grid: Grid | None, field: str) -> User | None:
    """A staff member of the place's community, to be its cadre or medic (the action checks
    the role). Staff elsewhere are not named: the same 422 as for an unknown id."""
    if pk is None:
        return None
    found = None
    if grid is not None:
        found = User.objects.filter(pk=pk, community_id=grid.community_id).first()
    if found is None:
        raise DomainError(str(_NOT_IN_JURISDICTION[field]), field=field)
    return found


@router.post("/households", response={201: HouseholdDetailOut}, tags=["households"])
def create_household(request: HttpRequest, payload: HouseholdIn) -> Status[Household]:
    user = require(_reader(request), PeopleCapability.EDIT_PEOPLE)
    grid = _referenced(user, Grid, payload.grid, "grid")
    building = _referenced(user, Building, payload.building, "building")
    unit = _referenced(user, Unit, payload.unit, "unit")
    place = unit.building.grid if unit else building.grid if building else grid
    household = actions.create_household(
        user,
        number=payload.number,
        grid=grid,
        building=building,
        unit=unit,
        cadre=_staff(payload.cadre, place, "cadre"),
        medic=_staff(payload.medic, place, "medic"),
    )
    return Status(201, _household_detail(user, household.pk))


@router.patch("/households/{household_id}", response=HouseholdDetailOut, tags=["households"])
def update_household(request: HttpRequest, household_id: Id, payload: HouseholdPatch) -> Household:
    user = _reader(request)
    household = get_for(user, Household, write=PeopleCapability.EDIT_PEOPLE, pk=household_id)
    data = payload.model_dump(exclude_unset=True)
    changes: dict[str, Any] = {}
    if "number" in data:
        changes["number"] = data["number"] or ""
    for key in ("cadre", "medic"):
        if key in data:
            changes[key] = _staff(data[key], household.grid, key)
    actions.update_household(user, household, **changes)
    return _household_detail(user, household.pk)
