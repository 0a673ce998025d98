"""The day's coverage of the places of communities, read in bounded queries (the rule is
`coverage.py`): each place with the times it is due, the entries it has and its status; and
the lockdowns' public areas of the day, counted from lockdown's own schedule."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
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
    """The places of `places` there on `day`, each with its coverage (three queries and one
    per township for its policy)."""
    today = today or timezone.localdate()
    start, end = day_span(day)
    found = list(
        Place.objects.filter(pk__in=places.values("pk"))
        .on(start, end)
        .select_related("community", "owner")
    )
    if not found:
        return []
    counts = dict(
        Entry.objects.filter(
            place_id__in=[p.pk for p in found], done_at__gte=start, done_at__lt=end
        )
        .values("place_id")
        .annotate(n=Count("id"))
        .values_list("place_id", "n")
    )
    rules: dict[int, Any] = {}
    out = []
    for place in found:
        if place.township_id not in rules:
            rules[place.township_id] = in_force(place.township_id, day).as_rules()
        r = rules[place.township_id]
        done = counts.get(place.pk, 0)
        out.append(
            PlaceDay(
                place,
                coverage.times_per_day(place.category, r),
                done,
                coverage.status(place.category, r, day, [day] * done, today),
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
