"""Import pages: upload, the check's progress and problems, confirm, cancel, the template.

Every view needs `PeopleCapability.IMPORT_PEOPLE`; a job outside the user's jurisdiction is 404.
"""

from __future__ import annotations

import tempfile
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
from fangkong.core.spreadsheets import XlsxStream, file_size
from fangkong.core.uploads import SizeLimitHandler
from fangkong.people.capabilities import PeopleCapability

from . import import_jobs as actions
from .import_forms import ConfirmForm, UploadForm
from .importing.template import write_template
from .job_models import ImportJob


@login_required
@require_GET
def job_list(request: HttpRequest) -> HttpResponse:
    user = require(request.user, PeopleCapability.IMPORT_PEOPLE)
    jobs = ImportJob.objects.visible_to(user).select_related("created_by")
    return render(
        request,
        "imports/job_list.html",
        {"form": UploadForm(), "page": page_of(jobs, request.GET.get("page"), per_page=20)},
    )


@csrf_exempt
@login_required
@require_POST
def upload(request: HttpRequest) -> HttpResponse:
    # The size limit must be in place before anything reads the body, the CSRF check included.
    request.upload_handlers.insert(0, SizeLimitHandler(request, settings.FANGKONG_MAX_UPLOAD_BYTES))
    return _upload(request)


@csrf_protect
def _upload(request: HttpRequest) -> HttpResponse:
    user = require(request.user, PeopleCapability.IMPORT_PEOPLE)
    form = UploadForm(request.POST, request.FILES)
    size_error = ""
    if getattr(request, "upload_too_large", False):
        # Refused while it arrived: nothing of it was stored or parsed.
        size = int(request.META.get("CONTENT_LENGTH") or 0)
        size_error = _(
            "The file is %(size)s; files up to %(max)s are accepted. Split it into smaller "
            "files and upload them one by one."
        ) % {
            "size": file_size(size),
            "max": file_size(settings.FANGKONG_MAX_UPLOAD_BYTES),
        }
        form = UploadForm()
    elif form.is_valid():
        try:
            job = actions.start_import(user, form.cleaned_data["file"])
        except DomainError as exc:
            form.add_error("file", exc.message)
        else:
            return redirect("imports:job_detail", pk=job.pk)
    jobs = ImportJob.objects.visible_to(user).select_related("created_by")
    return render(
        request,
        "imports/job_list.html",
        {"form": form, "size_error": size_error, "page": page_of(jobs, None, per_page=20)},
        status=422,
    )


@login_required
@require_GET
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = require(request.user, PeopleCapability.IMPORT_PEOPLE)
    job = get_for(user, ImportJob, pk=pk)
    return page_or_partial(
        request, "imports/job_detail.html", "status", _job_context(job, ConfirmForm())
    )


@login_required
@require_POST
def job_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    user = require(request.user, PeopleCapability.IMPORT_PEOPLE)
    job = get_for(user, ImportJob, pk=pk)
    form = ConfirmForm(request.POST)
    if form.is_valid():
        try:
            actions.confirm_import(user, job, only_valid=form.cleaned_data["only_valid"])
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            return redirect("imports:job_detail", pk=job.pk)
    return render(request, "imports/job_detail.html", _job_context(job, form), status=422)


@login_required
@require_POST
def job_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    user = require(request.user, PeopleCapability.IMPORT_PEOPLE)
    job = get_for(user, ImportJob, pk=pk)
    try:
        actions.cancel_import(user, job)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The import was cancelled and the file deleted."))
    return redirect("imports:job_detail", pk=job.pk)


@login_required
@require_GET
def template_download(request: HttpRequest) -> FileResponse:
    require(request.user, PeopleCapability.IMPORT_PEOPLE)
    return _xlsx_response(write_template, "居民导入模板.xlsx")


@login_required
@require_GET
def problems_download(request: HttpRequest, pk: int) -> FileResponse:
    user = require(request.user, PeopleCapability.IMPORT_PEOPLE)
    job = get_for(user, ImportJob, pk=pk)

    def write(path: Path) -> None:
        book = XlsxStream(path)
        book.add_sheet(
            "问题",
            [str(_("Row")), str(_("Column")), str(_("Problem")), str(_("Kind"))],
            [8, 16, 90, 10],
        )
        for row, column, message, warning in job.problems:
            book.write_row([row or "", column, message, _("Warning") if warning else _("Error")])
        book.close()

    stamp = timezone.localtime().strftime("%Y%m%d")
    return _xlsx_response(write, f"导入问题-{job.pk}-{stamp}.xlsx")


def _xlsx_response(write, filename: str) -> FileResponse:  # type: ignore[no-untyped-def]
    with tempfile.NamedTemporaryFile(suffix=".xlsx", delete=False) as tmp:
        path = Path(tmp.name)
    try:
        write(path)
        handle = path.open("rb")
    finally:
        path.unlink(missing_ok=True)  # the open handle keeps the data until it is closed
    return FileResponse(handle, as_attachment=True, filename=filename)


def _job_context(job: ImportJob, form: ConfirmForm) -> dict[str, object]:
    errors = [p for p in job.problems if not p[3]]
    warnings = [p for p in job.problems if p[3]]
    return {
        "job": job,
        "form": form,
        "errors": errors[:500],
        "warnings": warnings[:200],
        "more_problems": job.problem_count - min(len(errors), 500) - min(len(warnings), 200),
    }
