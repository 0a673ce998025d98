"""Make today's tasks of the recurring duties (idempotent: run it as often as you like, e.g.
from cron each morning; the workbench makes them too when it is first opened)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from fangkong.tasks.actions import generate_due


class Command(BaseCommand):
    help = "Make the tasks of the recurring duties due today (or on --day)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--day", type=dt.date.fromisoformat, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        day = options["day"] or timezone.localdate()
        made = generate_due(day)
        self.stdout.write(f"{day.isoformat()}: {made} 项周期任务已生成")
