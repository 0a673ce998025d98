"""`fangkong restore PATH [--yes]`: replace the database and MEDIA_ROOT with a backup's.

Asks first (unless --yes), saying what will be replaced. Stop the web server and the
background worker before restoring.
"""

import getpass
import logging
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import translation
from django.utils.translation import gettext as _

from fangkong.core import audit, backups
from fangkong.core.errors import DomainError
from fangkong.core.models import AuditAction

logger = logging.getLogger("fangkong.backups")


class Command(BaseCommand):
    help = "Replace the database and MEDIA_ROOT with those of a backup archive."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("archive", type=Path, help="A .tar.gz written by `fangkong backup`.")
        parser.add_argument(
            "--yes", action="store_true", help="Do not ask for confirmation (for scripts)."
        )

    def handle(self, *args: Any, archive: Path, yes: bool, **options: Any) -> None:
        with translation.override(settings.LANGUAGE_CODE):
            try:
                manifest = backups.read_manifest(archive)
            except DomainError as exc:
                raise CommandError(exc.message) from None
            facts = backups.describe(manifest)
            target = connections[DEFAULT_DB_ALIAS].settings_dict["NAME"]
            warning = _(
                "This REPLACES the whole database %(target)s and every uploaded file in "
                "%(media)s with the backup of %(created)s (%(rows)s rows in %(tables)s tables, "
                "%(media_files)s files). Everything entered since then is lost. Stop the web "
                "server and the background worker first."
            ) % {"target": target, "media": settings.MEDIA_ROOT, **facts}
            if not yes:
                if not sys.stdin.isatty():
                    raise CommandError(
                        warning + " " + _("Nothing was changed: add --yes to restore.")
                    )
                self.stdout.write(warning)
                if input(_("Type yes to restore: ")).strip().lower() not in ("yes", "是"):
                    raise CommandError(_("Nothing was changed."))
            try:
                backups.restore(archive)
            except DomainError as exc:
                raise CommandError(exc.message) from None
            audit.record(
                None,
                AuditAction.IMPORT,
                target_type="fangkong.backup",
                target_repr=str(archive.absolute()),
                changes={"created": facts["created"], "rows": facts["rows"]},
                reason=_("Restored by the command line (operating-system user %(user)s)")
                % {"user": getpass.getuser()},
            )
            logger.warning(
                "database %s and %s restored from %s (backup of %s)",
                target,
                settings.MEDIA_ROOT,
                archive,
                facts["created"],
            )
            self.stdout.write(
                _(
                    "Restored from %(path)s (backup of %(created)s). If this version of Fangkong "
                    "is newer than the backup, run `fangkong migrate` now."
                )
                % {"path": archive, **facts}
            )
