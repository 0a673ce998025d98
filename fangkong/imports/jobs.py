"""The life of an uploaded spreadsheet job, whatever it imports (residents, lab results).

A job model carries the upload and its progress (`ImportJob`, `quarantine.LabImportJob`:
created_by, township, community, filename, size, language, file, status, total/processed
rows, message, updated_at, finished_at). These steps are the same for every kind; each kind's
actions module adds what its rows mean.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from pathlib import Path
from typing import Any, TypeVar

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from fangkong.core.access import require
from fangkong.core.errors import DomainError
from fangkong.core.models import User
from fangkong.core.roles import Capability
from fangkong.core.spreadsheets import SpreadsheetError, Table, check_size, read_table, sniff

from .models import FINISHED, JobStatus, UploadJob

logger = logging.getLogger(__name__)

J = TypeVar("J", bound=models.Model)
U = TypeVar("U", bound=UploadJob)

#: a checked file nobody confirmed is dropped after this long
STALE_AFTER = dt.timedelta(days=2)


def store_upload(
    model: type[J], user: User, upload: UploadedFile, capability: Capability, **fields: Any
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
        job: Any = model(
            **{"township_id": user.township_id, "community_id": user.community_id, **fields},
            created_by=user,
            filename=name[:200],
            size=upload.size or 0,
            language=translation.get_language() or settings.LANGUAGE_CODE,
        )
        job.file.save(f"{uuid.uuid4().hex}{Path(name).suffix.lower()}", upload, save=False)
        job.save()
    return job  # type: ignore[no-any-return]


def expire_stale(model: type[models.Model]) -> None:
    """Cancel the checked jobs nobody confirmed within STALE_AFTER (and delete their files)."""
    cutoff = timezone.now() - STALE_AFTER
    for job in model._default_manager.filter(status=JobStatus.CHECKED, updated_at__lt=cutoff):
        finish(job, JobStatus.CANCELLED, _("Nobody confirmed the import; the file was removed."))


def claim(model: type[models.Model], job_id: int, expected: str, status: str) -> bool:
    """Move the job from `expected` to `status`, unless someone else already did."""
    return bool(
        model._default_manager.filter(pk=job_id, status=expected).update(
            status=status, processed_rows=0, updated_at=timezone.now()
        )
    )


def read_upload(job: Any, capability: Capability, no_longer_allowed: str) -> Table:
    """The job's file as a table, if its owner still holds `capability` (else
    SpreadsheetError(`no_longer_allowed`)); records the row count on the job."""
    user = job.created_by
    if not user.can(capability):
        raise SpreadsheetError(no_longer_allowed)
    if not job.file:
        raise SpreadsheetError(_("The uploaded file is no longer available; upload it again."))
    table = read_table(
        job.file.path, filename=job.filename, max_bytes=settings.FANGKONG_MAX_UPLOAD_BYTES
    )
    job.total_rows = table.row_count
    type(job)._default_manager.filter(pk=job.pk).update(total_rows=table.row_count)
    return table


def finish(job: Any, status: str, message: str) -> None:
    """End the job and delete its file: an upload is kept no longer than its job runs."""
    assert status in FINISHED
    if job.file:
        try:
            job.file.delete(save=False)
        except OSError:
            logger.warning("%s %s: could not delete %s", job._meta.label, job.pk, job.file.name)
    job.file = ""
    job.status = status
    job.message = message
    job.finished_at = job.updated_at = timezone.now()
    job.save()


def cancel(job: U, user: User, capability: Capability) -> U:
    """Cancel a job still waiting (queued, or checked and waiting for confirmation) on the
    user's word; its file goes with it. A running or finished job is refused."""
    require(user, capability)
    if job.status not in (JobStatus.CHECKED, JobStatus.QUEUED):
        raise DomainError(_("Only a file waiting for confirmation can be cancelled."))
    finish(job, JobStatus.CANCELLED, _("Cancelled by %(user)s.") % {"user": user})
    return job
