"""Pages of the disinfection log: the day's places of a community with their coverage (and
the lockdowns' public areas, counted from lockdown), recording an entry, the places (add,
retire) and the log.

Thin views: access (`require`, `get_for`), a form, one action, render or redirect.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from fangkong.core import confirmation
from fangkong.core.access import can, get_for, require
from fangkong.core.errors import DomainError
from fangkong.core.forms import add_domain_errors
from fangkong.core.models import Community, User
from fangkong.supplies.models import Lot

from . import actions, coverage, queries
from .capabilities import DisinfectionCapability
from .forms import EntryForm, PlaceForm
from .models import Entry, Place

SHOWN = 200


def _community(request: HttpRequest, user: User) -> tuple[Community, QuerySet[Community]]:
    communities = Community.objects.in_jurisdiction(user).order_by("township_id", "sort_key")
    wanted = request.GET.get("community")
    if wanted:
        try:
            return communities.get(pk=int(wanted)), communities
        except (ValueError, Community.DoesNotExist):
            raise Http404 from None
    first = communities.first()
    if first is None:
        raise Http404
    return first, communities


def _day(request: HttpRequest, today: dt.date) -> dt.date:
    try:
        day = dt.date.fromisoformat(request.GET.get("day") or today.isoformat())
    except ValueError:
        return today
    return min(day, today)


@login_required
@require_GET
def today(request: HttpRequest) -> HttpResponse:
    user = require(request.user, DisinfectionCapability.VIEW_DISINFECTION)
    community, communities = _community(request, user)
    now_day = timezone.localdate()
    day = _day(request, now_day)
    rows = queries.day_of(Place.objects.visible_to(user).filter(community=community), day, now_day)
    order = {coverage.MISSED: 0, coverage.DUE: 1, coverage.COVERED: 2}
    rows.sort(key=lambda r: (order[r.status], r.place.name))
    return render(
        request,
        "disinfection/today.html",
        {
            "community": community,
            "communities": communities if communities.count() > 1 else None,
            "day": day,
            "is_today": day == now_day,
            "yesterday": day - dt.timedelta(days=1),
            "tomorrow": day + dt.timedelta(days=1) if day < now_day else None,
            "rows": rows,
            "lockdown": queries.lockdown_areas(user, day),
        },
    )


def _agents(user: User, place: Place) -> QuerySet[Lot]:
    return (
        Lot.objects.in_jurisdiction(user)
        .filter(community_id=place.community_id, kind__is_agent=True)
        .select_related("kind")
    )


@login_required
def record(request: HttpRequest, pk: int) -> HttpResponse:
    user = require(request.user, DisinfectionCapability.RECORD_DISINFECTION)
    place = get_for(user, Place, queryset=Place.objects.active(), pk=pk)
    form = EntryForm(
        request.POST or None,
        initial={"done_at": timezone.localtime().replace(second=0, microsecond=0)},
        agents=_agents(user, place),
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            actions.record(
                user,
                place,
                done_at=d["done_at"],
                agent=d["agent"],
                amount=d["amount"],
                note=d["note"],
            )
        except DomainError as exc:
            add_domain_errors(form, exc)
        else:
            messages.success(
                request, _("The disinfection of %(place)s was recorded.") % {"place": place}
            )
            return redirect(reverse("disinfection:today") + f"?community={place.community_id}")
    return render(
        request,
        "disinfection/record.html",
        {"form": form, "place": place},
        status=422 if request.method == "POST" else 200,
    )


def _owners(community: Community) -> QuerySet[User]:
    return User.objects.filter(is_active=True, community=community).order_by("display_name")


@login_required
def places(request: HttpRequest) -> HttpResponse:
    user = require(request.user, DisinfectionCapability.VIEW_DISINFECTION)
    community, _all = _community(request, user)
    may_manage = can(user, DisinfectionCapability.MANAGE_PLACES)
    form = PlaceForm(request.POST or None, owners=_owners(community))
    if request.method == "POST":
        require(user, DisinfectionCapability.MANAGE_PLACES)
        if form.is_valid():
            try:
                actions.save_place(user, community, **form.cleaned_data)
            except DomainError as exc:
                add_domain_errors(form, exc)
            else:
                messages.success(request, _("The place was added."))
                return redirect(reverse("disinfection:places") + f"?community={community.pk}")
    rows = (
        Place.objects.visible_to(user).active().filter(community=community).select_related("owner")
    )
    return render(
        request,
        "disinfection/places.html",
        {"community": community, "rows": rows, "form": form if may_manage else None},
        status=422 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def retire(request: HttpRequest, pk: int) -> HttpResponse:
    user = require(request.user, DisinfectionCapability.MANAGE_PLACES)
    place = get_for(user, Place, queryset=Place.objects.active(), pk=pk)
    back = reverse("disinfection:places") + f"?community={place.community_id}"
    if not confirmation.confirmed(request):
        return confirmation.ask(
            request,
            title=_("Take the place off the list"),
            says=_("%(place)s will no longer be due for disinfection from now on. Its log is kept.")
            % {"place": place},
            button=_("Take it off the list"),
            back=back,
        )
    try:
        actions.retire_place(user, place)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The place was taken off the list."))
    return redirect(back)


@login_required
@require_GET
def log(request: HttpRequest) -> HttpResponse:
    user = require(request.user, DisinfectionCapability.VIEW_DISINFECTION)
    community, _all = _community(request, user)
    rows = (
        Entry.objects.visible_to(user)
        .filter(community=community)
        .select_related("place", "done_by", "agent__kind")
        .order_by("-done_at", "-id")[:SHOWN]
    )
    return render(request, "disinfection/log.html", {"community": community, "rows": rows})
