"""`fangkong backup [--output PATH]`: the database and uploaded files in one private archive.

See `fangkong.core.backups` for what the archive holds, and README (备份与恢复).
"""

import getpass
import logging
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from fangkong.core import audit, backups
from fangkong.core.errors import DomainError
from fangkong.core.models import AuditAction

logger = logging.getLogger("fangkong.backups")


class Command(BaseCommand):
    help = "Back up the database and MEDIA_ROOT into one .tar.gz readable by its owner only."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--output",
            type=Path,
            help="Archive to write (default: var/backups/fangkong-<date>-<time>.tar.gz).",
        )

    def handle(self, *args: Any, output: Path | None, **options: Any) -> None:
        with translation.override(settings.LANGUAGE_CODE):
            path = (output or backups.default_output()).absolute()
            try:
                manifest = backups.backup(path)
            except DomainError as exc:
                raise CommandError(exc.message) from None
            facts = backups.describe(manifest)
            audit.record(
                None,
                AuditAction.EXPORT,
                target_type="fangkong.backup",
                target_repr=str(path),
                changes={"rows": facts["rows"], "media_files": facts["media_files"]},
                reason=_("Backup by the command line (operating-system user %(user)s)")
                % {"user": getpass.getuser()},
            )
            logger.info(
                "backup written to %s: %s rows in %s tables, %s media files",
                path,
                facts["rows"],
                facts["tables"],
                facts["media_files"],
            )
            self.stdout.write(
                _(
                    "Backup written to %(path)s: %(rows)s rows in %(tables)s tables and "
                    "%(media_files)s uploaded files. Keep the keys (the secret key and the data "
                    "key) in a separate safe place: the backup does not hold them."
                )
                % {"path": path, **facts}
            )
