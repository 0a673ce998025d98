"""Shapes of the screening API: returnee registrations, their decisions, refusals.

Dates are ISO 8601, levels `high` / `medium` / `low`, measures `centralised_quarantine`,
`home_quarantine`, `certificate_accepted`, `test_within_24h` (or `health_monitoring` where a
policy sets it). Sensitive values are only masked here.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema

from fangkong.core.apitypes import Day, Id, Offset
from fangkong.core.textfields import Line, Text
from fangkong.people.models import Relation
from fangkong.policy.models import RiskLevel

from .models import (
    Measure,
    ObservationKind,
    ObservationSource,
    Refusal,
    RefusalKind,
    RefusalStatus,
    Registration,
    RegistrationSource,
    RegistrationStatus,
    TestResult,
    Transport,
)


class PersonIn(Schema):
    name: Line = Field(max_length=50)
    id_number: Line = Field(max_length=30, description="Resident ID card number (18 digits)")
    phone: Line = Field("", max_length=30)


class StayIn(Schema):
    place: Line = Field(
        max_length=200,
        description='Free text, resolved offline to a division code: "湖北省武汉市江汉区民族街道"',
    )
    start: Day
    end: Day


class CertificateIn(Schema):
    date: Day = Field(description="Sampling date of the nucleic-acid test")
    result: TestResult
    institution: Line = Field("", max_length=100)


class ObservationIn(Schema):
    kind: ObservationKind
    value: Line = Field(
        max_length=100, description="health_code: green, yellow or red; trip_card: as shown"
    )
    observed_at: dt.datetime
    source: ObservationSource


class ReturneeIn(Schema):
    """Either `resident_id`, or `person`: a person is looked up by their whole ID number in
    your jurisdiction; when nobody holds it, they are created in `household_id` (then
    required)."""

    person: PersonIn | None = None
    resident_id: Id | None = None
    household_id: Id | None = Field(
        None, description="Household of a new resident (when `person` is not found)"
    )
    relation: Relation = Field(Relation.OTHER, description="Of a new resident")
    arrival_date: Day
    stays: list[StayIn] = Field(max_length=20)
    certificate: CertificateIn | None = None
    arrival_place: Line = Field("", max_length=200)
    transport: Transport | None = None
    transport_number: Line = Field("", max_length=30)
    reason: Text = Field("", max_length=200)
    symptoms: list[Line] = Field([], max_length=20)
    observations: list[ObservationIn] = Field([], max_length=10)
    contact_name: Line = Field("", max_length=50)
    contact_phone: Line = Field("", max_length=30)


class DecisionOut(Schema):
    level: RiskLevel
    measure: Measure
    days: int
    test_days: list[int]
    reason: str
    policy_version: str = Field(description="The policy version the decision was made under")
    decided_at: dt.datetime


class StayOut(Schema):
    place: str = Field(description="As typed")
    code: str = Field(description="GB/T 2260 division code (2, 4 or 6 digits)")
    division: str
    below_county: str
    start: dt.date
    end: dt.date

    @staticmethod
    def resolve_place(obj: Any) -> str:
        return str(obj.place_text)

    @staticmethod
    def resolve_division(obj: Any) -> str:
        return str(obj.division_name)

    @staticmethod
    def resolve_below_county(obj: Any) -> str:
        return str(obj.sub_name)


class ObservationOut(Schema):
    kind: ObservationKind
    value: str
    observed_at: dt.datetime
    source: ObservationSource


class ReturneeOut(Schema):
    id: int
    status: RegistrationStatus
    source: RegistrationSource
    resident_id: int | None
    name: str
    masked_id_number: str
    township: int
    community: int
    grid: int
    arrival_date: dt.date
    arrival_place: str
    transport: Transport | None
    transport_number: str
    stays: list[StayOut]
    certificate: CertificateIn | None
    symptoms: list[str]
    decision: DecisionOut | None
    case_id: int | None = Field(description="The quarantine case the decision opened")
    test_due_at: dt.datetime | None = Field(description="When the 24-hour test is due")
    created_at: dt.datetime

    @staticmethod
    def resolve_name(obj: Registration) -> str:
        return obj.person_name

    @staticmethod
    def resolve_masked_id_number(obj: Registration) -> str:
        if obj.resident is not None:
            return obj.resident.masked_doc_number
        return obj.masked_claimed_doc_number

    @staticmethod
    def resolve_township(obj: Registration) -> int:
        return obj.township_id

    @staticmethod
    def resolve_community(obj: Registration) -> int:
        return obj.community_id

    @staticmethod
    def resolve_grid(obj: Registration) -> int:
        return obj.grid_id

    @staticmethod
    def resolve_transport(obj: Registration) -> str | None:
        return obj.transport or None

    @staticmethod
    def resolve_stays(obj: Registration) -> list[Any]:
        return list(obj.stays.all())

    @staticmethod
    def resolve_certificate(obj: Registration) -> dict[str, Any] | None:
        if obj.cert_date is None:
            return None
        return {
            "date": obj.cert_date,
            "result": obj.cert_result,
            "institution": obj.cert_institution,
        }

    @staticmethod
    def resolve_decision(obj: Registration) -> dict[str, Any] | None:
        if obj.decided_at is None or obj.policy is None:
            return None
        return {
            "level": obj.level,
            "measure": obj.measure,
            "days": obj.measure_days,
            "test_days": obj.test_days,
            "reason": obj.decision_reason,
            "policy_version": obj.policy.label,
            "decided_at": obj.decided_at,
        }

    @staticmethod
    def resolve_case_id(obj: Registration) -> int | None:
        cases = list(obj.cases.all())
        return cases[0].pk if cases else None

    @staticmethod
    def resolve_test_due_at(obj: Registration) -> dt.datetime | None:
        task = getattr(obj, "test_task", None)
        return task.due_at if task is not None else None


class ReturneeDetailOut(ReturneeOut):
    observations: list[ObservationOut]
    contact_name: str
    reason: str

    @staticmethod
    def resolve_observations(obj: Registration) -> list[Any]:
        return list(obj.observations.all())


class ReturneePage(Schema):
    count: int
    limit: int
    offset: int
    items: list[ReturneeOut]


class ReturneeFilters(Schema):
    status: RegistrationStatus | None = None
    level: RiskLevel | None = None
    measure: Measure | None = None
    arrival_from: Day | None = None
    arrival_to: Day | None = None
    grid: Id | None = None
    limit: int = Field(50, ge=1, le=500)
    offset: Offset = 0


class ConfirmIn(Schema):
    """The resident the self-registration is about, or the household of a new resident."""

    resident_id: Id | None = None
    household_id: Id | None = None
    relation: Relation = Relation.OTHER


class RejectIn(Schema):
    reason: Text = Field(max_length=500)


class TestResultIn(Schema):
    result: TestResult


class RefusalIn(Schema):
    resident_id: Id
    kind: RefusalKind
    details: Text = Field(max_length=2000)
    registration_id: Id | None = None


class RefusalOut(Schema):
    id: int
    resident_id: int
    name: str
    masked_id_number: str
    registration_id: int | None
    kind: RefusalKind
    details: str
    status: RefusalStatus
    recorded_at: dt.datetime
    handled_at: dt.datetime | None
    police_notes: str

    @staticmethod
    def resolve_name(obj: Refusal) -> str:
        return obj.resident.name

    @staticmethod
    def resolve_masked_id_number(obj: Refusal) -> str:
        return obj.resident.masked_doc_number


class RefusalFilters(Schema):
    status: RefusalStatus | None = None
    limit: int = Field(50, ge=1, le=500)
    offset: Offset = 0


class RefusalPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[RefusalOut]


class HandleIn(Schema):
    notes: Text = Field(max_length=2000)
