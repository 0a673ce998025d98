"""Shapes of the quarantine API. Dates ISO 8601; statuses, kinds, results and roles as their
codes; the person's document number only masked; release blockers as a code and a sentence."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema

from fangkong.core.apitypes import Day, Id, Offset
from fangkong.core.textfields import Line, Text

from .models import (
    Case,
    CaseKind,
    CaseReason,
    CaseStatus,
    IndexCase,
    IndexCaseKind,
    SignRole,
    TestItemResult,
)
from .release import BlockerCode


class PersonOut(Schema):
    id: int
    name: str
    masked_doc_number: str = Field(description="Masked; see /residents/{id}/reveal")


class StaffOut(Schema):
    id: int
    name: str

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return str(obj)


class CaseOut(Schema):
    id: int
    person: PersonOut
    township: int
    community: int
    grid: int
    kind: CaseKind
    reason: CaseReason
    status: CaseStatus
    address: str = Field(
        description="Place of quarantine: the home address, or site and room once assigned"
    )
    room: int | None
    site_pending: bool = Field(
        description="Centralised quarantine whose site and room are still to be assigned"
    )
    start_date: dt.date
    planned_end: dt.date = Field(description="The last quarantine day")
    days: int
    test_days: list[int]
    cadre: StaffOut | None = Field(description="Responsible cadre (包保干部)")
    medic: StaffOut | None = Field(description="Responsible medical worker (包保医务人员)")
    index_case: int | None
    policy_version: str
    hospital: str = Field(description="Set when referred to hospital")
    has_positive: bool = Field(description="A positive test result is recorded")
    has_overdue: bool = Field(description="A test is past its due date without a result")
    created_at: dt.datetime
    closed_at: dt.datetime | None

    @staticmethod
    def resolve_person(obj: Case) -> Any:
        return obj.resident

    @staticmethod
    def resolve_township(obj: Case) -> int:
        return obj.township_id

    @staticmethod
    def resolve_community(obj: Case) -> int:
        return obj.community_id

    @staticmethod
    def resolve_grid(obj: Case) -> int:
        return obj.grid_id

    @staticmethod
    def resolve_room(obj: Case) -> int | None:
        return obj.room_id

    @staticmethod
    def resolve_site_pending(obj: Case) -> bool:
        return obj.site_pending

    @staticmethod
    def resolve_address(obj: Case) -> str:
        # A centralised case without a room is not at home: no home address as its place.
        return "" if obj.site_pending else obj.address

    @staticmethod
    def resolve_index_case(obj: Case) -> int | None:
        return obj.index_case_id

    @staticmethod
    def resolve_policy_version(obj: Case) -> str:
        return obj.policy.label

    @staticmethod
    def resolve_has_positive(obj: Case) -> bool:
        return bool(getattr(obj, "has_positive", False))

    @staticmethod
    def resolve_has_overdue(obj: Case) -> bool:
        return bool(getattr(obj, "has_overdue", False))


class CasePage(Schema):
    count: int
    limit: int
    offset: int
    items: list[CaseOut]


class CaseFilters(Schema):
    """The filters of the case list page."""

    status: Line = Field(
        "open",
        max_length=20,
        description="open (default), all, or one status: registered, in_quarantine, "
        "release_review, released, referred",
    )
    kind: CaseKind | None = None
    reason: CaseReason | None = None
    grid: Id | None = None
    flag: Line = Field(
        "", max_length=20, description="overdue, ready (for release review) or positive"
    )
    q: Line = Field("", max_length=50, description="The start of the person's name")
    limit: int = Field(50, ge=1, le=500)
    offset: Offset = 0


class TestOut(Schema):
    id: int
    day: int = Field(description="Quarantine day (1 = the start date; 0 = the test at once)")
    due_date: dt.date
    result: TestItemResult | None = Field(description="null while there is no result")
    sampled_on: dt.date | None
    lab: str
    overdue: bool
    retest_of: int | None = Field(description="The invalid test this one repeats")
    superseded: bool = Field(description="An invalid result replaced by its retest")

    @staticmethod
    def resolve_result(obj: Any) -> str | None:
        return obj.result or None

    @staticmethod
    def resolve_retest_of(obj: Any) -> int | None:
        return obj.retest_of_id  # type: ignore[no-any-return]


class SignOffOut(Schema):
    role: SignRole
    user: StaffOut
    signed_at: dt.datetime


class BlockerOut(Schema):
    code: BlockerCode
    message: str


class ReleaseOut(Schema):
    ok: bool = Field(description="Nothing blocks release")
    blockers: list[BlockerOut]


class CaseDetailOut(CaseOut):
    day_number: int = Field(description="Today's quarantine day")
    tests: list[TestOut]
    signoffs: list[SignOffOut]
    release: ReleaseOut

    # Loaded by the endpoint (`api._detail`), with the release verdict of today.
    @staticmethod
    def resolve_day_number(obj: Case) -> int:
        return int(obj.today_number)  # type: ignore[attr-defined]

    @staticmethod
    def resolve_tests(obj: Case) -> Any:
        return obj.tests_out  # type: ignore[attr-defined]

    @staticmethod
    def resolve_signoffs(obj: Case) -> Any:
        return obj.signoffs_out  # type: ignore[attr-defined]

    @staticmethod
    def resolve_release(obj: Case) -> Any:
        return obj.release_out  # type: ignore[attr-defined]


class ReasonIn(Schema):
    reason: Text = Field("", max_length=500)


class StartIn(ReasonIn):
    room: Id | None = Field(None, description="Room id, for centralised quarantine")


class RoomIn(ReasonIn):
    room: Id = Field(description="Room id (see /quarantine-rooms)")


class SiteOut(Schema):
    """A centralised quarantine site (集中隔离点) of the township, with its beds."""

    id: int
    township: int
    name: str
    address: str
    phone: str = Field(description="Duty phone")
    room_count: int
    beds: int
    occupied: int = Field(description="Beds taken by open cases")
    free: int = Field(description="Beds free")

    @staticmethod
    def resolve_township(obj: Any) -> int:
        return int(obj.township_id)


class RoomOut(Schema):
    id: int
    site: int
    site_name: str
    number: str = Field(description="Room number")
    capacity: int = Field(description="Beds")
    occupied: int = Field(description="Beds taken by open cases")
    free: int = Field(description="Beds free")

    @staticmethod
    def resolve_site(obj: Any) -> int:
        return int(obj.site_id)

    @staticmethod
    def resolve_site_name(obj: Any) -> str:
        return str(obj.site.name)


class RoomPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[RoomOut]


class RoomFilters(Schema):
    site: Id | None = Field(None, description="Only the rooms of this site")
    free_only: bool = Field(False, description="Only rooms with a free bed")
    limit: int = Field(100, ge=1, le=500)
    offset: Offset = 0


class ResponsibleIn(Schema):
    cadre: Id | None = Field(description="User id of the responsible cadre (包保干部); null: none")
    medic: Id | None = Field(
        description="User id of the responsible medical worker (包保医务人员); null: none"
    )
    reason: Text = Field(max_length=500, description="Why they change (kept in the history)")


class ExtendIn(Schema):
    days: int = Field(ge=1, le=60)
    reason: Text = Field(max_length=500)


class SignIn(Schema):
    role: SignRole


class ReferIn(Schema):
    hospital: Line = Field(max_length=100)
    reason: Text = Field(max_length=500)


class NoteIn(Schema):
    text: Text = Field(max_length=5000)


class NoteOut(Schema):
    id: int
    text: str
    by: StaffOut | None
    at: dt.datetime


class ResultIn(Schema):
    result: TestItemResult
    sampled_on: Day
    lab: Line = Field("", max_length=100)


class IndexCaseIn(Schema):
    name: Line = Field(max_length=100, description="Name or case number")
    kind: IndexCaseKind
    reported_on: Day
    community: Id | None = None
    resident: Id | None = Field(None, description="The resident, when registered")
    notes: Text = Field("", max_length=5000)


class IndexCaseOut(Schema):
    """An index case. Who it is (`name`, `resident`, `notes`) is given only to those who may see
    the person's own record (`identity_visible`); others get the `reference` as the name, the
    `place` no finer than a community, and empty `resident` and `notes`."""

    id: int
    identity_visible: bool = Field(description="Whether name, resident and notes are given")
    reference: str = Field(description='The case\'s reference, e.g. "Index case #12"')
    name: str = Field(description="The name or case number; the reference when not visible")
    kind: IndexCaseKind
    reported_on: dt.date
    township: int
    community: int | None
    place: str = Field(description="The community (or township) of the case")
    resident: int | None
    notes: str

    @staticmethod
    def resolve_identity_visible(obj: IndexCase) -> bool:
        return bool(getattr(obj, "identity_visible", False))

    @staticmethod
    def resolve_name(obj: IndexCase) -> str:
        return obj.label

    @staticmethod
    def resolve_township(obj: IndexCase) -> int:
        return obj.township_id

    @staticmethod
    def resolve_community(obj: IndexCase) -> int | None:
        return obj.community_id

    @staticmethod
    def resolve_resident(obj: IndexCase) -> int | None:
        return obj.resident_id if getattr(obj, "identity_visible", False) else None

    @staticmethod
    def resolve_notes(obj: IndexCase) -> str:
        return obj.notes if getattr(obj, "identity_visible", False) else ""


class CloseContactIn(Schema):
    index_case_id: Id
    resident_id: Id
    start_date: Day | None = Field(None, description="Default: today")
    room: Id | None = Field(None, description="Room id; may be given later")
    note: Text = Field("", max_length=500)
