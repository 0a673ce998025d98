"""Demo data of the disinfection log (issue 14 item 4, plan 三(一)5 "一日一消毒", 三(四)4): in every
community, its places (the gate, a lift, the refuse point, the clinic, a care home), all
disinfected as often as the policy asks yesterday but ONE (the lift, twice of four), and
this morning's entries so far; the agent taken from the stock of 84消毒液 (the supplies demo
runs first). Made through `fangkong.disinfection.actions`; dates relative to `today`.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from fangkong.core.models import Township, User
from fangkong.core.roles import Role
from fangkong.demo.staff import first_staff
from fangkong.disinfection import actions, coverage
from fangkong.disinfection.models import Place
from fangkong.policy.versions import in_force
from fangkong.supplies.models import Lot

#: name, kind
PLACES = (
    ("南门卡口", "gate"),
    ("1栋电梯", "lift"),
    ("垃圾收集点", "bin"),
    ("社区卫生室", "clinic"),
    ("幸福敬老院", "care_home"),
)
#: the hours of the day's rounds, as many as a category needs
HOURS = (7, 11, 15, 19, 21, 22, 23)


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


@transaction.atomic
def build_demo_disinfection(township: Township, *, today: dt.date) -> int:
    """Places and entries in every community of `township`; how many entries."""
    admin = (
        User.objects.filter(township=township, role=Role.TOWNSHIP_ADMIN, is_active=True)
        .order_by("id")
        .first()
    )
    if admin is None:
        raise ValueError("the demo township has no township admin")
    now = min(timezone.now(), _at(today, 16))
    yesterday = today - dt.timedelta(days=1)
    made = 0
    for community in township.communities.order_by("code"):
        leader = first_staff(community, Role.COMMUNITY_LEADER, Role.OFFICE_STAFF) or admin
        doer = (
            first_staff(community, Role.VOLUNTEER, Role.CHECKPOINT_GUARD, Role.GRID_WORKER) or admin
        )
        owner = first_staff(community, Role.GRID_WORKER, Role.VOLUNTEER)
        agent = Lot.objects.filter(community=community, kind__is_agent=True).order_by("id").first()
        rules_yesterday = in_force(community.township_id, yesterday).as_rules()
        places = []
        for name, kind in PLACES:
            place = actions.save_place(leader, community, name=name, kind=kind, owner=owner)
            # on the list for a month already (the demo's history)
            Place.objects.filter(pk=place.pk).update(
                created_at=_at(today - dt.timedelta(days=30), 9)
            )
            places.append(place)
        for place in places:
            times = coverage.times_per_day(place.category, rules_yesterday)
            if place.kind == "lift":
                times = max(times // 2, 0) if times > 1 else 0  # the one missed yesterday
            for hour in HOURS[:times]:
                when = _at(yesterday, hour)
                actions.record(
                    doer,
                    place,
                    done_at=when,
                    agent=agent,
                    amount=Decimal("0.5") if agent is not None else None,
                    now=when + dt.timedelta(minutes=10),
                )
                made += 1
            # this morning's first round, if the morning has come
            when = _at(today, 7)
            if place.kind != "care_home" and when <= now:
                actions.record(doer, place, done_at=when, now=when + dt.timedelta(minutes=10))
                made += 1
    return made
