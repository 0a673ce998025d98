"""Shapes of the checkpoints API: the scan of a resident, a visitor, a vehicle, and the
answer (verdict, reasons as a code and a sentence, the person with a masked document)."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from ninja import Field, Schema

from fangkong.core.apitypes import Day, Id, Offset, Temperature
from fangkong.core.textfields import Line

from .models import Direction, HealthCode


class _Passage(Schema):
    gate_id: Id
    direction: Direction
    client_key: uuid.UUID = Field(description="Made once per submission; a repeat gets 200")


class ScanIn(_Passage):
    code: Line = Field("", max_length=200, description="The text of the pass's QR code")
    resident_id: Id | None = Field(None, description="A resident found by search instead")
    temperature: Temperature = Field(description="°C, as measured at the gate")
    health_code: HealthCode


class VisitorIn(_Passage):
    name: Line = Field(max_length=50)
    phone: Line = Field(max_length=20)
    doc_type: Line = Field(
        "id_card", max_length=30, description="id_card, passport, hk_macau_permit, …"
    )
    doc_number: Line = Field(max_length=30)
    host_id: Id = Field(description="The resident of this community visited")
    purpose: Line = Field(max_length=200)
    essential: bool = False
    temperature: Temperature
    health_code: HealthCode


class VehicleIn(_Passage):
    plate: Line = Field(max_length=20)
    driver_id: Id | None = Field(None, description="The driver, if a resident")
    name: Line = Field("", max_length=50, description="The driver's name, if not a resident")
    phone: Line = Field("", max_length=20)
    temperature: Temperature | None = None
    health_code: HealthCode | None = None


class GateReasonOut(Schema):
    code: str
    text: str


class GatePersonOut(Schema):
    name: str
    masked_document: str


class AnswerOut(Schema):
    entry_id: int
    verdict: str = Field(description="allow or stop")
    reasons: list[GateReasonOut]
    person: GatePersonOut


class EntryOut(Schema):
    id: int
    gate_id: int
    at: dt.datetime
    direction: str
    kind: str
    name: str
    masked_document: str
    plate: str
    temperature: Decimal | None
    health_code: str
    verdict: str
    reasons: list[GateReasonOut]
    handled: bool


class EntryFilters(Schema):
    gate_id: Id | None = None
    day: Day | None = None
    limit: int = Field(100, ge=1, le=500)
    offset: Offset = 0
