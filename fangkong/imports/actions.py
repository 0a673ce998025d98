"""What a user does with an import: upload a file, confirm it, cancel it. And what the worker
does with it: check the file (the dry run), then import it.

The check and the import run in the background (`tasks.py`); the request only stores the
file and queues the work, so it never waits on parsing or writing. The import re-checks the
file right before writing, so what was checked is what is written even if the registry
changed in between.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from fangkong.core.access import require
from fangkong.core.errors import DomainError
from fangkong.core.models import User
from fangkong.core.roles import Capability
from fangkong.core.spreadsheets import SpreadsheetError, Table
from fangkong.people.importing.resident_import import ResidentImport
from fangkong.people.importing.results import MAX_STORED_PROBLEMS, CheckResult

from . import jobs
from .models import ImportJob, JobStatus, progress_file

logger = logging.getLogger(__name__)


def start_import(user: User, upload: UploadedFile) -> ImportJob:
    """Store the upload and queue its check. DomainError (nothing stored) for a bad file."""
    job = jobs.store_upload(ImportJob, user, upload, Capability.IMPORT_PEOPLE)
    from .tasks import check_import

    check_import.enqueue(job.pk)
    job.refresh_from_db()
    return job


def confirm_import(user: User, job: ImportJob, *, only_valid: bool) -> ImportJob:
    """Queue the import of a checked file: all rows, or with `only_valid` the valid ones."""
    require(user, Capability.IMPORT_PEOPLE)
    if job.status != JobStatus.CHECKED:
        raise DomainError(_("This file is not waiting for confirmation."))
    if job.error_rows and not only_valid:
        raise DomainError(
            _(
                "%(count)s rows have errors, so nothing can be imported as a whole. Correct the "
                "file and upload it again, or choose to import only the valid rows."
            )
            % {"count": job.error_rows}
        )
    if not job.valid_rows:
        raise DomainError(_("There is no valid row to import."))
    started = ImportJob.objects.filter(pk=job.pk, status=JobStatus.CHECKED).update(
        status=JobStatus.IMPORT_QUEUED,
        only_valid=only_valid,
        message="",
        updated_at=timezone.now(),
    )
    if not started:
        raise DomainError(_("This import has already been started."))
    from .tasks import import_residents

    import_residents.enqueue(job.pk)
    job.refresh_from_db()
    return job


def cancel_import(user: User, job: ImportJob) -> ImportJob:
    return jobs.cancel(job, user, Capability.IMPORT_PEOPLE)


def expire_stale_jobs() -> None:
    jobs.expire_stale(ImportJob)


# -- the background work ------------------------------------------------------------------------


def run_check(job_id: int) -> None:
    """The dry run: read and check every row, store the problems. Writes no resident."""
    if not _claim(job_id, JobStatus.QUEUED, JobStatus.CHECKING):
        return
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    with translation.override(job.language or settings.LANGUAGE_CODE):
        try:
            result = _check(job)
        except SpreadsheetError as exc:
            _finish(job, JobStatus.REFUSED, exc.message)
            return
        except Exception:
            logger.exception("import job %s: the check failed", job_id)
            _finish(job, JobStatus.FAILED, _unexpected(job))
            return
        _store(job, result)
        if result.file_error or job.valid_rows == 0:
            _finish(
                job, JobStatus.REFUSED, _("Nothing in this file can be imported; see the problems.")
            )
            return
        job.status = JobStatus.CHECKED
        job.message = ""
        job.updated_at = timezone.now()
        job.save()


def run_import(job_id: int) -> None:
    """Check the file again and write it in one transaction (all or nothing by default)."""
    if not _claim(job_id, JobStatus.IMPORT_QUEUED, JobStatus.IMPORTING):
        return
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    with translation.override(job.language or settings.LANGUAGE_CODE):
        try:
            table = _read(job)
            importer = ResidentImport(job.created_by)
            result, summary = importer.import_table(
                table,
                only_valid=job.only_valid,
                filename=job.filename,
                job_id=job.pk,
                progress=_progress_outside_the_database(job),
            )
        except SpreadsheetError as exc:
            _finish(job, JobStatus.REFUSED, exc.message)
            return
        except DomainError as exc:
            job.status = JobStatus.CHECKED
            job.message = exc.message
            job.save()
            return
        except Exception:
            logger.exception("import job %s: the import failed", job_id)
            _finish(job, JobStatus.FAILED, _unexpected(job))
            return
        finally:
            progress_file(job).unlink(missing_ok=True)
        _store(job, result)
        if result.file_error or job.valid_rows == 0:
            _finish(
                job, JobStatus.REFUSED, _("Nothing in this file can be imported; see the problems.")
            )
            return
        if summary is None:
            job.status = JobStatus.CHECKED
            job.message = _(
                "The registry changed since the check and some rows now have errors; nothing "
                "was written. Review the problems below."
            )
            job.save()
            return
        job.imported_residents = summary.residents
        job.imported_households = summary.households
        message = _("%(residents)s residents imported, %(households)s households created.") % {
            "residents": summary.residents,
            "households": summary.households,
        }
        if summary.skipped_rows:
            message += " " + _("%(count)s rows with errors were skipped.") % {
                "count": summary.skipped_rows
            }
        _finish(job, JobStatus.DONE, message)


def _progress_outside_the_database(job: ImportJob) -> Callable[[int], None]:
    """Progress of the import, written to a small file beside the upload.

    While the import's transaction is open, SQLite lets no other connection write, so the
    job row cannot take the count; the page reads this file instead (see
    `ImportJob.live_processed_rows`).
    """
    path = progress_file(job)
    path.parent.mkdir(parents=True, exist_ok=True)

    def progress(done: int) -> None:
        tmp = path.with_suffix(".tmp")
        tmp.write_text(str(done))
        tmp.replace(path)

    return progress


def _claim(job_id: int, expected: str, status: str) -> bool:
    return jobs.claim(ImportJob, job_id, expected, status)


def _read(job: ImportJob) -> Table:
    return jobs.read_upload(
        job,
        Capability.IMPORT_PEOPLE,
        _("%(user)s may no longer import residents.") % {"user": job.created_by},
    )


def _check(job: ImportJob) -> CheckResult:
    table = _read(job)

    def progress(done: int) -> None:
        ImportJob.objects.filter(pk=job.pk).update(processed_rows=done, updated_at=timezone.now())

    return ResidentImport(job.created_by).check(table, progress=progress)


def _store(job: ImportJob, result: CheckResult) -> None:
    job.total_rows = result.total_rows
    job.processed_rows = result.total_rows
    job.error_rows = len(result.error_rows)
    job.valid_rows = result.total_rows - job.error_rows if not result.file_error else 0
    job.warning_count = result.warning_count
    job.problem_count = len(result.problems)
    job.problems = [p.as_list() for p in result.problems[:MAX_STORED_PROBLEMS]]
    job.updated_at = timezone.now()
    job.save()


def _finish(job: ImportJob, status: str, message: str) -> None:
    jobs.finish(job, status, message)


def _unexpected(job: ImportJob) -> str:
    return _(
        "The work stopped because of an unexpected error and nothing was written. Upload the "
        "file again; if it happens again, tell the administrator (import %(id)s)."
    ) % {"id": job.pk}
