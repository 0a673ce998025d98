"""`fangkong purge [--dry-run]`: take people out of closed records past their retention window
(issue 10, item 14). The background worker runs the same purge every night."""

from __future__ import annotations

import getpass
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy

from fangkong.core.models import User
from fangkong.retention import actions
from fangkong.retention.windows import Kind


class Command(BaseCommand):
    help = "Delete or anonymise personal data of closed records past the policy's retention."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="List what would be done; change nothing."
        )
        parser.add_argument("--by", help="Username recorded in the audit log as who ran it.")
        parser.add_argument("--batch", type=int, default=actions.BATCH, help="Rows per batch.")

    def handle(self, *args: Any, dry_run: bool, by: str | None, batch: int, **options: Any) -> None:
        if batch < 1:
            raise CommandError("--batch must be at least 1")
        if dry_run:
            outcomes = actions.plan()
            self.stdout.write("dry run: nothing is changed")
        else:
            user = None
            if by:
                user = User.objects.filter(username=by).first()
                if user is None:
                    raise CommandError(f"no user {by!r}")
            outcomes = actions.purge(
                by=user,
                how=format_lazy(
                    gettext_lazy("fangkong purge on the command line (system user {user})"),
                    user=getpass.getuser(),
                ),
                batch=batch,
            )
        verb = "would" if dry_run else "did"
        for o in outcomes:
            for kind in Kind:
                n = o.counts.get(kind, 0)
                what = "delete" if kind in actions.DELETED else "anonymise"
                self.stdout.write(f"{o.township.name}\t{kind.value}\t{verb} {what}\t{n}")
        total = sum(o.total for o in outcomes)
        self.stdout.write(f"total\t{total}")
