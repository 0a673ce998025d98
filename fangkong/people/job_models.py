"""The registry's file jobs. An import job: one uploaded file of residents, checked in the
background, then imported on confirmation (`import_jobs`, run by `core.jobs`). An export job:
a resident list too long for a request, written in the background and kept for a day
(`export_jobs`).

Their tables keep the app label `imports` (the app that held them before; it keeps their
migrations), so nothing moves in the database and the audit entries keep their target type.
`people.models` imports this module, which registers them.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.core.jobs import JobStatus, UploadJob, live_count, percent_of
from fangkong.core.models import Community, Township, User
from fangkong.core.scoping import ScopedQuerySet
from fangkong.people.capabilities import PeopleCapability


class ImportJobQuerySet(ScopedQuerySet["ImportJob"]):
    # A community's jobs are seen by its importing staff; a township admin sees the township's.
    scope_paths = {
        "township": "township_id",
        "community": "community_id",
        "grid": "created_by__grid_id",
    }
    view_capability = PeopleCapability.IMPORT_PEOPLE


class ImportJob(UploadJob):
    created_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="import_jobs", verbose_name=_("uploaded by")
    )
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/", blank=True)
    only_valid = models.BooleanField(_("import only the valid rows"), default=False)
    valid_rows = models.PositiveIntegerField(_("valid rows"), default=0)
    error_rows = models.PositiveIntegerField(_("rows with errors"), default=0)
    warning_count = models.PositiveIntegerField(_("warnings"), default=0)
    problem_count = models.PositiveIntegerField(_("problems"), default=0)
    #: [[row, column, message, is_warning], …], at most importing.MAX_STORED_PROBLEMS
    imported_residents = models.PositiveIntegerField(_("residents imported"), default=0)
    imported_households = models.PositiveIntegerField(_("households created"), default=0)

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        app_label = "imports"
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["township", "-created_at"], name="importjob_township_idx")]

    @property
    def writing(self) -> bool:
        """Every row is checked and the last rows are being written and committed."""
        return (
            self.status == JobStatus.IMPORTING and self.live_processed_rows >= self.total_rows > 0
        )

    @property
    def can_import_all(self) -> bool:
        return self.status == JobStatus.CHECKED and self.error_rows == 0 and self.valid_rows > 0

    @property
    def can_import_valid(self) -> bool:
        return self.status == JobStatus.CHECKED and self.error_rows > 0 and self.valid_rows > 0


# -- export jobs --------------------------------------------------------------------------------

#: a finished export file is kept this long, then deleted
EXPORT_KEPT_FOR = dt.timedelta(hours=24)


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting")
    RUNNING = "running", _("Writing the file")
    DONE = "done", _("Ready to download")
    FAILED = "failed", _("Stopped by an error")
    EXPIRED = "expired", _("Expired")


def export_progress_file(job: ExportJob) -> Path:
    """Where a running export counts its rows: SQLite holds any write made on the connection
    that is still reading the rows until the read ends, so the job row cannot take them."""
    return Path(settings.MEDIA_ROOT) / "exports" / "progress" / f"{job.pk}.txt"


class ExportJobQuerySet(ScopedQuerySet["ExportJob"]):
    scope_paths = ImportJobQuerySet.scope_paths
    view_capability = PeopleCapability.EXPORT_PEOPLE


class ExportJob(models.Model):
    """A resident list too long to write within a request, written in the background.

    The filter is kept as the list page's query string; the worker applies it again to what
    the creator may see when it runs (`fangkong.people.export_jobs`).
    """

    created_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="export_jobs", verbose_name=_("exported by")
    )
    township = models.ForeignKey(
        Township, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("township")
    )
    community = models.ForeignKey(
        Community,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("community"),
    )
    query = models.TextField(_("filter"), blank=True)
    reveal = models.BooleanField(_("full values"), default=False)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    language = models.CharField(max_length=16, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=ExportStatus.choices, default=ExportStatus.QUEUED
    )
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("rows written"), default=0)
    file = models.FileField(_("file"), upload_to="exports/%Y/%m/", blank=True)
    filename = models.CharField(_("file name"), max_length=200)
    message = models.TextField(_("message"), blank=True)
    created_at = models.DateTimeField(_("requested at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    objects = ExportJobQuerySet.as_manager()

    class Meta:
        app_label = "imports"
        verbose_name = _("export job")
        verbose_name_plural = _("export jobs")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "finished_at"], name="exportjob_status_finished_idx")
        ]

    def __str__(self) -> str:
        return self.filename

    @property
    def is_running(self) -> bool:
        return self.status in (ExportStatus.QUEUED, ExportStatus.RUNNING)

    @property
    def live_processed_rows(self) -> int:
        """Rows written so far; while running, from the progress file when there is one."""
        running = self.status == ExportStatus.RUNNING
        return live_count(self.processed_rows, export_progress_file(self) if running else None)

    @property
    def percent(self) -> int:
        return percent_of(self.live_processed_rows, self.total_rows)

    @property
    def expires_at(self) -> dt.datetime | None:
        return self.finished_at + EXPORT_KEPT_FOR if self.finished_at else None
