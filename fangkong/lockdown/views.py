"""Pages of a lockdown: the list, locking (from an index case or not), the lockdown's page with
its numbers and register, adding people, disinfections, lifting; supply requests for staff,
the volunteer's deliveries, and the household's public request page (by its personal link).

Each view checks access (`require`, `get_for`, `visible_to`), binds a form, calls an action
and renders or redirects.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fangkong.core import confirmation, ratelimit
from fangkong.core.access import can, get_for, require
from fangkong.core.errors import DomainError
from fangkong.core.forms import add_domain_errors
from fangkong.core.models import User
from fangkong.core.redirects import next_url
from fangkong.core.registry import my_work_of
from fangkong.core.rendering import page_or_partial
from fangkong.health import actions as health_actions
from fangkong.health.views import _no_trace
from fangkong.lockdown.capabilities import LockdownCapability
from fangkong.people import actions as people_actions
from fangkong.people.models import Household, Resident
from fangkong.people.search import search_query
from fangkong.policy.versions import in_force
from fangkong.quarantine.models import IndexCase

from . import actions, delivery, lifting
from .forms import AssignForm, DeliveredForm, LiftForm, LockForm, NewPersonForm, SupplyForm
from .models import (
    PENDING_SUPPLY,
    DisinfectionTask,
    Lockdown,
    LockdownStatus,
    RequestVia,
    SupplyRequest,
    SupplyStatus,
)
from .summary import request_rows, summarise

# --- lockdowns -------------------------------------------------------------------------------


@login_required
@require_GET
def lockdown_list(request: HttpRequest) -> HttpResponse:
    user = require(request.user, LockdownCapability.VIEW_LOCKDOWNS)
    show = request.GET.get("status", "active")
    qs = Lockdown.objects.visible_to(user).select_related("building", "unit", "community")
    if show != "all":
        qs = qs.filter(status=LockdownStatus.ACTIVE)
    return render(
        request,
        "lockdown/list.html",
        {
            "lockdowns": qs[:200],
            "show": show,
            "may_lock": can(user, LockdownCapability.MANAGE_LOCKDOWNS),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def lock(request: HttpRequest) -> HttpResponse:
    """The lock form; prefilled from an index case (`?index=`) with the person's building and
    unit (`?building=`, `?unit=` choose them)."""
    user = require(request.user, LockdownCapability.MANAGE_LOCKDOWNS)
    if request.method == "POST":
        form = LockForm(request.POST, user=user)
        if form.is_valid():
            d = form.cleaned_data
            try:
                lockdown = actions.lock(
                    user,
                    building=d["building"],
                    unit=d["unit"],
                    index_case=d["index_case"],
                    reason=d["reason"],
                    areas=form.area_list(),
                )
            except DomainError as exc:
                add_domain_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("%(place)s is locked: %(n)d people registered and isolated at home.")
                    % {"place": lockdown, "n": lockdown.members.count()},
                )
                return redirect("lockdown:detail", pk=lockdown.pk)
        return render(request, "lockdown/lock_form.html", {"form": form}, status=422)
    initial: dict[str, Any] = {}
    index = None
    raw_index = request.GET.get("index", "")
    if raw_index.isdigit():
        index = (
            IndexCase.objects.visible_to(user)
            .with_identity(user)
            .select_related("resident__household")
            .filter(pk=int(raw_index))
            .first()
        )
    if index is not None:
        initial["index_case"] = index.pk
        initial["reason"] = _("%(kind)s: %(name)s") % {
            "kind": index.get_kind_display(),
            "name": index.label,
        }
        # Where the person lives is theirs to know only who may see the person.
        visible = index.identity_visible  # type: ignore[attr-defined]
        household = index.resident.household if index.resident and visible else None
        if household is not None and household.building_id:
            initial["building"] = household.building_id
            if request.GET.get("scope") != "building" and household.unit_id:
                initial["unit"] = household.unit_id
    for key in ("building", "unit"):
        if request.GET.get(key, "").isdigit():
            initial[key] = int(request.GET[key])
    return render(
        request,
        "lockdown/lock_form.html",
        {"form": LockForm(initial=initial, user=user), "index": index},
    )


def _lockdown(request: HttpRequest, pk: int, write: str | None = None) -> Lockdown:
    require(request.user, LockdownCapability.VIEW_LOCKDOWNS)
    return get_for(
        request.user,
        Lockdown,
        pk=pk,
        write=write,
        queryset=Lockdown.objects.select_related(
            "building",
            "unit",
            "community",
            "grid",
            "policy",
            "index_case",
            "locked_by",
            "lifted_by",
        ),
    )


def _households(lockdown: Lockdown) -> Any:
    qs = Household.objects.filter(building_id=lockdown.building_id)
    if lockdown.unit_id:
        qs = qs.filter(unit_id=lockdown.unit_id)
    return qs.order_by("address")


def _detail_context(request: HttpRequest, lockdown: Lockdown, **forms: Any) -> dict[str, Any]:
    user = request.user
    assert isinstance(user, User)
    if lockdown.status == LockdownStatus.ACTIVE:
        actions.ensure_schedule([lockdown], timezone.localdate())
    summary = summarise(lockdown)
    blocking = []
    if lockdown.status == LockdownStatus.ACTIVE:
        blocking = [actions.describe(b) for b in lifting.blockers(actions.member_states(lockdown))]
    may_manage = can(user, LockdownCapability.MANAGE_LOCKDOWNS)
    may_deliver = can(user, LockdownCapability.MANAGE_DELIVERIES)
    q = request.GET.get("q", "").strip()[:50]
    found: list[Resident] = []
    if q and may_manage and lockdown.status == LockdownStatus.ACTIVE:
        on_register = lockdown.members.values("resident_id")
        found = list(
            Resident.objects.visible_to(user)
            .active()
            .filter(search_query(q), household__in=_households(lockdown))
            .exclude(pk__in=on_register)
            .select_related("household")[:20]
        )
    index_case = (
        IndexCase.objects.with_identity(user).filter(pk=lockdown.index_case_id).first()
        if lockdown.index_case_id
        else None
    )
    return {
        "lockdown": lockdown,
        "index_case": index_case,
        "s": summary,
        "blocking": blocking,
        "may_manage": may_manage,
        "may_deliver": may_deliver,
        "active": lockdown.status == LockdownStatus.ACTIVE,
        "q": q,
        "found": found,
        "lift_form": forms.get("lift_form") or LiftForm(),
        "lift_question": lift_question(lockdown) if may_manage else "",
        "person_form": forms.get("person_form") or NewPersonForm(households=_households(lockdown)),
        "supply_form": forms.get("supply_form") or SupplyForm(households=_households(lockdown)),
        "volunteers": actions.volunteers_for(lockdown.community_id) if may_deliver else [],
    }


@login_required
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    lockdown = _lockdown(request, pk)
    return render(request, "lockdown/detail.html", _detail_context(request, lockdown))


def lift_question(lockdown: Lockdown) -> str:
    """What lifting does, and to whom (asked before lifting)."""
    return _(
        "Lift the lockdown of %(place)s? The isolation of the %(n)s people on its register "
        "ends and they may go out again; the disinfections still to come stop. A lifted "
        "lockdown cannot be resumed: if needed, lock the place again."
    ) % {"place": str(lockdown), "n": lockdown.members.count()}


@login_required
@require_POST
def lift(request: HttpRequest, pk: int) -> HttpResponse:
    lockdown = _lockdown(request, pk, write=LockdownCapability.MANAGE_LOCKDOWNS)
    user = require(request.user, LockdownCapability.MANAGE_LOCKDOWNS)
    form = LiftForm(request.POST)
    if (
        form.is_valid()
        and not confirmation.confirmed(request)
        and not lifting.blockers(actions.member_states(lockdown))  # else refused below
    ):
        return confirmation.ask(
            request,
            title=_("Lift the lockdown"),
            says=[lift_question(lockdown), _("Why: %(reason)s") % form.cleaned_data],
            button=_("Lift the lockdown"),
            back=reverse("lockdown:detail", args=[lockdown.pk]),
        )
    if form.is_valid():
        try:
            actions.lift(user, lockdown, reason=form.cleaned_data["reason"])
        except DomainError as exc:
            add_domain_errors(form, exc)
        else:
            messages.success(request, _("The lockdown is lifted; its isolation cases ended."))
            return redirect("lockdown:detail", pk=pk)
    return render(
        request,
        "lockdown/detail.html",
        _detail_context(request, lockdown, lift_form=form),
        status=422,
    )


@login_required
@require_POST
def add_member(request: HttpRequest, pk: int) -> HttpResponse:
    """Add someone found living there: an existing resident (`resident`), or a new one
    (the person form), created through the registry's action."""
    lockdown = _lockdown(request, pk, write=LockdownCapability.MANAGE_LOCKDOWNS)
    user = require(request.user, LockdownCapability.MANAGE_LOCKDOWNS)
    raw = request.POST.get("resident", "")
    if raw.isdigit():
        resident = Resident.objects.visible_to(user).filter(pk=int(raw)).first()
        if resident is None:
            raise Http404
        try:
            actions.add_member(user, lockdown, resident)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("%(name)s is on the register.") % {"name": resident.name})
        return redirect("lockdown:detail", pk=pk)
    form = NewPersonForm(request.POST, households=_households(lockdown))
    if form.is_valid():
        d = form.cleaned_data
        try:
            with transaction.atomic():
                resident = people_actions.create_resident(
                    user,
                    household=d["household"],
                    relation=d["relation"],
                    name=d["name"],
                    doc_type=d["doc_type"],
                    doc_number=d["doc_number"],
                    no_doc_reason=d["no_doc_reason"],
                    phone=d["phone"],
                )
                actions.add_member(user, lockdown, resident)
        except DomainError as exc:
            add_domain_errors(form, exc)
        else:
            messages.success(request, _("%(name)s is on the register.") % {"name": resident.name})
            return redirect("lockdown:detail", pk=pk)
    return render(
        request,
        "lockdown/detail.html",
        _detail_context(request, lockdown, person_form=form),
        status=422,
    )


@login_required
@require_POST
def disinfected(request: HttpRequest, pk: int) -> HttpResponse:
    user = require(request.user, LockdownCapability.VIEW_LOCKDOWNS)
    task = get_for(user, DisinfectionTask, pk=pk, queryset=DisinfectionTask.objects.all())
    try:
        actions.mark_disinfected(user, task, note=request.POST.get("note", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Disinfection of %(area)s recorded.") % {"area": task.area})
    return redirect("lockdown:detail", pk=task.lockdown_id)


# --- supply requests (staff) -----------------------------------------------------------------


@login_required
@require_POST
def supply_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Staff take a household's request on the phone."""
    lockdown = _lockdown(request, pk, write=LockdownCapability.MANAGE_DELIVERIES)
    user = require(request.user, LockdownCapability.MANAGE_DELIVERIES)
    form = SupplyForm(request.POST, households=_households(lockdown))
    if form.is_valid():
        d = form.cleaned_data
        try:
            actions.request_supplies(
                user,
                household=d["household"],
                kind=d["kind"],
                urgency=d["urgency"],
                details=d["details"],
                via=RequestVia.STAFF,
            )
        except DomainError as exc:
            add_domain_errors(form, exc)
        else:
            messages.success(request, _("The request is recorded; assign a volunteer."))
            return redirect("lockdown:detail", pk=pk)
    return render(
        request,
        "lockdown/detail.html",
        _detail_context(request, lockdown, supply_form=form),
        status=422,
    )


@login_required
@require_GET
def supply_list(request: HttpRequest) -> HttpResponse:
    user = require(request.user, LockdownCapability.MANAGE_DELIVERIES)
    requests = list(
        SupplyRequest.objects.visible_to(user)
        .filter(status__in=PENDING_SUPPLY)
        .select_related("household", "volunteer", "lockdown__policy")
        .order_by("requested_at", "pk")[:200]
    )
    now = timezone.now()
    rows = []
    in_force_of: dict[int, Any] = {}  # the policy of a township, for requests of no lockdown
    for r in requests:
        if r.lockdown is not None:
            rules = r.lockdown.policy.as_rules()
        else:
            if r.township_id not in in_force_of:
                in_force_of[r.township_id] = _rules_for(r)
            rules = in_force_of[r.township_id]
        rows.extend(request_rows([r], rules, now))
    volunteers: dict[int, Any] = {}
    for r in requests:
        if r.community_id not in volunteers:
            volunteers[r.community_id] = list(actions.volunteers_for(r.community_id))
    return render(
        request,
        "lockdown/supply_list.html",
        {"rows": rows, "volunteers": volunteers},
    )


def _rules_for(request: SupplyRequest) -> Any:
    return in_force(request.township_id, timezone.localdate()).as_rules()


@login_required
@require_POST
def supply_assign(request: HttpRequest, pk: int) -> HttpResponse:
    user = require(request.user, LockdownCapability.MANAGE_DELIVERIES)
    item = get_for(user, SupplyRequest, pk=pk, write=LockdownCapability.MANAGE_DELIVERIES)
    form = AssignForm(request.POST, volunteers=actions.volunteers_for(item.community_id))
    if form.is_valid():
        try:
            actions.assign(user, item, volunteer=form.cleaned_data["volunteer"])
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("Assigned to %(volunteer)s.") % {"volunteer": form.cleaned_data["volunteer"]},
            )
    else:
        messages.error(request, _("Choose a volunteer of this household's community."))
    return redirect(next_url(request, reverse("lockdown:supply_list")))


@login_required
@require_POST
def supply_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    user = require(request.user, LockdownCapability.MANAGE_DELIVERIES)
    item = get_for(user, SupplyRequest, pk=pk, write=LockdownCapability.MANAGE_DELIVERIES)
    try:
        actions.cancel(user, item, reason=request.POST.get("reason", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The request was cancelled."))
    return redirect(next_url(request, reverse("lockdown:supply_list")))


def _may_see_delivery(user: User, item: SupplyRequest) -> bool:
    if item.volunteer_id == user.pk and user.can(LockdownCapability.DELIVER_SUPPLIES):
        return True
    return SupplyRequest.objects.visible_to(user).filter(pk=item.pk).exists()


@login_required
@require_POST
def supply_delivered(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    assert isinstance(user, User) or not user.is_authenticated
    if not (
        can(user, LockdownCapability.DELIVER_SUPPLIES)
        or can(user, LockdownCapability.MANAGE_DELIVERIES)
    ):
        require(user, LockdownCapability.DELIVER_SUPPLIES)
    assert isinstance(user, User)
    item = SupplyRequest.objects.filter(pk=pk).first()
    if item is None or not _may_see_delivery(user, item):
        raise Http404
    form = DeliveredForm(request.POST, request.FILES)
    if form.is_valid():
        when = form.cleaned_data["delivered_at"]
        if when is not None and timezone.is_naive(when):
            when = timezone.make_aware(when)
        try:
            actions.mark_delivered(user, item, delivered_at=when, photo=form.cleaned_data["photo"])
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Delivery recorded. Thank you."))
    else:
        messages.error(request, _("Check the time and the photo."))
    if can(user, LockdownCapability.DELIVER_SUPPLIES):
        return redirect("lockdown:my_deliveries")
    return redirect(next_url(request, reverse("lockdown:supply_list")))


@login_required
@require_GET
def supply_photo(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The delivery photo, only to whom may see the request (never a public media URL)."""
    user = request.user
    if not isinstance(user, User):
        raise Http404
    item = SupplyRequest.objects.filter(pk=pk).first()
    if item is None or not item.photo or not _may_see_delivery(user, item):
        raise Http404
    response = FileResponse(item.photo.open("rb"))
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- the volunteer ---------------------------------------------------------------------------


@login_required
@require_GET
def my_deliveries(request: HttpRequest) -> HttpResponse:
    """The volunteer's assigned deliveries: vulnerable households first, then urgent, then
    the oldest; the ones delivered today below."""
    user = require(request.user, LockdownCapability.DELIVER_SUPPLIES)
    context = {**_deliveries_context(user), "my_work": my_work_of(user)}
    return render(request, "lockdown/my_deliveries.html", context)


def _deliveries_context(user: User, *, phones: dict[int, str] | None = None) -> dict[str, Any]:
    pending = list(
        SupplyRequest.objects.filter(volunteer=user, status=SupplyStatus.ASSIGNED).select_related(
            "household", "lockdown__policy"
        )
    )
    vulnerable = set(
        Resident.objects.active()
        .filter(household_id__in=[r.household_id for r in pending], tags__isnull=False)
        .values_list("household_id", flat=True)
    )
    pending.sort(
        key=lambda r: delivery.queue_key(
            delivery.Queued(r.household_id in vulnerable, r.urgency, r.requested_at, r.pk)
        )
    )
    now = timezone.now()
    phones = phones or {}
    rows = []
    for r in pending:
        rules = r.lockdown.policy.as_rules() if r.lockdown else _rules_for(r)
        row = request_rows([r], rules, now)[0]
        rows.append((row, r.household_id in vulnerable, phones.get(r.pk)))
    done = SupplyRequest.objects.filter(
        volunteer=user, status=SupplyStatus.DELIVERED, delivered_at__date=timezone.localdate()
    ).select_related("household")
    return {"rows": rows, "done": done, "form": DeliveredForm()}


@login_required
@require_POST
def delivery_phone(request: HttpRequest, pk: int) -> HttpResponse:
    """The household's phone for the volunteer assigned to this open delivery (audited);
    anyone else finds no such delivery."""
    user = require(request.user, LockdownCapability.DELIVER_SUPPLIES)
    item = (
        SupplyRequest.objects.filter(pk=pk, volunteer=user, status=SupplyStatus.ASSIGNED)
        .select_related("household")
        .first()
    )
    if item is None:
        raise Http404
    try:
        phone = actions.reveal_contact_phone(user, item)
    except DomainError as exc:
        context = _deliveries_context(user)
        context.update(r=item, phone=None, phone_error=exc.message, phone_for=item.pk)
        return page_or_partial(request, "lockdown/my_deliveries.html", "phone", context, status=422)
    context = _deliveries_context(user, phones={item.pk: phone})
    context.update(r=item, phone=phone)
    return page_or_partial(request, "lockdown/my_deliveries.html", "phone", context)


# --- the household's public page -------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def public_request(request: HttpRequest, token: str) -> HttpResponse:
    """A household asks for supplies through its personal link (the health report link): the
    same token lookup and flood control as the report page, no account."""
    link = health_actions.link_for_token(token)
    if ratelimit.refused_lookup(request, "health-report", token, found=link is not None):
        return _no_trace(render(request, "health/report_limited.html", status=429))
    if link is None:
        raise Http404
    household = link.household
    form = SupplyForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            try:
                actions.request_supplies(
                    None,
                    household=household,
                    kind=d["kind"],
                    urgency=d["urgency"],
                    details=d["details"],
                    via=RequestVia.LINK,
                )
            except DomainError as exc:
                add_domain_errors(form, exc)
            else:
                messages.success(
                    request,
                    _(
                        "Your request is sent. A volunteer will leave it at your door and let "
                        "you know; please do not open the door to meet them."
                    ),
                )
                return _no_trace(redirect("lockdown:public_request", token=token))
        status = 422
    mine = SupplyRequest.objects.filter(household=household).order_by("-requested_at")[:10]
    return _no_trace(
        render(
            request,
            "lockdown/public_request.html",
            {"form": form, "token": token, "mine": mine},
            status=status,
        )
    )
