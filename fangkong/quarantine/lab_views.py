"""Lab import pages: upload, the check's progress and unmatched rows, confirm, cancel, the
template. Every view needs `QuarantineCapability.RECORD_TESTS`; a job outside the user's
jurisdiction is 404."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_POST

from fangkong.core.access import get_for, require
from fangkong.core.errors import DomainError
from fangkong.core.paging import page_of
from fangkong.core.rendering import page_or_partial
from fangkong.core.spreadsheets import file_size
from fangkong.core.uploads import SizeLimitHandler
from fangkong.quarantine.capabilities import QuarantineCapability

from . import lab_jobs
from .forms import LabConfirmForm, LabUploadForm
from .lab_import import write_problems, write_template
from .models import LabImportJob

#: rows of the unmatched list shown on the page (the rest are in the download)
SHOWN_PROBLEMS = 500


def _jobs(request: HttpRequest, form: LabUploadForm, **extra: object) -> dict[str, object]:
    jobs = LabImportJob.objects.visible_to(request.user).select_related("created_by")
    return {
        "form": form,
        "page": page_of(jobs, request.GET.get("page"), per_page=20),
        "max_megabytes": settings.FANGKONG_MAX_UPLOAD_BYTES // (1024 * 1024),
        **extra,
    }


@login_required
@require_GET
def lab_list(request: HttpRequest) -> HttpResponse:
    require(request.user, QuarantineCapability.RECORD_TESTS)
    return render(request, "quarantine/lab_list.html", _jobs(request, LabUploadForm()))


@csrf_exempt
@login_required
@require_POST
def lab_upload(request: HttpRequest) -> HttpResponse:
    # The size limit must be in place before anything reads the body, the CSRF check included.
    request.upload_handlers.insert(0, SizeLimitHandler(request, settings.FANGKONG_MAX_UPLOAD_BYTES))
    return _upload(request)


@csrf_protect
def _upload(request: HttpRequest) -> HttpResponse:
    user = require(request.user, QuarantineCapability.RECORD_TESTS)
    form = LabUploadForm(request.POST, request.FILES)
    size_error = ""
    if getattr(request, "upload_too_large", False):
        size = int(request.META.get("CONTENT_LENGTH") or 0)
        size_error = _(
            "The file is %(size)s; files up to %(max)s are accepted. Split it into smaller "
            "files and upload them one by one."
        ) % {"size": file_size(size), "max": file_size(settings.FANGKONG_MAX_UPLOAD_BYTES)}
        form = LabUploadForm()
    elif form.is_valid():
        try:
            job = lab_jobs.start_lab_import(user, form.cleaned_data["file"])
        except DomainError as exc:
            form.add_error("file", exc.message)
        else:
            return redirect("quarantine:lab_detail", pk=job.pk)
    return render(
        request,
        "quarantine/lab_list.html",
        _jobs(request, form, size_error=size_error),
        status=422,
    )


def _job_context(job: LabImportJob, form: LabConfirmForm) -> dict[str, object]:
    return {
        "job": job,
        "form": form,
        "problems": job.problems[:SHOWN_PROBLEMS],
        "more_problems": max(job.unmatched_rows - SHOWN_PROBLEMS, 0),
    }


@login_required
@require_GET
def lab_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, QuarantineCapability.RECORD_TESTS)
    job = get_for(
        request.user,
        LabImportJob,
        pk=pk,
        queryset=LabImportJob.objects.select_related("created_by"),
    )
    return page_or_partial(
        request, "quarantine/lab_detail.html", "status", _job_context(job, LabConfirmForm())
    )


@login_required
@require_POST
def lab_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    user = require(request.user, QuarantineCapability.RECORD_TESTS)
    job = get_for(user, LabImportJob, pk=pk)
    form = LabConfirmForm(request.POST)
    if form.is_valid():
        try:
            lab_jobs.confirm_lab_import(
                user, job, skip_unmatched=form.cleaned_data["skip_unmatched"]
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            return redirect("quarantine:lab_detail", pk=job.pk)
    return render(request, "quarantine/lab_detail.html", _job_context(job, form), status=422)


@login_required
@require_POST
def lab_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    user = require(request.user, QuarantineCapability.RECORD_TESTS)
    job = get_for(user, LabImportJob, pk=pk)
    try:
        lab_jobs.cancel_lab_import(user, job)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The import was cancelled and the file deleted."))
    return redirect("quarantine:lab_detail", pk=job.pk)


@login_required
@require_GET
def lab_template(request: HttpRequest) -> FileResponse:
    require(request.user, QuarantineCapability.RECORD_TESTS)
    return _xlsx_response(write_template, "检测结果导入模板.xlsx")


@login_required
@require_GET
def lab_problems(request: HttpRequest, pk: int) -> FileResponse:
    user = require(request.user, QuarantineCapability.RECORD_TESTS)
    job = get_for(user, LabImportJob, pk=pk)
    stamp = timezone.localtime().strftime("%Y%m%d")
    return _xlsx_response(
        lambda path: write_problems(path, job.problems), f"未匹配-{job.pk}-{stamp}.xlsx"
    )


def _xlsx_response(write: Callable[[Path], None], filename: str) -> FileResponse:
    with tempfile.NamedTemporaryFile(suffix=".xlsx", delete=False) as tmp:
        path = Path(tmp.name)
    try:
        write(path)
        handle = path.open("rb")
    finally:
        path.unlink(missing_ok=True)  # the open handle keeps the data until it is closed
    return FileResponse(handle, as_attachment=True, filename=filename)
