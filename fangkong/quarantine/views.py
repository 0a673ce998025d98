"""Pages of quarantine work: the case list, a case with its schedule, release panel and
actions, the printable notices, index cases and their close contacts, sites and rooms.

Each view checks access (`require`, `get_for`, `visible_to`), binds a form, calls an action
from `actions`, and renders or redirects. Health records (cases) need VIEW_CASES: guards,
volunteers and the police officer get 403 here. Lab imports are in `lab_views`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_POST

from fangkong.core import confirmation
from fangkong.core.access import can, get_for, require
from fangkong.core.errors import DomainError
from fangkong.core.models import User
from fangkong.core.paging import page_of
from fangkong.core.rendering import page_or_partial
from fangkong.core.roles import CoreCapability
from fangkong.people.models import Resident
from fangkong.people.search import search_query
from fangkong.policy.capabilities import PolicyCapability
from fangkong.quarantine.capabilities import QuarantineCapability

from . import actions
from .blockers import describe_all, tests_in_force, verdict_for
from .forms import (
    CloseContactForm,
    ExtendForm,
    IndexCaseForm,
    NoteForm,
    ReasonForm,
    ReferForm,
    ResponsibleForm,
    RoomCreateForm,
    RoomForm,
    SignForm,
    SiteForm,
    StartForm,
    TestResultForm,
    add_domain_errors,
)
from .lists import filtered_cases, with_flags
from .models import (
    OPEN_STATUSES,
    Case,
    CaseKind,
    CaseStatus,
    IndexCase,
    Room,
    ScheduledTest,
    SignRole,
    Site,
    TestItemResult,
)
from .occupancy import rooms_with_beds, sites_with_beds

PER_PAGE = 50
#: the template the health app provides for a case's check-ins, if it does
CHECKINS_TEMPLATE = "health/_case_checkins.html"


# --- the case list ---------------------------------------------------------------------------


@login_required
@require_GET
def case_list(request: HttpRequest) -> HttpResponse:
    user = require(request.user, PolicyCapability.VIEW_CASES)
    today = timezone.localdate()
    form, qs = filtered_cases(user, request.GET, today)
    qs = qs.select_related("resident", "grid", "room__site").order_by("-start_date", "-id")
    page = page_of(qs, request.GET.get("page"), per_page=PER_PAGE)
    params = request.GET.copy()
    params.pop("page", None)
    context = {"form": form, "page": page, "filter_query": params.urlencode(), "today": today}
    return page_or_partial(request, "quarantine/case_list.html", "results", context)


# --- one case --------------------------------------------------------------------------------


def _case_queryset() -> QuerySet[Case]:
    return Case.objects.select_related(
        "resident",
        "grid__community",
        "township",
        "room__site",
        "cadre",
        "medic",
        "policy",
        "index_case",
    )


def _case_for(request: HttpRequest, pk: int, write: str | None = None) -> Case:
    require(request.user, PolicyCapability.VIEW_CASES)
    return get_for(request.user, Case, pk=pk, write=write, queryset=_case_queryset())


def _checkins_template() -> str | None:
    try:
        get_template(CHECKINS_TEMPLATE)
    except TemplateDoesNotExist:
        return None
    return CHECKINS_TEMPLATE


def _case_context(
    request: HttpRequest,
    case: Case,
    bound: Mapping[str, forms.Form] | None = None,
    *,
    result_item: int | None = None,
) -> dict[str, Any]:
    """Everything the case page shows, in a fixed number of queries. `bound` carries a form
    that was posted and refused, to show its errors in place (a result form with the pk of
    its test in `result_item`)."""
    user = request.user
    assert isinstance(user, User)
    bound = bound or {}
    today = timezone.localdate()
    tests = list(case.tests.select_related("recorded_by"))
    in_force = tests_in_force(tests)
    signoffs = list(case.signoffs.select_related("user"))
    verdict = verdict_for(case, today=today, tests=tests, signoffs=signoffs)
    is_open = case.is_open
    may_manage = is_open and can(user, QuarantineCapability.MANAGE_CASES)
    may_record = is_open and can(user, QuarantineCapability.RECORD_TESTS)
    result_form = bound.get("result_form")
    superseded = {t.pk for t in tests} - {t.pk for t in in_force}
    for t in tests:
        t.superseded = t.pk in superseded  # type: ignore[attr-defined]
        t.overdue = t.is_overdue(today)  # type: ignore[attr-defined]
        if may_record and t.is_pending:
            t.form = (  # type: ignore[attr-defined]
                result_form
                if result_item is not None and result_item == t.pk
                else TestResultForm(prefix=f"t{t.pk}")
            )
    signed_roles = {s.role for s in signoffs}
    # The roles the user may sign now (a button each), and for the roles their kind of staff
    # signs but someone else is assigned to, why not (instead of a button that fails).
    sign_roles: list[SignRole] = []
    sign_refusals: list[str] = []
    if case.status == CaseStatus.RELEASE_REVIEW and not any(s.user_id == user.pk for s in signoffs):
        for role in SignRole:
            if role in signed_roles or not actions.may_sign(user, role):
                continue
            refusal = actions.sign_refusal_for(user, case, role)
            if refusal is None:
                sign_roles.append(role)
            else:
                sign_refusals.append(refusal)
    context: dict[str, Any] = {
        "case": case,
        # the index case named only to whoever may see who it is (one query, when there is one)
        "index_case": (
            IndexCase.objects.with_identity(user).filter(pk=case.index_case_id).first()
            if case.index_case_id
            else None
        ),
        "today": today,
        "day_number": case.day_number(today),
        "tests": tests,
        "signoffs": signoffs,
        "events": _timeline(case),
        "notes": list(case.notes.select_related("by")),
        "verdict": verdict,
        "blockers": describe_all(verdict.reasons),
        "has_positive": any(t.result == TestItemResult.POSITIVE for t in tests),
        "may_manage": may_manage,
        "may_record": may_record,
        "may_view_people": can(user, CoreCapability.VIEW_PEOPLE),
        "sign_roles": sign_roles,
        "sign_refusals": sign_refusals,
        "checkins_template": _checkins_template(),
    }
    if may_manage:
        status = case.status
        if status == CaseStatus.REGISTERED:
            context["start_form"] = bound.get("start_form") or StartForm(
                township_id=case.township_id, initial={"room": case.room_id}
            )
        if case.kind == CaseKind.CENTRALISED:
            context["room_form"] = bound.get("room_form") or RoomForm(
                township_id=case.township_id, initial={"room": case.room_id}
            )
        if actions.may_reassign(user):
            context["responsible_form"] = bound.get("responsible_form") or ResponsibleForm(
                grid=case.grid, initial={"cadre": case.cadre_id, "medic": case.medic_id}
            )
        if status in (CaseStatus.REGISTERED, CaseStatus.IN_QUARANTINE):
            context["extend_form"] = bound.get("extend_form") or ExtendForm()
        if status == CaseStatus.IN_QUARANTINE:
            context["review_form"] = bound.get("review_form") or ReasonForm()
        if status == CaseStatus.RELEASE_REVIEW:
            context["release_form"] = bound.get("release_form") or ReasonForm()
            context["release_question"] = release_question(case)
        context["refer_form"] = bound.get("refer_form") or ReferForm()
        context["note_form"] = bound.get("note_form") or NoteForm()
    context["sign_error"] = bound.get("sign_form")
    return context


def _timeline(case: Case) -> list[Any]:
    events = list(case.events.select_related("by"))
    for e in events:
        result = e.data.get("result") if isinstance(e.data, dict) else None
        e.result_label = (  # type: ignore[attr-defined]
            TestItemResult(result).label if result in TestItemResult.values else ""
        )
    return events


@login_required
@require_GET
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_for(request, pk)
    return render(request, "quarantine/case_detail.html", _case_context(request, case))


Call = Callable[[User, Case, dict[str, Any]], object]


def _act(
    request: HttpRequest,
    pk: int,
    *,
    write: str,
    key: str,
    make_form: Callable[[Case, Any], forms.Form],
    call: Call,
    success: str,
    confirm: Callable[[Case, dict[str, Any]], tuple[str, str, str]] | None = None,
    refusal: Callable[[User, Case, dict[str, Any]], str | None] | None = None,
) -> HttpResponse:
    """Bind the posted form, call the action, and go back to the case (or show the refusal
    on the case page, in the form that was posted, with status 422). An irreversible action
    gives `confirm` (title, what will happen, button): unconfirmed, it is asked first
    (`core.confirmation`); `refusal` says first why the user may not act at all, so nobody is
    asked to confirm what will be refused."""
    case = _case_for(request, pk, write)
    user = require(request.user, write)
    form = make_form(case, request.POST)
    if form.is_valid() and refusal is not None and (why := refusal(user, case, form.cleaned_data)):
        form.add_error(None, why)
    if form.is_valid() and confirm is not None and not confirmation.confirmed(request):
        title, says, button = confirm(case, form.cleaned_data)
        return confirmation.ask(
            request,
            title=title,
            says=says,
            button=button,
            back=reverse("quarantine:case_detail", args=[case.pk]),
        )
    if form.is_valid():
        try:
            call(user, case, form.cleaned_data)
        except DomainError as exc:
            add_domain_errors(form, exc)
        else:
            messages.success(request, success)
            return redirect("quarantine:case_detail", pk=case.pk)
    case = _case_for(request, pk)
    context = _case_context(request, case, {key: form})
    context["refused"] = key
    return render(request, "quarantine/case_detail.html", context, status=422)


@login_required
@require_POST
def case_start(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        write=QuarantineCapability.MANAGE_CASES,
        key="start_form",
        make_form=lambda c, data: StartForm(data, township_id=c.township_id),
        call=lambda u, c, d: actions.start_quarantine(c, by=u, room=d["room"], reason=d["reason"]),
        success=_("The quarantine has started."),
    )


@login_required
@require_POST
def case_room(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        write=QuarantineCapability.MANAGE_CASES,
        key="room_form",
        make_form=lambda c, data: RoomForm(data, township_id=c.township_id),
        call=lambda u, c, d: actions.assign_room(c, by=u, room=d["room"], reason=d["reason"]),
        success=_("The room was assigned."),
    )


@login_required
@require_POST
def case_responsible(request: HttpRequest, pk: int) -> HttpResponse:
    """Change the case's 包保 cadre and medical worker: a leader's decision, with the reason."""
    if not actions.may_reassign(require(request.user, QuarantineCapability.MANAGE_CASES)):
        raise PermissionDenied
    return _act(
        request,
        pk,
        write=QuarantineCapability.MANAGE_CASES,
        key="responsible_form",
        make_form=lambda c, data: ResponsibleForm(data, grid=c.grid),
        call=lambda u, c, d: actions.change_responsible(
            c, by=u, cadre=d["cadre"], medic=d["medic"], reason=d["reason"]
        ),
        success=_("The responsible staff were saved."),
    )


@login_required
@require_POST
def case_extend(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        write=QuarantineCapability.MANAGE_CASES,
        key="extend_form",
        make_form=lambda c, data: ExtendForm(data),
        call=lambda u, c, d: actions.extend(c, by=u, days=d["days"], reason=d["reason"]),
        success=_("The quarantine was extended."),
    )


@login_required
@require_POST
def case_review(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        write=QuarantineCapability.MANAGE_CASES,
        key="review_form",
        make_form=lambda c, data: ReasonForm(data),
        call=lambda u, c, d: actions.request_release_review(c, by=u, reason=d["reason"]),
        success=_("The case is under release review; it now needs the two signatures."),
    )


@login_required
@require_POST
def case_sign(request: HttpRequest, pk: int) -> HttpResponse:
    """A release signature. Who may sign for which role is the action's rule (refused on the
    page); a role that may sign for neither gets 403."""
    user = request.user
    if not (
        can(user, QuarantineCapability.SIGN_AS_CADRE)
        or can(user, QuarantineCapability.SIGN_AS_MEDIC)
    ):
        raise PermissionDenied
    return _act(
        request,
        pk,
        write=PolicyCapability.VIEW_CASES,
        key="sign_form",
        make_form=lambda c, data: SignForm(data),
        call=lambda u, c, d: actions.sign(c, by=u, role=d["role"]),
        success=_("Your signature was recorded."),
        refusal=lambda u, c, d: actions.sign_refusal_for(u, c, d["role"]),
        confirm=lambda c, d: (
            _("Sign the release"),
            sign_question(c, str(SignRole(d["role"]).label)),
            pgettext("release signature button", "Sign"),
        ),
    )


def sign_question(case: Case, role: str) -> str:
    """What a release signature does (asked before signing; the page's button says the same)."""
    return _(
        "Sign the release of %(name)s as %(role)s? Your signature is recorded with your name "
        "and the time and cannot be withdrawn; once both have signed, the person can be "
        "released."
    ) % {"name": case.resident.name, "role": role}


def release_question(case: Case) -> str:
    """What releasing does, and to whom (asked before releasing)."""
    return _(
        "Release %(name)s from quarantine? The case is closed, the person may go out again "
        "and the gate lets them pass. A release cannot be undone."
    ) % {"name": case.resident.name}


@login_required
@require_POST
def case_release(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        write=QuarantineCapability.MANAGE_CASES,
        key="release_form",
        make_form=lambda c, data: ReasonForm(data),
        call=lambda u, c, d: actions.release(c, by=u, reason=d["reason"]),
        success=_("The person is released from quarantine. Print the release notice."),
        confirm=lambda c, d: (
            _("Release from quarantine"),
            release_question(c),
            _("Release from quarantine"),
        ),
    )


@login_required
@require_POST
def case_refer(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        write=QuarantineCapability.MANAGE_CASES,
        key="refer_form",
        make_form=lambda c, data: ReferForm(data),
        call=lambda u, c, d: actions.refer_to_hospital(
            c, by=u, hospital=d["hospital"], reason=d["reason"]
        ),
        success=_("The referral to hospital was recorded."),
    )


@login_required
@require_POST
def case_note(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        write=QuarantineCapability.MANAGE_CASES,
        key="note_form",
        make_form=lambda c, data: NoteForm(data),
        call=lambda u, c, d: actions.add_counselling_note(c, by=u, text=d["text"]),
        success=_("The note was added."),
    )


@login_required
@require_POST
def test_result(request: HttpRequest, pk: int) -> HttpResponse:
    """Enter the result of one scheduled test."""
    require(request.user, PolicyCapability.VIEW_CASES)
    item = get_for(
        request.user,
        ScheduledTest,
        pk=pk,
        write=QuarantineCapability.RECORD_TESTS,
        queryset=ScheduledTest.objects.select_related("case"),
    )
    user = require(request.user, QuarantineCapability.RECORD_TESTS)
    form = TestResultForm(request.POST, prefix=f"t{item.pk}")
    if form.is_valid():
        try:
            actions.record_test_result(
                item,
                by=user,
                result=form.cleaned_data["result"],
                sampled_on=form.cleaned_data["sampled_on"],
                lab=form.cleaned_data["lab"],
            )
        except DomainError as exc:
            add_domain_errors(form, exc)
        else:
            if form.cleaned_data["result"] == TestItemResult.POSITIVE:
                messages.error(
                    request,
                    _("POSITIVE result recorded. Report it at once and arrange the transfer."),
                )
            else:
                messages.success(request, _("The result was recorded."))
            return redirect("quarantine:case_detail", pk=item.case_id)
    case = _case_for(request, item.case_id)
    context = _case_context(request, case, {"result_form": form}, result_item=item.pk)
    context["refused"] = "result_form"
    return render(request, "quarantine/case_detail.html", context, status=422)


# --- printable notices -----------------------------------------------------------------------


@login_required
@require_GET
def case_notice(request: HttpRequest, pk: int) -> HttpResponse:
    """The quarantine notice (居家/集中隔离告知书) handed to the person, A4, printable."""
    case = _case_for(request, pk)
    rules = case.policy.as_rules()
    tests = [t for t in case.tests.all() if t.retest_of_id is None]
    return render(
        request,
        "quarantine/notice.html",
        {
            "case": case,
            "rules": rules,
            "tests": tests,
            "today": timezone.localdate(),
            "centralised": case.kind == CaseKind.CENTRALISED,
        },
    )


@login_required
@require_GET
def release_notice(request: HttpRequest, pk: int) -> HttpResponse:
    """The release notice (解除隔离通知书) with both signers and the dates they signed."""
    case = _case_for(request, pk)
    if case.status != CaseStatus.RELEASED:
        raise Http404
    signoffs = {s.role: s for s in case.signoffs.select_related("user")}
    tests = [t for t in case.tests.all() if t.result == TestItemResult.NEGATIVE]
    return render(
        request,
        "quarantine/release_notice.html",
        {
            "case": case,
            "cadre_signoff": signoffs.get(SignRole.CADRE),
            "medic_signoff": signoffs.get(SignRole.MEDIC),
            "negative_tests": len(tests),
            "released_on": timezone.localdate(case.closed_at) if case.closed_at else None,
        },
    )


# --- index cases and close contacts ----------------------------------------------------------


@login_required
def index_list(request: HttpRequest) -> HttpResponse:
    user = require(request.user, PolicyCapability.VIEW_CASES)
    may_manage = can(user, QuarantineCapability.MANAGE_CASES)
    form = IndexCaseForm(request.POST or None, user=user)
    status = 200
    if request.method == "POST":
        require(user, QuarantineCapability.MANAGE_CASES)
        if user.township is None:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                index = actions.register_index_case(
                    user,
                    township=user.township,
                    name=data["name"],
                    kind=data["kind"],
                    reported_on=data["reported_on"],
                    community=data["community"] or user.community,
                    notes=data["notes"],
                )
            except DomainError as exc:
                add_domain_errors(form, exc)
            else:
                messages.success(request, _("The index case was registered."))
                return redirect("quarantine:index_detail", pk=index.pk)
        status = 422
    qs = (
        IndexCase.objects.visible_to(user)
        .with_identity(user)
        .select_related("township", "community")
        .annotate(contact_count=Count("contacts"))
    )
    return render(
        request,
        "quarantine/index_list.html",
        {
            "page": page_of(qs, request.GET.get("page"), per_page=PER_PAGE),
            "form": form if may_manage else None,
        },
        status=status,
    )


def _index_context(request: HttpRequest, index: IndexCase, **extra: Any) -> dict[str, Any]:
    user = request.user
    assert isinstance(user, User)
    q = " ".join(request.GET.get("q", "").split())[:50]
    found: list[Resident] = []
    if q and can(user, CoreCapability.VIEW_PEOPLE):
        found = list(
            Resident.objects.visible_to(user)
            .active()
            .filter(search_query(q), township_id=index.township_id)
            .select_related("household")
            .order_by("id")[:10]
        )
    contacts = list(
        with_flags(Case.objects.visible_to(user), timezone.localdate())
        .filter(index_case=index)
        .select_related("resident", "grid", "room__site")
        .order_by("-start_date", "-id")
    )
    may_manage = can(user, QuarantineCapability.MANAGE_CASES)
    return {
        "index": index,
        "contacts": contacts,
        "q": q,
        "found": found,
        "may_manage": may_manage,
        "contact_form": extra.get("contact_form")
        or (CloseContactForm(township=index.township) if may_manage else None),
        "chosen": found[0].pk if len(found) == 1 else None,
    }


@login_required
@require_GET
def index_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, PolicyCapability.VIEW_CASES)
    index = get_for(
        request.user,
        IndexCase,
        pk=pk,
        queryset=IndexCase.objects.with_identity(request.user).select_related(
            "township", "community", "resident"
        ),
    )
    return render(request, "quarantine/index_detail.html", _index_context(request, index))


@login_required
@require_POST
def index_contact(request: HttpRequest, pk: int) -> HttpResponse:
    """Register a resident as a close contact of the index case."""
    require(request.user, PolicyCapability.VIEW_CASES)
    index = get_for(
        request.user,
        IndexCase,
        pk=pk,
        write=QuarantineCapability.MANAGE_CASES,
        queryset=IndexCase.objects.with_identity(request.user).select_related(
            "township", "community", "resident"
        ),
    )
    user = require(request.user, QuarantineCapability.MANAGE_CASES)
    form = CloseContactForm(request.POST, township=index.township)
    raw = request.POST.get("resident", "")
    resident = (
        Resident.objects.visible_to(user).active().filter(pk=int(raw)).first()
        if raw.isdigit()
        else None
    )
    if resident is None:
        form.add_error(None, _("Find the person and choose them in the list."))
    elif form.is_valid():
        data = form.cleaned_data
        try:
            case = actions.register_close_contact(
                user,
                index_case=index,
                resident=resident,
                start_date=data["start_date"],
                room=data["room"],
                note=data["note"],
            )
        except DomainError as exc:
            add_domain_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(name)s was registered as a close contact; the first test is due at once.")
                % {"name": resident.name},
            )
            return redirect("quarantine:case_detail", pk=case.pk)
    context = _index_context(request, index, contact_form=form)
    context["found"] = [resident] if resident is not None else []
    context["chosen"] = resident.pk if resident is not None else None
    return render(request, "quarantine/index_detail.html", context, status=422)


# --- sites and rooms -------------------------------------------------------------------------


def _site_manager(request: HttpRequest) -> User:
    user = require(request.user, PolicyCapability.VIEW_CASES)
    if not actions.may_manage_sites(user):
        raise PermissionDenied
    return user


@login_required
def site_list(request: HttpRequest) -> HttpResponse:
    user = require(request.user, PolicyCapability.VIEW_CASES)
    may_manage = actions.may_manage_sites(user)
    form = SiteForm(request.POST or None)
    status = 200
    if request.method == "POST":
        _site_manager(request)
        if user.township is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                site = actions.create_site(user, township=user.township, **form.cleaned_data)
            except DomainError as exc:
                add_domain_errors(form, exc)
            else:
                messages.success(request, _("The site was added; now add its rooms."))
                return redirect("quarantine:site_detail", pk=site.pk)
        status = 422
    sites = list(sites_with_beds(Site.objects.visible_to(user)).order_by("name"))
    return render(
        request,
        "quarantine/site_list.html",
        {"sites": sites, "form": form if may_manage else None},
        status=status,
    )


def _site_context(request: HttpRequest, site: Site, **extra: Any) -> dict[str, Any]:
    user = request.user
    assert isinstance(user, User)
    rooms = list(rooms_with_beds(site.rooms.all()))
    occupants = list(
        Case.objects.visible_to(user)
        .filter(room__site=site, status__in=OPEN_STATUSES)
        .select_related("resident", "room")
        .order_by("room__sort_key", "id")
    )
    may_manage = actions.may_manage_sites(user)
    return {
        "site": site,
        "rooms": rooms,
        "occupants": occupants,
        "beds": sum(r.capacity for r in rooms),
        "occupied": sum(getattr(r, "occupied", 0) for r in rooms),
        "may_manage": may_manage,
        "site_form": extra.get("site_form")
        or (
            SiteForm(initial={"name": site.name, "address": site.address, "phone": site.phone})
            if may_manage
            else None
        ),
        "room_form": extra.get("room_form") or (RoomCreateForm() if may_manage else None),
    }


@login_required
def site_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, PolicyCapability.VIEW_CASES)
    site = get_for(request.user, Site, pk=pk)
    if request.method != "POST":
        return render(request, "quarantine/site_detail.html", _site_context(request, site))
    user = _site_manager(request)
    if "capacity" in request.POST:
        room_form = RoomCreateForm(request.POST)
        if room_form.is_valid():
            try:
                room = actions.create_room(user, site=site, **room_form.cleaned_data)
            except DomainError as exc:
                add_domain_errors(room_form, exc)
            else:
                messages.success(request, _("Room %(room)s was added.") % {"room": room.number})
                return redirect("quarantine:site_detail", pk=site.pk)
        context = _site_context(request, site, room_form=room_form)
    else:
        site_form = SiteForm(request.POST)
        if site_form.is_valid():
            try:
                actions.update_site(user, site, **site_form.cleaned_data)
            except DomainError as exc:
                add_domain_errors(site_form, exc)
            else:
                messages.success(request, _("The site was saved."))
                return redirect("quarantine:site_detail", pk=site.pk)
        context = _site_context(request, site, site_form=site_form)
    return render(request, "quarantine/site_detail.html", context, status=422)


@login_required
def room_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _site_manager(request)
    visible = Room.objects.filter(site__in=Site.objects.visible_to(user)).select_related("site")
    room = visible.filter(pk=pk).first()
    if room is None:
        raise Http404
    form = RoomCreateForm(
        request.POST or None, initial={"number": room.number, "capacity": room.capacity}
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                actions.update_room(user, room, **form.cleaned_data)
            except DomainError as exc:
                add_domain_errors(form, exc)
            else:
                messages.success(request, _("The room was saved."))
                return redirect("quarantine:site_detail", pk=room.site_id)
        status = 422
    return render(request, "quarantine/room_form.html", {"room": room, "form": form}, status=status)
