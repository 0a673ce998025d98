"""The nightly purge: the worker schedules it when it starts, each run schedules the next."""

import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

from fangkong.retention import tasks

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def local(*args):
    return timezone.make_aware(dt.datetime(*args))


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (local(2026, 3, 31, 2, 59), local(2026, 3, 31, 3, 0)),
        (local(2026, 3, 31, 3, 0), local(2026, 4, 1, 3, 0)),
        (local(2026, 3, 31, 23, 0), local(2026, 4, 1, 3, 0)),
    ],
)
def test_the_next_run_is_the_coming_3_am_local_time(now, expected):
    assert tasks.next_run(now) == expected


@pytest.mark.django_db
def test_the_worker_schedules_one_nightly_purge_when_it_starts(settings, monkeypatch):
    settings.TASKS = DB_TASKS
    monkeypatch.setattr(db_worker.Command, "handle", lambda self, *a, **k: None)
    with time_machine.travel(local(2026, 3, 31, 10, 0), tick=False):
        call_command("db_worker", stdout=StringIO())
        call_command("db_worker", stdout=StringIO())  # a second worker: still one waiting
    waiting = DBTaskResult.objects.filter(
        status=TaskResultStatus.READY, task_path=tasks.purge_daily.module_path
    )
    assert waiting.count() == 1
    assert waiting.get().run_after == local(2026, 4, 1, 3, 0)


@pytest.mark.django_db
def test_a_run_purges_and_schedules_the_next_night(settings, world):
    settings.TASKS = DB_TASKS
    with time_machine.travel(local(2026, 3, 31, 3, 0, 5), tick=False):
        counts = tasks.purge_daily.call()
        assert set(counts) == {"alert", "checkin", "case", "registration", "gate_entry", "visitor"}
        assert tasks.pending()
        assert not tasks.schedule()


@pytest.mark.django_db
def test_the_immediate_backend_of_the_tests_runs_it_at_once_and_schedules_nothing(world):
    result = tasks.purge_daily.enqueue()
    assert result.return_value is not None and result.return_value["case"] == 0
    assert not DBTaskResult.objects.exists()
