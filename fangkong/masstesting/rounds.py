"""Opening a testing round: its scope and everyone expected (used by the round pages and by
`lockdown.actions.lock`)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import QuerySet, Value
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.core import audit
from fangkong.core.errors import DomainError
from fangkong.core.models import AuditAction, Building, Community, Grid, Township, Unit, User
from fangkong.lockdown.models import Lockdown
from fangkong.people.models import Resident
from fangkong.policy.versions import in_force

from .models import Round, RoundMember, ScopeKind

Scope = Unit | Building | Grid | Community | Township

_BATCH = 5_000


def scope_fields(scope: Scope) -> dict[str, object]:
    """The Round fields that name `scope` (its kind and the places it lies in)."""
    if isinstance(scope, Unit):
        building = scope.building
        grid = building.grid
        return {
            "scope": ScopeKind.UNIT,
            "unit": scope,
            "building": building,
            "grid": grid,
            "community": grid.community,
            "township_id": grid.community.township_id,
        }
    if isinstance(scope, Building):
        grid = scope.grid
        return {
            "scope": ScopeKind.BUILDING,
            "building": scope,
            "grid": grid,
            "community": grid.community,
            "township_id": grid.community.township_id,
        }
    if isinstance(scope, Grid):
        return {
            "scope": ScopeKind.GRID,
            "grid": scope,
            "community": scope.community,
            "township_id": scope.community.township_id,
        }
    if isinstance(scope, Community):
        return {
            "scope": ScopeKind.COMMUNITY,
            "community": scope,
            "township_id": scope.township_id,
        }
    return {"scope": ScopeKind.TOWNSHIP, "township_id": scope.pk}


def residents_in(scope: Scope) -> Iterable[Resident]:
    """Everyone living in `scope` now (active residents with a household there)."""
    return (
        residents_query(scope)
        .select_related("household")
        .order_by("id")
        .iterator(chunk_size=_BATCH)
    )


def residents_query(scope: Scope) -> QuerySet[Resident]:
    qs = Resident.objects.active()
    if isinstance(scope, Unit):
        qs = qs.filter(household__unit=scope)
    elif isinstance(scope, Building):
        qs = qs.filter(household__building=scope)
    elif isinstance(scope, Grid):
        qs = qs.filter(grid=scope)
    elif isinstance(scope, Community):
        qs = qs.filter(community=scope)
    else:
        qs = qs.filter(township=scope)
    return qs


def _insert(rnd: Round, residents: Iterable[Resident]) -> int:
    """Members for the given people, in batches."""
    batch: list[RoundMember] = []
    count = 0
    for person in residents:
        batch.append(
            RoundMember(
                round=rnd,
                township_id=person.township_id,
                community_id=person.community_id,
                grid_id=person.grid_id,
                building_id=person.household.building_id if person.household else None,
                household_id=person.household_id,
                resident=person,
            )
        )
        if len(batch) >= _BATCH:
            RoundMember.objects.bulk_create(batch)
            count += len(batch)
            batch = []
    RoundMember.objects.bulk_create(batch)
    return count + len(batch)


def _insert_everyone_in(scope: Scope, rnd: Round) -> int:
    """Members for everyone living in `scope`: ONE `INSERT … SELECT` (a township of 300,000
    people in seconds, no row through Python)."""
    people = (
        residents_query(scope)
        .order_by("id")
        .values_list(
            Value(rnd.pk),
            "township_id",
            "community_id",
            "grid_id",
            "household__building_id",
            "household_id",
            "id",
            Value(""),
            Value(False),
        )
    )
    sql, params = people.query.sql_with_params()
    columns = (
        "round_id", "township_id", "community_id", "grid_id", "building_id", "household_id",
        "resident_id", "result", "retest_needed",
    )  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {RoundMember._meta.db_table} ({', '.join(columns)}) {sql}", params
        )
        return int(cursor.rowcount)


def open_round(
    by: User | None,
    *,
    scope: Scope,
    name: str,
    residents: Iterable[Resident] | None = None,
    lockdown: Lockdown | None = None,
) -> Round:
    """Open a round over `scope` expecting `residents` (default: everyone living there now).

    One transaction: the round, one member per person (with their grid, building and
    household, for coverage), one audit entry. Refused when nobody would be expected.
    """
    name = name.strip()
    if not name:
        raise DomainError(_("Give the round a name."), field="name")
    fields = scope_fields(scope)
    today = timezone.localdate()
    policy = in_force(fields["township_id"], today)  # type: ignore[arg-type]
    with transaction.atomic():
        rnd = Round.objects.create(
            name=name,
            lockdown=lockdown,
            pool_size=policy.as_rules().pool_size,
            policy=policy,
            opened_by=by,
            **fields,
        )
        count = _insert_everyone_in(scope, rnd) if residents is None else _insert(rnd, residents)
        if count == 0:
            raise DomainError(
                _("Nobody is registered as living there: add the residents first."),
                field="scope",
            )
        audit.record_object(
            by, AuditAction.CREATE, rnd, changes={"members": count, "scope": fields["scope"]}
        )
    return rnd
