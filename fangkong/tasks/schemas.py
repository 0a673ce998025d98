"""Shapes of the task API."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from ninja import Field, Schema

from fangkong.core.apitypes import Id, Offset
from fangkong.core.textfields import Line, Text

from .models import Comment, Task


class Show(StrEnum):
    MINE = "mine"
    OVERDUE = "overdue"
    OPEN = "open"
    ALL = "all"


class TaskFilters(Schema):
    show: Show = Field(
        Show.MINE,
        description="mine (default: not finished, assigned to you or your working group), "
        "overdue, open (not finished), all",
    )
    community: Id | None = None
    limit: int = Field(50, ge=1, le=500)
    offset: Offset = 0


class TaskIn(Schema):
    community: Id
    title: Line = Field(max_length=100)
    due_date: dt.date
    group: Id | None = Field(None, description="a working group of the community")
    assignee: Id | None = Field(None, description="a staff member of the community")
    priority: Line = Field("normal", max_length=8, description="low, normal, high or urgent")
    description: Text = Field("", max_length=2000)


class StatusIn(Schema):
    status: Line = Field(max_length=12, description="open, in_progress, done or cancelled")
    reason: Line = Field("", max_length=200, description="needed to cancel")


class CommentIn(Schema):
    text: Text = Field(max_length=2000)
    evidence: bool = False


class CommentOut(Schema):
    id: int
    author: str | None
    text: str
    is_evidence: bool
    file_name: str
    added_at: dt.datetime

    @staticmethod
    def resolve_author(obj: Comment) -> str | None:
        return str(obj.author) if obj.author else None


class TaskOut(Schema):
    id: int
    community: int
    title: str
    description: str
    group: str | None
    assignee: str | None
    due_date: dt.date
    priority: str
    status: str
    overdue: bool
    cancel_reason: str
    source_kind: str = Field(description="alert, gate_stop, urgent, inspection or empty")
    source_id: int | None
    created_at: dt.datetime
    done_at: dt.datetime | None

    @staticmethod
    def resolve_community(obj: Task) -> int:
        return obj.community_id

    @staticmethod
    def resolve_group(obj: Task) -> str | None:
        return obj.group.name if obj.group else None

    @staticmethod
    def resolve_assignee(obj: Task) -> str | None:
        return str(obj.assignee) if obj.assignee else None

    @staticmethod
    def resolve_overdue(obj: Task) -> bool:
        return obj.is_overdue()


class TaskDetailOut(TaskOut):
    comments: list[CommentOut]

    @staticmethod
    def resolve_comments(obj: Task) -> list[CommentOut]:
        return [CommentOut.from_orm(c) for c in obj.comments.select_related("author")]


class TaskPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[TaskOut]
