"""The audit log, for township administrators."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import NoReverseMatch, reverse

from ..access import require
from ..changes import describe_entries, record_type_label
from ..forms import (
    AuditFilterForm,
)
from ..models import AuditEntry
from ..paging import page_of
from ..rendering import page_or_partial
from ..roles import CoreCapability

TARGET_URLS = {
    "people.resident": "people:resident_detail",
    "people.household": "people:household_detail",
    "core.user": "core:staff_edit",
    "core.grid": "core:grid_detail",
    "core.building": "core:building_detail",
}


def target_url(entry: AuditEntry) -> str:
    name = TARGET_URLS.get(entry.target_type)
    if not name or not entry.target_id.isdigit():
        return ""
    try:
        return reverse(name, args=[int(entry.target_id)])
    except NoReverseMatch:
        return ""


@login_required
def audit_list(request: HttpRequest) -> HttpResponse:
    user = require(request.user, CoreCapability.VIEW_AUDIT)
    form = AuditFilterForm(request.GET or None, user=user)
    qs = form.apply(AuditEntry.objects.visible_to(user)).order_by("-at", "-id")
    page = page_of(qs, request.GET.get("page"), per_page=50)
    params = request.GET.copy()
    params.pop("page", None)
    entries = list(page.items)
    rows = [
        (e, changes, target_url(e), record_type_label(e.target_type))
        for e, changes in zip(entries, describe_entries(entries), strict=True)
    ]
    context = {"form": form, "page": page, "rows": rows, "filter_query": params.urlencode()}
    return page_or_partial(request, "core/audit_list.html", "results", context)
