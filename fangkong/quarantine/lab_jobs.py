"""What a user does with a lab file (upload, confirm, cancel) and what the worker does with
it (check it, then apply it). The pattern of the resident import (`fangkong.imports.actions`):
the request only stores the file and queues the work; the check is a dry run; the apply
checks the file again right before writing, so what was checked is what is written.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from fangkong.core.access import require
from fangkong.core.errors import DomainError
from fangkong.core.models import User
from fangkong.core.roles import Capability
from fangkong.core.spreadsheets import SpreadsheetError, Table
from fangkong.imports import jobs
from fangkong.imports.models import JobStatus

from .lab_import import MAX_STORED_PROBLEMS, LabCheck, LabImport
from .models import LabImportJob

logger = logging.getLogger(__name__)


def start_lab_import(user: User, upload: UploadedFile) -> LabImportJob:
    """Store the upload and queue its check. DomainError (nothing stored) for a bad file."""
    job = jobs.store_upload(LabImportJob, user, upload, Capability.RECORD_TESTS)
    from .tasks import check_lab_import

    check_lab_import.enqueue(job.pk)
    job.refresh_from_db()
    return job


def confirm_lab_import(user: User, job: LabImportJob, *, skip_unmatched: bool) -> LabImportJob:
    """Queue writing a checked file: all rows, or with `skip_unmatched` the matched ones."""
    require(user, Capability.RECORD_TESTS)
    if job.status != JobStatus.CHECKED:
        raise DomainError(_("This file is not waiting for confirmation."))
    if job.unmatched_rows and not skip_unmatched:
        raise DomainError(
            _(
                "%(count)s rows do not match a test, so the file cannot be applied as a whole. "
                "Correct the file and upload it again, or choose to apply only the matched rows."
            )
            % {"count": job.unmatched_rows}
        )
    if not job.matched_rows:
        raise DomainError(_("No row of the file matches a test waiting for a result."))
    started = LabImportJob.objects.filter(pk=job.pk, status=JobStatus.CHECKED).update(
        status=JobStatus.IMPORT_QUEUED,
        skip_unmatched=skip_unmatched,
        message="",
        updated_at=timezone.now(),
    )
    if not started:
        raise DomainError(_("This import has already been started."))
    from .tasks import apply_lab_import

    apply_lab_import.enqueue(job.pk)
    job.refresh_from_db()
    return job


def cancel_lab_import(user: User, job: LabImportJob) -> LabImportJob:
    return jobs.cancel(job, user, Capability.RECORD_TESTS)


def expire_stale_jobs() -> None:
    jobs.expire_stale(LabImportJob)


# -- the background work ------------------------------------------------------------------------


def run_check(job_id: int) -> None:
    """The dry run: match every row, store what did not match. Writes no result."""
    if not _claim(job_id, JobStatus.QUEUED, JobStatus.CHECKING):
        return
    job = LabImportJob.objects.select_related("created_by").get(pk=job_id)
    with translation.override(job.language or settings.LANGUAGE_CODE):
        try:
            table = _read(job)

            def progress(done: int) -> None:
                LabImportJob.objects.filter(pk=job.pk).update(
                    processed_rows=done, updated_at=timezone.now()
                )

            check = LabImport(job.created_by).check(table, progress=progress)
        except SpreadsheetError as exc:
            _finish(job, JobStatus.REFUSED, exc.message)
            return
        except Exception:
            logger.exception("lab import %s: the check failed", job_id)
            _finish(job, JobStatus.FAILED, _unexpected(job))
            return
        _store(job, check)
        if check.file_error or not check.matches:
            _finish(
                job,
                JobStatus.REFUSED,
                _("No row of this file can be applied; see the reasons below."),
            )
            return
        job.status = JobStatus.CHECKED
        job.message = ""
        job.updated_at = timezone.now()
        job.save()


def run_apply(job_id: int) -> None:
    """Check the file again and write the results in one transaction."""
    if not _claim(job_id, JobStatus.IMPORT_QUEUED, JobStatus.IMPORTING):
        return
    job = LabImportJob.objects.select_related("created_by").get(pk=job_id)
    with translation.override(job.language or settings.LANGUAGE_CODE):
        try:
            table = _read(job)
            check, summary = LabImport(job.created_by).apply(
                table, skip_unmatched=job.skip_unmatched, filename=job.filename, job_id=job.pk
            )
        except SpreadsheetError as exc:
            _finish(job, JobStatus.REFUSED, exc.message)
            return
        except DomainError as exc:
            job.status = JobStatus.CHECKED
            job.message = exc.message
            job.updated_at = timezone.now()
            job.save()
            return
        except Exception:
            logger.exception("lab import %s: the apply failed", job_id)
            _finish(job, JobStatus.FAILED, _unexpected(job))
            return
        _store(job, check)
        if summary is None:
            if check.file_error or not check.matches:
                _finish(
                    job,
                    JobStatus.REFUSED,
                    _("No row of this file can be applied; see the reasons below."),
                )
                return
            job.status = JobStatus.CHECKED
            job.message = _(
                "Tests or cases changed since the check and some rows no longer match; nothing "
                "was written. Review the rows below."
            )
            job.save()
            return
        job.negative, job.positive, job.invalid = (
            summary.negative,
            summary.positive,
            summary.invalid,
        )
        message = _(
            "%(count)s results recorded: %(negative)s negative, %(positive)s positive, "
            "%(invalid)s invalid (a retest was scheduled for each)."
        ) % {
            "count": summary.applied,
            "negative": summary.negative,
            "positive": summary.positive,
            "invalid": summary.invalid,
        }
        if summary.skipped_rows:
            message += " " + _("%(count)s rows that did not match were skipped.") % {
                "count": summary.skipped_rows
            }
        _finish(job, JobStatus.DONE, message)


def _claim(job_id: int, expected: str, status: str) -> bool:
    return jobs.claim(LabImportJob, job_id, expected, status)


def _read(job: LabImportJob) -> Table:
    return jobs.read_upload(
        job,
        Capability.RECORD_TESTS,
        _("%(user)s may no longer record test results.") % {"user": job.created_by},
    )


def _store(job: LabImportJob, check: LabCheck) -> None:
    job.total_rows = check.total_rows
    job.processed_rows = check.total_rows
    job.matched_rows = len(check.matches)
    job.unmatched_rows = len(check.unmatched)
    job.problems = [[p.row, p.column, p.message] for p in check.problems[:MAX_STORED_PROBLEMS]]
    job.updated_at = timezone.now()
    job.save()


def _finish(job: LabImportJob, status: str, message: str) -> None:
    jobs.finish(job, status, message)


def _unexpected(job: LabImportJob) -> str:
    return _(
        "The work stopped because of an unexpected error and nothing was written. Upload the "
        "file again; if it happens again, tell the administrator (lab import %(id)s)."
    ) % {"id": job.pk}
