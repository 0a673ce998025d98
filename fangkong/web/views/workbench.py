"""The workbench: what is waiting for the user, in their jurisdiction."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from fangkong.core.access import can
from fangkong.core.models import Community, Grid, User
from fangkong.core.roles import Capability
from fangkong.health.worklists import worklists_for
from fangkong.people.models import Household, Resident, VulnerableTag
from fangkong.people.registry import with_likely_duplicates


def jurisdiction_of(user: User) -> str:
    """The user's jurisdiction in words: 江汉街道 / 民族社区 / 第一网格 (one query)."""
    if user.township_id is None and user.community_id is None and user.grid_id is None:
        return ""
    names = (
        User.objects.filter(pk=user.pk)
        .values_list("township__name", "community__name", "grid__name")
        .first()
    )
    return " / ".join(name for name in names or () if name)


@dataclass
class PlaceCounts:
    place: Community | Grid
    residents: int = 0
    households: int = 0
    tags: list[tuple[str, int]] = field(default_factory=list)


def counts_by_place(user: User) -> list[PlaceCounts]:
    """Residents, households and vulnerable people per community (for a township user) or
    per grid (everyone else), inside the user's jurisdiction: four grouped queries."""
    by_community = user.is_superuser or user.scope[0] == "township"
    key = "community_id" if by_community else "grid_id"
    places: Iterable[Community | Grid] = (
        Community.objects.visible_to(user)
        if by_community
        else Grid.objects.visible_to(user).select_related("community")
    )
    residents = Resident.objects.visible_to(user).active()
    n_residents = dict(residents.order_by().values_list(key).annotate(n=Count("id")))
    n_households = dict(
        Household.objects.visible_to(user).order_by().values_list(key).annotate(n=Count("id"))
    )
    tag_counts: dict[int, dict[str, int]] = defaultdict(dict)
    # One join of the visible residents with their tags (not tags IN residents joined back).
    for place_id, tag, n in (
        residents.filter(tags__isnull=False)
        .order_by()
        .values_list(key, "tags__tag")
        .annotate(n=Count("tags__id"))
    ):
        tag_counts[place_id][tag] = n
    labels = dict(VulnerableTag.choices)
    return [
        PlaceCounts(
            place,
            n_residents.get(place.pk, 0),
            n_households.get(place.pk, 0),
            [
                (str(labels[t]), tag_counts[place.pk][t])
                for t in labels
                if t in tag_counts[place.pk]
            ],
        )
        for place in places
    ]


def recently_changed(residents: QuerySet[Resident], n: int = 10) -> list[Resident]:
    """The `n` residents changed last, in one query that picks their ids before joining
    their places (sorting a community's residents joined with households and grids took
    ~35 ms on PostgreSQL for 10,000; the ids alone, a few)."""
    last = residents.order_by("-updated_at", "-id").values("pk")[:n]
    return list(
        Resident.objects.filter(pk__in=last)
        .select_related("grid", "household")
        .order_by("-updated_at", "-id")
    )


def url_parts(name: str) -> tuple[str, str]:
    """(head, tail) of the URL of page `name` for a record: head + pk + tail, for a template
    that links many records without reversing once per row."""
    marker = str(2_147_483_647)
    head, tail = reverse(name, args=[marker]).split(marker, 1)
    return head, tail


@login_required
def workbench(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    context: dict[str, Any] = {
        "jurisdiction": jurisdiction_of(user),
        "registry": can(user, Capability.VIEW_PEOPLE),
        # Epidemic work waiting for the user (health.worklists): none for guards, volunteers.
        "worklists": worklists_for(user),
    }
    if context["registry"]:
        context["resident_url"] = url_parts("people:resident_detail")
        residents = Resident.objects.visible_to(user).active()
        if can(user, Capability.EDIT_PEOPLE):
            context["duplicates"] = list(
                with_likely_duplicates(residents)
                .select_related("grid", "household")
                .order_by("name", "id")[:20]
            )
        context["recent"] = recently_changed(residents)
        context["counts"] = counts_by_place(user)
        context["totals"] = PlaceCounts(
            place=Community(name=_("Total")),
            residents=sum(c.residents for c in context["counts"]),
            households=sum(c.households for c in context["counts"]),
        )
    return render(request, "core/workbench.html", context)
