"""`fangkong db_worker`: django-tasks-db's worker, which first makes sure the daily purge is
scheduled (`retention.tasks`). Listed before django_tasks_db in INSTALLED_APPS to take its
name."""

from __future__ import annotations

from typing import Any

from django_tasks_db.management.commands import db_worker

from fangkong.retention import tasks


class Command(db_worker.Command):
    def handle(self, *args: Any, **options: Any) -> None:
        if tasks.schedule():
            self.stdout.write("daily purge scheduled")
        super().handle(*args, **options)
