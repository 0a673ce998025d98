"""API for the policy app, mounted under /api/v1/ by fangkong.api.api.

Same rules as the pages: versions are read by whoever works cases (VIEW_CASES) and made and
activated by township admins (MANAGE_POLICY), through `policy.actions`; the risk-area
register is public information, read by whoever reads the registry or works cases, and
changed by township admins. Places are free text resolved offline (`divisions.resolve`); a
place that does not resolve is a 422 whose `errors.place` names it.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Status

from fangkong.core.access import can, get_for, require
from fangkong.core.apiauth import caller
from fangkong.core.apitypes import Id
from fangkong.core.errors import DomainError
from fangkong.core.models import User
from fangkong.core.registry import register_router
from fangkong.core.roles import CoreCapability
from fangkong.policy.capabilities import PolicyCapability

from . import actions, divisions
from .areas import filtered_areas
from .models import Policy, RiskArea
from .schemas import (
    ActivateIn,
    AreaStatus,
    EndIn,
    PolicyDetailOut,
    PolicyIn,
    PolicyPage,
    PolicyPageFilters,
    RiskAreaFilters,
    RiskAreaIn,
    RiskAreaOut,
    RiskAreaPage,
    WithdrawIn,
)
from .validity import RulesProblems, rules_from_json
from .versions import in_force

router = Router(tags=["policy"])
register_router("policy", router, order=30)


def _reader(request: HttpRequest) -> User:
    """The caller, if their role works cases (403 otherwise)."""
    user = require(caller(request), PolicyCapability.VIEW_CASES)
    try:
        request.policy_in_force = in_force(user.township_id, timezone.localdate()).pk  # type: ignore[attr-defined]
    except DomainError:
        request.policy_in_force = None  # type: ignore[attr-defined]
    return user


def _version(user: User, pk: int, write: str | None = None) -> Policy:
    return get_for(
        user,
        Policy,
        pk=pk,
        write=write,
        queryset=Policy.objects.select_related("township"),
    )


# ---- policy versions -----------------------------------------------------------------------


@router.get("/policy-versions", response=PolicyPage, tags=["policy versions"])
def list_versions(request: HttpRequest, filters: Query[PolicyPageFilters]) -> dict[str, Any]:
    """The versions that apply to your township: the general ones and your township's own
    (drafts and withdrawn versions only for township admins); newest first."""
    user = _reader(request)
    qs = (
        Policy.objects.visible_to(user)
        .select_related("township")
        .order_by("-effective_from", "-version", "-id")
    )
    end = filters.offset + filters.limit
    return {
        "count": qs.count(),
        "limit": filters.limit,
        "offset": filters.offset,
        "items": list(qs[filters.offset : end]),
    }


@router.get("/policy-versions/{version_id}", response=PolicyDetailOut, tags=["policy versions"])
def get_version(request: HttpRequest, version_id: Id) -> Policy:
    """One version with every number it holds (`rules`)."""
    return _version(_reader(request), version_id)


@router.post("/policy-versions", response={201: PolicyDetailOut}, tags=["policy versions"])
def create_version(request: HttpRequest, payload: PolicyIn) -> Status[Policy]:
    """A new draft for your township (township admins). Rules you leave out keep the values
    of the version in force; activate the draft with `/activate`."""
    user = require(_reader(request), PolicyCapability.MANAGE_POLICY)
    base = in_force(user.township_id, timezone.localdate())
    try:
        rules = rules_from_json(payload.rules, base.as_rules())
    except RulesProblems as exc:
        raise DomainError(errors=actions.problem_errors(exc.problems)) from exc
    policy = actions.create_draft(
        user,
        rules=rules,
        based_on=base,
        name=payload.name,
        effective_from=payload.effective_from,
        source_title=payload.source_title,
        source_number=payload.source_number,
        source_date=payload.source_date,
    )
    return Status(201, _version(user, policy.pk))


@router.post(
    "/policy-versions/{version_id}/activate",
    response=PolicyDetailOut,
    tags=["policy versions"],
)
def activate_version(request: HttpRequest, version_id: Id, payload: ActivateIn) -> Policy:
    """Put a draft of your township in force from `effective_from` (today or later).
    Decisions already taken keep the version they were made under."""
    user = _reader(request)
    policy = _version(user, version_id, write=PolicyCapability.MANAGE_POLICY)
    actions.activate(user, policy, effective_from=payload.effective_from)
    result = _version(user, policy.pk)
    request.policy_in_force = in_force(user.township_id, timezone.localdate()).pk  # type: ignore[attr-defined]
    return result


@router.post(
    "/policy-versions/{version_id}/withdraw",
    response=PolicyDetailOut,
    tags=["policy versions"],
)
def withdraw_version(request: HttpRequest, version_id: Id, payload: WithdrawIn) -> Policy:
    """Set a draft of your township aside, with the reason."""
    user = _reader(request)
    policy = _version(user, version_id, write=PolicyCapability.MANAGE_POLICY)
    actions.withdraw(user, policy, reason=payload.reason)
    return _version(user, policy.pk)


# ---- risk areas ----------------------------------------------------------------------------


def _area_reader(request: HttpRequest) -> User:
    """The caller, if they read the registry or work cases (the register is public)."""
    user = caller(request)
    if not (can(user, PolicyCapability.VIEW_CASES) or can(user, CoreCapability.VIEW_PEOPLE)):
        raise PermissionDenied
    return user


@router.get("/risk-areas", response=RiskAreaPage, tags=["risk areas"])
def list_areas(request: HttpRequest, filters: Query[RiskAreaFilters]) -> dict[str, Any]:
    """The register, newest first: with `on`, the areas at risk that day."""
    user = _area_reader(request)
    status = filters.status or (AreaStatus.IN_FORCE if filters.on else AreaStatus.ALL)
    qs = filtered_areas(
        user,
        status.value,
        filters.on or timezone.localdate(),
        filters.level.value if filters.level else "",
        " ".join(filters.q.split()),
    )
    end = filters.offset + filters.limit
    return {
        "count": qs.count(),
        "limit": filters.limit,
        "offset": filters.offset,
        "items": list(qs[filters.offset : end]),
    }


@router.get("/risk-areas/{area_id}", response=RiskAreaOut, tags=["risk areas"])
def get_area(request: HttpRequest, area_id: Id) -> RiskArea:
    return get_for(_area_reader(request), RiskArea, pk=area_id)


@router.post("/risk-areas", response={201: RiskAreaOut}, tags=["risk areas"])
def create_area(request: HttpRequest, payload: RiskAreaIn) -> Status[RiskArea]:
    """Register an area (township admins). `place` is resolved to its division code offline;
    a place that cannot be identified is refused (422, `errors.place` names it)."""
    user = require(_area_reader(request), PolicyCapability.MANAGE_POLICY)
    place = divisions.resolve(payload.place)
    area = actions.add_area(
        user,
        place=place,
        level=payload.level.value,
        start=payload.start,
        end=payload.end,
        source=payload.source,
    )
    return Status(201, area)


@router.post("/risk-areas/{area_id}/end", response=RiskAreaOut, tags=["risk areas"])
def end_area(request: HttpRequest, area_id: Id, payload: EndIn) -> RiskArea:
    """Record the last day an area is at risk (township admins)."""
    user = _area_reader(request)
    area = get_for(user, RiskArea, pk=area_id, write=PolicyCapability.MANAGE_POLICY)
    return actions.end_area(user, area, end=payload.end)
