"""What a user does with a round's lab file (upload, confirm, cancel) and what the worker
does with it (check it, then apply it): the lifecycle of the upload-job runner
(`fangkong.core.jobs`), the rows' meaning from `results.RoundResults`. The apply checks the
file again in the transaction that writes, so what was checked is what is written, all or
nothing."""

from __future__ import annotations

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from fangkong.core import jobs
from fangkong.core.access import require
from fangkong.core.errors import DomainError
from fangkong.core.jobs import JobKind, JobStatus, Progress
from fangkong.core.models import User
from fangkong.core.spreadsheets import Table
from fangkong.people.importing.results import MAX_STORED_PROBLEMS
from fangkong.quarantine.capabilities import QuarantineCapability

from .models import Round, RoundImportJob
from .results import ResultCheck, RoundResults, Summary


def start_import(user: User, rnd: Round, upload: UploadedFile[bytes]) -> RoundImportJob:
    """Store the upload and queue its check. DomainError (nothing stored) for a bad file."""
    require(user, QuarantineCapability.RECORD_TESTS)
    job = jobs.store_upload(
        RoundImportJob,
        user,
        upload,
        QuarantineCapability.RECORD_TESTS,
        round=rnd,
        township_id=rnd.township_id,
    )
    from .tasks import check_round_import

    check_round_import.enqueue(job.pk)
    job.refresh_from_db()
    return job


def confirm_import(user: User, job: RoundImportJob) -> RoundImportJob:
    require(user, QuarantineCapability.RECORD_TESTS)
    if job.status != JobStatus.CHECKED:
        raise DomainError(_("This file is not waiting for confirmation."))
    if job.unmatched_rows or not job.matched_rows:
        raise DomainError(
            _("Rows of this file have problems, so nothing can be written. Correct the file.")
        )
    if not jobs.confirm(job, user, QuarantineCapability.RECORD_TESTS):
        raise DomainError(_("This import has already been started."))
    from .tasks import apply_round_import

    apply_round_import.enqueue(job.pk)
    job.refresh_from_db()
    return job


def cancel_import(user: User, job: RoundImportJob) -> RoundImportJob:
    return jobs.cancel(job, user, QuarantineCapability.RECORD_TESTS)


# -- the background work ----------------------------------------------------------------------


class RoundJobs(JobKind[RoundImportJob, ResultCheck, Summary]):
    """A testing round's lab file as a kind of upload job."""

    model = RoundImportJob
    capability = QuarantineCapability.RECORD_TESTS
    related = ("created_by", "round")
    label = "round import"

    def no_longer_allowed(self, job: RoundImportJob) -> str:
        return _("%(user)s may no longer record test results.") % {"user": job.created_by}

    def unexpected(self, job: RoundImportJob) -> str:
        return _(
            "The work stopped because of an unexpected error and nothing was written. Upload "
            "the file again; if it happens again, tell the administrator (round import %(id)s)."
        ) % {"id": job.pk}

    def check(self, job: RoundImportJob, table: Table, progress: Progress) -> ResultCheck:
        return RoundResults(job.created_by, job.round).check(table, progress=progress)

    def apply(
        self, job: RoundImportJob, table: Table, progress: Progress
    ) -> tuple[ResultCheck, Summary | None]:
        return RoundResults(job.created_by, job.round).apply(
            table, filename=job.filename, job_id=job.pk, progress=progress
        )

    def store(self, job: RoundImportJob, check: ResultCheck) -> None:
        job.total_rows = check.total_rows
        job.matched_rows = check.matched_rows
        job.unmatched_rows = check.unmatched_rows
        job.problems = [[p.row, p.column, p.message] for p in check.problems[:MAX_STORED_PROBLEMS]]

    def refusal(self, job: RoundImportJob, check: ResultCheck) -> str | None:
        if check.file_error or check.unmatched_rows or not check.matched_rows:
            return _("Nothing can be written: correct the rows below and upload the file again.")
        return None

    def not_written(self, job: RoundImportJob, check: ResultCheck) -> tuple[str, str]:
        # all or nothing, and no choice to skip rows: a file that no longer applies is refused
        return JobStatus.REFUSED, _(
            "The round changed since the check and some rows no longer match; nothing "
            "was written. Review the rows below."
        )

    def done(self, job: RoundImportJob, summary: Summary) -> str:
        job.negative, job.positive, job.retest = (
            summary.negative,
            summary.positive,
            summary.retest,
        )
        return _(
            "%(rows)s results recorded: %(negative)s people negative, %(positive)s "
            "positive, %(retest)s to retest in a single tube."
        ) % {
            "rows": summary.rows,
            "negative": summary.negative,
            "positive": summary.positive,
            "retest": summary.retest,
        }


ROUND_RESULTS = RoundJobs()


def run_check(job_id: int) -> None:
    """The dry run: every problem by row. Writes no result."""
    jobs.run_check(ROUND_RESULTS, job_id)


def run_apply(job_id: int) -> None:
    """Check the file again and write every result in one transaction."""
    jobs.run_apply(ROUND_RESULTS, job_id)
