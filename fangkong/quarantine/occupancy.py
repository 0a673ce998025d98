"""Beds taken and free, per room and per site of centralised quarantine: one query each, for
the site pages, the room choices of the case page and the API's lists of sites and rooms.

A bed is taken by an open case placed in the room (registered, in quarantine or under release
review); a released or referred case frees it."""

from __future__ import annotations

from django.db.models import Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce, Greatest

from .models import OPEN_STATUSES, Case, Room, Site


def rooms_with_beds(qs: QuerySet[Room]) -> QuerySet[Room]:
    """Each room with `occupied` (open cases in it) and `free` (beds left, never below 0)."""
    return qs.annotate(occupied=Count("cases", filter=Q(cases__status__in=OPEN_STATUSES))).annotate(
        free=Greatest(F("capacity") - F("occupied"), 0)
    )


def sites_with_beds(qs: QuerySet[Site]) -> QuerySet[Site]:
    """Each site with `beds`, `occupied`, `room_count` and `free` (beds left in its rooms)."""
    beds = (
        Room.objects.filter(site=OuterRef("pk"))
        .values("site")
        .annotate(n=Sum("capacity"))
        .values("n")
    )
    occupied = (
        Case.objects.filter(room__site=OuterRef("pk"), status__in=OPEN_STATUSES)
        .values("room__site")
        .annotate(n=Count("pk"))
        .values("n")
    )
    rooms = (
        Room.objects.filter(site=OuterRef("pk")).values("site").annotate(n=Count("pk")).values("n")
    )
    return qs.annotate(
        beds=Coalesce(Subquery(beds, output_field=IntegerField()), 0),
        occupied=Coalesce(Subquery(occupied, output_field=IntegerField()), 0),
        room_count=Coalesce(Subquery(rooms, output_field=IntegerField()), 0),
    ).annotate(
        # No room holds more than its beds (`actions.check_room_free`, `update_room`), so the
        # beds left in the site are its beds less those taken.
        free=Greatest(F("beds") - F("occupied"), 0)
    )
