"""What a user does with a lab file (upload, confirm, cancel) and what the worker does with
it (check it, then apply it): the lifecycle of the upload-job runner (`fangkong.core.jobs`),
the rows' meaning from `lab_import.LabImport`. The request only stores the file and queues the
work; the check is a dry run; the apply checks the file again right before writing, so what
was checked is what is written.
"""

from __future__ import annotations

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from fangkong.core import jobs
from fangkong.core.access import require
from fangkong.core.errors import DomainError
from fangkong.core.jobs import JobKind, JobStatus, Progress
from fangkong.core.models import User
from fangkong.core.spreadsheets import Table
from fangkong.quarantine.capabilities import QuarantineCapability

from .lab_import import MAX_STORED_PROBLEMS, ApplySummary, LabCheck, LabImport
from .models import LabImportJob


def start_lab_import(user: User, upload: UploadedFile[bytes]) -> LabImportJob:
    """Store the upload and queue its check. DomainError (nothing stored) for a bad file."""
    job = jobs.store_upload(LabImportJob, user, upload, QuarantineCapability.RECORD_TESTS)
    from .tasks import check_lab_import

    check_lab_import.enqueue(job.pk)
    job.refresh_from_db()
    return job


def confirm_lab_import(user: User, job: LabImportJob, *, skip_unmatched: bool) -> LabImportJob:
    """Queue writing a checked file: all rows, or with `skip_unmatched` the matched ones."""
    require(user, QuarantineCapability.RECORD_TESTS)
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
    if not jobs.confirm(
        job, user, QuarantineCapability.RECORD_TESTS, skip_unmatched=skip_unmatched
    ):
        raise DomainError(_("This import has already been started."))
    from .tasks import apply_lab_import

    apply_lab_import.enqueue(job.pk)
    job.refresh_from_db()
    return job


def cancel_lab_import(user: User, job: LabImportJob) -> LabImportJob:
    return jobs.cancel(job, user, QuarantineCapability.RECORD_TESTS)


def expire_stale_jobs() -> None:
    jobs.expire_stale(LabImportJob)


# -- the background work ------------------------------------------------------------------------


class LabJobs(JobKind[LabImportJob, LabCheck, ApplySummary]):
    """A quarantine lab file as a kind of upload job."""

    model = LabImportJob
    capability = QuarantineCapability.RECORD_TESTS
    label = "lab import"

    def no_longer_allowed(self, job: LabImportJob) -> str:
        return _("%(user)s may no longer record test results.") % {"user": job.created_by}

    def unexpected(self, job: LabImportJob) -> str:
        return _(
            "The work stopped because of an unexpected error and nothing was written. Upload "
            "the file again; if it happens again, tell the administrator (lab import %(id)s)."
        ) % {"id": job.pk}

    def check(self, job: LabImportJob, table: Table, progress: Progress) -> LabCheck:
        return LabImport(job.created_by).check(table, progress=progress)

    def apply(
        self, job: LabImportJob, table: Table, progress: Progress
    ) -> tuple[LabCheck, ApplySummary | None]:
        return LabImport(job.created_by).apply(
            table,
            skip_unmatched=job.skip_unmatched,
            filename=job.filename,
            job_id=job.pk,
            progress=progress,
        )

    def store(self, job: LabImportJob, check: LabCheck) -> None:
        job.total_rows = check.total_rows
        job.matched_rows = len(check.matches)
        job.unmatched_rows = len(check.unmatched)
        job.problems = [[p.row, p.column, p.message] for p in check.problems[:MAX_STORED_PROBLEMS]]

    def refusal(self, job: LabImportJob, check: LabCheck) -> str | None:
        if check.file_error or not check.matches:
            return _("No row of this file can be applied; see the reasons below.")
        return None

    def changed(self, job: LabImportJob) -> str:
        return _(
            "Tests or cases changed since the check and some rows no longer match; nothing "
            "was written. Review the rows below."
        )

    def done(self, job: LabImportJob, summary: ApplySummary) -> str:
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
        return message


LAB_RESULTS = LabJobs()


def run_check(job_id: int) -> None:
    """The dry run: match every row, store what did not match. Writes no result."""
    jobs.run_check(LAB_RESULTS, job_id)


def run_apply(job_id: int) -> None:
    """Check the file again and write the results in one transaction."""
    jobs.run_apply(LAB_RESULTS, job_id)
