"""What the duty roster brings to pages it does not own (fangkong.core.registry): the
workbench panel (who is on duty now at each post of the community, tomorrow's shifts with
nobody on them for who fills the roster, and one's own current and next shift), the menu
entry, the gate page's "on duty now" (`checkpoints.duty`), and the daily report's section."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from fangkong.checkpoints import duty as gate_duty
from fangkong.core.access import can
from fangkong.core.models import Community
from fangkong.core.registry import (
    Panel,
    WorkLine,
    provide,
    register_my_work,
    register_nav,
    register_panel,
)

from . import daily_report as _daily_report  # noqa: F401 (registers the report section)
from . import queries
from .capabilities import RosterCapability
from .models import Duty, Post

#: posts shown on the panel (a township's first communities)
PANEL_POSTS = 30


def _panel(request: HttpRequest) -> dict[str, Any] | None:
    user = request.user
    if not can(user, RosterCapability.VIEW_ROSTER):
        return None
    now = timezone.now()
    # one query: the posts of the user's communities, with their community
    posts = list(
        Post.objects.filter(active=True, community__in=Community.objects.in_jurisdiction(user))
        .select_related("community")
        .order_by("community__sort_key", "community_id", "sort_key", "id")[:PANEL_POSTS]
    )
    communities = list({p.community_id: p.community for p in posts}.values())
    ids = [c.pk for c in communities]
    running = queries.on_duty_now(ids, now) if posts else {}
    manage = can(user, RosterCapability.MANAGE_ROSTER)
    tomorrow = timezone.localdate(now) + dt.timedelta(days=1)
    empty = queries.empty_by_community(communities, posts, tomorrow) if manage and posts else {}
    blocks = [
        {
            "community": community,
            "posts": [(p, running.get(p.pk, [])) for p in posts if p.community_id == community.pk],
            "empty_tomorrow": empty.get(community.pk, []),
        }
        for community in communities
        if any(p.community_id == community.pk for p in posts)
    ]
    mine = (
        Duty.objects.filter(person_id=user.pk, end__gt=now).select_related("post").order_by("start")
    )
    return {
        "shown": True,
        "blocks": blocks,
        "manage": manage,
        "tomorrow": tomorrow,
        "mine": mine.first(),
        "now": now,
    }


def _my_work(user: Any) -> list[WorkLine]:
    """The person's current or next shift, on their phone pages (the gate, the deliveries)."""
    if not can(user, RosterCapability.VIEW_ROSTER):
        return []
    now = timezone.now()
    duty = (
        Duty.objects.filter(person_id=user.pk, end__gt=now)
        .select_related("post")
        .order_by("start")
        .first()
    )
    if duty is None:
        return []
    start, end = timezone.localtime(duty.start), timezone.localtime(duty.end)
    values = {
        "post": duty.post.name,
        "start": start.strftime("%m-%d %H:%M"),
        "end": end.strftime("%H:%M"),
    }
    text = (
        gettext("On duty now: %(post)s until %(end)s") % values
        if duty.start <= now
        else gettext("My next shift: %(post)s %(start)s–%(end)s") % values
    )
    return [WorkLine(text, reverse("roster:mine"))]


register_panel("roster", Panel("roster/_panel.html", _panel), order=35)
register_my_work("roster", _my_work, order=10)
register_nav(
    "roster",
    "roster:week",
    _("Duty roster"),
    order=155,
    group="gates",
    any_of=(RosterCapability.VIEW_ROSTER,),
)
provide(gate_duty.GATE_ON_DUTY, queries.gate_on_duty)
