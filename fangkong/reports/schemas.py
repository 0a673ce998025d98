"""Shapes of the daily-report API."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from fangkong.core.textfields import Text


class FigureOut(Schema):
    key: str
    label: str
    section: str
    value: int = Field(description="As submitted (corrections applied), or computed now")
    computed: int


class CorrectionOut(Schema):
    key: str
    computed: int
    value: int
    reason: str


class DailyReportOut(Schema):
    community_id: int
    community: str
    date: dt.date
    status: str = Field(description="draft, submitted, returned or approved")
    version: int
    zero_report: bool = Field(description="Submitted as 无病例零报告 (no case that day)")
    on_time: bool | None
    submitted_at: dt.datetime | None
    return_comment: str
    deadline: str = Field(description="Local time the report is due by, from the policy")
    figures: list[FigureOut]
    corrections: list[CorrectionOut]


class SubmitIn(Schema):
    zero_report: bool = False
    note: Text = ""


class ReturnIn(Schema):
    comment: Text


class CompletenessOut(Schema):
    township_id: int
    date: dt.date
    due: list[int] = Field(description="Ids of the communities expected to report")
    submitted: list[int]
    on_time: list[int]
    late: list[int]
    missing: list[int] = Field(description="No report, a draft, or returned and not sent again")
    approved: bool = Field(description="The township's consolidated report is approved")
