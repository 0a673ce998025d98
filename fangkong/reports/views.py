"""Pages of the daily report (plan 四(二)).

The community's office: its report of a day, computed from the records, each figure a link
to the list behind it; correct a figure with a reason; submit it (a zero report when there
is no case). The township: the day's completeness (on time, late, missing, returned), totals
and differences from yesterday, return a report, remind a community, approve the
consolidated report; the history of a figure over a period. Exports: .xlsx and A4 print.

Thin views: access (`require`, `get_for`, `covers`), a form, one action, render or redirect.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fangkong.core import charts, confirmation
from fangkong.core.access import get_for, require
from fangkong.core.days import EARLIEST, month_day
from fangkong.core.errors import DomainError
from fangkong.core.forms import add_domain_errors
from fangkong.core.models import Community, Township, User
from fangkong.core.paging import page_of
from fangkong.core.registry import LineList, line_lists
from fangkong.core.scoping import jurisdiction_level
from fangkong.people import linelists
from fangkong.people.capabilities import PeopleCapability

from . import actions, board, exports, figures, records
from .capabilities import ReportCapability
from .forms import (
    ApproveForm,
    CorrectionForm,
    LineListForm,
    PeriodForm,
    ReturnForm,
    SubmitForm,
)
from .history import figure_history
from .models import DailyReport, Reminder, ReportStatus


def _day(text: str) -> dt.date:
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise Http404 from None
    if day > timezone.localdate() or day < EARLIEST:
        raise Http404
    return day


def _community(user: User, pk: int) -> Community:
    return get_for(user, Community, pk=pk)


def _township_of(user: User, request: HttpRequest) -> Township:
    """The township whose day the user reviews: their own (a superuser picks one)."""
    if user.is_superuser:
        pk = (
            request.POST.get("township")
            or request.GET.get("township")
            or Township.objects.order_by("pk").values_list("pk", flat=True).first()
        )
        if pk is None:
            raise Http404
        return get_for(user, Township, pk=pk)
    if user.township_id is None:
        raise Http404
    return get_for(user, Township, pk=user.township_id)


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    user = require(request.user, ReportCapability.VIEW_DAILY_REPORTS)
    today = timezone.localdate()
    if user.can(ReportCapability.REVIEW_DAILY_REPORTS) and (
        user.is_superuser or jurisdiction_level(user) == "township"
    ):
        return redirect("reports:township_day", day=today.isoformat())
    community = Community.objects.visible_to(user).order_by("sort_key", "id").first()
    if community is None:
        raise Http404
    return redirect("reports:community_day", pk=community.pk, day=today.isoformat())


def _report_of(community: Community, day: dt.date) -> board.CommunityDay:
    return board.community_day(community, day, actions.deadline_of(community.township_id, day))


def _community_context(user: User, community: Community, day: dt.date) -> dict[str, Any]:
    data = _report_of(community, day)
    reminders = (
        list(Reminder.objects.filter(report=data.report, seen_at__isnull=True).select_related("by"))
        if data.report
        else []
    )
    return {
        "data": data,
        "community": community,
        "day": day,
        "today": timezone.localdate(),
        "previous": day - dt.timedelta(days=1),
        "next": day + dt.timedelta(days=1) if day < timezone.localdate() else None,
        "may_prepare": actions.may_prepare(user, community) and not data.locked,
        "may_review": actions.is_reviewer_of(user, community.township_id),
        "reminders": reminders,
        "submit_form": SubmitForm(initial={"zero_report": False}),
    }


@login_required
@require_GET
def community_day(request: HttpRequest, pk: int, day: str) -> HttpResponse:
    user = require(request.user, ReportCapability.VIEW_DAILY_REPORTS)
    community = _community(user, pk)
    return render(
        request,
        "reports/community_day.html",
        _community_context(user, community, _day(day)),
    )


@login_required
@require_GET
def figure_records(request: HttpRequest, pk: int, day: str, key: str) -> HttpResponse:
    """The records behind one figure of the community's day, masked like a line list."""
    user = require(request.user, ReportCapability.VIEW_DAILY_REPORTS)
    community = _community(user, pk)
    the_day = _day(day)
    found = records.figure_list(user, key, community.pk, the_day)
    if found is None:
        url = figures.layout().link(key, community.pk, the_day)
        if not url:
            raise Http404
        return redirect(url)
    page = page_of(found.rows, request.GET.get("page"))
    rows = [
        [
            (column.header, linelists.cell(column, value, False))
            for column, value in zip(found.columns, row, strict=True)
        ]
        for row in page.items
    ]
    return render(
        request,
        "reports/figure_records.html",
        {
            "community": community,
            "day": the_day,
            "found": found,
            "page": page,
            "rows": rows,
            "computed": _report_of(community, the_day).computed.get(key, 0),
        },
    )


@login_required
def correct(request: HttpRequest, pk: int, day: str, key: str) -> HttpResponse:
    user = require(request.user, ReportCapability.PREPARE_DAILY_REPORTS)
    community = _community(user, pk)
    the_day = _day(day)
    layout = figures.layout()
    if key not in layout.keys:
        raise Http404
    back = reverse("reports:community_day", kwargs={"pk": pk, "day": the_day.isoformat()})
    computed = figures.compute(the_day, [community.pk])[community.pk][key]
    form = CorrectionForm(request.POST or None, initial={"value": computed})
    if request.method == "POST" and form.is_valid():
        try:
            actions.correct(
                user,
                community,
                the_day,
                key=key,
                value=form.cleaned_data["value"],
                reason=form.cleaned_data["reason"],
            )
        except DomainError as exc:
            add_domain_errors(form, exc)
        else:
            messages.success(request, _("The figure is corrected; the computed one is kept."))
            return redirect(back)
    return render(
        request,
        "reports/correct.html",
        {
            "form": form,
            "community": community,
            "day": the_day,
            "label": layout.label(key),
            "computed": computed,
            "back": back,
        },
    )


@login_required
@require_POST
def uncorrect(request: HttpRequest, pk: int, day: str, key: str) -> HttpResponse:
    user = require(request.user, ReportCapability.PREPARE_DAILY_REPORTS)
    community = _community(user, pk)
    the_day = _day(day)
    try:
        actions.remove_correction(user, community, the_day, key=key)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The correction is withdrawn: the computed figure stands."))
    return redirect("reports:community_day", pk=pk, day=the_day.isoformat())


@login_required
@require_POST
def submit(request: HttpRequest, pk: int, day: str) -> HttpResponse:
    user = require(request.user, ReportCapability.PREPARE_DAILY_REPORTS)
    community = _community(user, pk)
    the_day = _day(day)
    back = reverse("reports:community_day", kwargs={"pk": pk, "day": the_day.isoformat()})
    form = SubmitForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
        return redirect(back)
    zero = form.cleaned_data["zero_report"]
    if not confirmation.confirmed(request):
        return confirmation.ask(
            request,
            title=_("Submit the daily report"),
            says=_(
                "The report of %(community)s for %(day)s goes to the township%(zero)s. Once "
                "submitted it is locked: only the township can return it for correction."
            )
            % {
                "community": community.name,
                "day": month_day(the_day),
                "zero": _(" as 无病例零报告") if zero else "",
            },
            button=_("Submit"),
            back=back,
            danger=False,
        )
    try:
        actions.submit(user, community, the_day, zero_report=zero, note=form.cleaned_data["note"])
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The report is submitted to the township."))
    return redirect(back)


@login_required
@require_GET
def community_print(request: HttpRequest, pk: int, day: str) -> HttpResponse:
    user = require(request.user, ReportCapability.VIEW_DAILY_REPORTS)
    community = _community(user, pk)
    the_day = _day(day)
    data = _report_of(community, the_day)
    return render(
        request,
        "reports/community_print.html",
        {"data": data, "community": community, "day": the_day, "printed_at": timezone.now()},
    )


def _file(path: Path, name: str) -> FileResponse:
    handle = path.open("rb")
    path.unlink(missing_ok=True)  # the open handle keeps the data until it is closed
    return FileResponse(handle, as_attachment=True, filename=name)


def _temp() -> Path:
    with tempfile.NamedTemporaryFile(suffix=".xlsx", delete=False) as tmp:
        return Path(tmp.name)


@login_required
@require_GET
def community_xlsx(request: HttpRequest, pk: int, day: str) -> HttpResponseBase:
    user = require(request.user, ReportCapability.VIEW_DAILY_REPORTS)
    community = _community(user, pk)
    the_day = _day(day)
    data = _report_of(community, the_day)
    path = _temp()
    exports.community_xlsx(user, data, path)
    return _file(path, f"疫情防控日报-{community.name}-{the_day:%Y%m%d}.xlsx")


# --- the township -------------------------------------------------------------------------


def _township_context(user: User, township: Township, day: dt.date) -> dict[str, Any]:
    data = board.township_day(township, day, actions.deadline_of(township.pk, day))
    return {
        "data": data,
        "day": day,
        "today": timezone.localdate(),
        "previous": day - dt.timedelta(days=1),
        "next": day + dt.timedelta(days=1) if day < timezone.localdate() else None,
        "may_review": actions.is_reviewer_of(user, township.pk),
        "approve_form": ApproveForm(),
    }


@login_required
@require_GET
def township_day(request: HttpRequest, day: str) -> HttpResponse:
    user = require(request.user, ReportCapability.REVIEW_DAILY_REPORTS)
    township = _township_of(user, request)
    return render(
        request, "reports/township_day.html", _township_context(user, township, _day(day))
    )


@login_required
@require_GET
def township_print(request: HttpRequest, day: str) -> HttpResponse:
    user = require(request.user, ReportCapability.REVIEW_DAILY_REPORTS)
    township = _township_of(user, request)
    context = _township_context(user, township, _day(day))
    context["printed_at"] = timezone.now()
    return render(request, "reports/township_print.html", context)


@login_required
@require_GET
def township_xlsx(request: HttpRequest, day: str) -> HttpResponseBase:
    user = require(request.user, ReportCapability.REVIEW_DAILY_REPORTS)
    township = _township_of(user, request)
    the_day = _day(day)
    data = board.township_day(township, the_day, actions.deadline_of(township.pk, the_day))
    path = _temp()
    exports.township_xlsx(user, data, path)
    return _file(path, f"疫情防控日报汇总-{township.name}-{the_day:%Y%m%d}.xlsx")


@login_required
def return_report(request: HttpRequest, pk: int) -> HttpResponse:
    user = require(request.user, ReportCapability.REVIEW_DAILY_REPORTS)
    report = get_for(user, DailyReport, pk=pk)
    back = reverse("reports:township_day", kwargs={"day": report.date.isoformat()})
    form = ReturnForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.return_report(user, report, comment=form.cleaned_data["comment"])
        except DomainError as exc:
            add_domain_errors(form, exc)
        else:
            messages.success(
                request,
                _("The report of %(community)s is returned for correction.")
                % {"community": report.community.name},
            )
            return redirect(back)
    return render(request, "reports/return.html", {"form": form, "report": report, "back": back})


@login_required
@require_POST
def remind(request: HttpRequest, pk: int, day: str) -> HttpResponse:
    user = require(request.user, ReportCapability.REVIEW_DAILY_REPORTS)
    community = _community(user, pk)
    the_day = _day(day)
    try:
        actions.remind(user, community, the_day)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("%(community)s is reminded to submit its report.") % {"community": community.name},
        )
    return redirect("reports:township_day", day=the_day.isoformat())


@login_required
@require_POST
def approve(request: HttpRequest, day: str) -> HttpResponse:
    user = require(request.user, ReportCapability.REVIEW_DAILY_REPORTS)
    township = _township_of(user, request)
    the_day = _day(day)
    back = reverse("reports:township_day", kwargs={"day": the_day.isoformat()})
    form = ApproveForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
        return redirect(back)
    if not confirmation.confirmed(request):
        return confirmation.ask(
            request,
            title=_("Approve the consolidated report"),
            says=_(
                "The consolidated report of %(township)s for %(day)s is approved with the "
                "reports received; they are locked for good and a community that has not "
                "reported is named in it."
            )
            % {"township": township.name, "day": month_day(the_day)},
            button=_("Approve"),
            back=back,
            danger=False,
        )
    try:
        actions.approve(user, township, the_day, note=form.cleaned_data["note"])
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The consolidated report is approved."))
    return redirect(back)


@login_required
@require_GET
def history(request: HttpRequest, key: str) -> HttpResponse:
    """One figure over a period: the township's total of each day's reports received, and
    the community's own when one is chosen (or the user belongs to one)."""
    user = require(request.user, ReportCapability.VIEW_DAILY_REPORTS)
    layout = figures.layout()
    if key not in layout.keys:
        raise Http404
    form = PeriodForm(request.GET or None)
    today = timezone.localdate()
    start, end = today - dt.timedelta(days=13), today
    if form.is_valid():
        start = form.cleaned_data["start"] or start
        end = min(form.cleaned_data["end"] or end, today)
    if start > end or (end - start).days > 366 or start < EARLIEST:
        start = max(end - dt.timedelta(days=13), EARLIEST)
    community = None
    if request.GET.get("community"):
        try:
            community = _community(user, int(request.GET["community"]))
        except ValueError:
            raise Http404 from None
    rows = figure_history(user, key, start, end, community)
    chart = charts.Chart(
        title=layout.label(key),
        categories=tuple(p.day.strftime("%m-%d") for p in rows),
        series=(charts.Series(layout.label(key), tuple(p.value for p in rows)),),
        kind=charts.LINE,
    )
    return render(
        request,
        "reports/history.html",
        {
            "form": form,
            "key": key,
            "label": layout.label(key),
            "rows": rows,
            "community": community,
            "start": start,
            "end": end,
            "status_submitted": ReportStatus.SUBMITTED,
            "chart": mark_safe(charts.svg(chart, element_id="history-chart")),
        },
    )


# --- line lists ----------------------------------------------------------------------------


def _line_lists(user: User) -> dict[str, LineList]:
    if not user.can(PeopleCapability.EXPORT_PEOPLE):
        return {}
    return {r.name: r.item for r in line_lists.registered() if user.can(r.item.capability)}


@login_required
@require_http_methods(["GET", "POST"])
def line_list_export(request: HttpRequest) -> HttpResponseBase:
    """Line lists (returnees, cases, tests, alerts, gate entries, deliveries) of a period to
    .xlsx, under the resident export's rules: masked unless revealed with a reason, audited."""
    user = require(request.user, PeopleCapability.EXPORT_PEOPLE)
    found = _line_lists(user)
    if not found:
        raise PermissionDenied
    today = timezone.localdate()
    may_reveal = user.can(PeopleCapability.REVEAL_SENSITIVE)
    form = LineListForm(
        request.POST if request.method == "POST" else None,
        choices=[(name, str(ll.title)) for name, ll in found.items()],
        may_reveal=may_reveal,
        initial={"start": today - dt.timedelta(days=6), "end": today},
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        reveal = bool(d.get("reveal"))
        line_list = found[d["name"]]
        start = max(d["start"], EARLIEST)
        path = _temp()
        try:
            linelists.write(
                user,
                line_list,
                path,
                start=start,
                end=max(min(d["end"], today), start),
                reveal=reveal,
                reason=d.get("reason", ""),
            )
        except DomainError as exc:
            path.unlink(missing_ok=True)
            add_domain_errors(form, exc)
        else:
            name = f"{line_list.title}-{start:%Y%m%d}-{d['end']:%Y%m%d}.xlsx"
            return _file(path, name)
    return render(
        request,
        "reports/line_lists.html",
        {"form": form, "may_reveal": may_reveal},
        status=422 if form.errors else 200,
    )
