"""What a user does with a round's lab file (upload, confirm, cancel) and what the worker
does with it (check it, then apply it): the job lifecycle of `fangkong.imports.jobs`, the
rows' meaning from `results.RoundResults`. The apply checks the file again in the
transaction that writes, so what was checked is what is written, all or nothing."""

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

from .models import Round, RoundImportJob
from .results import MAX_STORED_PROBLEMS, ResultCheck, RoundResults

logger = logging.getLogger(__name__)


def start_import(user: User, rnd: Round, upload: UploadedFile) -> RoundImportJob:
    """Store the upload and queue its check. DomainError (nothing stored) for a bad file."""
    require(user, Capability.RECORD_TESTS)
    job = jobs.store_upload(
        RoundImportJob,
        user,
        upload,
        Capability.RECORD_TESTS,
        round=rnd,
        township_id=rnd.township_id,
    )
    from .tasks import check_round_import

    check_round_import.enqueue(job.pk)
    job.refresh_from_db()
    return job


def confirm_import(user: User, job: RoundImportJob) -> RoundImportJob:
    require(user, Capability.RECORD_TESTS)
    if job.status != JobStatus.CHECKED:
        raise DomainError(_("This file is not waiting for confirmation."))
    if job.unmatched_rows or not job.matched_rows:
        raise DomainError(
            _("Rows of this file have problems, so nothing can be written. Correct the file.")
        )
    started = RoundImportJob.objects.filter(pk=job.pk, status=JobStatus.CHECKED).update(
        status=JobStatus.IMPORT_QUEUED, message="", updated_at=timezone.now()
    )
    if not started:
        raise DomainError(_("This import has already been started."))
    from .tasks import apply_round_import

    apply_round_import.enqueue(job.pk)
    job.refresh_from_db()
    return job


def cancel_import(user: User, job: RoundImportJob) -> RoundImportJob:
    return jobs.cancel(job, user, Capability.RECORD_TESTS)


# -- the background work ----------------------------------------------------------------------


def _progress(job: RoundImportJob):  # type: ignore[no-untyped-def]
    def progress(done: int) -> None:
        RoundImportJob.objects.filter(pk=job.pk).update(
            processed_rows=done, updated_at=timezone.now()
        )

    return progress


def run_check(job_id: int) -> None:
    """The dry run: every problem by row. Writes no result."""
    if not jobs.claim(RoundImportJob, job_id, JobStatus.QUEUED, JobStatus.CHECKING):
        return
    job = RoundImportJob.objects.select_related("created_by", "round").get(pk=job_id)
    with translation.override(job.language or settings.LANGUAGE_CODE):
        try:
            table = _read(job)
            check = RoundResults(job.created_by, job.round).check(table, progress=_progress(job))
        except SpreadsheetError as exc:
            jobs.finish(job, JobStatus.REFUSED, exc.message)
            return
        except Exception:
            logger.exception("round import %s: the check failed", job_id)
            jobs.finish(job, JobStatus.FAILED, _unexpected(job))
            return
        _store(job, check)
        if check.file_error or check.unmatched_rows or not check.matched_rows:
            jobs.finish(
                job,
                JobStatus.REFUSED,
                _("Nothing can be written: correct the rows below and upload the file again."),
            )
            return
        job.status = JobStatus.CHECKED
        job.message = ""
        job.updated_at = timezone.now()
        job.save()


def run_apply(job_id: int) -> None:
    """Check the file again and write every result in one transaction."""
    if not jobs.claim(RoundImportJob, job_id, JobStatus.IMPORT_QUEUED, JobStatus.IMPORTING):
        return
    job = RoundImportJob.objects.select_related("created_by", "round").get(pk=job_id)
    with translation.override(job.language or settings.LANGUAGE_CODE):
        try:
            table = _read(job)
            check, summary = RoundResults(job.created_by, job.round).apply(
                table, filename=job.filename, job_id=job.pk, progress=_progress(job)
            )
        except SpreadsheetError as exc:
            jobs.finish(job, JobStatus.REFUSED, exc.message)
            return
        except Exception:
            logger.exception("round import %s: the apply failed", job_id)
            jobs.finish(job, JobStatus.FAILED, _unexpected(job))
            return
        _store(job, check)
        if summary is None:
            jobs.finish(
                job,
                JobStatus.REFUSED,
                _(
                    "The round changed since the check and some rows no longer match; nothing "
                    "was written. Review the rows below."
                ),
            )
            return
        job.negative, job.positive, job.retest = (
            summary.negative,
            summary.positive,
            summary.retest,
        )
        jobs.finish(
            job,
            JobStatus.DONE,
            _(
                "%(rows)s results recorded: %(negative)s people negative, %(positive)s "
                "positive, %(retest)s to retest in a single tube."
            )
            % {
                "rows": summary.rows,
                "negative": summary.negative,
                "positive": summary.positive,
                "retest": summary.retest,
            },
        )


def _read(job: RoundImportJob) -> Table:
    return jobs.read_upload(
        job,
        Capability.RECORD_TESTS,
        _("%(user)s may no longer record test results.") % {"user": job.created_by},
    )


def _store(job: RoundImportJob, check: ResultCheck) -> None:
    job.total_rows = check.total_rows
    job.processed_rows = check.total_rows
    job.matched_rows = check.matched_rows
    job.unmatched_rows = check.unmatched_rows
    job.problems = [[p.row, p.column, p.message] for p in check.problems[:MAX_STORED_PROBLEMS]]
    job.updated_at = timezone.now()
    job.save()


def _unexpected(job: RoundImportJob) -> str:
    return _(
        "The work stopped because of an unexpected error and nothing was written. Upload the "
        "file again; if it happens again, tell the administrator (round import %(id)s)."
    ) % {"id": job.pk}
