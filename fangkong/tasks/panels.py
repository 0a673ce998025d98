"""What tasks bring to pages they do not own (fangkong.core.registry): the workbench panel
(overdue tasks of mine and my groups; for who assigns, every overdue task of the
jurisdiction), the menu entry, the "create a task" follow-ups on alerts, gate stops and urgent
reports; the daily report's section (`daily_report.py`) and the line list (`linelists.py`)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, Window
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from fangkong.core.access import can
from fangkong.core.models import Community
from fangkong.core.registry import (
    Panel,
    WorkLine,
    register_follow_up,
    register_my_work,
    register_nav,
    register_panel,
)

from . import actions
from . import daily_report as daily_report
from . import linelists as linelists
from .capabilities import TasksCapability
from .models import SourceKind, Task

#: tasks listed on the workbench
PANEL_SHOWN = 8


def _rows(qs: Any) -> tuple[list[Task], int]:
    found = list(
        qs.select_related("group", "assignee", "community")
        .order_by("due_date", "id")
        .annotate(total=Window(Count("id")))[:PANEL_SHOWN]
    )
    total: int = getattr(found[0], "total", 0) if found else 0
    return found, max(total - len(found), 0)


def _panel(request: HttpRequest) -> dict[str, Any] | None:
    user = request.user
    if not can(user, TasksCapability.VIEW_TASKS):
        return None
    today = timezone.localdate()
    # the recurring duties of today, made once (the first workbench of the day makes them)
    actions.generate_due(today, Community.objects.in_jurisdiction(user).values("pk"))
    visible = Task.objects.visible_to(user)
    mine, mine_more = _rows(visible.unfinished().of(user))  # type: ignore[arg-type]
    overdue: list[Task] = []
    overdue_more = 0
    leader = can(user, TasksCapability.ASSIGN_TASKS)
    if leader:
        overdue, overdue_more = _rows(visible.overdue(today))
    return {
        "today": today,
        "mine": mine,
        "mine_more": mine_more,
        "leader": leader,
        "overdue": overdue,
        "overdue_more": overdue_more,
    }


def _my_work(user: Any) -> list[WorkLine]:
    """The person's unfinished tasks, on their phone pages (the gate, the deliveries)."""
    if not can(user, TasksCapability.VIEW_TASKS):
        return []
    today = timezone.localdate()
    counts = (
        Task.objects.visible_to(user)
        .unfinished()
        .of(user)
        .aggregate(open=Count("id"), late=Count("id", filter=Q(due_date__lt=today)))
    )
    if not counts["open"]:
        return []
    values = {"n": counts["open"], "late": counts["late"]}
    text = (
        gettext("My tasks: %(n)d not finished, %(late)d of them overdue") % values
        if counts["late"]
        else gettext("My tasks: %(n)d not finished") % values
    )
    return [WorkLine(text, reverse("tasks:list"), late=bool(counts["late"]))]


register_panel("tasks", Panel("tasks/_panel.html", _panel), order=12)
register_my_work("tasks", _my_work, order=20)
register_nav(
    "tasks",
    "tasks:list",
    _("Tasks"),
    order=66,
    group="prevention",
    any_of=(TasksCapability.VIEW_TASKS,),
)


def _new_from(kind: str) -> Any:
    return lambda obj: f"{reverse('tasks:new')}?source={kind}&id={obj.pk}"


register_follow_up(
    "health.alert",
    "tasks",
    _("Create a task"),
    _new_from(SourceKind.ALERT),
    capability=TasksCapability.ASSIGN_TASKS,
)
register_follow_up(
    "checkpoints.gateentry",
    "tasks",
    _("Create a task"),
    _new_from(SourceKind.GATE_STOP),
    capability=TasksCapability.ASSIGN_TASKS,
    applies=lambda entry: entry.verdict == "stop",
)
register_follow_up(
    "urgent.urgentreport",
    "tasks",
    _("Create a task"),
    _new_from(SourceKind.URGENT),
    capability=TasksCapability.ASSIGN_TASKS,
)
