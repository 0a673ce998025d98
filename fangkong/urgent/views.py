"""Pages of urgent reports: the list (a community's own; the township's, every community,
the waiting ones first and the escalated highlighted), the form of a new report (empty, or
pre-filled from an index case, a positive pooled tube or a fever alert), one report with the
township's acknowledge and close.

Thin views: access (`require`, `get_for`), a form, one action, render or redirect.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from fangkong.core import confirmation
from fangkong.core.access import get_for, require
from fangkong.core.errors import DomainError
from fangkong.core.forms import add_domain_errors
from fangkong.core.models import Community, User

from . import actions, sources
from .capabilities import UrgentCapability
from .forms import AcknowledgeForm, CloseForm, FilterForm, ReportForm
from .models import UrgentReport

#: rows of the list
SHOWN = 200


def _filtered(user: User, data: Any, now: dt.datetime) -> tuple[Any, dict[str, Any]]:
    form = FilterForm(data)
    qs = UrgentReport.objects.visible_to(user)
    chosen: dict[str, Any] = {"show": "all"}
    if form.is_valid():
        d = form.cleaned_data
        if d["community"]:
            qs = qs.filter(community_id=d["community"])
            chosen["community"] = (
                Community.objects.in_jurisdiction(user).filter(pk=d["community"]).first()
            )
        if d["day"]:
            start = timezone.make_aware(dt.datetime.combine(d["day"], dt.time.min))
            qs = qs.filter(reported_at__gte=start, reported_at__lt=start + dt.timedelta(days=1))
            chosen["day"] = d["day"]
        show = d["show"] or "all"
        chosen["show"] = show
        if show == "open":
            qs = qs.open()
        elif show == "unacknowledged":
            qs = qs.unacknowledged()
        elif show == "escalated":
            qs = qs.was_escalated(now)
    return qs, chosen


@login_required
@require_GET
def report_list(request: HttpRequest) -> HttpResponse:
    user = require(request.user, UrgentCapability.VIEW_URGENT)
    now = timezone.now()
    qs, chosen = _filtered(user, request.GET, now)
    rows = [
        {"report": r, "escalated": r.is_escalated(now), "late": r.was_escalated(now)}
        for r in qs.waiting_first(now).select_related("community", "reported_by")[:SHOWN]
    ]
    return render(
        request,
        "urgent/list.html",
        {
            "rows": rows,
            "chosen": chosen,
            "waiting": UrgentReport.objects.visible_to(user).unacknowledged().count(),
            "escalated": UrgentReport.objects.visible_to(user).escalated(now).count(),
        },
    )


def _communities(user: User) -> Any:
    return Community.objects.in_jurisdiction(user).order_by("code")


@login_required
def report_new(request: HttpRequest) -> HttpResponse:
    user = require(request.user, UrgentCapability.REPORT_URGENT)
    communities = _communities(user)
    source = None
    if request.GET.get("source"):
        source = sources.prefill(user, request.GET["source"], request.GET.get("id"))
    initial: dict[str, Any] = {"occurred_at": timezone.localtime().replace(second=0, microsecond=0)}
    if source is not None:
        initial.update(
            category=source.category,
            what=source.what,
            place=source.place,
            occurred_at=timezone.localtime(source.occurred_at).replace(second=0, microsecond=0),
            people=source.people,
        )
        if source.community_id and communities.filter(pk=source.community_id).exists():
            initial["community"] = source.community_id
    form = ReportForm(request.POST or None, initial=initial, communities=communities)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            try:
                made = actions.report(
                    user,
                    d["community"],
                    category=d["category"],
                    what=d["what"],
                    place=d["place"],
                    occurred_at=d["occurred_at"],
                    people=d["people"],
                    source_kind=source.kind if source else "",
                    source_id=source.id if source else None,
                    source_label=source.label if source else "",
                )
            except DomainError as exc:
                add_domain_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("The report was sent to the township at %(time)s.")
                    % {"time": timezone.localtime(made.reported_at).strftime("%H:%M")},
                )
                return redirect("urgent:detail", pk=made.pk)
        status = 422
    return render(
        request,
        "urgent/new.html",
        {"form": form, "source": source, "action": request.get_full_path()},
        status=status,
    )


def _detail(
    request: HttpRequest, item: UrgentReport, status: int = 200, **forms: Any
) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    now = timezone.now()
    return render(
        request,
        "urgent/detail.html",
        {
            "item": item,
            "escalated": item.is_escalated(now),
            "late": item.was_escalated(now),
            "may_handle": actions.may_acknowledge(user, item),
            "source_url": sources.source_url(item.source_kind, item.source_id),
            "ack_form": forms.get("ack_form") or AcknowledgeForm(),
            "close_form": forms.get("close_form") or CloseForm(),
            "error": forms.get("error", ""),
        },
        status=status,
    )


def _report(request: HttpRequest, pk: int, *, write: str | None = None) -> UrgentReport:
    require(request.user, UrgentCapability.VIEW_URGENT)
    return get_for(
        request.user,
        UrgentReport,
        write=write,
        queryset=UrgentReport.objects.select_related(
            "community", "reported_by", "acknowledged_by", "closed_by"
        ),
        pk=pk,
    )


@login_required
@require_GET
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _report(request, pk))


@login_required
@require_POST
def report_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    item = _report(request, pk, write=UrgentCapability.ACKNOWLEDGE_URGENT)
    user = require(request.user, UrgentCapability.ACKNOWLEDGE_URGENT)
    form = AcknowledgeForm(request.POST)
    if not form.is_valid():
        return _detail(request, item, 422, ack_form=form)
    if not confirmation.confirmed(request):
        return confirmation.ask(
            request,
            title=_("Acknowledge the report"),
            says=_("Acknowledge the urgent report #%(id)s of %(community)s? It cannot be undone.")
            % {"id": item.pk, "community": item.community},
            button=_("Acknowledge"),
            back=reverse("urgent:detail", args=[item.pk]),
            danger=False,
        )
    try:
        actions.acknowledge(user, item, note=form.cleaned_data["note"])
    except DomainError as exc:
        return _detail(request, item, 422, error=exc.message)
    messages.success(request, _("The report was acknowledged."))
    return redirect("urgent:detail", pk=item.pk)


@login_required
@require_POST
def report_close(request: HttpRequest, pk: int) -> HttpResponse:
    item = _report(request, pk, write=UrgentCapability.ACKNOWLEDGE_URGENT)
    user = require(request.user, UrgentCapability.ACKNOWLEDGE_URGENT)
    form = CloseForm(request.POST)
    if not form.is_valid():
        return _detail(request, item, 422, close_form=form)
    if not confirmation.confirmed(request):
        return confirmation.ask(
            request,
            title=_("Close the report"),
            says=_("Close the urgent report #%(id)s of %(community)s? It cannot be reopened.")
            % {"id": item.pk, "community": item.community},
            button=_("Close the report"),
            back=reverse("urgent:detail", args=[item.pk]),
        )
    try:
        actions.close(user, item, outcome=form.cleaned_data["outcome"])
    except DomainError as exc:
        return _detail(request, item, 422, error=exc.message)
    messages.success(request, _("The report was closed."))
    return redirect("urgent:detail", pk=item.pk)
