"""Tasks' line list: the tasks assigned in a period, with their assignees and status."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fangkong.core.days import day_span
from fangkong.core.registry import LineColumn, LineList, register_line_list

from .capabilities import TasksCapability
from .models import Priority, SourceKind, Status, Task


def _rows(user: Any, start: dt.date, end: dt.date) -> QuerySet[Task]:
    return (
        Task.objects.visible_to(user)
        .filter(created_at__gte=day_span(start)[0], created_at__lt=day_span(end)[1])
        .order_by("created_at", "id")
    )


TASKS = LineList(
    title=_("Tasks"),
    capability=TasksCapability.VIEW_TASKS,
    record_type="tasks.task",
    rows=_rows,
    columns=(
        LineColumn(_("Number"), "id", 8),
        LineColumn(_("Community"), "community__name", 12),
        LineColumn(_("Task"), "title", 24),
        LineColumn(_("Working group"), "group__name", 12),
        LineColumn(_("Person"), "assignee__display_name", 10),
        LineColumn(pgettext_lazy("task", "Due"), "due_date", 11),
        LineColumn(_("Priority"), "priority", 8, labels=dict(Priority.choices)),
        LineColumn(_("Status"), "status", 10, labels=dict(Status.choices)),
        LineColumn(_("Why cancelled"), "cancel_reason", 16),
        LineColumn(_("Made from"), "source_kind", 12, labels=dict(SourceKind.choices)),
        LineColumn(_("Assigned at"), "created_at", 16, when=True),
        LineColumn(_("Done at"), "done_at", 16, when=True),
    ),
)

register_line_list("tasks", TASKS, order=90)
