"""Demo data of the duty roster (issue 14 item 3, plan 三(一)5 "24小时轮流值班"): in every
community of the demo township, the posts (each gate, the office, the patrol) and this week's
roster (Monday to Sunday, relative to today) filled in turn with the community's staff; one
shift of tomorrow left empty (flagged on the leader's workbench), the handovers of the gate's
shifts already over today and yesterday written, and read by the next person.

Made through `fangkong.roster.actions`, each as of the moment it would have been done (the
roster filled the week before it runs)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from fangkong.core.models import Township, User
from fangkong.core.roles import Role
from fangkong.roster import actions, shifts
from fangkong.roster.models import Duty, Post, PostKind

NOTES = (
    "无异常，测温枪电量正常",
    "北侧围挡有松动，已报物业维修",
    "外卖快递统一放置在门口货架，已消毒",
    "一名访客无健康码，已劝返",
)


@transaction.atomic
def build_demo_roster(township: Township, *, today: dt.date) -> int:
    """The roster of this week in each community of `township`; how many shifts were filled."""
    admin = (
        User.objects.filter(township=township, role=Role.TOWNSHIP_ADMIN, is_active=True)
        .order_by("id")
        .first()
    )
    if admin is None:
        raise ValueError("the demo township has no township admin")
    now = timezone.now()
    days = shifts.week_days(today)
    filled_in_advance = timezone.make_aware(
        dt.datetime.combine(days[0] - dt.timedelta(days=1), dt.time(18))
    )
    tomorrow = today + dt.timedelta(days=1)
    made = 0
    for community in township.communities.order_by("code"):
        leader = (
            User.objects.filter(community=community, role=Role.COMMUNITY_LEADER, is_active=True)
            .order_by("id")
            .first()
        ) or admin
        actions.set_up_posts(leader, community)
        posts = list(Post.objects.filter(community=community, active=True).order_by("sort_key"))
        people = list(
            User.objects.filter(community=community, is_active=True).exclude(role="").order_by("id")
        )
        if len(people) < len(posts):
            continue
        turn = 0
        for day in days:
            for slot in actions.slots_on(community, day):
                for post in posts:
                    person = people[turn % len(people)]
                    turn += 1
                    if day == tomorrow and slot.index == 0 and post.kind == PostKind.GATE:
                        continue  # one empty shift tomorrow, flagged a day ahead
                    actions.assign(
                        leader,
                        post,
                        day=day,
                        slot=slot.index,
                        person=person,
                        now=filled_in_advance,
                    )
                    made += 1
        _handovers(community.pk, now, today)
    return made


def _handovers(community_id: int, now: dt.datetime, today: dt.date) -> None:
    """The gate's shifts over since yesterday: the handover written ten minutes before the end,
    and read by the next person five minutes into their shift."""
    ended = (
        Duty.objects.filter(
            community_id=community_id,
            post__kind=PostKind.GATE,
            day__gte=today - dt.timedelta(days=1),
            end__lte=now,
        )
        .select_related("person")
        .order_by("start")
    )
    for i, duty in enumerate(ended):
        actions.write_handover(
            duty.person, duty, note=NOTES[i % len(NOTES)], now=duty.end - dt.timedelta(minutes=10)
        )
        for after in actions.next_duties(duty):
            at = after.start + dt.timedelta(minutes=5)
            if at <= now:
                actions.read_handover(after.person, after, now=at)
