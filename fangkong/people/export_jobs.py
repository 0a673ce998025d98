"""Exports too long for a request: queue one, write it in the background, let its creator
download it for a day.

The worker writes the file with `people.exporting`, the same rows, masking, formula
neutralisation and single audit entry as a direct download. The audit entry is written when
the file is finished, with the exact row count. At run time the worker scopes the filter
again to what the creator may see then, and checks again that they may still export (and
reveal, if asked): a job never holds more than its creator may see when it runs.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.core.files.storage import default_storage
from django.http import QueryDict
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from fangkong.core.access import require
from fangkong.core.errors import DomainError
from fangkong.core.models import User
from fangkong.people.capabilities import PeopleCapability

from .exporting import check_reveal, export_residents, filters_of
from .job_models import EXPORT_KEPT_FOR, ExportJob, ExportStatus, export_progress_file
from .search import filtered_residents

logger = logging.getLogger(__name__)


def start_export(user: User, *, query: str, reveal: bool, reason: str) -> ExportJob:
    """Queue the export of the user's list filtered by `query` (a query string)."""
    require(user, PeopleCapability.EXPORT_PEOPLE)
    reason = reason.strip()
    check_reveal(user, reveal=reveal, reason=reason)
    expire_old_exports()
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    job = ExportJob.objects.create(
        created_by=user,
        township_id=user.township_id,
        community_id=user.community_id,
        query=query,
        reveal=reveal,
        reason=reason[:200],
        language=translation.get_language() or settings.LANGUAGE_CODE,
        filename=f"居民名单-{stamp}.xlsx",
    )
    from .tasks import export_residents as export_task

    export_task.enqueue(job.pk)
    job.refresh_from_db()
    return job


def expire_old_exports() -> int:
    """Delete the files of exports finished more than `EXPORT_KEPT_FOR` ago."""
    cutoff = timezone.now() - EXPORT_KEPT_FOR
    jobs = ExportJob.objects.filter(status=ExportStatus.DONE, finished_at__lt=cutoff)
    n = 0
    for job in jobs:
        with translation.override(job.language or settings.LANGUAGE_CODE):
            _finish(
                job,
                ExportStatus.EXPIRED,
                _("The file was deleted %(hours)s hours after it was written.")
                % {"hours": int(EXPORT_KEPT_FOR.total_seconds() // 3600)},
            )
        n += 1
    return n


def run_export(job_id: int) -> None:
    """The background work: scope, check, write the file, record the export."""
    claimed = ExportJob.objects.filter(pk=job_id, status=ExportStatus.QUEUED).update(
        status=ExportStatus.RUNNING, processed_rows=0
    )
    if not claimed:
        return
    job = ExportJob.objects.select_related("created_by").get(pk=job_id)
    name = f"exports/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.xlsx"
    path = Path(default_storage.path(name))
    with translation.override(job.language or settings.LANGUAGE_CODE):
        try:
            rows = _write(job, path)
        except DomainError as exc:
            path.unlink(missing_ok=True)
            _finish(job, ExportStatus.FAILED, exc.message)
            return
        except Exception:
            logger.exception("export job %s failed", job_id)
            path.unlink(missing_ok=True)
            _finish(
                job,
                ExportStatus.FAILED,
                _(
                    "The export stopped because of an unexpected error. Start it again; if it "
                    "happens again, tell the administrator (export %(id)s)."
                )
                % {"id": job.pk},
            )
            return
        finally:
            export_progress_file(job).unlink(missing_ok=True)
        job.file.name = name
        job.total_rows = job.processed_rows = rows
        _finish(job, ExportStatus.DONE, "")


def _write(job: ExportJob, path: Path) -> int:
    user = job.created_by
    if not user.can(PeopleCapability.EXPORT_PEOPLE):
        raise DomainError(_("%(user)s may no longer export residents.") % {"user": user})
    params = QueryDict(job.query)
    _form, qs = filtered_residents(user, params)
    job.total_rows = qs.count()
    ExportJob.objects.filter(pk=job.pk).update(total_rows=job.total_rows)
    path.parent.mkdir(parents=True, exist_ok=True)
    return export_residents(
        user,
        qs,
        path,
        filters=filters_of(params),
        reveal=job.reveal,
        reason=job.reason,
        progress=_progress_outside_the_database(job),
    )


def _progress_outside_the_database(job: ExportJob) -> Callable[[int], None]:
    path = export_progress_file(job)
    path.parent.mkdir(parents=True, exist_ok=True)

    def progress(done: int) -> None:
        tmp = path.with_suffix(".tmp")
        tmp.write_text(str(done))
        tmp.replace(path)

    return progress


def _finish(job: ExportJob, status: str, message: str) -> None:
    if status != ExportStatus.DONE and job.file:
        try:
            job.file.delete(save=False)
        except OSError:
            logger.warning("export job %s: could not delete %s", job.pk, job.file.name)
        job.file = ""
    job.status = status
    job.message = message
    if status != ExportStatus.EXPIRED:
        job.finished_at = timezone.now()
    job.save()
