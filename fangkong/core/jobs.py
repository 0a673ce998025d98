"""The upload-job runner: the one life of an uploaded spreadsheet, whatever it imports.

A job (`UploadJob`: the resident import `people.ImportJob`, a quarantine lab file
`quarantine.LabImportJob`, a testing round's lab file `masstesting.RoundImportJob`) is stored
by the request (`store_upload`), checked in the background (`run_check`: the dry run, which
writes nothing), confirmed by the user (`confirm`) or cancelled (`cancel`), then applied in the
background (`run_apply`: the file is checked again right before writing, so what was checked
is what is written). The states::

    queued → checking → checked → import_queued → importing → done
                     ↘ refused / failed        ↘ checked (changed meanwhile) / refused / failed
    queued, checked → cancelled (by the user, or when nobody confirms within STALE_AFTER)

A kind of job plugs in by a `JobKind`: what its rows mean (check, apply), what it stores of
a check, and its messages. The background task of each kind calls `run_check(kind, id)` and
`run_apply(kind, id)`; everything else (claiming, reading the file, progress, refusals,
failures, deleting the upload) is here, once.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar, Generic, TypeVar

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.db.models.fields.files import FieldFile
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .access import require
from .errors import DomainError
from .models import Community, Township, User
from .spreadsheets import SpreadsheetError, Table, check_size, read_table, sniff

logger = logging.getLogger(__name__)

#: a checked file nobody confirmed is dropped after this long
STALE_AFTER = dt.timedelta(days=2)

Progress = Callable[[int], None]


class JobStatus(models.TextChoices):
    QUEUED = "queued", gettext_lazy("Waiting to be checked")
    CHECKING = "checking", gettext_lazy("Checking")
    CHECKED = "checked", gettext_lazy("Checked")
    IMPORT_QUEUED = "import_queued", gettext_lazy("Waiting to be imported")
    IMPORTING = "importing", gettext_lazy("Importing")
    DONE = "done", gettext_lazy("Imported")
    REFUSED = "refused", gettext_lazy("Cannot be imported")
    FAILED = "failed", gettext_lazy("Stopped by an error")
    CANCELLED = "cancelled", gettext_lazy("Cancelled")


RUNNING = frozenset(
    {JobStatus.QUEUED, JobStatus.CHECKING, JobStatus.IMPORT_QUEUED, JobStatus.IMPORTING}
)
FINISHED = frozenset({JobStatus.DONE, JobStatus.REFUSED, JobStatus.FAILED, JobStatus.CANCELLED})


def live_count(stored: int, progress: Path | None) -> int:
    """Rows done: the stored count, or the running job's progress file when it is ahead."""
    if progress is not None:
        try:
            return max(stored, int(progress.read_text() or 0))
        except (OSError, ValueError):
            pass
    return stored


def percent_of(done: int, total: int) -> int:
    return min(100, round(100 * done / total)) if total else 0


class UploadJob(models.Model):
    """What every upload job holds, whatever its file means. Each kind adds its uploader
    (`created_by`), its file (`file`, with its own folder) and its own counts."""

    #: the progress file's name is this prefix and the job's id (see `progress_file`)
    progress_prefix: ClassVar[str] = ""

    township = models.ForeignKey(
        Township,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=gettext_lazy("township"),
    )
    community = models.ForeignKey(
        Community,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=gettext_lazy("community"),
    )
    filename = models.CharField(gettext_lazy("file name"), max_length=200)
    size = models.PositiveBigIntegerField(gettext_lazy("size in bytes"), default=0)
    language = models.CharField(max_length=16, blank=True)
    status = models.CharField(
        gettext_lazy("status"), max_length=16, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    total_rows = models.PositiveIntegerField(gettext_lazy("rows in the file"), default=0)
    processed_rows = models.PositiveIntegerField(gettext_lazy("rows checked"), default=0)
    #: the problems found, by row (each job's own shape), at most a bounded number
    problems = models.JSONField(gettext_lazy("problems"), default=list, blank=True)
    message = models.TextField(gettext_lazy("message"), blank=True)
    created_at = models.DateTimeField(gettext_lazy("uploaded at"), default=timezone.now)
    updated_at = models.DateTimeField(gettext_lazy("updated at"), default=timezone.now)
    finished_at = models.DateTimeField(gettext_lazy("finished at"), null=True, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.filename

    @property
    def is_running(self) -> bool:
        return self.status in RUNNING

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED

    @property
    def live_processed_rows(self) -> int:
        """Rows done so far; while applying, from the progress file when there is one."""
        return live_count(
            self.processed_rows, progress_file(self) if self.status == JobStatus.IMPORTING else None
        )

    @property
    def percent(self) -> int:
        return percent_of(self.live_processed_rows, self.total_rows)


def progress_file(job: UploadJob) -> Path:
    """Where a job being applied counts its rows: while the writing transaction is open the
    job row cannot take the count (SQLite lets no other connection write, and an update made
    inside the transaction is seen by nobody before it commits), so the page reads this."""
    name = f"{job.progress_prefix}{job.pk}.txt"
    return Path(settings.MEDIA_ROOT) / "imports" / "progress" / name


J = TypeVar("J", bound=UploadJob)
C = TypeVar("C")
S = TypeVar("S")


class JobKind(Generic[J, C, S]):
    """What one kind of upload job means: its model and capability, its check (C, the dry
    run's result) and its apply (S, the summary of what was written), and its messages.
    Subclasses fill in the methods that raise NotImplementedError."""

    model: type[J]
    capability: str
    #: related objects every step reads (select_related)
    related: tuple[str, ...] = ("created_by",)
    #: the name in the log
    label: str = "upload job"

    # -- the kind's own steps

    def no_longer_allowed(self, job: J) -> str:
        """The refusal when the uploader no longer holds the capability."""
        raise NotImplementedError

    def unexpected(self, job: J) -> str:
        """The message of a job stopped by an unexpected error."""
        raise NotImplementedError

    def check(self, job: J, table: Table, progress: Progress) -> C:
        """The dry run over `table`: writes nothing."""
        raise NotImplementedError

    def apply(self, job: J, table: Table, progress: Progress) -> tuple[C, S | None]:
        """Check `table` again and write it: the check and the summary, or None when nothing
        was written (all or nothing). DomainError: nothing written, the job waits again."""
        raise NotImplementedError

    def store(self, job: J, check: C) -> None:
        """Put the check's counts and problems on the job (the runner saves it)."""
        raise NotImplementedError

    def refusal(self, job: J, check: C) -> str | None:
        """Why nothing of the checked file can be applied, or None when it can."""
        raise NotImplementedError

    def not_written(self, job: J, check: C) -> tuple[str, str]:
        """(status, message) when the apply wrote nothing: a refusal, or back to checked
        because the data changed since the check."""
        refused = self.refusal(job, check)
        if refused is not None:
            return JobStatus.REFUSED, refused
        return JobStatus.CHECKED, self.changed(job)

    def changed(self, job: J) -> str:
        """The message when rows no longer apply because the data changed since the check."""
        raise NotImplementedError

    def done(self, job: J, summary: S) -> str:
        """Put the summary's counts on the job; the message of the finished job."""
        raise NotImplementedError

    # -- what the runner asks of the model

    def get(self, job_id: int) -> J:
        return self.model._default_manager.select_related(*self.related).get(pk=job_id)


# -- the request's side ---------------------------------------------------------------------------


def store_upload(
    model: type[J], user: User, upload: UploadedFile[bytes], capability: str, **fields: Any
) -> J:
    """Check the upload's size and type and store it as a new job of `model` (queued for its
    check by the caller); `fields` are the kind's own (a round's lab file: its round) and
    replace the user's township or community. DomainError, nothing stored, for a bad file."""
    require(user, capability)
    name = Path(upload.name or "").name
    check_size(upload.size or 0, settings.FANGKONG_MAX_UPLOAD_BYTES)
    upload.seek(0)
    sniff(upload.read(8192), name)
    upload.seek(0)
    expire_stale(model)
    with transaction.atomic():
        job = model(
            **{"township_id": user.township_id, "community_id": user.community_id, **fields},
            created_by=user,
            filename=name[:200],
            size=upload.size or 0,
            language=translation.get_language() or settings.LANGUAGE_CODE,
        )
        _file(job).save(f"{uuid.uuid4().hex}{Path(name).suffix.lower()}", upload, save=False)
        job.save()
    return job


def confirm(job: J, user: User, capability: str, **fields: Any) -> bool:
    """Queue the apply of a checked job, with the kind's choices in `fields` (e.g. only the
    valid rows). False when someone else already started it. The caller enqueues the task."""
    require(user, capability)
    started = (
        type(job)
        ._default_manager.filter(pk=job.pk, status=JobStatus.CHECKED)
        .update(status=JobStatus.IMPORT_QUEUED, message="", updated_at=timezone.now(), **fields)
    )
    return bool(started)


def expire_stale(model: type[UploadJob]) -> None:
    """Cancel the checked jobs nobody confirmed within STALE_AFTER (and delete their files)."""
    cutoff = timezone.now() - STALE_AFTER
    for job in model._default_manager.filter(status=JobStatus.CHECKED, updated_at__lt=cutoff):
        finish(job, JobStatus.CANCELLED, _("Nobody confirmed the import; the file was removed."))


def cancel(job: J, user: User, capability: str) -> J:
    """Cancel a job still waiting (queued, or checked and waiting for confirmation) on the
    user's word; its file goes with it. A running or finished job is refused."""
    require(user, capability)
    if job.status not in (JobStatus.CHECKED, JobStatus.QUEUED):
        raise DomainError(_("Only a file waiting for confirmation can be cancelled."))
    finish(job, JobStatus.CANCELLED, _("Cancelled by %(user)s.") % {"user": user})
    return job


# -- the worker's side ----------------------------------------------------------------------------


def claim(model: type[UploadJob], job_id: int, expected: str, status: str) -> bool:
    """Move the job from `expected` to `status`, unless someone else already did."""
    return bool(
        model._default_manager.filter(pk=job_id, status=expected).update(
            status=status, processed_rows=0, updated_at=timezone.now()
        )
    )


def read_upload(job: UploadJob, capability: str, no_longer_allowed: str) -> Table:
    """The job's file as a table, if its owner still holds `capability` (else
    SpreadsheetError(`no_longer_allowed`)); records the row count on the job."""
    user: User = getattr(job, "created_by")  # noqa: B009 (each kind declares its own)
    if not user.can(capability):
        raise SpreadsheetError(no_longer_allowed)
    upload = _file(job)
    if not upload:
        raise SpreadsheetError(_("The uploaded file is no longer available; upload it again."))
    table = read_table(
        upload.path, filename=job.filename, max_bytes=settings.FANGKONG_MAX_UPLOAD_BYTES
    )
    job.total_rows = table.row_count
    type(job)._default_manager.filter(pk=job.pk).update(total_rows=table.row_count)
    return table


def finish(job: UploadJob, status: str, message: str) -> None:
    """End the job and delete its file: an upload is kept no longer than its job runs."""
    assert status in FINISHED
    upload = _file(job)
    if upload:
        try:
            upload.delete(save=False)
        except OSError:
            logger.warning("%s %s: could not delete %s", job._meta.label, job.pk, upload.name)
    setattr(job, "file", "")  # noqa: B010 (each kind declares its own)
    job.status = status
    job.message = message
    job.finished_at = job.updated_at = timezone.now()
    job.save()


def run_check(kind: JobKind[J, C, S], job_id: int) -> None:
    """The dry run: read and check every row, store the problems. Writes nothing else."""
    if not claim(kind.model, job_id, JobStatus.QUEUED, JobStatus.CHECKING):
        return
    job = kind.get(job_id)
    model = kind.model

    def progress(done: int) -> None:
        model._default_manager.filter(pk=job.pk).update(
            processed_rows=done, updated_at=timezone.now()
        )

    with translation.override(job.language or settings.LANGUAGE_CODE):
        try:
            table = read_upload(job, kind.capability, kind.no_longer_allowed(job))
            check = kind.check(job, table, progress)
        except SpreadsheetError as exc:
            finish(job, JobStatus.REFUSED, exc.message)
            return
        except Exception:
            logger.exception("%s %s: the check failed", kind.label, job_id)
            finish(job, JobStatus.FAILED, kind.unexpected(job))
            return
        _store(kind, job, check)
        refused = kind.refusal(job, check)
        if refused is not None:
            finish(job, JobStatus.REFUSED, refused)
            return
        job.status = JobStatus.CHECKED
        job.message = ""
        job.updated_at = timezone.now()
        job.save()


def run_apply(kind: JobKind[J, C, S], job_id: int) -> None:
    """Check the file again and write it (all or nothing, unless the user chose otherwise)."""
    if not claim(kind.model, job_id, JobStatus.IMPORT_QUEUED, JobStatus.IMPORTING):
        return
    job = kind.get(job_id)
    with translation.override(job.language or settings.LANGUAGE_CODE):
        try:
            table = read_upload(job, kind.capability, kind.no_longer_allowed(job))
            check, summary = kind.apply(job, table, _progress_outside_the_database(job))
        except SpreadsheetError as exc:
            finish(job, JobStatus.REFUSED, exc.message)
            return
        except DomainError as exc:
            job.status = JobStatus.CHECKED
            job.message = exc.message
            job.updated_at = timezone.now()
            job.save()
            return
        except Exception:
            logger.exception("%s %s: the apply failed", kind.label, job_id)
            finish(job, JobStatus.FAILED, kind.unexpected(job))
            return
        finally:
            progress_file(job).unlink(missing_ok=True)
        _store(kind, job, check)
        if summary is None:
            status, message = kind.not_written(job, check)
            if status in FINISHED:
                finish(job, status, message)
                return
            job.status = status
            job.message = message
            job.save()
            return
        finish(job, JobStatus.DONE, kind.done(job, summary))


def _store(kind: JobKind[J, C, S], job: J, check: C) -> None:
    kind.store(job, check)
    job.processed_rows = job.total_rows
    job.updated_at = timezone.now()
    job.save()


def _progress_outside_the_database(job: UploadJob) -> Progress:
    """Progress of the apply, written to a small file (see `progress_file`)."""
    path = progress_file(job)
    path.parent.mkdir(parents=True, exist_ok=True)

    def progress(done: int) -> None:
        tmp = path.with_suffix(".tmp")
        tmp.write_text(str(done))
        tmp.replace(path)

    return progress


def _file(job: UploadJob) -> FieldFile:
    """The job's file (each kind declares `file` with its own folder)."""
    upload: FieldFile = getattr(job, "file")  # noqa: B009
    return upload
