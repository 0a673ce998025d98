"""Pages of health monitoring: staff check-in entry, alerts, personal report links, and the
public report page a household opens from its link (no account).

Each staff view checks access (`require`, `get_for`, `visible_to`), binds a form, calls an
action and renders or redirects; htmx requests get the partial they swap, and every form
works without JavaScript. The public page is reached by its token alone: it shows and takes
readings only for the people of that link's household who are in quarantine.
"""

from __future__ import annotations

from typing import Any

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from fangkong.core import audit, ratelimit
from fangkong.core.access import can, get_for, require
from fangkong.core.errors import DomainError
from fangkong.core.masking import mask_name
from fangkong.core.models import AuditAction, Grid, User
from fangkong.core.paging import page_of
from fangkong.core.qrcodes import qr_svg
from fangkong.core.redirects import next_url
from fangkong.core.rendering import is_htmx
from fangkong.health.capabilities import HealthCapability
from fangkong.people.capabilities import PeopleCapability
from fangkong.people.models import Household, Resident
from fangkong.people.search import search_query
from fangkong.policy.capabilities import PolicyCapability
from fangkong.policy.versions import in_force
from fangkong.quarantine.capabilities import QuarantineCapability
from fangkong.quarantine.models import Case, CaseKind
from fangkong.screening import actions as screening
from fangkong.screening.models import RegistrationLink

from . import actions
from .actions import MONITORED_STATUSES
from .forms import (
    CheckInForm,
    CloseForm,
    ContactForm,
    ReviewForm,
    SymptomReportForm,
    add_domain_errors,
)
from .models import (
    ACTIVE_ALERT_STATUSES,
    Alert,
    AlertSource,
    AlertStatus,
    CheckIn,
    CheckInVia,
    ReportLink,
    ReviewDecision,
    ReviewStatus,
    SymptomReview,
)
from .monitoring import CaseToday, today_of
from .worklists import checks_per_day_of, missing_filter, url_or_blank, with_checks_done

PER_PAGE = 30


def _case_queryset() -> Any:
    return Case.objects.select_related("resident__household", "grid", "policy")


def _checkin_form(row: CaseToday, data: Any = None) -> CheckInForm:
    return CheckInForm(
        data, prefix=f"c{row.case.pk}", rules=row.rules, with_slot=True, per_day=row.per_day
    )


# ---- staff: quick entry ---------------------------------------------------------------------


@login_required
def checkin_list(request: HttpRequest) -> HttpResponse:
    """The user's people in quarantine with today's checks, and a form for each."""
    user = require(request.user, PolicyCapability.VIEW_CASES)
    today = timezone.localdate()
    monitored = Case.objects.visible_to(user).filter(status__in=MONITORED_STATUSES)
    cases: Any = with_checks_done(monitored, today)
    only_missing = request.GET.get("missing") == "1"
    if only_missing:
        per_day = checks_per_day_of(monitored.order_by().values("policy_id").distinct())
        cases = missing_filter(cases, per_day)
    cases = cases.select_related("resident", "grid", "policy").order_by(
        "done", "grid_id", "resident__name", "pk"
    )
    page = page_of(cases, request.GET.get("page"), per_page=PER_PAGE)
    rows = today_of(page.items, CheckIn.objects.visible_to(user), today)
    may_record = can(user, QuarantineCapability.MANAGE_CASES)
    context = {
        "page": page,
        "rows": [(row, _checkin_form(row) if may_record else None) for row in rows],
        "only_missing": only_missing,
        "filter_query": "missing=1" if only_missing else "",
        "today": today,
    }
    return render(request, "health/checkin_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def checkin_record(request: HttpRequest, case_id: int) -> HttpResponse:
    """One person's reading, entered by staff: from the quick-entry list, the case page, or
    this page itself (which also serves browsers without JavaScript)."""
    require(request.user, PolicyCapability.VIEW_CASES)
    case = get_for(
        request.user,
        Case,
        pk=case_id,
        write=QuarantineCapability.MANAGE_CASES,
        queryset=_case_queryset(),
    )
    user = require(request.user, QuarantineCapability.MANAGE_CASES)
    today = timezone.localdate()
    row = today_of([case], CheckIn.objects.visible_to(user), today)[0]
    origin = request.POST.get("origin", "")
    form = _checkin_form(row, request.POST if request.method == "POST" else None)
    saved: CheckIn | None = None
    created = True
    if request.method == "POST" and form.is_valid():
        values = form.values()
        try:
            saved, created = actions.check_in(
                case,
                case.resident,
                values["temperature"],
                values["symptoms"],
                by=user,
                via=CheckInVia.STAFF,
                slot=values["slot"],
            )
        except DomainError as exc:
            add_domain_errors(form, exc)
    status = 422 if request.method == "POST" and saved is None else 200
    if saved is not None:
        row = today_of([case], CheckIn.objects.visible_to(user), today)[0]
        form = _checkin_form(row)
    if is_htmx(request) and origin == "list":
        return render(
            request,
            "health/checkin_list.html#row",
            {"row": row, "form": form, "saved": saved, "already": not created},
            status=status,
        )
    if is_htmx(request) and origin == "case":
        return render(
            request,
            "health/_case_checkins.html",
            {
                "case": case,
                "checkin_form": form,
                "saved": saved,
                "already": not created,
                "next": next_url(request, ""),
            },
            status=status,
        )
    if saved is not None and not created:
        messages.info(request, _already_message(saved))
        return redirect(next_url(request, reverse("health:checkin_record", args=[case.pk])))
    if saved is not None:
        messages.success(request, _saved_message(saved))
        return redirect(next_url(request, reverse("health:checkin_record", args=[case.pk])))
    return render(
        request,
        "health/checkin_form.html",
        {"row": row, "form": form, "next": next_url(request, "")},
        status=status,
    )


def _already_message(checkin: CheckIn) -> str:
    return _(
        "This check of today was already recorded for %(name)s (%(temperature)s °C); nothing "
        "was changed."
    ) % {"temperature": checkin.temperature, "name": checkin.resident.name}


def _saved_message(checkin: CheckIn) -> str:
    if checkin.alert_id is not None:
        return _(
            "%(temperature)s °C was recorded for %(name)s. It raised an alert: the medical "
            "team has been told."
        ) % {"temperature": checkin.temperature, "name": checkin.case.resident.name}
    return _("%(temperature)s °C was recorded for %(name)s.") % {
        "temperature": checkin.temperature,
        "name": checkin.case.resident.name,
    }


# ---- staff: alerts --------------------------------------------------------------------------

SHOW = {
    "active": lambda qs, now: qs.filter(status__in=ACTIVE_ALERT_STATUSES),
    "escalated": lambda qs, now: qs.escalated(now),
    "closed": lambda qs, now: qs.filter(status=AlertStatus.CLOSED),
    "all": lambda qs, now: qs,
}


@login_required
def alert_list(request: HttpRequest) -> HttpResponse:
    user = require(request.user, PolicyCapability.VIEW_CASES)
    now = timezone.now()
    show = request.GET.get("show", "active")
    if show not in SHOW:
        show = "active"
    qs = SHOW[show](Alert.objects.visible_to(user), now)
    qs = qs.escalated_first(now).select_related("resident", "grid", "community")
    page = page_of(qs, request.GET.get("page"), per_page=50)
    return render(
        request,
        "health/alert_list.html",
        {"page": page, "show": show, "filter_query": f"show={show}", "now": now},
    )


def _alert_context(request: HttpRequest, alert: Alert, **forms: Any) -> dict[str, Any]:
    user = request.user
    assert isinstance(user, User)
    now = timezone.now()
    return {
        "alert": alert,
        "escalated": alert.is_escalated(now),
        "readings": list(
            CheckIn.objects.visible_to(user)
            .filter(alert=alert)
            .select_related("reported_by", "policy")
            .order_by("created_at", "pk")
        ),
        "may_handle": can(user, HealthCapability.HANDLE_ALERTS) and alert.is_active,
        "case_url": url_or_blank("quarantine:case_detail", alert.case_id) if alert.case_id else "",
        "may_reveal": can(user, PeopleCapability.REVEAL_SENSITIVE),
        "revealed_phone": forms.get("revealed_phone", ""),
        "contact_form": forms.get("contact_form") or ContactForm(),
        "close_form": forms.get("close_form") or CloseForm(),
        "error": forms.get("error", ""),
    }


def _alert_queryset() -> Any:
    return Alert.objects.select_related(
        "resident__household",
        "grid",
        "community",
        "reported_by",
        "case",
        "acknowledged_by",
        "contacted_by",
        "closed_by",
    )


@login_required
def alert_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, PolicyCapability.VIEW_CASES)
    alert = get_for(request.user, Alert, pk=pk, queryset=_alert_queryset())
    return render(request, "health/alert_detail.html", _alert_context(request, alert))


@login_required
@require_POST
def alert_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    """The phone of someone without a resident record, shown in full to call them (audited)."""
    require(request.user, PolicyCapability.VIEW_CASES)
    alert = get_for(request.user, Alert, pk=pk, queryset=_alert_queryset())
    user = require(request.user, PeopleCapability.REVEAL_SENSITIVE)
    audit.record_object(
        user,
        AuditAction.REVEAL,
        alert,
        changes={"field": "person_phone"},
        township=alert.township_id,
    )
    return render(
        request,
        "health/alert_detail.html",
        _alert_context(request, alert, revealed_phone=alert.person_phone),
    )


def _alert_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    require(request.user, PolicyCapability.VIEW_CASES)
    alert = get_for(
        request.user, Alert, pk=pk, write=HealthCapability.HANDLE_ALERTS, queryset=_alert_queryset()
    )
    user = require(request.user, HealthCapability.HANDLE_ALERTS)
    contact_form = ContactForm(request.POST) if step == "contact" else None
    close_form = CloseForm(request.POST) if step == "close" else None
    form = contact_form or close_form
    error = ""
    if form is None or form.is_valid():
        try:
            if step == "acknowledge":
                actions.acknowledge(alert, by=user)
                done = _("You acknowledged the alert. Call the person and the medical team now.")
            elif step == "contact":
                assert contact_form is not None
                actions.record_contact(
                    alert, by=user, institution=contact_form.cleaned_data["institution"]
                )
                done = _(
                    "Recorded: the medical institution will collect the person at home. The "
                    "person must not travel there alone."
                )
            elif step == "collected":
                actions.record_collected(alert, by=user)
                done = _("Recorded: the person was collected by the medical institution.")
            else:
                assert close_form is not None
                actions.close(
                    alert,
                    by=user,
                    outcome=close_form.cleaned_data["outcome"],
                    notes=close_form.cleaned_data["notes"],
                )
                done = _("The alert was closed.")
        except DomainError as exc:
            if form is not None:
                add_domain_errors(form, exc)
            else:
                error = exc.message
        else:
            messages.success(request, done)
            return redirect("health:alert_detail", pk=alert.pk)
    alert = get_for(user, Alert, pk=pk, queryset=_alert_queryset())  # as it is now
    context = _alert_context(
        request, alert, contact_form=contact_form, close_form=close_form, error=error
    )
    return render(request, "health/alert_detail.html", context, status=422)


@login_required
@require_POST
def alert_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    return _alert_step(request, pk, "acknowledge")


@login_required
@require_POST
def alert_contact(request: HttpRequest, pk: int) -> HttpResponse:
    return _alert_step(request, pk, "contact")


@login_required
@require_POST
def alert_collected(request: HttpRequest, pk: int) -> HttpResponse:
    return _alert_step(request, pk, "collected")


@login_required
@require_POST
def alert_close(request: HttpRequest, pk: int) -> HttpResponse:
    return _alert_step(request, pk, "close")


# ---- staff: personal report links -----------------------------------------------------------


def _household_cases(user: User, household: Household) -> list[Case]:
    return list(
        Case.objects.visible_to(user)
        .filter(resident__household=household, status__in=MONITORED_STATUSES)
        .select_related("resident")
        .order_by("resident_id")
    )


@login_required
def household_links(request: HttpRequest, household_id: int) -> HttpResponse:
    user = require(request.user, PolicyCapability.VIEW_CASES)
    household = get_for(user, Household, pk=household_id)
    links = list(
        ReportLink.objects.visible_to(user)
        .filter(household=household)
        .select_related("created_by", "revoked_by")
    )
    return render(
        request,
        "health/household_links.html",
        {
            "household": household,
            "links": links,
            "cases": _household_cases(user, household),
            "may_manage": can(user, QuarantineCapability.MANAGE_CASES),
        },
    )


@never_cache
@login_required
@require_POST
def link_create(request: HttpRequest, household_id: int) -> HttpResponse:
    """Make a link and show it once, with a QR code to scan from the staff member's phone."""
    require(request.user, PolicyCapability.VIEW_CASES)
    household = get_for(request.user, Household, pk=household_id)
    user = require(request.user, QuarantineCapability.MANAGE_CASES)
    try:
        link, token = actions.create_report_link(user, household)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("health:household_links", household_id=household.pk)
    url = request.build_absolute_uri(reverse("health:report", args=[token]))
    qr = segno.make(url, error="m").svg_inline(scale=5, dark="#1d2329")
    response = render(
        request,
        "health/link_created.html",
        {
            "household": household,
            "link": link,
            "url": url,
            "qr": qr,
            "cases": _household_cases(user, household),
        },
    )
    response["Referrer-Policy"] = "same-origin"
    return response


@login_required
@require_POST
def link_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, PolicyCapability.VIEW_CASES)
    link = get_for(request.user, ReportLink, pk=pk, write=QuarantineCapability.MANAGE_CASES)
    user = require(request.user, QuarantineCapability.MANAGE_CASES)
    try:
        actions.revoke_report_link(user, link)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The link was revoked; it no longer opens the report page."))
    return redirect("health:household_links", household_id=link.household_id)


# ---- public: the household's report page ----------------------------------------------------


def _public_rows(link: ReportLink, today: Any) -> list[CaseToday]:
    # The link is the authority here (no account): its household's people in quarantine.
    cases = list(
        Case.objects.filter(
            resident__household_id=link.household_id,
            resident__merged_into__isnull=True,
            status__in=MONITORED_STATUSES,
        )
        .select_related("resident", "policy")
        .order_by("resident_id")
    )
    return today_of(cases, CheckIn.objects.all(), today)


def _public_form(row: CaseToday, data: Any = None) -> CheckInForm:
    return CheckInForm(data, prefix=f"c{row.case.pk}", rules=row.rules)


def _no_trace(response: HttpResponse) -> HttpResponse:
    """The token is in the URL: keep it out of other sites' referrers (same-origin, not
    no-referrer: that would send `Origin: null` and fail the CSRF check), out of caches and
    out of search engines."""
    response["Referrer-Policy"] = "same-origin"
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@require_http_methods(["GET", "POST"])
def report(request: HttpRequest, token: str) -> HttpResponse:
    """A household's daily check-in page: a form per person in quarantine (the head of the
    household may report for everyone), today's checks already reported, no JavaScript."""
    link = actions.link_for_token(token)
    if ratelimit.refused_lookup(request, "health-report", token, found=link is not None):
        return _no_trace(render(request, "health/report_limited.html", status=429))
    if link is None:
        raise Http404
    today = timezone.localdate()
    rows = _public_rows(link, today)
    bound: dict[int, CheckInForm] = {}
    status = 200
    if request.method == "POST":
        row = next((r for r in rows if str(r.case.pk) == request.POST.get("case")), None)
        if row is None:
            messages.error(
                request, _("This person is not in quarantine any more; nothing was recorded.")
            )
            return _no_trace(redirect("health:report", token=token))
        form = _public_form(row, request.POST)
        if form.is_valid():
            values = form.values()
            try:
                checkin, created = actions.check_in(
                    row.case,
                    row.case.resident,
                    values["temperature"],
                    values["symptoms"],
                    link=link,
                    via=CheckInVia.LINK,
                )
            except DomainError as exc:
                add_domain_errors(form, exc)
            else:
                name = mask_name(row.case.resident.name)
                if not created:
                    messages.info(
                        request,
                        _(
                            "This check of today was already recorded for %(name)s; nothing "
                            "was changed. Report again at the next check."
                        )
                        % {"name": name},
                    )
                elif checkin.alert_id is not None and row.case.kind == CaseKind.CENTRALISED:
                    messages.warning(
                        request,
                        _(
                            "Reported for %(name)s. This reading needs a doctor's attention: "
                            "stay in your room, the site's medical staff will call you and "
                            "arrange for you to be collected. Do not go to the hospital on "
                            "your own."
                        )
                        % {"name": name},
                    )
                elif checkin.alert_id is not None:
                    messages.warning(
                        request,
                        _(
                            "Reported for %(name)s. This reading needs a doctor's attention: "
                            "stay at home, the community's medical team will call you and "
                            "arrange for you to be collected. Do not go to the hospital on "
                            "your own."
                        )
                        % {"name": name},
                    )
                else:
                    messages.success(
                        request, _("Reported for %(name)s. Thank you.") % {"name": name}
                    )
                return _no_trace(redirect("health:report", token=token))
        bound[row.case.pk] = form
        status = 422
    people = [
        {
            "row": row,
            "name": mask_name(row.case.resident.name),
            "relation": row.case.resident.get_relation_display(),
            "form": bound.get(row.case.pk) or _public_form(row),
        }
        for row in rows
    ]
    return _no_trace(
        render(
            request,
            "health/report.html",
            {"people": people, "today": today, "token": token},
            status=status,
        )
    )


# ---- symptom reports for anyone (plan 三(五)4) -------------------------------------------------


def _report_done_message(reported: actions.Reported) -> str:
    if reported.alert is not None:
        return _(
            "The report raised an alert for %(name)s. Acknowledge it and contact the medical "
            "institution: it collects the person where they are; they must not travel to "
            "hospital on their own."
        ) % {"name": reported.alert.name}
    return _(
        "Recorded. The symptoms are on no list of the policy: a medical worker reviews them "
        "and decides whether a doctor is needed."
    )


def _grid_choices(user: User) -> list[tuple[int, str]]:
    grids = Grid.objects.in_jurisdiction(user).select_related("community")
    return [(g.pk, f"{g.community.name} · {g.name}") for g in grids.order_by("community_id", "pk")]


@login_required
@require_http_methods(["GET", "POST"])
def symptom_report(request: HttpRequest) -> HttpResponse:
    """Staff report fever or symptoms for anyone: a resident (chosen by search, in
    quarantine or not) or someone without a resident record (name, phone, where they are)."""
    user = require(request.user, HealthCapability.HANDLE_ALERTS)
    resident_id = request.POST.get("resident") or request.GET.get("resident")
    resident = None
    if resident_id:
        resident = get_for(
            user,
            Resident,
            pk=resident_id,
            queryset=Resident.objects.filter(merged_into__isnull=True).select_related(
                "household", "grid"
            ),
        )
    visitor = resident is None and (
        request.GET.get("visitor") == "1" or request.POST.get("visitor") == "1"
    )
    query = request.GET.get("q", "").strip()
    found: list[Resident] = []
    if resident is None and not visitor and query:
        found = list(
            Resident.objects.visible_to(user)
            .filter(search_query(query), merged_into__isnull=True)
            .select_related("household", "grid")
            .order_by("name", "pk")[:20]
        )
    township_id = resident.township_id if resident is not None else user.township_id
    form = None
    status = 200
    if resident is not None or visitor:
        if township_id is None:
            raise Http404
        try:
            rules = in_force(township_id, timezone.localdate()).as_rules()
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("health:alert_list")
        grids = _grid_choices(user) if visitor else None
        data = request.POST if request.method == "POST" else None
        form = SymptomReportForm(data, rules=rules, person=visitor, grids=grids)
        if request.method == "POST":
            status = 422
            if form.is_valid():
                values = form.values()
                try:
                    person = _reported_person(user, resident, values)
                    reported = actions.report_symptoms(
                        person,
                        temperature=values["temperature"],
                        symptoms=values["symptoms"],
                        source=AlertSource.STAFF,
                        by=user,
                        notes=values["notes"],
                    )
                except DomainError as exc:
                    add_domain_errors(form, exc)
                else:
                    messages.success(request, _report_done_message(reported))
                    if reported.alert is not None:
                        return redirect("health:alert_detail", pk=reported.alert.pk)
                    return redirect("health:review_list")
    return render(
        request,
        "health/symptom_report.html",
        {
            "resident": resident,
            "visitor": visitor,
            "query": query,
            "found": found,
            "form": form,
        },
        status=status,
    )


def _reported_person(user: User, resident: Resident | None, values: dict[str, Any]) -> Any:
    """The person of a staff report: the resident, or the visitor in the chosen grid (else in
    the user's own community or grid)."""
    if resident is not None:
        case = Case.objects.open().filter(resident=resident).order_by("-pk").first()
        return actions.Person.of_resident(resident, case_id=case.pk if case else None)
    grid = None
    if values["grid"] is not None:
        grid = Grid.objects.in_jurisdiction(user).select_related("community").get(pk=values["grid"])
    elif user.grid_id is not None:
        grid = Grid.objects.select_related("community").get(pk=user.grid_id)
    if grid is not None:
        community_id, township_id = grid.community_id, grid.community.township_id
    elif user.community_id is not None and user.township_id is not None:
        community_id, township_id = user.community_id, user.township_id
    else:
        raise DomainError(_("Choose the grid where the person is."), field="grid")
    return actions.Person(
        township_id,
        community_id,
        grid.pk if grid else None,
        None,
        values["name"],
        values["phone"],
        values["place"],
    )


@login_required
def symptom_report_codes(request: HttpRequest) -> HttpResponse:
    """The address and QR code of each grid's public symptom report page, to print and put up
    next to the self-registration code."""
    user = require(request.user, HealthCapability.HANDLE_ALERTS)
    grids = Grid.objects.visible_to(user).select_related("community").order_by("community_id", "id")
    page = page_of(grids, request.GET.get("page"), per_page=20)
    codes = []
    for grid in page.items:
        link = screening.live_link(user, grid)
        url = request.build_absolute_uri(reverse("health:public_symptoms", args=[link.token]))
        codes.append({"grid": grid, "url": url, "svg": qr_svg(url)})
    return render(request, "health/symptom_codes.html", {"codes": codes, "page": page})


@require_http_methods(["GET", "POST"])
def public_symptoms(request: HttpRequest, token: str) -> HttpResponse:
    """The public page where anyone in a grid reports fever or symptoms (no account): the
    team is told at once and arranges for a medical institution to collect the person."""
    link = (
        RegistrationLink.objects.select_related("grid__community")
        .filter(token=token, revoked_at__isnull=True)
        .first()
    )
    if ratelimit.refused_lookup(request, "symptom-report", token, found=link is not None):
        return _no_trace(render(request, "health/report_limited.html", status=429))
    if link is None:
        raise Http404
    grid = link.grid
    rules = in_force(grid.community.township_id, timezone.localdate()).as_rules()
    rate = settings.FANGKONG_SELF_REGISTRATION_RATE
    limit, _period = ratelimit.parse_rate(rate)
    status = 200
    if request.method == "POST":
        # Only accepted reports count against the address: a typo never locks anyone out.
        if ratelimit.failures(request, "symptom-report", rate) >= limit:
            return _no_trace(render(request, "health/report_limited.html", status=429))
        form = SymptomReportForm(request.POST, rules=rules, person=True)
        status = 422
        if form.is_valid():
            values = form.values()
            try:
                actions.report_symptoms(
                    actions.Person(
                        grid.community.township_id,
                        grid.community_id,
                        grid.pk,
                        None,
                        values["name"],
                        values["phone"],
                        values["place"],
                    ),
                    temperature=values["temperature"],
                    symptoms=values["symptoms"],
                    source=AlertSource.PUBLIC,
                    notes=values["notes"],
                )
            except DomainError as exc:
                add_domain_errors(form, exc)
            else:
                ratelimit.over_limit(request, "symptom-report", rate)
                messages.warning(
                    request,
                    _(
                        "Your report was sent to the community's team. Stay where you are, "
                        "away from others: the team will call you and arrange for a medical "
                        "institution to collect you. Do not go to hospital on your own or by "
                        "public transport."
                    ),
                )
                return _no_trace(redirect("health:public_symptoms", token=token))
    else:
        form = SymptomReportForm(rules=rules, person=True)
    return _no_trace(
        render(
            request,
            "health/public_symptoms.html",
            {"form": form, "grid": grid, "token": token},
            status=status,
        )
    )


# ---- free-text symptoms to review --------------------------------------------------------------


@login_required
def review_list(request: HttpRequest) -> HttpResponse:
    user = require(request.user, PolicyCapability.VIEW_CASES)
    show = "resolved" if request.GET.get("show") == "resolved" else "open"
    qs = SymptomReview.objects.visible_to(user).filter(
        status=ReviewStatus.RESOLVED if show == "resolved" else ReviewStatus.OPEN
    )
    qs = qs.select_related("resident", "grid", "alert", "resolved_by").order_by("-raised_at", "-pk")
    page = page_of(qs, request.GET.get("page"), per_page=50)
    for review in page.items:
        review.form = ReviewForm(auto_id=f"id_r{review.pk}_%s")
    return render(
        request,
        "health/review_list.html",
        {
            "page": page,
            "show": show,
            "filter_query": f"show={show}",
            "may_resolve": can(user, HealthCapability.HANDLE_ALERTS),
        },
    )


@login_required
@require_POST
def review_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, PolicyCapability.VIEW_CASES)
    review = get_for(request.user, SymptomReview, pk=pk, write=HealthCapability.HANDLE_ALERTS)
    user = require(request.user, HealthCapability.HANDLE_ALERTS)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
        return redirect("health:review_list")
    try:
        review = actions.resolve_review(
            review,
            by=user,
            decision=form.cleaned_data["decision"],
            notes=form.cleaned_data["notes"],
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("health:review_list")
    if review.decision == ReviewDecision.ALERT and review.alert_id is not None:
        messages.success(request, _("An alert was raised: follow it through its steps."))
        return redirect("health:alert_detail", pk=review.alert_id)
    messages.success(request, _("Recorded: no action needed."))
    return redirect("health:review_list")
