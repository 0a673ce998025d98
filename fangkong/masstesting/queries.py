"""Reading a round: its numbers, its coverage by building, who is still missing. Each is a
bounded number of grouped queries over `RoundMember` (never a load of the members)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from fangkong.core.errors import DomainError
from fangkong.core.models import Building, Community, Grid, Unit, User
from fangkong.core.placeorder import natural_key
from fangkong.core.scoping import jurisdiction_level

from .models import MemberResult, Round, RoundMember, ScopeKind
from .rounds import Scope


def members_of(user: User | AnonymousUser, rnd: Round) -> QuerySet[RoundMember]:
    """The round's members the user may see (a grid worker: their grid's)."""
    return RoundMember.objects.visible_to(user).filter(round=rnd)


class _Coverage:
    """Who is still missing, of `expected` people of whom `sampled` were sampled."""

    __slots__ = ()
    expected: int
    sampled: int

    @property
    def missing(self) -> int:
        return self.expected - self.sampled

    @property
    def percent(self) -> int:
        return round(100 * self.sampled / self.expected) if self.expected else 0


@dataclass(frozen=True, slots=True)
class Numbers(_Coverage):
    expected: int
    sampled: int
    negative: int
    positive: int
    invalid: int
    pending: int
    retest: int


#: the counts of a set of members, in the order of `Numbers`' fields
_NUMBERS = {
    "expected": Count("*"),
    "sampled": Count("tube_id"),
    "negative": Count("id", filter=Q(result=MemberResult.NEGATIVE)),
    "positive": Count("id", filter=Q(result=MemberResult.POSITIVE)),
    "invalid": Count("id", filter=Q(result=MemberResult.INVALID)),
    "pending": Count("id", filter=Q(tube__isnull=False, result="", retest_needed=False)),
    "retest": Count("id", filter=Q(retest_needed=True)),
}


def numbers(members: QuerySet[RoundMember]) -> Numbers:
    """One aggregate query."""
    return Numbers(**members.order_by().aggregate(**_NUMBERS))


@dataclass(frozen=True, slots=True)
class CoverageRow(_Coverage):
    place: str
    building_id: int | None
    grid_id: int
    expected: int
    sampled: int
    retest: int

    @property
    def key(self) -> str:
        """The building filter of the missing list for this row."""
        return str(self.building_id) if self.building_id else f"grid-{self.grid_id}"


def coverage_and_numbers(members: QuerySet[RoundMember]) -> tuple[list[CoverageRow], Numbers]:
    """Expected / sampled by building (by grid for households without one), least covered
    first, and the round's totals summed from the same groups: ONE grouped query over the
    (round, building) index, and one each for the building and grid names."""
    groups = list(
        members.order_by()
        .values("building_id", "grid_id")
        .annotate(**_NUMBERS)
        .values_list("building_id", "grid_id", *_NUMBERS)
    )
    totals = Numbers(*(sum(g[i] for g in groups) for i in range(2, 2 + len(_NUMBERS))))
    names = dict(
        Building.objects.filter(pk__in={g[0] for g in groups if g[0] is not None}).values_list(
            "pk", "name"
        )
    )
    grids = dict(Grid.objects.filter(pk__in={g[1] for g in groups}).values_list("pk", "name"))
    no_building = _("no building")
    rows = [
        CoverageRow(
            place=(
                f"{grids.get(g[1], '')} {names.get(g[0], '')}"
                if g[0] is not None
                else f"{grids.get(g[1], '')} · {no_building}"
            ),
            building_id=g[0],
            grid_id=g[1],
            expected=g[2],
            sampled=g[3],
            retest=g[8],
        )
        for g in groups
    ]
    rows.sort(key=lambda r: (r.sampled / r.expected if r.expected else 1, natural_key(r.place)))
    return rows, totals


def coverage(members: QuerySet[RoundMember]) -> list[CoverageRow]:
    return coverage_and_numbers(members)[0]


def missing(members: QuerySet[RoundMember], building: str | None) -> QuerySet[RoundMember]:
    """Who has not been sampled, optionally in one building ("grid-N" for no building)."""
    qs = members.filter(tube__isnull=True)
    if building:
        if building.startswith("grid-") and building[5:].isdigit():
            qs = qs.filter(building__isnull=True, grid_id=int(building[5:]))
        elif building.isdigit():
            qs = qs.filter(building_id=int(building))
    return qs.select_related("resident", "household").order_by("building_id", "household_id", "id")


# -- choosing a scope -----------------------------------------------------------------------


def is_township_level(user: User) -> bool:
    return jurisdiction_level(user) == "township"


def scope_for(user: User, kind: str, scope_id: int | None) -> Scope:
    """The place of `kind` and id inside the user's jurisdiction, else DomainError."""
    if kind == ScopeKind.TOWNSHIP:
        own = user.township if is_township_level(user) else None
        if own is None or (scope_id is not None and scope_id != own.pk):
            raise DomainError(
                _("Only the township may open a round for the whole township."), field="scope"
            )
        return own
    models: dict[str, Any] = {
        ScopeKind.UNIT: Unit,
        ScopeKind.BUILDING: Building,
        ScopeKind.GRID: Grid,
        ScopeKind.COMMUNITY: Community,
    }
    model = models.get(kind)
    if model is None:
        raise DomainError(_("Choose what the round covers."), field="scope")
    found = (
        model.objects.visible_to(user).filter(pk=int(scope_id)).first()
        if scope_id is not None
        else None
    )
    if found is None:
        raise DomainError(_("This place is not in your jurisdiction."), field="scope_id")
    return found  # type: ignore[no-any-return]


def scope_choices(user: User) -> list[tuple[str, list[tuple[str, str]]]]:
    """Grouped choices "kind:id" of the places the user may open a round for."""
    groups: list[tuple[str, list[tuple[str, str]]]] = []
    if is_township_level(user):
        township = user.township_id
        groups.append(
            (str(_("Township")), [(f"township:{township}", str(_("The whole township")))])
        )
    communities = Community.objects.visible_to(user).order_by("sort_key", "id")
    groups.append((str(_("Community")), [(f"community:{c.pk}", c.name) for c in communities]))
    grids = (
        Grid.objects.visible_to(user)
        .select_related("community")
        .order_by("community__sort_key", "sort_key", "id")
    )
    groups.append(
        (str(_("Grid")), [(f"grid:{g.pk}", f"{g.community.name} {g.name}") for g in grids])
    )
    buildings = (
        Building.objects.visible_to(user)
        .select_related("grid__community")
        .order_by("grid__community__sort_key", "grid__sort_key", "sort_key", "id")[:3000]
    )
    groups.append(
        (
            str(_("Building")),
            [
                (f"building:{b.pk}", f"{b.grid.community.name} {b.grid.name} {b.name}")
                for b in buildings
            ],
        )
    )
    units = (
        Unit.objects.visible_to(user)
        .select_related("building__grid")
        .order_by(
            "building__grid__community__sort_key",
            "building__grid__sort_key",
            "building__sort_key",
            "sort_key",
            "id",
        )[:3000]
    )
    groups.append(
        (
            str(_("Unit")),
            [(f"unit:{u.pk}", f"{u.building.grid.name} {u.building.name} {u.name}") for u in units],
        )
    )
    return [(label, options) for label, options in groups if options]
