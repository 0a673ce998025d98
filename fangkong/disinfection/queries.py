"""The day's coverage of the places of communities, read in bounded queries (the rule is
`coverage.py`): each place with the times it is due, the entries it has and its status; and
the lockdowns' public areas of the day, counted from lockdown's own schedule."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, QuerySet
from django.utils import timezone

from fangkong.core.days import day_span
from fangkong.policy.versions import in_force

from . import coverage
from .models import Entry, Place


@dataclass(frozen=True, slots=True)
class PlaceDay:
    place: Place
    required: int
    done: int
    status: str

    @property
    def left(self) -> int:
        return max(self.required - self.done, 0)


def day_of(places: QuerySet[Place], day: dt.date, today: dt.date | None = None) -> list[PlaceDay]:
    """The places of `places` there on `day`, each with its coverage."""
    return days_of(places, [day], today)[day]


def days_of(
    places: QuerySet[Place], days: Sequence[dt.date], today: dt.date | None = None
) -> dict[dt.date, list[PlaceDay]]:
    """For each of `days`, the places of `places` there that day with their coverage (two
    queries, and one per township and day for its policy)."""
    today = today or timezone.localdate()
    out: dict[dt.date, list[PlaceDay]] = {day: [] for day in days}
    if not days:
        return out
    first, last = day_span(min(days))[0], day_span(max(days))[1]
    found = list(
        Place.objects.filter(pk__in=places.values("pk"))
        .on(first, last)
        .select_related("community", "owner")
    )
    if not found:
        return out
    done: dict[tuple[int, dt.date], int] = defaultdict(int)
    for place_id, done_at in Entry.objects.filter(
        place_id__in=[p.pk for p in found], done_at__gte=first, done_at__lt=last
    ).values_list("place_id", "done_at"):
        done[(place_id, timezone.localdate(done_at))] += 1
    rules: dict[tuple[int, dt.date], Any] = {}
    for day in days:
        start, end = day_span(day)
        for place in found:
            if place.created_at >= end or (
                place.retired_at is not None and place.retired_at <= start
            ):
                continue
            key = (place.township_id, day)
            if key not in rules:
                rules[key] = in_force(place.township_id, day).as_rules()
            n = done[(place.pk, day)]
            out[day].append(
                PlaceDay(
                    place,
                    coverage.times_per_day(place.category, rules[key]),
                    n,
                    coverage.status(place.category, rules[key], day, [day] * n, today),
                )
            )
    return out


def by_community(
    community_ids: Iterable[int], day: dt.date, today: dt.date | None = None
) -> dict[int, list[PlaceDay]]:
    ids = list(community_ids)
    out: dict[int, list[PlaceDay]] = {c: [] for c in ids}
    for row in day_of(Place.objects.filter(community_id__in=ids), day, today):
        out[row.place.community_id].append(row)
    return out


def lockdown_areas(user: Any, day: dt.date) -> dict[str, int] | None:
    """The lockdowns' public areas of `day` the user may see (lockdown's schedule): slots
    due and done. None when the user may not see lockdowns."""
    from fangkong.lockdown.capabilities import LockdownCapability
    from fangkong.lockdown.models import DisinfectionTask

    if not user.can(LockdownCapability.VIEW_LOCKDOWNS):
        return None
    tasks = DisinfectionTask.objects.visible_to(user).filter(date=day, stopped_at__isnull=True)
    found = tasks.aggregate(due=Count("id"), done=Count("id", filter=_done()))
    return {"due": found["due"] or 0, "done": found["done"] or 0}


def _done() -> Any:
    from django.db.models import Q

    return Q(done_at__isnull=False)
