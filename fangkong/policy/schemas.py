"""Shapes of the policy API: policy versions and risk areas, in and out.

Dates are ISO 8601; levels are `high` / `medium` / `low`. A version's rules are the JSON of
`rules.PolicyRules.to_data()` (measures as `{kind, days, test_days}`, temperatures as decimal
strings).
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from ninja import Field, Schema

from fangkong.core.apitypes import Day, Offset
from fangkong.core.textfields import Line, Text

from .models import Policy, PolicyStatus, RiskArea


class AreaLevel(StrEnum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class AreaStatus(StrEnum):
    IN_FORCE = "in_force"
    ENDED = "ended"
    ALL = "all"


class PolicyOut(Schema):
    id: int
    label: str = Field(
        description='How decisions name the version: "<township code>-v3" or "default-v1"'
    )
    township: int | None = Field(description="The township it applies to; null: every township")
    version: int
    name: str
    status: PolicyStatus
    effective_from: dt.date
    source_title: str
    source_number: str
    source_date: dt.date | None
    based_on: int | None = Field(description="The version it was copied from")
    in_force: bool = Field(description="Whether it is the version in force today for the caller")
    created_at: dt.datetime
    activated_at: dt.datetime | None

    @staticmethod
    def resolve_township(obj: Policy) -> int | None:
        return obj.township_id

    @staticmethod
    def resolve_based_on(obj: Policy) -> int | None:
        return obj.based_on_id

    @staticmethod
    def resolve_in_force(obj: Policy, context: dict[str, Any]) -> bool:
        current = getattr(context["request"], "policy_in_force", None)
        return current is not None and current == obj.pk


class PolicyDetailOut(PolicyOut):
    rules: dict[str, Any] = Field(description="Every number of the version (PolicyRules as JSON)")

    @staticmethod
    def resolve_rules(obj: Policy) -> dict[str, Any]:
        return obj.as_rules().to_data()


class PolicyPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[PolicyOut]


class PolicyPageFilters(Schema):
    limit: int = Field(50, ge=1, le=500)
    offset: Offset = 0


class PolicyIn(Schema):
    name: Line = Field(max_length=200)
    effective_from: Day = Field(description="Planned date; confirmed when activating")
    source_title: Line = Field(max_length=300, description="The document the numbers follow")
    source_number: Line = Field("", max_length=100)
    source_date: Day | None = None
    rules: dict[str, Any] = Field(
        default_factory=dict,
        description=(
            "The rules to set, in the shape of a version's `rules`. Rules left out (and keys "
            "left out of a measure) keep the value of the version in force for your township."
        ),
    )


class ActivateIn(Schema):
    effective_from: Day = Field(description="Today or later")


class WithdrawIn(Schema):
    reason: Text = Field(max_length=500)


class RiskAreaOut(Schema):
    id: int
    code: str = Field(description="GB/T 2260 code: 2 (province), 4 (prefecture) or 6 digits")
    division_name: str = Field(description='Full name of the division, e.g. "河北省石家庄市藁城区"')
    sub_name: str = Field(description="The 街道/乡镇/小区 below the county; empty: all of it")
    level: AreaLevel
    start: dt.date
    end: dt.date | None

    @staticmethod
    def resolve_level(obj: RiskArea) -> str:
        return obj.level


class RiskAreaPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[RiskAreaOut]


class RiskAreaFilters(Schema):
    on: Day | None = Field(None, description="Only areas at risk on this day")
    level: AreaLevel | None = None
    status: AreaStatus | None = Field(
        None, description="in_force / ended (before `on`, default today) / all; default all"
    )
    q: Line = Field("", max_length=50, description="Part of the place name, or a code prefix")
    limit: int = Field(100, ge=1, le=1000)
    offset: Offset = 0


class RiskAreaIn(Schema):
    place: Line = Field(
        max_length=200, description='Free text, resolved offline: "河北省石家庄市藁城区增村镇"'
    )
    level: AreaLevel
    start: Day
    end: Day | None = None
    source: Line = Field("", max_length=300, description="The announcement")


class EndIn(Schema):
    end: Day = Field(description="The last day at risk")
