"""Shapes of the people API: residents and households, in and out.

Out: sensitive fields only masked (`masked_doc_number`, `masked_phone`), enums as their
TextChoices codes, dates in ISO 8601, related records by id. In: the fields a form has; every
value is checked again by `registry.clean_person` inside the action.
"""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from fangkong.core.apitypes import Day, Id, Offset
from fangkong.core.textfields import Line, Text

from .models import (
    DocumentType,
    Gender,
    Household,
    Relation,
    ResidenceType,
    Resident,
    VulnerableTag,
)


class ResidentOut(Schema):
    id: int
    name: str
    name_pinyin: str
    name_initials: str
    doc_type: DocumentType
    masked_doc_number: str = Field(description="The document number, masked; see /reveal")
    no_doc_reason: str
    gender: Gender | None = Field(description="Derived from the ID number where it has one")
    birth_date: dt.date | None = Field(description="Derived from the ID number where possible")
    masked_phone: str = Field(description="The phone number, masked; see /reveal")
    household: int | None
    relation: Relation
    address: str
    township: int
    community: int
    grid: int
    residence_type: ResidenceType
    tags: list[VulnerableTag]
    party_member: bool
    works_away: bool
    away_place: str
    masked_away_contact: str = Field(description="The contact while away, masked; see /reveal")
    notes: str
    merged_into: int | None
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_gender(obj: Resident) -> str | None:
        return obj.gender or None

    @staticmethod
    def resolve_household(obj: Resident) -> int | None:
        return obj.household_id

    @staticmethod
    def resolve_address(obj: Resident) -> str:
        return obj.household.address if obj.household is not None else ""

    @staticmethod
    def resolve_township(obj: Resident) -> int:
        return obj.township_id

    @staticmethod
    def resolve_community(obj: Resident) -> int:
        return obj.community_id

    @staticmethod
    def resolve_grid(obj: Resident) -> int:
        return obj.grid_id

    @staticmethod
    def resolve_tags(obj: Resident) -> list[str]:
        return sorted(t.tag for t in obj.tags.all())

    @staticmethod
    def resolve_merged_into(obj: Resident) -> int | None:
        return obj.merged_into_id


class ResidentPage(Schema):
    count: int = Field(description="Residents matching the filters, all pages")
    limit: int
    offset: int
    items: list[ResidentOut]


class ResidentFilters(Schema):
    """The filters of the resident list page (`people.search`)."""

    q: Line = Field(
        "", max_length=50, description="Name, pinyin or initials, document number, phone, address"
    )
    grid: Id | None = None
    building: Id | None = None
    tag: VulnerableTag | None = None
    residence_type: ResidenceType | None = None
    limit: int = Field(50, ge=1, le=500)
    offset: Offset = 0


class ResidentIn(Schema):
    name: Line = Field(max_length=50)
    doc_type: DocumentType = DocumentType.ID_CARD
    doc_number: Line = Field("", max_length=30)
    no_doc_reason: Line = Field("", max_length=200)
    gender: Gender | None = Field(None, description="Only needed when there is no ID number")
    birth_date: Day | None = Field(None, description="Only needed when there is no ID number")
    phone: Line = Field("", max_length=30)
    household: Id | None = Field(None, description="Household id; or give the grid")
    grid: Id | None = Field(None, description="Grid id, for a person without a household")
    relation: Relation = Relation.HEAD
    residence_type: ResidenceType = ResidenceType.REGISTERED
    tags: list[VulnerableTag] = []
    party_member: bool = False
    works_away: bool = False
    away_place: Line = Field("", max_length=200)
    away_contact: Line = Field("", max_length=100)
    notes: Text = Field("", max_length=5000)


class ResidentPatch(Schema):
    """Only the fields sent are changed."""

    name: Line | None = Field(None, max_length=50)
    doc_type: DocumentType | None = None
    doc_number: Line | None = Field(None, max_length=30)
    no_doc_reason: Line | None = Field(None, max_length=200)
    gender: Gender | None = None
    birth_date: Day | None = None
    phone: Line | None = Field(None, max_length=30)
    household: Id | None = None
    grid: Id | None = None
    relation: Relation | None = None
    residence_type: ResidenceType | None = None
    tags: list[VulnerableTag] | None = None
    party_member: bool | None = None
    works_away: bool | None = None
    away_place: Line | None = Field(None, max_length=200)
    away_contact: Line | None = Field(None, max_length=100)
    notes: Text | None = Field(None, max_length=5000)


class RevealIn(Schema):
    field: Line = Field(max_length=20, description="doc_number, phone or away_contact")
    reason: Text = Field(max_length=500, description="Why the full value is needed (audited)")


class RevealOut(Schema):
    field: str
    value: str


class HouseholdOut(Schema):
    id: int
    township: int
    community: int
    grid: int
    building: int | None
    unit: int | None
    number: str
    address: str
    cadre: int | None = Field(description="Staff id of the assigned cadre (包户干部)")
    medic: int | None = Field(description="Staff id of the assigned medical worker")
    members_count: int
    created_at: dt.datetime

    @staticmethod
    def resolve_township(obj: Household) -> int:
        return obj.township_id

    @staticmethod
    def resolve_community(obj: Household) -> int:
        return obj.community_id

    @staticmethod
    def resolve_grid(obj: Household) -> int:
        return obj.grid_id

    @staticmethod
    def resolve_building(obj: Household) -> int | None:
        return obj.building_id

    @staticmethod
    def resolve_unit(obj: Household) -> int | None:
        return obj.unit_id

    @staticmethod
    def resolve_cadre(obj: Household) -> int | None:
        return obj.cadre_id

    @staticmethod
    def resolve_medic(obj: Household) -> int | None:
        return obj.medic_id


class HouseholdDetailOut(HouseholdOut):
    members: list[ResidentOut]

    @staticmethod
    def resolve_members(obj: Household) -> list[Resident]:
        # Prefetched by the endpoint, scoped to the caller (`visible_to`).
        return list(getattr(obj, "visible_members", []))


class HouseholdPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[HouseholdOut]


class HouseholdFilters(Schema):
    q: Line = Field("", max_length=100, description="Part of the address")
    grid: Id | None = None
    building: Id | None = None
    limit: int = Field(50, ge=1, le=500)
    offset: Offset = 0


class HouseholdIn(Schema):
    number: Line = Field(max_length=50, description="Room or house number")
    grid: Id | None = Field(None, description="Grid id (village group), for a house")
    building: Id | None = None
    unit: Id | None = None
    cadre: Id | None = None
    medic: Id | None = None


class HouseholdPatch(Schema):
    number: Line | None = Field(None, max_length=50)
    cadre: Id | None = None
    medic: Id | None = None
