"""Pages of the duty roster: the week (one day at a time, posts × shifts, with a day picker
that works on a phone), filling and emptying shifts, copying last week's roster, the posts,
"my shifts" (the current and next ones, the handover to write and the one to read), swaps.

Thin views: access (`require`, `get_for`, `visible_to`), one action, redirect with a message.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from fangkong.core import confirmation
from fangkong.core.access import can, get_for, require
from fangkong.core.errors import DomainError
from fangkong.core.models import Community, User

from . import actions, queries, shifts
from .capabilities import RosterCapability
from .models import Duty, Post, Swap, SwapStatus


def _community(user: User, raw: str | None) -> Community | None:
    communities = Community.objects.in_jurisdiction(user).order_by("township_id", "sort_key", "id")
    if raw and raw.isdigit():
        found = communities.filter(pk=int(raw)).first()
        if found is None:
            raise Http404
        return found
    return communities.first()


def _day(raw: str | None, default: dt.date) -> dt.date:
    day = parse_date(raw or "") if raw else None
    return day or default


def week_url(community: Community | int, day: dt.date) -> str:
    cid: int = community if isinstance(community, int) else community.pk
    query = urlencode({"community": str(cid), "day": day.isoformat()})
    return f"{reverse('roster:week')}?{query}"


def candidates(community: Community) -> Any:
    """Who may go on the community's posts: its active staff, any role."""
    return (
        User.objects.filter(community=community, is_active=True)
        .exclude(role="")
        .order_by("display_name", "username")
    )


@login_required
@require_GET
def week(request: HttpRequest) -> HttpResponse:
    user = require(request.user, RosterCapability.VIEW_ROSTER)
    community = _community(user, request.GET.get("community"))
    today = timezone.localdate()
    day = _day(request.GET.get("day"), today)
    days = shifts.week_days(day)
    context: dict[str, Any] = {
        "community": community,
        "communities": list(Community.objects.in_jurisdiction(user).order_by("sort_key", "id")),
        "day": day,
        "today": today,
        "days": days,
        "previous_week": days[0] - dt.timedelta(days=7),
        "next_week": days[0] + dt.timedelta(days=7),
    }
    if community is not None:
        rows = queries.grid(community, days)
        context["rows"] = rows
        context["row"] = next(r for r in rows if r.day == day)
        manage = can(user, RosterCapability.MANAGE_ROSTER)
        context["manage"] = manage
        context["now"] = timezone.now()
        if manage:
            context["people"] = list(candidates(community))
        context["has_posts"] = bool(queries.posts_of(community))
        context["waiting_swaps"] = (
            Swap.objects.visible_to(user)
            .filter(community=community, status=SwapStatus.REQUESTED)
            .count()
        )
    return render(request, "roster/week.html", context)


@login_required
@require_POST
def fill(request: HttpRequest) -> HttpResponse:
    user = require(request.user, RosterCapability.MANAGE_ROSTER)
    post = get_for(user, Post, pk=request.POST.get("post") or 0)
    day = _day(request.POST.get("day"), timezone.localdate())
    back = week_url(post.community_id, day)
    person = User.objects.filter(pk=request.POST.get("person") or 0).first()
    slot = request.POST.get("slot", "")
    if person is None or not slot.isdigit():
        messages.error(request, _("Choose the person to put on the shift."))
        return redirect(back)
    try:
        actions.assign(user, post, day=day, slot=int(slot), person=person)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(back)
    messages.success(request, _("%(name)s is on the roster.") % {"name": person})
    return redirect(back)


@login_required
@require_POST
def remove(request: HttpRequest, pk: int) -> HttpResponse:
    user = require(request.user, RosterCapability.MANAGE_ROSTER)
    duty = get_for(user, Duty, pk=pk)
    back = week_url(duty.community_id, duty.day)
    try:
        actions.unassign(user, duty)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(back)
    messages.success(request, _("Taken off the shift."))
    return redirect(back)


@login_required
@require_POST
def copy(request: HttpRequest) -> HttpResponse:
    user = require(request.user, RosterCapability.MANAGE_ROSTER)
    community = _community(user, request.POST.get("community"))
    if community is None:
        raise Http404
    monday = shifts.week_days(_day(request.POST.get("day"), timezone.localdate()))[0]
    back = week_url(community, monday)
    if not confirmation.confirmed(request):
        return confirmation.ask(
            request,
            title=_("Copy last week's roster"),
            says=_(
                "Copy the roster of the week of %(before)s onto the week of %(monday)s for "
                "%(community)s? The same people go on the same posts and shifts; shifts already "
                "filled keep their people, and past shifts are left out."
            )
            % {
                "before": (monday - dt.timedelta(days=7)).strftime("%m-%d"),
                "monday": monday.strftime("%m-%d"),
                "community": community.name,
            },
            button=_("Copy the roster"),
            back=back,
            danger=False,
        )
    try:
        copied, skipped = actions.copy_week(user, community, monday=monday)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(back)
    messages.success(
        request,
        _("%(n)d shifts copied; %(m)d left out (past, or the person is already on duty).")
        % {"n": copied, "m": skipped},
    )
    return redirect(back)


@login_required
def posts(request: HttpRequest) -> HttpResponse:
    user = require(request.user, RosterCapability.VIEW_ROSTER)
    data = request.POST if request.method == "POST" else request.GET
    community = _community(user, data.get("community"))
    if community is None:
        raise Http404
    if request.method == "POST":
        require(user, RosterCapability.MANAGE_ROSTER)
        try:
            if request.POST.get("name", "").strip():
                actions.add_post(user, community, name=request.POST["name"])
                messages.success(request, _("The post was added."))
            else:
                made = actions.set_up_posts(user, community)
                messages.success(request, _("%(n)d posts added.") % {"n": len(made)})
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect(f"{reverse('roster:posts')}?community={community.pk}")
    return render(
        request,
        "roster/posts.html",
        {
            "community": community,
            "posts": list(Post.objects.visible_to(user).filter(community=community)),
            "manage": can(user, RosterCapability.MANAGE_ROSTER),
        },
    )


# --- my shifts --------------------------------------------------------------------------------


#: a shift starting within this long shows the handover of the shift before it
SOON = dt.timedelta(hours=2)


def _with_handovers(duties: list[Duty]) -> list[dict[str, Any]]:
    return [
        {
            "duty": d,
            "previous": actions.previous_duties(d),
            "next": actions.next_duties(d),
        }
        for d in duties
    ]


@login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    user = require(request.user, RosterCapability.VIEW_ROSTER)
    now = timezone.now()
    found = queries.shifts_of(user, now)
    swaps_of = {
        s.duty_id: s
        for s in Swap.objects.filter(from_person=user, status=SwapStatus.REQUESTED).select_related(
            "to_person"
        )
    }
    upcoming = [{"duty": d, "swap": swaps_of.get(d.pk)} for d in found["next"]]
    community = user.community
    return render(
        request,
        "roster/mine.html",
        {
            "current": _with_handovers(found["current"]),
            # the next shift starting within two hours: its handover may be read already
            "soon": _with_handovers(
                [d for d in found["next"][:1] if d.start <= now + SOON and not found["current"]]
            ),
            "ended": _with_handovers(found["ended"]),
            "upcoming": upcoming,
            "now": now,
            "handover_from": actions.HANDOVER_FROM_BEFORE_END,
            "people": list(candidates(community).exclude(pk=user.pk)) if community else [],
        },
    )


def _own_duty(request: HttpRequest, pk: int) -> tuple[User, Duty]:
    user = require(request.user, RosterCapability.VIEW_ROSTER)
    return user, get_for(user, Duty, pk=pk)


@login_required
@require_POST
def handover(request: HttpRequest, pk: int) -> HttpResponse:
    user, duty = _own_duty(request, pk)
    try:
        actions.write_handover(user, duty, note=request.POST.get("note", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("roster:mine")
    messages.success(request, _("The handover was written; the next shift will read it."))
    return redirect("roster:mine")


@login_required
@require_POST
def read(request: HttpRequest, pk: int) -> HttpResponse:
    user, duty = _own_duty(request, pk)
    try:
        actions.read_handover(user, duty)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("roster:mine")
    messages.success(request, _("You acknowledged the handover."))
    return redirect("roster:mine")


@login_required
@require_POST
def swap_request(request: HttpRequest, pk: int) -> HttpResponse:
    user, duty = _own_duty(request, pk)
    to_person = User.objects.filter(pk=request.POST.get("to_person") or 0).first()
    if to_person is None:
        messages.error(request, _("Choose who takes the shift."))
        return redirect("roster:mine")
    try:
        actions.request_swap(user, duty, to_person=to_person, reason=request.POST.get("reason", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("roster:mine")
    messages.success(request, _("The swap was asked; the leader decides."))
    return redirect("roster:mine")


@login_required
@require_GET
def swaps(request: HttpRequest) -> HttpResponse:
    user = require(request.user, RosterCapability.VIEW_ROSTER)
    rows = (
        Swap.objects.visible_to(user)
        .select_related("duty__post", "from_person", "to_person", "community", "decided_by")
        .order_by("status", "-requested_at")[:200]
    )
    return render(
        request,
        "roster/swaps.html",
        {"rows": list(rows), "decide": can(user, RosterCapability.APPROVE_SWAPS)},
    )


@login_required
@require_POST
def swap_decide(request: HttpRequest, pk: int) -> HttpResponse:
    user = require(request.user, RosterCapability.APPROVE_SWAPS)
    swap = get_for(user, Swap, pk=pk)
    approve = request.POST.get("decision") == "approve"
    try:
        actions.decide_swap(user, swap, approve=approve)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("roster:swaps")
    messages.success(
        request, _("The swap was approved.") if approve else _("The swap was refused.")
    )
    return redirect("roster:swaps")
