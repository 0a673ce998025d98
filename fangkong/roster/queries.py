"""What the roster's pages, panels, API and report read: a week's grid, who is on duty now,
the empty shifts of a day, a person's shifts. Scoped by the caller (`visible_to`) or by the
community given; each a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.utils import timezone

from fangkong.core.models import Community, User

from . import shifts
from .actions import pattern_on
from .models import Duty, Post


@dataclass
class Cell:
    post: Post
    slot: shifts.Slot
    duties: list[Duty] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.duties


@dataclass
class DayRow:
    day: dt.date
    slots: list[shifts.Slot]
    #: per post, its cells in the order of the slots
    posts: list[tuple[Post, list[Cell]]]

    @property
    def empty_cells(self) -> int:
        return sum(1 for _post, cells in self.posts for c in cells if c.empty)


def _slots(community: Community, days: Iterable[dt.date]) -> dict[dt.date, list[shifts.Slot]]:
    tz = timezone.get_current_timezone()
    return {d: shifts.day_slots(pattern_on(community, d), d, tz) for d in days}


def posts_of(community: Community) -> list[Post]:
    return list(Post.objects.filter(community=community, active=True).order_by("sort_key", "id"))


def grid(community: Community, days: Sequence[dt.date]) -> list[DayRow]:
    """The roster of `days` by post and shift: every cell, filled or not."""
    posts = posts_of(community)
    slots = _slots(community, days)
    duties = Duty.objects.filter(community=community, day__in=list(days)).select_related(
        "person", "post"
    )
    found: dict[tuple[int, dt.date, int], list[Duty]] = defaultdict(list)
    for d in duties:
        found[(d.post_id, d.day, d.slot)].append(d)
    return [
        DayRow(
            day,
            slots[day],
            [
                (post, [Cell(post, s, found.get((post.pk, day, s.index), [])) for s in slots[day]])
                for post in posts
            ],
        )
        for day in days
    ]


def empty_shifts(community: Community, day: dt.date) -> list[Cell]:
    """The shifts of `day` at a post needing cover with nobody on them."""
    [row] = grid(community, [day])
    return [c for _post, cells in row.posts for c in cells if c.empty]


def empty_by_community(
    communities: Sequence[Community], posts: Sequence[Post], day: dt.date
) -> dict[int, list[Cell]]:
    """Community id → the shifts of `day` with nobody on them, for many communities at once
    (one query, and one policy per township)."""
    tz = timezone.get_current_timezone()
    by_township: dict[int, list[shifts.Slot]] = {}
    for c in communities:
        if c.township_id not in by_township:
            by_township[c.township_id] = shifts.day_slots(pattern_on(c, day), day, tz)
    township_of = {c.pk: c.township_id for c in communities}
    filled = set(
        Duty.objects.filter(community_id__in=[c.pk for c in communities], day=day)
        .values_list("post_id", "slot")
        .distinct()
    )
    out: dict[int, list[Cell]] = defaultdict(list)
    for post in posts:
        for slot in by_township[township_of[post.community_id]]:
            if (post.pk, slot.index) not in filled:
                out[post.community_id].append(Cell(post, slot))
    return out


def on_duty_now(
    community_ids: Sequence[int], now: dt.datetime | None = None
) -> dict[int, list[Duty]]:
    """Post id → the duties running at `now`, for the communities' active posts."""
    now = now or timezone.now()
    out: dict[int, list[Duty]] = defaultdict(list)
    for d in (
        Duty.objects.filter(community_id__in=list(community_ids), post__active=True)
        .running(now)
        .select_related("person", "post")
    ):
        out[d.post_id].append(d)
    return out


def gate_on_duty(gate_id: int, now: dt.datetime | None = None) -> list[str]:
    """The names of the people on duty now at the gate's post ([] when nobody, or no post)."""
    now = now or timezone.now()
    return [
        str(d.person)
        for d in Duty.objects.filter(post__gate_id=gate_id, post__active=True)
        .running(now)
        .select_related("person")
        .order_by("id")
    ]


def shifts_of(
    person: User, now: dt.datetime | None = None, *, upcoming: int = 10
) -> dict[str, list[Duty]]:
    """A person's current shift(s), the next ones, and the ones ended in the last day (whose
    handover they may still write)."""
    now = now or timezone.now()
    qs = Duty.objects.filter(person=person).select_related("post", "community")
    return {
        "current": list(qs.running(now)),
        "next": list(qs.filter(start__gt=now).order_by("start")[:upcoming]),
        "ended": list(
            qs.filter(end__lte=now, end__gt=now - dt.timedelta(hours=24)).order_by("-end")
        ),
    }
