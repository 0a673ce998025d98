"""Pages of returnee screening: the list, registering an arrival, a registration with its
decision, confirming a self-registration, the police officer's refusals, the grid's QR code
and the public self-registration page it leads to.

Each staff view opens with an access helper (`require`, `get_for`, `visible_to`), binds a
form, calls an action and renders or redirects. The public page needs no account: the grid
comes from the unguessable token in its address, and submissions are rate-limited per client
address (`core.ratelimit`).
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Case, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fangkong.core import ratelimit
from fangkong.core.access import can, get_for, require
from fangkong.core.errors import DomainError
from fangkong.core.forms import add_domain_errors
from fangkong.core.masking import mask_document, mask_phone
from fangkong.core.models import Grid, User
from fangkong.core.paging import page_of
from fangkong.core.qrcodes import qr_svg
from fangkong.core.roles import Role
from fangkong.people.capabilities import PeopleCapability
from fangkong.people.models import Household, Resident
from fangkong.people.search import filtered_residents
from fangkong.policy.capabilities import PolicyCapability
from fangkong.policy.rules import DEFAULT_RULES
from fangkong.policy.versions import in_force
from fangkong.quarantine.capabilities import QuarantineCapability
from fangkong.quarantine.models import Case as QuarantineCase
from fangkong.quarantine.models import IndexCase
from fangkong.screening.capabilities import ScreeningCapability

from . import actions
from .forms import (
    ConfirmForm,
    HandleRefusalForm,
    RefusalForm,
    RegistrationFilterForm,
    RejectForm,
    SelfRegistrationForm,
    StaffTravelForm,
    TestResultForm,
    add_errors,
    stay_formset,
    stays_of,
    with_more_rows,
)
from .models import (
    ArrivalTest,
    Refusal,
    RefusalStatus,
    Registration,
    RegistrationLink,
    RegistrationStatus,
)

PER_PAGE = 50
#: grids whose QR codes one page shows at once
QR_PER_PAGE = 12


def _symptoms(township_id: int | None) -> tuple[str, ...]:
    """The symptom list of the policy in force (the default one when none is)."""
    try:
        return in_force(township_id, timezone.localdate()).as_rules().symptoms
    except DomainError:
        return DEFAULT_RULES.symptoms


# --- the list ---------------------------------------------------------------------------------


@login_required
def registration_list(request: HttpRequest) -> HttpResponse:
    user = require(request.user, PolicyCapability.VIEW_CASES)
    grids = Grid.objects.visible_to(user).select_related("community")
    form = RegistrationFilterForm(request.GET or None, grids=grids)
    qs = form.apply(Registration.objects.visible_to(user))
    # Waiting self-registrations first: they are the grid worker's work.
    qs = (
        qs.annotate(
            waiting=Case(
                When(status=RegistrationStatus.PENDING, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .select_related("resident", "grid", "policy__township")
        .prefetch_related("stays")
        .order_by("waiting", "-arrival_date", "-id")
    )
    page = page_of(qs, request.GET.get("page"), per_page=PER_PAGE)
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "screening/registration_list.html",
        {"form": form, "page": page, "filter_query": params.urlencode()},
    )


# --- registering an arrival (staff) ---------------------------------------------------------


@login_required
def registration_create(request: HttpRequest) -> HttpResponse:
    """Register an arrival for a resident: first find the resident, then the journey."""
    user = require(request.user, ScreeningCapability.SCREEN_RETURNEES)
    params = request.POST if request.method == "POST" else request.GET
    if not params.get("resident"):
        search, found = filtered_residents(user, {"q": request.GET.get("q", "")})
        results = (
            list(found.filter(merged_into__isnull=True).select_related("household", "grid")[:20])
            if request.GET.get("q")
            else []
        )
        return render(
            request,
            "screening/registration_find.html",
            {"search": search, "results": results, "q": request.GET.get("q", "")},
        )
    resident = get_for(
        user,
        Resident,
        pk=params["resident"],
        write=ScreeningCapability.SCREEN_RETURNEES,
        queryset=Resident.objects.select_related("household", "grid"),
    )
    symptoms = _symptoms(resident.township_id)
    status = 200
    if request.method == "POST" and "add_row" not in request.POST:
        form = StaffTravelForm(request.POST, symptoms=symptoms)
        formset = stay_formset(request.POST)
        if form.is_valid() and formset.is_valid():
            try:
                reg = actions.register_returnee(
                    user, form.arrival(stays_of(formset)), resident=resident
                )
            except DomainError as exc:
                add_errors(form, formset, exc)
            else:
                messages.success(request, _("The arrival was registered and decided."))
                return redirect("screening:registration_detail", pk=reg.pk)
        status = 422
    elif request.method == "POST":
        data = with_more_rows(request.POST)
        form = StaffTravelForm(data, symptoms=symptoms)
        form.errors.clear()  # adding a row is not a submission: show no errors yet
        formset = stay_formset(data)
    else:
        form = StaffTravelForm(symptoms=symptoms)
        formset = stay_formset()
    return render(
        request,
        "screening/registration_form.html",
        {"form": form, "formset": formset, "resident": resident},
        status=status,
    )


# --- one registration ---------------------------------------------------------------------


def _registration_queryset() -> QuerySet[Registration]:
    return (
        Registration.objects.select_related(
            "resident__household",
            "grid__community",
            "policy__township",
            "confirmed_by",
            "created_by",
            "rejected_by",
        )
        .prefetch_related(
            "stays",
            "observations",
            # one Prefetch a call: the stubs type each call's lookups as one kind of queryset
        )
        .prefetch_related(Prefetch("cases", queryset=QuarantineCase.objects.order_by("-id")))
        .prefetch_related(
            Prefetch("refusals", queryset=Refusal.objects.select_related("recorded_by"))
        )
    )


def _sensitive(reg: Registration, revealed: dict[str, str]) -> list[dict[str, Any]]:
    rows = []
    for field, label, masked in (
        ("claimed_doc_number", _("ID number given"), mask_document(reg.claimed_doc_number)),
        ("claimed_phone", _("Phone given"), mask_phone(reg.claimed_phone)),
        ("contact_phone", _("Contact phone"), mask_phone(reg.contact_phone)),
    ):
        if getattr(reg, field):
            rows.append(
                {"field": field, "label": label, "masked": masked, "full": revealed.get(field)}
            )
    return rows


def _detail_context(request: HttpRequest, reg: Registration, **extra: Any) -> dict[str, Any]:
    task = ArrivalTest.objects.filter(registration=reg).select_related("recorded_by").first()
    revealed = extra.pop("revealed", {})
    return {
        "reg": reg,
        "stays": list(reg.stays.all()),
        "observations": list(reg.observations.all()),
        "cases": list(reg.cases.all()),
        "task": task,
        "task_overdue": bool(task and not task.result and task.due_at < timezone.now()),
        "refusals": list(reg.refusals.all()),
        "sensitive": _sensitive(reg, revealed),
        "test_form": extra.pop("test_form", None) or TestResultForm(),
        "refusal_form": extra.pop("refusal_form", None) or RefusalForm(),
        "reject_form": extra.pop("reject_form", None) or RejectForm(),
        "may_screen": can(request.user, ScreeningCapability.SCREEN_RETURNEES),
        "may_record_tests": can(request.user, QuarantineCapability.RECORD_TESTS),
        "may_reveal": can(request.user, PeopleCapability.REVEAL_SENSITIVE),
        **extra,
    }


@login_required
def registration_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, PolicyCapability.VIEW_CASES)
    reg = get_for(request.user, Registration, pk=pk, queryset=_registration_queryset())
    return render(request, "screening/registration_detail.html", _detail_context(request, reg))


@login_required
@require_POST
def registration_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, PolicyCapability.VIEW_CASES)
    reg = get_for(
        request.user,
        Registration,
        pk=pk,
        write=PeopleCapability.REVEAL_SENSITIVE,
        queryset=_registration_queryset(),
    )
    user = require(request.user, PeopleCapability.REVEAL_SENSITIVE)
    field = request.POST.get("field", "")
    try:
        value = actions.reveal(user, reg, field=field, reason=request.POST.get("reason", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
        context = _detail_context(request, reg)
        return render(request, "screening/registration_detail.html", context, status=422)
    context = _detail_context(request, reg, revealed={field: value})
    return render(request, "screening/registration_detail.html", context)


def _candidates(user: User, reg: Registration) -> QuerySet[Resident]:
    """Residents the self-registration may be about: same ID number, or same name or phone."""
    match = Q(name=reg.claimed_name)
    if reg.claimed_doc_number:
        match |= Q(doc_number=reg.claimed_doc_number)  # through the blind index
    if reg.claimed_phone:
        match |= Q(phone=reg.claimed_phone)
    ids = list(
        Resident.objects.visible_to(user).active().filter(match).values_list("pk", flat=True)[:20]
    )
    return (
        Resident.objects.filter(pk__in=ids)
        .select_related("household")
        .annotate(
            same_document=Case(
                When(doc_number=reg.claimed_doc_number or "\0", then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("same_document", "name", "id")
    )


@login_required
def registration_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm a self-registration against a resident (or a new one), then decide."""
    require(request.user, PolicyCapability.VIEW_CASES)
    reg = get_for(
        request.user,
        Registration,
        pk=pk,
        write=ScreeningCapability.SCREEN_RETURNEES,
        queryset=_registration_queryset(),
    )
    user = require(request.user, ScreeningCapability.SCREEN_RETURNEES)
    if reg.status != RegistrationStatus.PENDING:
        messages.info(request, _("This registration is no longer waiting for confirmation."))
        return redirect("screening:registration_detail", pk=reg.pk)
    households = Household.objects.visible_to(user).filter(grid_id=reg.grid_id).order_by("address")
    form = ConfirmForm(
        request.POST or None, candidates=_candidates(user, reg), households=households
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                actions.confirm_registration(
                    user,
                    reg,
                    resident=form.cleaned_data["resident"],
                    household=form.cleaned_data["household"],
                    relation=form.cleaned_data["relation"],
                )
            except DomainError as exc:
                add_domain_errors(form, exc)
            else:
                messages.success(request, _("The registration was confirmed and decided."))
                return redirect("screening:registration_detail", pk=reg.pk)
        status = 422
    return render(
        request,
        "screening/registration_confirm.html",
        {"reg": reg, "form": form, "stays": list(reg.stays.all())},
        status=status,
    )


@login_required
@require_POST
def registration_reject(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, PolicyCapability.VIEW_CASES)
    reg = get_for(
        request.user,
        Registration,
        pk=pk,
        write=ScreeningCapability.SCREEN_RETURNEES,
        queryset=_registration_queryset(),
    )
    user = require(request.user, ScreeningCapability.SCREEN_RETURNEES)
    form = RejectForm(request.POST)
    if form.is_valid():
        try:
            actions.reject_registration(user, reg, reason=form.cleaned_data["reason"])
        except DomainError as exc:
            add_domain_errors(form, exc)
        else:
            messages.success(request, _("The registration was rejected."))
            return redirect("screening:registration_detail", pk=reg.pk)
    context = _detail_context(request, reg, reject_form=form)
    return render(request, "screening/registration_detail.html", context, status=422)


@login_required
@require_POST
def test_result(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the result of the 24-hour test of a registration."""
    require(request.user, PolicyCapability.VIEW_CASES)
    reg = get_for(
        request.user,
        Registration,
        pk=pk,
        write=QuarantineCapability.RECORD_TESTS,
        queryset=_registration_queryset(),
    )
    user = require(request.user, QuarantineCapability.RECORD_TESTS)
    task = ArrivalTest.objects.filter(registration=reg).first()
    if task is None:
        raise Http404
    form = TestResultForm(request.POST)
    if form.is_valid():
        try:
            actions.record_test_task_result(user, task, result=form.cleaned_data["result"])
        except DomainError as exc:
            add_domain_errors(form, exc)
        else:
            if form.cleaned_data["result"] == "positive":
                messages.error(
                    request,
                    _(
                        "Positive result recorded. An index case was registered and the team "
                        "alerted: a medical institution collects the person at home; they must "
                        "not travel on their own. Register their close contacts on the index "
                        "case's page."
                    ),
                )
                index = IndexCase.objects.filter(resident=reg.resident_id).order_by("-pk").first()
                if index is not None:
                    return redirect("quarantine:index_detail", pk=index.pk)
            else:
                messages.success(request, _("The test result was recorded."))
            return redirect("screening:registration_detail", pk=reg.pk)
    context = _detail_context(request, reg, test_form=form)
    return render(request, "screening/registration_detail.html", context, status=422)


@login_required
@require_POST
def refusal_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Record that the person of a registration refused to report, be tested or observed."""
    require(request.user, PolicyCapability.VIEW_CASES)
    reg = get_for(
        request.user,
        Registration,
        pk=pk,
        write=ScreeningCapability.SCREEN_RETURNEES,
        queryset=_registration_queryset(),
    )
    user = require(request.user, ScreeningCapability.SCREEN_RETURNEES)
    form = RefusalForm(request.POST)
    if reg.resident is None:
        form.add_error(None, _("Confirm the registration first: the person is not known yet."))
    elif form.is_valid():
        try:
            actions.record_refusal(
                user,
                reg.resident,
                kind=form.cleaned_data["kind"],
                details=form.cleaned_data["details"],
                registration=reg,
            )
        except DomainError as exc:
            add_domain_errors(form, exc)
        else:
            messages.success(request, _("The refusal was recorded and referred to the police."))
            return redirect("screening:registration_detail", pk=reg.pk)
    context = _detail_context(request, reg, refusal_form=form)
    return render(request, "screening/registration_detail.html", context, status=422)


# --- refusals: the police officer's worklist ------------------------------------------------


def _refusal_queryset() -> QuerySet[Refusal]:
    return Refusal.objects.select_related(
        "resident__household", "grid__community", "recorded_by", "handled_by", "registration"
    )


@login_required
def refusal_list(request: HttpRequest) -> HttpResponse:
    user = require(request.user, ScreeningCapability.VIEW_REFERRALS)
    show = request.GET.get("status", RefusalStatus.REFERRED)
    qs = Refusal.objects.visible_to(user)
    if show in RefusalStatus.values:
        qs = qs.filter(status=show)
    qs = qs.select_related("resident", "grid").order_by("-recorded_at", "-id")
    page = page_of(qs, request.GET.get("page"), per_page=PER_PAGE)
    return render(
        request,
        "screening/refusal_list.html",
        {
            "page": page,
            "show": show,
            "statuses": RefusalStatus.choices,
            "filter_query": f"status={show}",
        },
    )


@login_required
def refusal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, ScreeningCapability.VIEW_REFERRALS)
    refusal = get_for(request.user, Refusal, pk=pk, queryset=_refusal_queryset())
    form = HandleRefusalForm(request.POST or None)
    status = 200
    if request.method == "POST":
        user = require(request.user, ScreeningCapability.VIEW_REFERRALS)
        if form.is_valid():
            try:
                actions.handle_refusal(user, refusal, notes=form.cleaned_data["notes"])
            except DomainError as exc:
                add_domain_errors(form, exc)
            else:
                messages.success(request, _("The referral was marked as handled."))
                return redirect("screening:refusal_detail", pk=refusal.pk)
        status = 422
    return render(
        request,
        "screening/refusal_detail.html",
        {
            "refusal": refusal,
            "form": form,
            "is_police": getattr(request.user, "role", "") == Role.POLICE_OFFICER,
        },
        status=status,
    )


# --- the grid's QR code ---------------------------------------------------------------------


@login_required
def qr_codes(request: HttpRequest) -> HttpResponse:
    """The printable QR code of each of the user's grids, leading to the public page."""
    user = require(request.user, ScreeningCapability.SCREEN_RETURNEES)
    grids = Grid.objects.visible_to(user).select_related("community").order_by("community_id", "id")
    if request.GET.get("grid"):
        grids = grids.filter(pk=request.GET["grid"])
    page = page_of(grids, request.GET.get("page"), per_page=QR_PER_PAGE)
    codes = []
    for grid in page.items:
        link = actions.live_link(user, grid)
        url = request.build_absolute_uri(reverse("screening:public_register", args=[link.token]))
        codes.append({"grid": grid, "url": url, "svg": qr_svg(url)})
    return render(request, "screening/qr_codes.html", {"codes": codes, "page": page})


@login_required
@require_POST
def qr_rotate(request: HttpRequest, grid_id: int) -> HttpResponse:
    require(request.user, ScreeningCapability.SCREEN_RETURNEES)
    grid = get_for(request.user, Grid, pk=grid_id, write=ScreeningCapability.SCREEN_RETURNEES)
    user = require(request.user, ScreeningCapability.SCREEN_RETURNEES)
    actions.rotate_link(user, grid)
    messages.success(
        request,
        _("A new QR code was made for %(grid)s; the old one no longer works.") % {"grid": grid},
    )
    return redirect(f"{reverse('screening:qr_codes')}?grid={grid.pk}")


# --- the public self-registration page -------------------------------------------------------


class _Limited(Exception):
    """Too many failed lookups from this address, or too many uses of this link."""


def _live_link(request: HttpRequest, token: str) -> RegistrationLink:
    """The grid's live link of `token`, the lookup counted (`ratelimit.refused_lookup`):
    404 for an unknown or revoked one, _Limited past the limits."""
    link = (
        RegistrationLink.objects.select_related("grid__community")
        .filter(token=token, revoked_at__isnull=True)
        .first()
    )
    if ratelimit.refused_lookup(request, "self-registration", token, found=link is not None):
        raise _Limited
    if link is None:
        raise Http404
    return link


def public_register(request: HttpRequest, token: str) -> HttpResponse:
    """The returnee's own page (no account), reached through the grid's QR code."""
    try:
        link = _live_link(request, token)
    except _Limited:
        return render(request, "health/report_limited.html", status=429)
    symptoms = _symptoms(link.grid.community.township_id)
    status = 200
    retry_at = None
    if request.method == "POST":
        # Only accepted registrations count against the address: a typo, an added travel row
        # or a refused submission does not, so a shared connection is not locked by mistakes.
        if "add_row" in request.POST:
            data = with_more_rows(request.POST)
            form = SelfRegistrationForm(data, symptoms=symptoms)
            form.errors.clear()
            formset = stay_formset(data)
        else:
            form = SelfRegistrationForm(request.POST, symptoms=symptoms)
            formset = stay_formset(request.POST)
            if form.is_valid() and formset.is_valid():
                data = form.cleaned_data
                rate = settings.FANGKONG_SELF_REGISTRATION_RATE
                window_end = ratelimit.take(request, "self-registration", rate)
                if window_end is not None:
                    # Refused, but what was typed stays on the page to send again later.
                    retry_at = _retry_at(window_end)
                else:
                    try:
                        actions.self_register(
                            link,
                            form.arrival(stays_of(formset)),
                            name=data["name"],
                            id_number=data["id_number"],
                            phone=data["phone"],
                            address=data["address"],
                            submitted_from=ratelimit.address_hash(request),
                        )
                    except DomainError as exc:
                        ratelimit.give_back(request, "self-registration", rate)
                        add_errors(form, formset, exc)
                    else:
                        return redirect("screening:public_thanks", token=link.token)
            status = 429 if retry_at is not None else 422
    else:
        form = SelfRegistrationForm(symptoms=symptoms)
        formset = stay_formset()
    return render(
        request,
        "screening/public_form.html",
        {"form": form, "formset": formset, "link": link, "retry_at": retry_at},
        status=status,
    )


def _retry_at(window_end: float) -> dict[str, object]:
    """When a refused address may send again: the local time and the minutes until then."""
    at = timezone.localtime(datetime.fromtimestamp(window_end, tz=UTC))
    minutes = max(1, math.ceil((window_end - timezone.now().timestamp()) / 60))
    return {"time": at, "minutes": minutes}


def public_thanks(request: HttpRequest, token: str) -> HttpResponse:
    try:
        link = _live_link(request, token)
    except _Limited:
        return render(request, "health/report_limited.html", status=429)
    return render(request, "screening/public_thanks.html", {"link": link})
