"""Pages of the supplies: the stock of a community (batches, balances, warnings), stock in,
stock out (signed), the movements, a stock-take, the item kinds, the donations with their use,
and the public list of donations (no account).

Thin views: access (`require`, `get_for`), a form, one action, render or redirect.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from fangkong.checkpoints.models import Gate
from fangkong.core import confirmation
from fangkong.core.access import can, get_for, require
from fangkong.core.errors import DomainError
from fangkong.core.forms import add_domain_errors
from fangkong.core.models import Community, User
from fangkong.lockdown.capabilities import LockdownCapability
from fangkong.lockdown.models import Lockdown, SupplyRequest

from . import actions, queries, stock
from .capabilities import SuppliesCapability
from .forms import DonationForm, KindForm, StockInForm, StockOutForm, StockTakeForm, UseForm
from .models import Donation, ItemKind, Lot, Movement

SHOWN = 200


def _community(request: HttpRequest, user: User) -> tuple[Community, QuerySet[Community]]:
    """The community asked for (?community=), else the first of the user's jurisdiction."""
    communities = Community.objects.in_jurisdiction(user).order_by("township_id", "sort_key")
    wanted = request.GET.get("community") or request.POST.get("community")
    if wanted:
        try:
            return communities.get(pk=int(wanted)), communities
        except (ValueError, Community.DoesNotExist):
            raise Http404 from None
    first = communities.first()
    if first is None:
        raise Http404
    return first, communities


def _lots(user: User, community: Community) -> QuerySet[Lot]:
    return (
        Lot.objects.visible_to(user)
        .filter(community=community)
        .with_balance()
        .select_related("kind")
        .order_by("kind__name", "expires_on", "id")
    )


def _here(community: Community) -> str:
    return f"?community={community.pk}"


@login_required
@require_GET
def stock_page(request: HttpRequest) -> HttpResponse:
    user = require(request.user, SuppliesCapability.VIEW_SUPPLIES)
    community, communities = _community(request, user)
    today = timezone.localdate()
    state = queries.state_of([community.pk], today)[community.pk]
    low = {row.kind_id for row in state.low}
    rows = [
        {
            "lot": lot,
            "expiry": stock.expiry_state(lot.expires_on, today),
            "low": lot.kind_id in low,
        }
        for lot in _lots(user, community)
    ]
    return render(
        request,
        "supplies/stock.html",
        {
            "community": community,
            "communities": communities if communities.count() > 1 else None,
            "rows": rows,
            "state": state,
            "here": _here(community),
        },
    )


@login_required
def stock_in(request: HttpRequest) -> HttpResponse:
    user = require(request.user, SuppliesCapability.MANAGE_SUPPLIES)
    community, _all = _community(request, user)
    kinds = ItemKind.objects.visible_to(user).filter(township_id=community.township_id)
    form = StockInForm(request.POST or None, kinds=kinds)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            actions.stock_in(
                user,
                community,
                d["kind"],
                quantity=d["quantity"],
                source=d["source"],
                supplier=d["supplier"],
                batch=d["batch"],
                expires_on=d["expires_on"],
                location=d["location"],
                note=d["note"],
            )
        except DomainError as exc:
            add_domain_errors(form, exc)
        else:
            messages.success(request, _("The goods were recorded as received."))
            return redirect(reverse("supplies:stock") + _here(community))
    return render(
        request,
        "supplies/form.html",
        {
            "form": form,
            "community": community,
            "title": _("Stock in"),
            "button": _("Record the goods received"),
            "action": reverse("supplies:stock_in") + _here(community),
        },
        status=422 if request.method == "POST" else 200,
    )


def _requests(user: User, community: Community) -> list[tuple[int, str]]:
    """The pending supply requests the user may deliver (all of the community for who
    manages deliveries, the volunteer's own otherwise)."""
    if can(user, LockdownCapability.MANAGE_DELIVERIES):
        pending = SupplyRequest.objects.visible_to(user)
    elif can(user, LockdownCapability.DELIVER_SUPPLIES):
        pending = SupplyRequest.objects.in_jurisdiction(user).filter(volunteer=user)
    else:
        pending = SupplyRequest.objects.none()
    rows = (
        pending.filter(community=community)
        .pending()
        .select_related("household")
        .order_by("requested_at", "id")[:100]
    )
    return [(r.pk, f"#{r.pk} {r.household} · {r.get_kind_display()}") for r in rows]


@login_required
def stock_out(request: HttpRequest) -> HttpResponse:
    user = require(request.user, SuppliesCapability.HAND_OUT)
    community, _all = _community(request, user)
    lots = _lots(user, community)
    gates = [(g.pk, g.name) for g in Gate.objects.filter(community=community).order_by("name")]
    initial: dict[str, Any] = {}
    if request.GET.get("lot"):
        initial["lot"] = request.GET["lot"]
    if request.GET.get("supply_request"):
        initial.update(supply_request=request.GET["supply_request"], purpose="delivery")
    form = StockOutForm(
        request.POST or None,
        initial=initial,
        lots=lots,
        gates=gates,
        requests=_requests(user, community),
        lockdowns=[
            (ld.pk, str(ld))
            for ld in Lockdown.objects.in_jurisdiction(user)
            .filter(community=community)
            .active()
            .select_related("building", "unit")
        ],
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            move = actions.stock_out(
                user,
                d["lot"],
                quantity=d["quantity"],
                purpose=d["purpose"],
                received_by=d["received_by"],
                gate_id=d["gate"],
                supply_request_id=d["supply_request"],
                lockdown_id=d["lockdown"],
                note=d["note"],
            )
        except DomainError as exc:
            add_domain_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(quantity)s %(unit)s of %(item)s were handed out, signed by %(name)s.")
                % {
                    "quantity": move.quantity.normalize(),
                    "unit": move.lot.kind.unit,
                    "item": move.lot,
                    "name": user,
                },
            )
            return redirect(reverse("supplies:stock") + _here(community))
    return render(
        request,
        "supplies/form.html",
        {
            "form": form,
            "community": community,
            "title": _("Hand out (stock out)"),
            "button": _("Hand out, signed by me"),
            "action": reverse("supplies:stock_out") + _here(community),
        },
        status=422 if request.method == "POST" else 200,
    )


@login_required
@require_GET
def movements(request: HttpRequest) -> HttpResponse:
    user = require(request.user, SuppliesCapability.VIEW_SUPPLIES)
    community, _all = _community(request, user)
    rows = (
        Movement.objects.visible_to(user)
        .filter(community=community)
        .select_related("lot__kind", "gate", "signed_by")
        .order_by("-at", "-id")[:SHOWN]
    )
    return render(
        request,
        "supplies/movements.html",
        {"community": community, "rows": rows, "here": _here(community)},
    )


@login_required
def stock_take(request: HttpRequest) -> HttpResponse:
    user = require(request.user, SuppliesCapability.MANAGE_SUPPLIES)
    community, _all = _community(request, user)
    lots = list(_lots(user, community))
    form = StockTakeForm(request.POST or None, lots=lots)
    if request.method == "POST" and form.is_valid():
        counts = form.counts()
        if counts and all(c >= 0 for c in counts.values()) and not confirmation.confirmed(request):
            return confirmation.ask(
                request,
                title=_("Record the stock-take"),
                says=_(
                    "The counts of %(n)d batches will become the stock of %(community)s; each "
                    "difference from the books is recorded and cannot be undone."
                )
                % {"n": len(counts), "community": community},
                button=_("Record the counts"),
                back=reverse("supplies:stock") + _here(community),
            )
        try:
            take = actions.stock_take(user, community, counts, note=form.cleaned_data["note"])
        except DomainError as exc:
            add_domain_errors(form, exc)
        else:
            n = take.lines.exclude(difference=0).count()
            messages.success(
                request,
                _("The stock-take was recorded; %(n)d batches differed from the books.") % {"n": n},
            )
            return redirect(reverse("supplies:movements") + _here(community))
    return render(
        request,
        "supplies/form.html",
        {
            "form": form,
            "community": community,
            "title": _("Stock-take"),
            "intro": _(
                "Count what is really there; each difference from the books is recorded. "
                "Leave a batch empty to skip it."
            ),
            "button": _("Record the counts"),
            "action": reverse("supplies:stock_take") + _here(community),
        },
        status=422 if request.method == "POST" else 200,
    )


@login_required
def kinds(request: HttpRequest) -> HttpResponse:
    user = require(request.user, SuppliesCapability.VIEW_SUPPLIES)
    community, _all = _community(request, user)
    form = KindForm(request.POST or None)
    if request.method == "POST":
        require(user, SuppliesCapability.MANAGE_SUPPLIES)
        if form.is_valid():
            d = form.cleaned_data
            try:
                actions.save_kind(user, community.township, **d)
            except DomainError as exc:
                add_domain_errors(form, exc)
            else:
                messages.success(request, _("The item was added."))
                return redirect(reverse("supplies:kinds") + _here(community))
    rows = ItemKind.objects.visible_to(user).filter(township_id=community.township_id)
    return render(
        request,
        "supplies/kinds.html",
        {
            "community": community,
            "rows": rows,
            "form": form if can(user, SuppliesCapability.MANAGE_SUPPLIES) else None,
            "here": _here(community),
        },
        status=422 if request.method == "POST" else 200,
    )


# --- donations --------------------------------------------------------------------------------


@login_required
def donations(request: HttpRequest) -> HttpResponse:
    user = require(request.user, SuppliesCapability.VIEW_SUPPLIES)
    community, _all = _community(request, user)
    may_manage = can(user, SuppliesCapability.MANAGE_SUPPLIES)
    form = DonationForm(request.POST or None, initial={"received_on": timezone.localdate()})
    if request.method == "POST":
        require(user, SuppliesCapability.MANAGE_SUPPLIES)
        if form.is_valid():
            try:
                made = actions.record_donation(user, community, **form.cleaned_data)
            except DomainError as exc:
                add_domain_errors(form, exc)
            else:
                messages.success(request, _("The donation was recorded."))
                return redirect("supplies:donation", pk=made.pk)
    rows = (
        Donation.objects.visible_to(user)
        .filter(community=community)
        .with_used()
        .order_by("-received_on", "-id")[:SHOWN]
    )
    return render(
        request,
        "supplies/donations.html",
        {
            "community": community,
            "rows": rows,
            "form": form if may_manage else None,
            "here": _here(community),
        },
        status=422 if request.method == "POST" else 200,
    )


def _donation_page(
    request: HttpRequest, donation: Donation, form: UseForm | None = None, status: int = 200
) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    used = [u.amount for u in donation.uses.all()]
    return render(
        request,
        "supplies/donation.html",
        {
            "d": donation,
            "uses": donation.uses.select_related("recorded_by"),
            "left": stock.left_of(donation.amount, used),
            "form": (form or UseForm(initial={"used_on": timezone.localdate()}))
            if can(user, SuppliesCapability.MANAGE_SUPPLIES)
            else None,
        },
        status=status,
    )


@login_required
def donation(request: HttpRequest, pk: int) -> HttpResponse:
    user = require(request.user, SuppliesCapability.VIEW_SUPPLIES)
    item = get_for(user, Donation, queryset=Donation.objects.select_related("community"), pk=pk)
    if request.method != "POST":
        return _donation_page(request, item)
    require(user, SuppliesCapability.MANAGE_SUPPLIES)
    if "publishable" in request.POST:
        publish = request.POST["publishable"] == "1"
        if publish and not confirmation.confirmed(request):
            return confirmation.ask(
                request,
                title=_("Publish the donation"),
                says=_(
                    "The donation and its uses will be shown to anyone on the community's "
                    "public list; the donor's name only if they agreed."
                ),
                button=_("Publish"),
                back=reverse("supplies:donation", args=[item.pk]),
                danger=False,
            )
        actions.set_publishable(user, item, publishable=publish)
        messages.success(request, _("Saved."))
        return redirect("supplies:donation", pk=item.pk)
    form = UseForm(request.POST)
    if form.is_valid():
        try:
            actions.use_donation(user, item, **form.cleaned_data)
        except DomainError as exc:
            add_domain_errors(form, exc)
        else:
            messages.success(request, _("The use of the donation was recorded."))
            return redirect("supplies:donation", pk=item.pk)
    return _donation_page(request, item, form, 422)


@require_GET
def public_donations(request: HttpRequest, code: str) -> HttpResponse:
    """The community's donations marked publishable and their uses: no account; the donor's
    name only if they agreed."""
    community = get_object_or_404(Community, code=code)
    rows = (
        Donation.objects.filter(community=community, publishable=True)
        .with_used()
        .prefetch_related("uses")
        .order_by("-received_on", "-id")[:SHOWN]
    )
    return render(request, "supplies/public.html", {"community": community, "rows": rows})
