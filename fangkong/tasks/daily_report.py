"""Tasks' section of the community's daily report: the tasks due that day, done that day, and
overdue at the end of the day (not finished and due before it), as the records stood at the
end of the day. One grouped query per figure family."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.core.days import day_span
from fangkong.core.registry import ReportFigure, ReportSection, register_report_section

from .models import Status, Task

DUE = "tasks.due"
DONE = "tasks.done"
OVERDUE = "tasks.overdue"


def compute(day: dt.date, community_ids: Sequence[int]) -> Mapping[int, Mapping[str, int]]:
    start, end = day_span(day)
    cutoff = min(end, timezone.now())
    # not finished at the end of the day: still open, or finished (done or cancelled) after it
    unfinished_then = (
        Q(status_changed_at__isnull=True)
        | Q(status_changed_at__gte=cutoff)
        | Q(status__in=(Status.OPEN, Status.IN_PROGRESS))
    )
    rows = (
        Task.objects.filter(community_id__in=list(community_ids), created_at__lt=cutoff)
        .values("community_id")
        .annotate(
            due=Count("id", filter=Q(due_date=day)),
            done=Count(
                "id",
                filter=Q(status=Status.DONE, done_at__gte=start, done_at__lt=end),
            ),
            overdue=Count("id", filter=Q(due_date__lt=day) & unfinished_then),
        )
    )
    found: dict[int, dict[str, int]] = {c: {DUE: 0, DONE: 0, OVERDUE: 0} for c in community_ids}
    for row in rows:
        found[row["community_id"]] = {DUE: row["due"], DONE: row["done"], OVERDUE: row["overdue"]}
    return found


_SHOW = {DUE: "all", DONE: "done", OVERDUE: "overdue"}


def link(key: str, community_id: int, day: dt.date) -> str:
    show = _SHOW.get(key)
    if show is None:
        return ""
    return f"{reverse('tasks:list')}?community={community_id}&show={show}"


register_report_section(
    "tasks",
    ReportSection(
        title=_("Tasks"),
        figures=(
            ReportFigure(DUE, _("Tasks due that day")),
            ReportFigure(DONE, _("Tasks done that day")),
            ReportFigure(OVERDUE, _("Tasks overdue at the end of the day")),
        ),
        compute=compute,
        link=link,
    ),
    order=90,
)
