"""Export the resident list the user is looking at (same filters) to .xlsx.

Up to `EXPORT_INLINE_LIMIT` rows the file is written within the request and downloaded at
once; a longer list becomes a background export job (`fangkong.people.export_jobs`) and the
user is sent to its progress page.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from fangkong.core.access import can, require
from fangkong.core.errors import DomainError
from fangkong.core.textfields import TextForm
from fangkong.people.capabilities import PeopleCapability

from .export_jobs import start_export
from .exporting import export_residents as write_export
from .exporting import filters_of
from .search import filtered_residents

#: longer lists are written in the background (a million rows take minutes)
EXPORT_INLINE_LIMIT = 20_000


class ExportForm(TextForm):
    reveal = forms.BooleanField(
        label=_("Export full document numbers and phone numbers (not masked)"), required=False
    )
    reason = forms.CharField(
        label=_("Reason for the export"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. door-to-door visit list for grid 3")}),
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("reveal") and len(str(data.get("reason") or "").strip()) < 2:
            self.add_error(
                "reason", _("Give the reason for exporting full document numbers and phones.")
            )
        return data


@login_required
@require_http_methods(["GET", "POST"])
def export_residents(request: HttpRequest) -> HttpResponseBase:
    user = require(request.user, PeopleCapability.EXPORT_PEOPLE)
    filter_form, qs = filtered_residents(user, request.GET)
    may_reveal = can(user, PeopleCapability.REVEAL_SENSITIVE)
    filters = filters_of(request.GET)
    form = ExportForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        reveal = form.cleaned_data["reveal"]
        if reveal and not may_reveal:
            raise PermissionDenied
        if qs[: EXPORT_INLINE_LIMIT + 1].count() > EXPORT_INLINE_LIMIT:
            try:
                job = start_export(
                    user,
                    query=request.GET.urlencode(),
                    reveal=reveal,
                    reason=form.cleaned_data["reason"],
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:  # the audit entry is written with the file
                return redirect("imports:export_detail", pk=job.pk)
        else:
            with tempfile.NamedTemporaryFile(suffix=".xlsx", delete=False) as tmp:
                path = Path(tmp.name)
            try:
                write_export(
                    user,
                    qs,
                    path,
                    filters=filters,
                    reveal=reveal,
                    reason=form.cleaned_data["reason"],
                )
                handle = path.open("rb")
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
                return FileResponse(handle, as_attachment=True, filename=f"居民名单-{stamp}.xlsx")
            finally:
                path.unlink(missing_ok=True)  # an open handle keeps the data until it is closed
    return render(
        request,
        "people/export_form.html",
        {
            "form": form,
            "filter_form": filter_form,
            "filters": filters,
            "query": request.GET.urlencode(),
            "count": qs.count(),
            "inline_limit": EXPORT_INLINE_LIMIT,
            "may_reveal": may_reveal,
        },
        status=422 if form.errors else 200,
    )
