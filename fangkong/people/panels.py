"""What people brings to pages it does not own (fangkong.core.registry): the registry's cards
of the workbench (likely duplicates, records changed recently, the jurisdiction in numbers)
and the residents link."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fangkong.core.access import can
from fangkong.core.models import Community, Grid, User
from fangkong.core.registry import Panel, register_nav, register_panel
from fangkong.core.roles import CoreCapability
from fangkong.core.scoping import jurisdiction_level
from fangkong.people.capabilities import PeopleCapability

from .models import Household, Resident, VulnerableTag
from .registry import with_likely_duplicates


@dataclass
class PlaceCounts:
    place: Community | Grid
    residents: int = 0
    households: int = 0
    tags: list[tuple[str, int]] = field(default_factory=list)


def counts_by_place(user: User) -> list[PlaceCounts]:
    """Residents, households and vulnerable people per community (for a township user) or
    per grid (everyone else), inside the user's jurisdiction: four grouped queries."""
    by_community = user.is_superuser or jurisdiction_level(user) == "township"
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


def registry_panel(request: HttpRequest) -> dict[str, Any] | None:
    user = request.user
    if not isinstance(user, User):
        return None
    context: dict[str, Any] = {"registry": can(user, CoreCapability.VIEW_PEOPLE)}
    if context["registry"]:
        context["resident_url"] = url_parts("people:resident_detail")
        residents = Resident.objects.visible_to(user).active()
        if can(user, PeopleCapability.EDIT_PEOPLE):
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
    return context


register_panel("people.registry", Panel("people/_workbench.html", registry_panel), order=70)
register_nav(
    "people.residents",
    "people:resident_list",
    gettext_lazy("Residents"),
    order=20,
    group="people",
    any_of=("view_people",),
)

register_nav(
    "imports",
    "imports:job_list",
    gettext_lazy("Import"),
    order=180,
    group="manage",
    any_of=("import_people",),
)
