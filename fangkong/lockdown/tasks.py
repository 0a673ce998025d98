"""Background tasks of the lockdown app (django-tasks): run by `fangkong db_worker`, inline
in tests. The pages make the day's disinfection slots when they are read; this task makes
them for every active lockdown (enqueue it early each day from cron or the worker)."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from . import actions
from .models import Lockdown

#: lockdowns read at a time
BATCH = 200


@task()
def schedule_disinfections() -> int:
    """Today's (and any missing day's) slots of every active lockdown; how many were made."""
    today = timezone.localdate()
    made = 0
    active = Lockdown.objects.active().select_related("policy").order_by("pk")
    last = 0
    while True:
        batch = list(active.filter(pk__gt=last)[:BATCH])
        if not batch:
            return made
        made += actions.ensure_schedule(batch, today)
        last = batch[-1].pk
