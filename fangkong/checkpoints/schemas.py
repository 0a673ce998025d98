"""Shapes of the checkpoints API: the scan of a resident, a visitor, a vehicle, and the
answer (verdict, reasons as a code and a sentence, the person with a masked document)."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from ninja import Field, Schema

from fangkong.core.textfields import Line

from .models import Direction, HealthCode


class _Passage(Schema):
    gate_id: int
    direction: Direction
    client_key: uuid.UUID = Field(description="Made once per submission; a repeat gets 200")


class ScanIn(_Passage):
    code: Line = Field("", max_length=200, description="The text of the pass's QR code")
    resident_id: int | None = Field(None, description="A resident found by search instead")
    temperature: Decimal = Field(description="°C, as measured at the gate")
    health_code: HealthCode


class VisitorIn(_Passage):
    name: Line = Field(max_length=50)
    phone: Line = Field(max_length=20)
    doc_type: Line = Field(
        "id_card", max_length=30, description="id_card, passport, hk_macau_permit, …"
    )
    doc_number: Line = Field(max_length=30)
    host_id: int = Field(description="The resident of this community visited")
    purpose: Line = Field(max_length=200)
    essential: bool = False
    temperature: Decimal
    health_code: HealthCode


class VehicleIn(_Passage):
    plate: Line = Field(max_length=20)
    driver_id: int | None = Field(None, description="The driver, if a resident")
    name: Line = Field("", max_length=50, description="The driver's name, if not a resident")
    phone: Line = Field("", max_length=20)
    temperature: Decimal | None = None
    health_code: HealthCode | None = None


class ReasonOut(Schema):
    code: str
    text: str


class PersonOut(Schema):
    name: str
    masked_document: str


class AnswerOut(Schema):
    entry_id: int
    verdict: str = Field(description="allow or stop")
    reasons: list[ReasonOut]
    person: PersonOut


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
    reasons: list[ReasonOut]
    handled: bool


class EntryFilters(Schema):
    gate_id: int | None = None
    day: dt.date | None = None
    limit: int = Field(100, ge=1, le=500)
    offset: int = Field(0, ge=0)
