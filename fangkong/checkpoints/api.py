"""The checkpoints part of the JSON API (mounted by fangkong/api/api.py): the same scan as the
guard's page, for a mini-program or a turnstile.

`POST /gate/scan` answers 201 with the entry's verdict, or 200 with the same body when the
`client_key` was seen before (a retry). Bad input — an implausible temperature, an unknown or
sealed gate, a resident not of this community — is 422 with per-field messages and writes
nothing. Only GUARD_GATE records; the log needs VIEW_GATE_LOG (a guard gets their own
entries).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.errors import HttpError

from fangkong.checkpoints.capabilities import CheckpointCapability
from fangkong.core.access import can, require
from fangkong.core.apiauth import caller
from fangkong.core.apitypes import Id
from fangkong.core.errors import DomainError
from fangkong.core.masking import mask_document
from fangkong.core.models import User
from fangkong.core.registry import register_router
from fangkong.core.schemas import DetailOut

from . import entries, prepared_scan
from .models import Gate, GateEntry
from .reasons import described
from .schemas import AnswerOut, EntryFilters, EntryOut, ScanIn, VehicleIn, VisitorIn
from .views import answer_of

router = Router(tags=["checkpoints"])
# First of all routers: URL patterns are tried in order, and the gate scan is the busiest.
register_router("checkpoints", router, order=0)


def _guard(request: HttpRequest) -> User:
    return require(caller(request), CheckpointCapability.GUARD_GATE)


def _gate(user: User, gate_id: Id) -> Gate:
    gate = prepared_scan.gate(gate_id)
    if gate is None or not entries.in_gate_jurisdiction(user, gate):
        raise DomainError(_("There is no gate with this id in your community."), field="gate_id")
    return gate


def _conflict(record: Callable[[], entries.Recorded]) -> entries.Recorded:
    """A recording, a client key reused for another submission answered 409."""
    try:
        return record()
    except entries.KeyReused as exc:
        raise HttpError(409, exc.message) from exc


def _answer(done: entries.Recorded) -> Status[dict[str, Any]]:
    if done.person is None:
        return Status(201 if done.created else 200, answer_of(done.entry))
    entry = done.entry
    answer = {
        "entry_id": entry.pk,
        "verdict": entry.verdict,
        "reasons": described(list(entry.reasons)),
        "person": done.person,
    }
    return Status(201 if done.created else 200, answer)


@router.post("/gate/scan", response={200: AnswerOut, 201: AnswerOut, 409: DetailOut})
def scan(request: HttpRequest, payload: ScanIn) -> Status[dict[str, Any]]:
    """A resident at the gate, by their pass's QR text (`code`) or by `resident_id`."""
    user = _guard(request)
    if payload.code:
        # The turnstile's hot path: one read for gate, pass and holder, one INSERT.
        return _answer(
            _conflict(
                lambda: prepared_scan.record_scan(
                    user,
                    payload.gate_id,
                    client_key=payload.client_key,
                    code=payload.code,
                    direction=payload.direction,
                    temperature=payload.temperature,
                    health_code=payload.health_code,
                )
            )
        )
    done = _conflict(
        lambda: entries.record_resident(
            user,
            _gate(user, payload.gate_id),
            client_key=payload.client_key,
            code=payload.code,
            resident_id=payload.resident_id,
            direction=payload.direction,
            temperature=payload.temperature,
            health_code=payload.health_code,
        )
    )
    return _answer(done)


@router.post("/gate/visitors", response={200: AnswerOut, 201: AnswerOut, 409: DetailOut})
def visitor(request: HttpRequest, payload: VisitorIn) -> Status[dict[str, Any]]:
    user = _guard(request)
    done = _conflict(
        lambda: entries.record_visitor(
            user,
            _gate(user, payload.gate_id),
            client_key=payload.client_key,
            name=payload.name,
            phone=payload.phone,
            doc_type=payload.doc_type,
            doc_number=payload.doc_number,
            host_id=payload.host_id,
            purpose=payload.purpose,
            essential=payload.essential,
            direction=payload.direction,
            temperature=payload.temperature,
            health_code=payload.health_code,
        )
    )
    return _answer(done)


@router.post("/gate/vehicles", response={200: AnswerOut, 201: AnswerOut, 409: DetailOut})
def vehicle(request: HttpRequest, payload: VehicleIn) -> Status[dict[str, Any]]:
    user = _guard(request)
    done = _conflict(
        lambda: entries.record_vehicle(
            user,
            _gate(user, payload.gate_id),
            client_key=payload.client_key,
            plate=payload.plate,
            driver_id=payload.driver_id,
            name=payload.name,
            phone=payload.phone,
            direction=payload.direction,
            temperature=payload.temperature,
            health_code=payload.health_code or "",
        )
    )
    return _answer(done)


@router.get("/gate/entries", response=list[EntryOut])
def list_entries(request: HttpRequest, filters: Query[EntryFilters]) -> list[dict[str, Any]]:
    """Entries of one day (today by default), newest first, masked."""
    user = caller(request)
    if can(user, CheckpointCapability.VIEW_GATE_LOG):
        qs = GateEntry.objects.visible_to(user)
    else:
        require(user, CheckpointCapability.GUARD_GATE)
        qs = GateEntry.objects.filter(guard=user)
    day = filters.day or timezone.localdate()
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    qs = qs.filter(at__gte=start, at__lt=start + dt.timedelta(days=1))
    if filters.gate_id is not None:
        qs = qs.filter(gate_id=filters.gate_id)
    rows = qs.select_related("resident").order_by("-at", "-id")[
        filters.offset : filters.offset + filters.limit
    ]
    return [
        {
            "id": e.pk,
            "gate_id": e.gate_id,
            "at": e.at,
            "direction": e.direction,
            "kind": e.kind,
            "name": e.name,
            "masked_document": mask_document(e.resident.doc_number if e.resident else e.doc_number),
            "plate": e.plate,
            "temperature": e.temperature,
            "health_code": e.health_code,
            "verdict": e.verdict,
            "reasons": described(list(e.reasons)),
            "handled": e.handled_at is not None,
        }
        for e in rows
    ]
