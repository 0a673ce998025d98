"""The resident import as an upload job. What a user does with it: upload a file, confirm
it, cancel it. And what the worker does with it: check the file (the dry run), then import it.

The lifecycle is the upload-job runner's (`fangkong.core.jobs`); `ResidentJobs` says what the
rows of a resident file mean. The check and the import run in the background (`tasks.py`); the
request only stores the file and queues the work, so it never waits on parsing or writing.
The import re-checks the file right before writing, so what was checked is what is written
even if the registry changed in between.
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
from fangkong.people.capabilities import PeopleCapability

from .importing.resident_import import ResidentImport
from .importing.results import MAX_STORED_PROBLEMS, CheckResult, WriteSummary
from .job_models import ImportJob


def start_import(user: User, upload: UploadedFile[bytes]) -> ImportJob:
    """Store the upload and queue its check. DomainError (nothing stored) for a bad file."""
    job = jobs.store_upload(ImportJob, user, upload, PeopleCapability.IMPORT_PEOPLE)
    from .tasks import check_import

    check_import.enqueue(job.pk)
    job.refresh_from_db()
    return job


def confirm_import(user: User, job: ImportJob, *, only_valid: bool) -> ImportJob:
    """Queue the import of a checked file: all rows, or with `only_valid` the valid ones."""
    require(user, PeopleCapability.IMPORT_PEOPLE)
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
    if not jobs.confirm(job, user, PeopleCapability.IMPORT_PEOPLE, only_valid=only_valid):
        raise DomainError(_("This import has already been started."))
    from .tasks import import_residents

    import_residents.enqueue(job.pk)
    job.refresh_from_db()
    return job


def cancel_import(user: User, job: ImportJob) -> ImportJob:
    return jobs.cancel(job, user, PeopleCapability.IMPORT_PEOPLE)


def expire_stale_jobs() -> None:
    jobs.expire_stale(ImportJob)


# -- the background work ------------------------------------------------------------------------


class ResidentJobs(JobKind[ImportJob, CheckResult, WriteSummary]):
    """The resident import as a kind of upload job."""

    model = ImportJob
    capability = PeopleCapability.IMPORT_PEOPLE
    label = "import job"

    def no_longer_allowed(self, job: ImportJob) -> str:
        return _("%(user)s may no longer import residents.") % {"user": job.created_by}

    def unexpected(self, job: ImportJob) -> str:
        return _(
            "The work stopped because of an unexpected error and nothing was written. Upload "
            "the file again; if it happens again, tell the administrator (import %(id)s)."
        ) % {"id": job.pk}

    def check(self, job: ImportJob, table: Table, progress: Progress) -> CheckResult:
        return ResidentImport(job.created_by).check(table, progress=progress)

    def apply(
        self, job: ImportJob, table: Table, progress: Progress
    ) -> tuple[CheckResult, WriteSummary | None]:
        return ResidentImport(job.created_by).import_table(
            table,
            only_valid=job.only_valid,
            filename=job.filename,
            job_id=job.pk,
            progress=progress,
        )

    def store(self, job: ImportJob, check: CheckResult) -> None:
        job.total_rows = check.total_rows
        job.error_rows = len(check.error_rows)
        job.valid_rows = check.total_rows - job.error_rows if not check.file_error else 0
        job.warning_count = check.warning_count
        job.problem_count = len(check.problems)
        job.problems = [p.as_list() for p in check.problems[:MAX_STORED_PROBLEMS]]

    def refusal(self, job: ImportJob, check: CheckResult) -> str | None:
        if check.file_error or job.valid_rows == 0:
            return _("Nothing in this file can be imported; see the problems.")
        return None

    def changed(self, job: ImportJob) -> str:
        return _(
            "The registry changed since the check and some rows now have errors; nothing "
            "was written. Review the problems below."
        )

    def done(self, job: ImportJob, summary: WriteSummary) -> str:
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
        return message


RESIDENTS = ResidentJobs()


def run_check(job_id: int) -> None:
    """The dry run: read and check every row, store the problems. Writes no resident."""
    jobs.run_check(RESIDENTS, job_id)


def run_import(job_id: int) -> None:
    """Check the file again and write it in one transaction (all or nothing by default)."""
    jobs.run_apply(RESIDENTS, job_id)
