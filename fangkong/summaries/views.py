"""Pages of the period summary (F18) and of aftercare: the summary of a period for the user's
jurisdiction (page, A4 print, .docx), the township's assessment, and the records of visits
to patients' families and of decontamination."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from fangkong.core import audit, charts
from fangkong.core.access import can, require
from fangkong.core.days import EARLIEST
from fangkong.core.errors import DomainError
from fangkong.core.forms import add_domain_errors
from fangkong.core.models import AuditAction, Community, User
from fangkong.quarantine.models import IndexCase

from . import actions, document, summary
from .capabilities import SummaryCapability
from .forms import AssessmentForm, DecontaminationForm, PeriodForm, VisitForm
from .models import Decontamination, FamilyVisit

#: the longest period summarised, in days
MAX_DAYS = 366


def _period(request: HttpRequest) -> tuple[PeriodForm, dt.date, dt.date]:
    today = timezone.localdate()
    start, end = today - dt.timedelta(days=13), today
    form = PeriodForm(request.GET or None, initial={"start": start, "end": end})
    if request.GET and form.is_valid():
        end = max(min(form.cleaned_data["end"], today), EARLIEST)
        start = min(max(form.cleaned_data["start"], EARLIEST), end)
        if (end - start).days >= MAX_DAYS:
            start = end - dt.timedelta(days=MAX_DAYS - 1)
    return form, start, end


def _title(user: User, data: summary.Summary) -> str:
    place = data.scope
    communities = list(Community.objects.visible_to(user)[:2])
    if len(communities) == 1:
        place = communities[0].name
    return _("Epidemic report of %(place)s") % {"place": place}


def _context(user: User, data: summary.Summary) -> dict[str, Any]:
    return {
        "data": data,
        "title": _title(user, data),
        "charts": [
            {
                "chart": c,
                "svg": mark_safe(charts.svg(c)),
                "legend": [(s.name, c.colour(i)) for i, s in enumerate(c.series)],
            }
            for c in data.charts
        ],
        "may_assess": can(user, SummaryCapability.WRITE_ASSESSMENT) and data.township is not None,
    }


@login_required
@require_GET
def period_summary(request: HttpRequest) -> HttpResponse:
    user = require(request.user, SummaryCapability.VIEW_SUMMARIES)
    form, start, end = _period(request)
    data = summary.build(user, start, end)
    context = _context(user, data)
    context["form"] = form
    context["assessment_form"] = AssessmentForm(
        initial={"text": data.assessment.text if data.assessment else ""}
    )
    context["query"] = f"start={start.isoformat()}&end={end.isoformat()}"
    return render(request, "summaries/summary.html", context)


@login_required
@require_GET
def summary_print(request: HttpRequest) -> HttpResponse:
    user = require(request.user, SummaryCapability.VIEW_SUMMARIES)
    _form, start, end = _period(request)
    context = _context(user, summary.build(user, start, end))
    context["printed_at"] = timezone.now()
    return render(request, "summaries/print.html", context)


@login_required
@require_GET
def summary_docx(request: HttpRequest) -> HttpResponse:
    user = require(request.user, SummaryCapability.VIEW_SUMMARIES)
    _form, start, end = _period(request)
    data = summary.build(user, start, end)
    title = _title(user, data)
    body = document.write(data, title)
    audit.record(
        user,
        AuditAction.EXPORT,
        target_type="summaries.assessment",
        target_repr=title,
        changes={"date": f"{start.isoformat()} – {end.isoformat()}"},
    )
    response = HttpResponse(
        body,
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    name = f"{title}-{start:%Y%m%d}-{end:%Y%m%d}.docx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


@login_required
@require_POST
def assess(request: HttpRequest) -> HttpResponse:
    user = require(request.user, SummaryCapability.WRITE_ASSESSMENT)
    form = PeriodForm(request.POST)
    text_form = AssessmentForm(request.POST)
    if not (form.is_valid() and text_form.is_valid()):
        messages.error(request, _("Write the assessment and give the period."))
        return redirect(reverse("summaries:summary") + "?" + request.POST.urlencode())
    start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    if start < EARLIEST or end > timezone.localdate() or (end - start).days >= MAX_DAYS:
        messages.error(request, _("Choose a period of at most a year, up to today."))
        return redirect("summaries:summary")
    data = summary.build(user, start, end)
    try:
        if data.township is None:
            raise DomainError(_("Only the township writes the assessment of a period."))
        actions.write_assessment(
            user, data.township, start=start, end=end, text=text_form.cleaned_data["text"]
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The assessment is saved."))
    return redirect(
        reverse("summaries:summary") + f"?start={start.isoformat()}&end={end.isoformat()}"
    )


@login_required
def aftercare(request: HttpRequest) -> HttpResponse:
    """Visits to patients' families and decontaminations: the lists and a form for each."""
    user = require(request.user, SummaryCapability.RECORD_AFTERCARE)
    cases = IndexCase.objects.visible_to(user).order_by("-reported_on", "-id")
    communities = Community.objects.visible_to(user).order_by("sort_key", "id")
    kind = request.POST.get("kind") if request.method == "POST" else None
    visit_form = VisitForm(
        request.POST if kind == "visit" else None,
        cases=cases,
        communities=communities,
        initial={"visited_on": timezone.localdate(), "community": communities.first()},
        prefix="visit",
    )
    clean_form = DecontaminationForm(
        request.POST if kind == "decontamination" else None,
        cases=cases,
        communities=communities,
        initial={"done_on": timezone.localdate(), "community": communities.first()},
        prefix="clean",
    )
    if kind == "visit" and visit_form.is_valid():
        d = visit_form.cleaned_data
        try:
            actions.record_visit(
                user,
                d["index_case"],
                community=d["community"],
                visited_on=d["visited_on"],
                done=d["done"],
                needs=d["needs"],
            )
        except DomainError as exc:
            add_domain_errors(visit_form, exc)
        else:
            messages.success(request, _("The visit is recorded."))
            return redirect("summaries:aftercare")
    if kind == "decontamination" and clean_form.is_valid():
        d = clean_form.cleaned_data
        try:
            actions.record_decontamination(
                user,
                community=d["community"],
                place=d["place"],
                done_on=d["done_on"],
                agent=d["agent"],
                note=d["note"],
                index_case=d["index_case"],
            )
        except DomainError as exc:
            add_domain_errors(clean_form, exc)
        else:
            messages.success(request, _("The decontamination is recorded."))
            return redirect("summaries:aftercare")
    return render(
        request,
        "summaries/aftercare.html",
        {
            "visit_form": visit_form,
            "clean_form": clean_form,
            "visits": FamilyVisit.objects.visible_to(user).select_related(
                "community", "index_case", "by"
            )[:50],
            "decontaminations": Decontamination.objects.visible_to(user).select_related(
                "community", "by"
            )[:50],
        },
    )
