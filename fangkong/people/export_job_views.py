"""Export job pages: the progress of a long export, then its download.

An export job is its creator's alone: anyone else, whatever their jurisdiction, gets 404.
The export is audited when its file is written; downloading it records nothing more.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from fangkong.core.access import get_for, require
from fangkong.core.models import User
from fangkong.core.rendering import page_or_partial
from fangkong.people.capabilities import PeopleCapability

from . import export_jobs as exports
from .job_models import ExportJob, ExportStatus


def _own_job(user: User, pk: int) -> ExportJob:
    exports.expire_old_exports()
    return get_for(user, ExportJob, pk=pk, created_by=user)


@login_required
@require_GET
def export_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = require(request.user, PeopleCapability.EXPORT_PEOPLE)
    job = _own_job(user, pk)
    return page_or_partial(request, "imports/export_detail.html", "status", {"job": job})


@login_required
@require_GET
def export_download(request: HttpRequest, pk: int) -> FileResponse:
    user = require(request.user, PeopleCapability.EXPORT_PEOPLE)
    job = _own_job(user, pk)
    if job.status != ExportStatus.DONE or not job.file:
        raise Http404
    try:
        handle = job.file.open("rb")
    except OSError as exc:
        raise Http404 from exc
    return FileResponse(handle, as_attachment=True, filename=job.filename)
