"""The task part of the JSON API (mounted by fangkong/api/api.py), with the pages' rules.

`GET /tasks`: yours (default), overdue, open or all of your jurisdiction. `GET /tasks/{id}`:
one task with its comments. `POST /tasks`: assign a task in your community (201; a bad field:
422 with the message). `POST /tasks/{id}/status`: start, reopen, finish or cancel (with a
reason). `POST /tasks/{id}/comments`: a comment (201).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from fangkong.core.access import get_for, require
from fangkong.core.apiauth import caller
from fangkong.core.apitypes import Id
from fangkong.core.errors import DomainError
from fangkong.core.models import Community, User
from fangkong.core.registry import register_router
from fangkong.organisation.models import WorkingGroup

from . import actions
from .capabilities import TasksCapability
from .models import Comment, Task
from .schemas import (
    CommentIn,
    CommentOut,
    Show,
    StatusIn,
    TaskDetailOut,
    TaskFilters,
    TaskIn,
    TaskOut,
    TaskPage,
)

router = Router(tags=["tasks"])
register_router("tasks", router, order=100)


def _task(user: User, task_id: int) -> Task:
    return get_for(
        user, Task, queryset=Task.objects.select_related("group", "assignee"), pk=task_id
    )


@router.get("/tasks", response=TaskPage)
def list_tasks(request: HttpRequest, filters: Query[TaskFilters]) -> dict[str, Any]:
    """Tasks of your jurisdiction: yours by default, overdue, open or all."""
    user = require(caller(request), TasksCapability.VIEW_TASKS)
    today = timezone.localdate()
    qs = Task.objects.visible_to(user)
    if filters.show == Show.MINE:
        qs = qs.unfinished().of(user)
    elif filters.show == Show.OVERDUE:
        qs = qs.overdue(today)
    elif filters.show == Show.OPEN:
        qs = qs.unfinished()
    if filters.community is not None:
        qs = qs.filter(community_id=filters.community)
    end = filters.offset + filters.limit
    return {
        "count": qs.count(),
        "limit": filters.limit,
        "offset": filters.offset,
        "items": list(
            qs.select_related("group", "assignee").order_by("due_date", "-id")[filters.offset : end]
        ),
    }


@router.get("/tasks/{task_id}", response=TaskDetailOut)
def get_task(request: HttpRequest, task_id: Id) -> Task:
    user = require(caller(request), TasksCapability.VIEW_TASKS)
    return _task(user, task_id)


@router.post("/tasks", response={201: TaskOut})
def create_task(request: HttpRequest, payload: TaskIn) -> Status[Task]:
    user = require(caller(request), TasksCapability.ASSIGN_TASKS)
    community = Community.objects.in_jurisdiction(user).filter(pk=payload.community).first()
    if community is None:
        raise DomainError(
            _("You may assign tasks only within your own community."), field="community"
        )
    group = None
    if payload.group is not None:
        group = WorkingGroup.objects.filter(pk=payload.group).first()
        if group is None:
            raise DomainError(_("There is no such working group."), field="group")
    assignee = None
    if payload.assignee is not None:
        assignee = User.objects.filter(pk=payload.assignee).first()
        if assignee is None:
            raise DomainError(_("There is no such staff member."), field="assignee")
    task = actions.create_task(
        user,
        community,
        title=payload.title,
        due_date=payload.due_date,
        group=group,
        assignee=assignee,
        priority=payload.priority,
        description=payload.description,
    )
    return Status(201, task)


@router.post("/tasks/{task_id}/status", response=TaskOut)
def change_status(request: HttpRequest, task_id: Id, payload: StatusIn) -> Task:
    user = require(caller(request), TasksCapability.VIEW_TASKS)
    task = _task(user, task_id)
    return actions.change_status(user, task, to=payload.status, reason=payload.reason)


@router.post("/tasks/{task_id}/comments", response={201: CommentOut})
def add_comment(request: HttpRequest, task_id: Id, payload: CommentIn) -> Status[Comment]:
    user = require(caller(request), TasksCapability.VIEW_TASKS)
    task = _task(user, task_id)
    item = actions.comment(user, task, text=payload.text, evidence=payload.evidence)
    return Status(201, item)
