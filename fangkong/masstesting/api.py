"""The masstesting part of the JSON API (mounted by fangkong/api/api.py): the same rules as
the pages (VIEW_ROUNDS to read, MANAGE_ROUNDS to open, SAMPLE_TESTS to sample, RECORD_TESTS
to upload results; 404 outside the jurisdiction; refusals are 422 with the reason)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Query, Router, Status
from ninja.files import UploadedFile

from fangkong.core.access import get_for, require
from fangkong.core.apiauth import caller
from fangkong.core.apitypes import Id
from fangkong.core.errors import DomainError
from fangkong.core.registry import register_router
from fangkong.masstesting.capabilities import MassTestingCapability
from fangkong.people.models import Resident
from fangkong.quarantine.capabilities import QuarantineCapability

from . import actions, queries, result_jobs
from .models import Round, RoundImportJob, RoundMember
from .rounds import open_round
from .schemas import (
    CoverageOut,
    ImportJobOut,
    RoundCreated,
    RoundFilters,
    RoundIn,
    RoundPage,
    SampleIn,
    SampleOut,
)

router = Router(tags=["masstesting"])
register_router("masstesting", router, order=90)


def _round(request: HttpRequest, pk: int, write: str | None = None) -> Round:
    user = require(caller(request), MassTestingCapability.VIEW_ROUNDS)
    return get_for(user, Round, pk=pk, write=write)


@router.get("/rounds", response=RoundPage)
def list_rounds(request: HttpRequest, filters: Query[RoundFilters]) -> dict[str, Any]:
    """Testing rounds of your jurisdiction, newest first."""
    user = require(caller(request), MassTestingCapability.VIEW_ROUNDS)
    qs = Round.objects.visible_to(user)
    if filters.status:
        qs = qs.filter(status=filters.status)
    end = filters.offset + filters.limit
    return {"count": qs.count(), "items": list(qs[filters.offset : end])}


@router.post("/rounds", response={201: RoundCreated})
def create_round(request: HttpRequest, payload: RoundIn) -> Status[dict[str, int]]:
    """Open a round over a place of your jurisdiction: everyone living there is expected."""
    user = require(caller(request), MassTestingCapability.MANAGE_ROUNDS)
    scope = queries.scope_for(user, payload.scope, payload.scope_id)
    rnd = open_round(user, scope=scope, name=payload.name)
    return Status(201, {"id": rnd.pk, "expected": rnd.members.count()})


@router.get("/rounds/{round_id}/coverage", response=CoverageOut)
def round_coverage(request: HttpRequest, round_id: Id) -> dict[str, Any]:
    """The round's numbers and its coverage by building (least covered first)."""
    rnd = _round(request, round_id)
    members = queries.members_of(caller(request), rnd)
    rows, n = queries.coverage_and_numbers(members)
    return {
        "expected": n.expected,
        "sampled": n.sampled,
        "missing": n.missing,
        "negative": n.negative,
        "positive": n.positive,
        "invalid": n.invalid,
        "pending": n.pending,
        "retest": n.retest,
        "percent": n.percent,
        "buildings": [
            {
                "place": r.place,
                "building_id": r.building_id,
                "grid_id": r.grid_id,
                "expected": r.expected,
                "sampled": r.sampled,
                "missing": r.missing,
                "retest": r.retest,
                "percent": r.percent,
            }
            for r in rows
        ],
    }


@router.post("/rounds/{round_id}/samples", response={201: SampleOut})
def add_sample(request: HttpRequest, round_id: Id, payload: SampleIn) -> Status[dict[str, Any]]:
    """Put a person into a tube: by the scanned pass text (`code`) or by `resident_id`."""
    rnd = _round(request, round_id, write=MassTestingCapability.SAMPLE_TESTS)
    user = caller(request)
    if payload.code:
        resident = actions.resident_of_pass(payload.code)
    elif payload.resident_id is not None:
        found = Resident.objects.visible_to(user).filter(pk=payload.resident_id).first()
        if found is None:
            raise DomainError(
                _("There is no such person in your jurisdiction."), field="resident_id"
            )
        resident = found
    else:
        raise DomainError(_("Give the pass code or the resident."), field="code")
    member = actions.sample(
        user, rnd, tube_code=payload.tube, pooled=payload.pooled, resident=resident
    )
    tube = member.retest_tube or member.tube
    assert tube is not None
    return Status(
        201,
        {
            "member_id": member.pk,
            "resident_id": resident.pk,
            "tube": tube.code,
            "in_tube": actions.tube_count(tube),
            "capacity": rnd.pool_size if tube.pooled else 1,
            "retest": member.retest_tube_id is not None,
        },
    )


@router.post("/rounds/{round_id}/results", response={201: ImportJobOut})
def upload_results(
    request: HttpRequest, round_id: Id, file: File[UploadedFile]
) -> Status[RoundImportJob]:
    """Upload the lab's file: it is checked in the background; the job says what was found.
    Confirm it on the job's page (or it expires)."""
    rnd = _round(request, round_id, write=QuarantineCapability.RECORD_TESTS)
    job = result_jobs.start_import(caller(request), rnd, file)
    return Status(201, job)


@router.get("/rounds/imports/{job_id}", response=ImportJobOut)
def get_import(request: HttpRequest, job_id: Id) -> RoundImportJob:
    user = require(caller(request), QuarantineCapability.RECORD_TESTS)
    return get_for(user, RoundImportJob, pk=job_id)


@router.post("/rounds/imports/{job_id}/confirm", response=ImportJobOut)
def confirm_import(request: HttpRequest, job_id: Id) -> RoundImportJob:
    """Write a checked file (all or nothing)."""
    user = require(caller(request), QuarantineCapability.RECORD_TESTS)
    job = get_for(user, RoundImportJob, pk=job_id)
    result_jobs.confirm_import(user, job)
    job.refresh_from_db()
    return job


__all__ = ["RoundMember", "router"]
