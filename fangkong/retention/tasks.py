"""The daily purge, run by the background worker (`fangkong db_worker`).

django-tasks has no periodic schedule of its own; a task can only be enqueued to run after a
time (`run_after`). So the purge task, when it has run, enqueues its next run for the next
night (`PURGE_AT`, local time), and the worker, when it starts (our `db_worker` command),
enqueues one if none is waiting. One run is pending at any time; a worker that was down
catches up when it starts again.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext_lazy
from django_tasks import TaskResultStatus, task
from django_tasks_db.models import DBTaskResult

from . import actions

#: local time of the daily run
PURGE_AT = dt.time(3, 0)


def next_run(now: dt.datetime) -> dt.datetime:
    """The next `PURGE_AT` after `now` (aware, local)."""
    local = timezone.localtime(now)
    at = timezone.make_aware(dt.datetime.combine(local.date(), PURGE_AT))
    return at if at > local else at + dt.timedelta(days=1)


@task()
def purge_daily() -> dict[str, int]:
    """Purge what is due; then schedule tomorrow's run. Returns the counts by kind."""
    try:
        outcomes = actions.purge(how=gettext_lazy("the nightly background task"))
    finally:
        schedule(force=True)
    total: dict[str, int] = {}
    for o in outcomes:
        for kind, n in o.counts.items():
            total[kind.value] = total.get(kind.value, 0) + n
    return total


def pending() -> bool:
    """Whether a daily purge is already waiting in the queue."""
    return DBTaskResult.objects.filter(
        status=TaskResultStatus.READY, task_path=purge_daily.module_path
    ).exists()


def schedule(*, force: bool = False) -> bool:
    """Enqueue the next daily purge unless one is waiting (`force`: from the run itself,
    which is still counted as waiting). Returns whether it enqueued one. A backend that cannot
    run a task later (the immediate one of the tests) schedules nothing."""
    if not purge_daily.get_backend().supports_defer:
        return False
    if not force and pending():
        return False
    purge_daily.using(run_after=next_run(timezone.now())).enqueue()
    return True
