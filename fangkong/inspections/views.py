"""Pages of inspections (issue 14 item 7): the rounds, a round with its checklist and
findings, a finding with its rectification and verification, the findings to rectify
(overdue first), commendations and penalties.

Thin views: access (`require`, `get_for`), a form, one action, render or redirect.
"""

from __future__ import annotations

import mimetypes
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from fangkong.closure.actions import check_photo_size
from fangkong.core import confirmation
from fangkong.core.access import get_for, require
from fangkong.core.errors import DomainError
from fangkong.core.forms import add_domain_errors
from fangkong.core.models import Community, User
from fangkong.core.paging import page_of
from fangkong.core.scoping import jurisdiction_level

from . import actions
from .capabilities import InspectionCapability
from .forms import ChecksForm, FindingForm, MeritForm, RectifyForm, StartForm, VerifyForm
from .models import Finding, FindingStatus, Inspection, Merit


def _communities(user: User) -> QuerySet[Community]:
    return Community.objects.in_jurisdiction(user).order_by("sort_key", "id")


def _owners(community_id: int) -> QuerySet[User]:
    """Who may be made to rectify a finding: the community's own staff."""
    return User.objects.filter(
        is_active=True, is_superuser=False, community_id=community_id
    ).order_by("display_name", "username")


def _photo_bytes(upload: Any) -> bytes | None:
    if not upload:
        return None
    check_photo_size(upload.size or 0)
    data: bytes = upload.read()
    return data


@login_required
@require_GET
def inspection_list(request: HttpRequest) -> HttpResponse:
    user = require(request.user, InspectionCapability.VIEW_INSPECTIONS)
    qs = (
        Inspection.objects.visible_to(user)
        .select_related("community", "led_by")
        .annotate(
            n_findings=Count("findings", distinct=True),
            n_open=Count(
                "findings",
                filter=~Q(findings__status=FindingStatus.CLOSED),
                distinct=True,
            ),
        )
        .order_by("-on", "-id")
    )
    page = page_of(qs, request.GET.get("page"), per_page=30)
    today = timezone.localdate()
    return render(
        request,
        "inspections/list.html",
        {
            "page": page,
            "overdue": Finding.objects.visible_to(user).overdue(today).count(),
            "mine": Finding.objects.visible_to(user)
            .filter(owner=user, status=FindingStatus.OPEN)
            .count(),
        },
    )


@login_required
def inspection_new(request: HttpRequest) -> HttpResponse:
    user = require(request.user, InspectionCapability.INSPECT)
    communities = _communities(user)
    follows = None
    if request.GET.get("follows"):
        follows = get_for(user, Inspection, pk=request.GET["follows"])
    initial: dict[str, Any] = {}
    if follows is not None:
        initial = {
            "community": follows.community_id,
            "by": follows.by,
            "inspectors": follows.inspectors,
        }
    elif jurisdiction_level(user) == "township" or user.is_superuser:
        initial = {"by": "township"}
    form = StartForm(request.POST or None, initial=initial, communities=communities)
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            try:
                made = actions.start(
                    user,
                    d["community"],
                    kind=d["by"],
                    on=d["on"],
                    inspectors=d["inspectors"],
                    note=d["note"],
                    follows=follows,
                )
            except DomainError as exc:
                add_domain_errors(form, exc)
            else:
                messages.success(request, _("The inspection was started."))
                return redirect("inspections:detail", pk=made.pk)
        return render(
            request, "inspections/new.html", {"form": form, "follows": follows}, status=422
        )
    return render(request, "inspections/new.html", {"form": form, "follows": follows})


def _inspection(request: HttpRequest, pk: int) -> Inspection:
    require(request.user, InspectionCapability.VIEW_INSPECTIONS)
    return get_for(
        request.user,
        Inspection,
        queryset=Inspection.objects.select_related("community", "led_by", "policy", "follows"),
        pk=pk,
    )


def _detail(
    request: HttpRequest, item: Inspection, status: int = 200, **forms: Any
) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    checks = list(item.checks.all())
    may = actions.may_inspect(user, item) and item.finished_at is None
    findings = list(item.findings.select_related("owner").order_by("id"))
    today = timezone.localdate()
    return render(
        request,
        "inspections/detail.html",
        {
            "item": item,
            "checks": checks,
            "may_inspect": may,
            "may_reinspect": actions.may_inspect(user, item) and item.finished_at is not None,
            "findings": [{"f": f, "overdue": f.is_overdue(today)} for f in findings],
            "checks_form": forms.get("checks_form") or ChecksForm(checks=checks),
            "finding_form": forms.get("finding_form")
            or FindingForm(checks=checks, owners=_owners(item.community_id)),
            "error": forms.get("error", ""),
        },
        status=status,
    )


@login_required
@require_GET
def inspection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _inspection(request, pk))


@login_required
@require_POST
def inspection_checks(request: HttpRequest, pk: int) -> HttpResponse:
    item = _inspection(request, pk)
    user = require(request.user, InspectionCapability.INSPECT)
    checks = list(item.checks.all())
    form = ChecksForm(request.POST, checks=checks)
    if not form.is_valid():
        return _detail(request, item, 422, checks_form=form)
    try:
        for check in checks:
            actions.record_check(
                user,
                item,
                item=check.item,
                result=form.cleaned_data[f"result_{check.item}"],
                note=form.cleaned_data[f"note_{check.item}"],
            )
    except DomainError as exc:
        return _detail(request, item, 422, checks_form=form, error=exc.message)
    messages.success(request, _("The checklist was saved."))
    return redirect("inspections:detail", pk=item.pk)


@login_required
@require_POST
def finding_new(request: HttpRequest, pk: int) -> HttpResponse:
    item = _inspection(request, pk)
    user = require(request.user, InspectionCapability.INSPECT)
    form = FindingForm(
        request.POST,
        request.FILES,
        checks=list(item.checks.all()),
        owners=_owners(item.community_id),
    )
    if form.is_valid():
        d = form.cleaned_data
        try:
            actions.add_finding(
                user,
                item,
                item=d["item"],
                what=d["what"],
                place=d["place"],
                owner=d["owner"],
                deadline=d["deadline"],
                photo=_photo_bytes(d["photo"]),
            )
        except DomainError as exc:
            add_domain_errors(form, exc)
        else:
            messages.success(request, _("The finding was recorded."))
            return redirect("inspections:detail", pk=item.pk)
    return _detail(request, item, 422, finding_form=form)


@login_required
@require_POST
def inspection_finish(request: HttpRequest, pk: int) -> HttpResponse:
    item = _inspection(request, pk)
    user = require(request.user, InspectionCapability.INSPECT)
    if not confirmation.confirmed(request):
        return confirmation.ask(
            request,
            title=_("Finish the inspection"),
            says=_(
                "Finish the inspection of %(community)s on %(day)s? Its checklist and findings "
                "can no longer be changed; the findings stay open until rectified."
            )
            % {"community": item.community.name, "day": item.on.isoformat()},
            button=_("Finish the inspection"),
            back=reverse("inspections:detail", args=[item.pk]),
        )
    try:
        actions.finish(user, item)
    except DomainError as exc:
        return _detail(request, item, 422, error=exc.message)
    messages.success(request, _("The inspection was finished."))
    return redirect("inspections:detail", pk=item.pk)


FINDING_SHOWS = ("open", "overdue", "mine", "rectified", "all")


@login_required
@require_GET
def finding_list(request: HttpRequest) -> HttpResponse:
    user = require(request.user, InspectionCapability.VIEW_INSPECTIONS)
    today = timezone.localdate()
    show = request.GET.get("show", "open")
    if show not in FINDING_SHOWS:
        show = "open"
    qs = Finding.objects.visible_to(user)
    if request.GET.get("community", "").isdigit():
        qs = qs.filter(community_id=int(request.GET["community"]))
    if show == "open":
        qs = qs.unresolved()
    elif show == "overdue":
        qs = qs.overdue(today)
    elif show == "mine":
        qs = qs.filter(owner=user).unresolved()
    elif show == "rectified":
        qs = qs.filter(status=FindingStatus.RECTIFIED)
    qs = qs.select_related("community", "owner", "inspection").order_by("deadline", "id")
    page = page_of(qs, request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "inspections/findings.html",
        {
            "show": show,
            "page": page,
            "rows": [{"f": f, "overdue": f.is_overdue(today)} for f in page.items],
            "filter_query": params.urlencode(),
        },
    )


def _finding(request: HttpRequest, pk: int) -> Finding:
    require(request.user, InspectionCapability.VIEW_INSPECTIONS)
    return get_for(
        request.user,
        Finding,
        queryset=Finding.objects.select_related(
            "community", "inspection", "owner", "rectified_by", "verified_by", "created_by", "task"
        ),
        pk=pk,
    )


def _finding_page(
    request: HttpRequest, finding: Finding, status: int = 200, **forms: Any
) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    return render(
        request,
        "inspections/finding.html",
        {
            "f": finding,
            "overdue": finding.is_overdue(),
            "may_rectify": finding.status == FindingStatus.OPEN
            and actions.may_rectify(user, finding),
            "may_verify": finding.status == FindingStatus.RECTIFIED
            and actions.may_inspect(user, finding),
            "rectify_form": forms.get("rectify_form") or RectifyForm(),
            "verify_form": forms.get("verify_form") or VerifyForm(),
            "merits": list(finding.merits.all()),
        },
        status=status,
    )


@login_required
@require_GET
def finding_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _finding_page(request, _finding(request, pk))


@login_required
@require_POST
def finding_rectify(request: HttpRequest, pk: int) -> HttpResponse:
    finding = _finding(request, pk)
    user = request.user
    assert isinstance(user, User)
    form = RectifyForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            actions.rectify(
                user,
                finding,
                evidence=form.cleaned_data["evidence"],
                photo=_photo_bytes(form.cleaned_data["photo"]),
            )
        except DomainError as exc:
            add_domain_errors(form, exc)
        else:
            messages.success(
                request, _("The rectification was recorded; the inspector verifies it.")
            )
            return redirect("inspections:finding", pk=finding.pk)
    return _finding_page(request, finding, 422, rectify_form=form)


@login_required
@require_POST
def finding_verify(request: HttpRequest, pk: int) -> HttpResponse:
    finding = _finding(request, pk)
    user = require(request.user, InspectionCapability.INSPECT)
    form = VerifyForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            actions.verify(
                user,
                finding,
                accepted=d["accepted"],
                note=d["note"],
                new_deadline=d["new_deadline"],
            )
        except DomainError as exc:
            add_domain_errors(form, exc)
        else:
            messages.success(
                request,
                _("The finding was closed.")
                if d["accepted"]
                else _("The finding was sent back with a new deadline."),
            )
            return redirect("inspections:finding", pk=finding.pk)
    return _finding_page(request, finding, 422, verify_form=form)


@login_required
@require_GET
def finding_photo(request: HttpRequest, pk: int, which: str) -> FileResponse:
    """The finding's photo or the rectification's, to whoever may see the finding."""
    finding = _finding(request, pk)
    if which not in ("found", "evidence"):
        raise Http404
    stored = finding.photo if which == "found" else finding.evidence_file
    if not stored:
        raise Http404
    try:
        handle = stored.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    content_type = mimetypes.guess_type(stored.name or "")[0] or "application/octet-stream"
    response = FileResponse(handle, content_type=content_type)
    response["Cache-Control"] = "private, max-age=300"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_GET
def merit_list(request: HttpRequest) -> HttpResponse:
    user = require(request.user, InspectionCapability.VIEW_INSPECTIONS)
    qs = Merit.objects.visible_to(user).select_related("community", "recorded_by")
    kind = request.GET.get("kind", "")
    if kind in ("commendation", "penalty"):
        qs = qs.filter(kind=kind)
    page = page_of(qs.order_by("-decided_on", "-id"), request.GET.get("page"))
    return render(request, "inspections/merits.html", {"page": page, "kind": kind})


@login_required
def merit_new(request: HttpRequest) -> HttpResponse:
    user = require(request.user, InspectionCapability.DECIDE_MERITS)
    township = user.is_superuser or jurisdiction_level(user) == "township"
    finding = None
    if request.GET.get("finding"):
        finding = get_for(user, Finding, pk=request.GET["finding"])
    initial: dict[str, Any] = {}
    if finding is not None:
        initial = {"community": finding.community_id, "reason": finding.what}
    form = MeritForm(
        request.POST or None,
        initial=initial,
        communities=_communities(user),
        township=township,
    )
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            township_id = d["community"].township_id if d["community"] else (user.township_id or 0)
            try:
                actions.record_merit(
                    user,
                    township_id=township_id,
                    community=d["community"],
                    kind=d["kind"],
                    subject_kind=d["subject_kind"],
                    subject=d["subject"],
                    reason=d["reason"],
                    decision=d["decision"],
                    decided_on=d["decided_on"],
                    finding=finding,
                )
            except DomainError as exc:
                add_domain_errors(form, exc)
            else:
                messages.success(request, _("The decision was recorded."))
                return redirect("inspections:merits")
        return render(
            request, "inspections/merit_new.html", {"form": form, "finding": finding}, status=422
        )
    return render(request, "inspections/merit_new.html", {"form": form, "finding": finding})
