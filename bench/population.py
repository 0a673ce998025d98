"""Fill the configured database with synthetic residents, fast, for the benchmarks.

    populate(1_000_000)                          # from Python, Django set up
    python bench/population.py 1000000           # from the shell (DATABASE_URL, DEBUG=1)

adds one township of `n` residents (or `townships=k` townships of n/k each): communities of
~10,000 people (every fifth a village without buildings), grids of ~1,000, buildings with
units and rooms, households of 1–6 people with relations, realistic names with their pinyin,
valid unique ID numbers, mobile phones and vulnerable-group tags at plausible rates.
Jurisdictions above the building go through the ORM; buildings, units, households,
residents and tags are written raw — COPY on PostgreSQL (psycopg 3 `cursor.copy`), one
executemany per chunk on SQLite — in one transaction, with explicit primary keys (sequences
are moved past them afterwards). On PostgreSQL, for 50,000 rows or more, the secondary
indexes of those tables are dropped for the load and rebuilt after it, and as a superuser
the per-row foreign-key triggers are skipped (the rows are consistent by construction).

Rows are built from the models' own field lists, so a column added later with a default
needs no change here.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import random
import sys
import time
from pathlib import Path

if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fangkong.settings")
    import django

    django.setup()

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from fangkong.core.models import Building, Community, CommunityKind, Grid, Township, Unit
from fangkong.core.sealed import DerivedField, SealedField
from fangkong.demo import names
from fangkong.people.models import (
    DocumentType,
    Household,
    Relation,
    ResidenceType,
    Resident,
    ResidentTag,
    VulnerableTag,
)

COMMUNITY_SIZE = 10_000
GRID_SIZE = 1_000
VILLAGE_EVERY = 5  # every fifth community is a village
HOUSEHOLD_SIZES = (1, 2, 3, 4, 5, 6)
HOUSEHOLD_WEIGHTS = (25, 30, 22, 13, 7, 3)
ROOMS_PER_UNIT = 12  # 6 floors × 2
UNITS_PER_BUILDING = 3
CHUNK = 20_000  # residents written per batch


class _Table:
    """Raw rows for one model, in the column order of its concrete fields."""

    def __init__(self, model: type[models.Model]) -> None:
        self.model = model
        self.table = model._meta.db_table
        fields = [f for f in model._meta.concrete_fields]
        self.columns = [str(f.column) for f in fields]
        self.names = [f.attname for f in fields]
        self.defaults: dict[str, Any] = {}
        for f in fields:
            if f.has_default():
                self.defaults[f.attname] = f.get_default()
            elif f.null:
                self.defaults[f.attname] = None
            elif isinstance(f, models.CharField | models.TextField) and f.blank:
                self.defaults[f.attname] = ""
        self.rows: list[tuple[Any, ...]] = []
        # Sealed numbers are written as the model would: the clear columns derived from the
        # plain value, then the value sealed.
        self.derived = [f for f in fields if isinstance(f, DerivedField)]
        self.sealed = [f for f in fields if isinstance(f, SealedField)]

    def add(self, **values: Any) -> None:
        data = {**self.defaults, **values}
        for f in self.derived:
            data[f.attname] = f.derive(data[f.source] or "")
        for s in self.sealed:
            data[s.attname] = s.get_prep_value(data[s.attname])
        self.rows.append(tuple(data[n] for n in self.names))

    def flush(self) -> int:
        rows, self.rows = self.rows, []
        if rows:
            write_rows(self.table, self.columns, rows)
        return len(rows)


def write_rows(table: str, columns: Sequence[str], rows: Sequence[tuple[Any, ...]]) -> None:
    """Insert rows as fast as the database allows: COPY on PostgreSQL, executemany elsewhere."""
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor  # the psycopg 3 cursor under Django's wrapper
            with raw.copy(f"COPY {connection.ops.quote_name(table)} ({quoted}) FROM STDIN") as cp:
                for row in rows:
                    cp.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            sql = f"INSERT INTO {connection.ops.quote_name(table)} ({quoted}) VALUES ({marks})"
            cursor.executemany(sql, [tuple(map(_sqlite_value, row)) for row in rows])


def _sqlite_value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _next_id(model: type[models.Model]) -> int:
    top = model._default_manager.aggregate(top=models.Max("pk"))["top"]
    return (top or 0) + 1


def _move_sequences(tables: Iterable[type[models.Model]]) -> None:
    if connection.vendor != "postgresql":
        return  # SQLite continues after the largest rowid by itself
    with connection.cursor() as cursor:
        for model in tables:
            table = model._meta.db_table
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence(%s, 'id'), "
                f"(SELECT coalesce(max(id), 1) FROM {connection.ops.quote_name(table)}))",
                [table],
            )


@dataclass
class _Ids:
    counters: dict[type[models.Model], Iterator[int]] = field(default_factory=dict)

    def next(self, model: type[models.Model]) -> int:
        if model not in self.counters:
            self.counters[model] = itertools.count(_next_id(model))
        return next(self.counters[model])


@dataclass
class _Place:
    township_id: int
    community_id: int
    grid_id: int
    building_id: int | None
    unit_id: int | None
    number: str
    address: str


class _Population:
    def __init__(self, seed: int, today: dt.date) -> None:
        self.rng = random.Random(seed)
        self.today = today
        self.now = timezone.now()
        self.ids = _Ids()
        self.id_numbers = names.IdNumbers()
        self.phones = names.Phones()
        self.buildings = _Table(Building)
        self.units = _Table(Unit)
        self.households = _Table(Household)
        self.residents = _Table(Resident)
        self.tags = _Table(ResidentTag)
        self.current_id = 0  # the resident the next tags belong to

    def township(self) -> Township:
        taken = set(Township.objects.values_list("code", flat=True))
        code = next(f"{c:09d}" for c in itertools.count(429_900_001) if f"{c:09d}" not in taken)
        return Township.objects.create(
            name=f"基准街道{code[-3:]}", code=code, county="湖北省武汉市基准区"
        )

    def places(self, township: Township, n: int) -> Iterator[tuple[_Place, int]]:
        """(place, members) for households until `n` residents are placed."""
        placed = 0
        for c in itertools.count(1):
            if placed >= n:
                return
            village = c % VILLAGE_EVERY == 0
            community = Community.objects.create(
                township=township,
                name=f"基准{c}{'村' if village else '社区'}",
                code=f"{township.code}{c + (200 if village else 0):03d}",
                kind=CommunityKind.VILLAGE if village else CommunityKind.COMMUNITY,
            )
            community_size = min(COMMUNITY_SIZE, n - placed)
            grid_count = max(1, -(-community_size // GRID_SIZE))
            grids = Grid.objects.bulk_create(
                [
                    Grid(community=community, name=f"{g}组" if village else f"第{g}网格")
                    for g in range(1, grid_count + 1)
                ]
            )
            for grid in grids:
                quota = min(GRID_SIZE, n - placed)
                if quota <= 0:
                    break
                for place in self.grid_places(community, grid, village):
                    if quota <= 0:
                        break
                    members = min(quota, self.household_size())
                    quota -= members
                    placed += members
                    yield place, members

    def grid_places(self, community: Community, grid: Grid, village: bool) -> Iterator[_Place]:
        prefix = f"{community.name} {grid.name}"
        if village:
            for house in itertools.count(1):
                number = f"{house}号"
                yield _Place(
                    community.township_id, community.pk, grid.pk, None, None, number,
                    f"{prefix} {number}",
                )  # fmt: skip
        for b in itertools.count(1):
            building_id = self.ids.next(Building)
            self.buildings.add(id=building_id, grid_id=grid.pk, name=f"{b}栋")
            for u in range(1, UNITS_PER_BUILDING + 1):
                unit_id = self.ids.next(Unit)
                self.units.add(id=unit_id, building_id=building_id, name=f"{u}单元")
                for room in range(ROOMS_PER_UNIT):
                    number = f"{room // 2 + 1}{room % 2 + 1:02d}"
                    yield _Place(
                        community.township_id, community.pk, grid.pk, building_id, unit_id,
                        number, f"{prefix} {b}栋 {u}单元 {number}",
                    )  # fmt: skip

    def household_size(self) -> int:
        return self.rng.choices(HOUSEHOLD_SIZES, weights=HOUSEHOLD_WEIGHTS)[0]

    def household(self, place: _Place, members: int) -> None:
        rng = self.rng
        household_id = self.ids.next(Household)
        self.households.add(
            id=household_id,
            township_id=place.township_id,
            community_id=place.community_id,
            grid_id=place.grid_id,
            building_id=place.building_id,
            unit_id=place.unit_id,
            number=place.number,
            address=place.address,
            created_at=self.now,
        )
        surname = names.surname(rng)
        region = names.region_code(rng)
        residence = rng.choices(
            [ResidenceType.REGISTERED, ResidenceType.PERMANENT, ResidenceType.TENANT,
             ResidenceType.FLOATING], weights=(65, 15, 12, 8),
        )[0]  # fmt: skip
        head_age = rng.randint(65, 92) if members == 1 and rng.random() < 0.3 else None
        for i in range(members):
            relation, gender, age = self.member(i, head_age)
            if i == 0:
                head_age = age
            self.resident(place, household_id, surname, region, residence, relation, gender, age)
            if members == 1 and age >= 65:
                self.tag(VulnerableTag.ELDERLY_ALONE)

    def member(self, i: int, head_age: int | None) -> tuple[str, str, int]:
        rng = self.rng
        if i == 0:
            gender = "M" if rng.random() < 0.7 else "F"
            return Relation.HEAD, gender, head_age or rng.randint(22, 85)
        assert head_age is not None
        if i == 1:
            return Relation.SPOUSE, rng.choice("MF"), max(20, head_age + rng.randint(-5, 3))
        if head_age >= 50 and rng.random() < 0.3:
            return Relation.GRANDCHILD, rng.choice("MF"), rng.randint(0, max(0, head_age - 45))
        if head_age < 50 and rng.random() < 0.25:
            return Relation.PARENT, rng.choice("MF"), min(99, head_age + rng.randint(22, 32))
        return Relation.CHILD, rng.choice("MF"), rng.randint(0, max(0, min(35, head_age - 20)))

    def resident(
        self,
        place: _Place,
        household_id: int,
        surname: str,
        region: str,
        residence: str,
        relation: str,
        gender: str,
        age: int,
    ) -> None:
        rng = self.rng
        born = names.birth_date_for_age(rng, age, self.today)
        name = names.full_name(rng, gender, born, None if relation == Relation.SPOUSE else surname)
        pinyin, initials = names.fast_romanize(name)
        if rng.random() < 0.003:
            doc_type, doc_number, reason = DocumentType.NONE, "", "身份证遗失，正在补办"
        else:
            issued = region if rng.random() < 0.8 else names.region_code(rng)
            doc_type, reason = DocumentType.ID_CARD, ""
            doc_number = self.id_numbers.issue(rng, issued, born, gender)
        phone = self.phones.issue(rng) if age >= 14 and rng.random() < 0.9 else ""
        works_away = 18 <= age <= 50 and rng.random() < 0.06
        self.current_id = self.ids.next(Resident)
        self.residents.add(
            id=self.current_id,
            township_id=place.township_id,
            community_id=place.community_id,
            grid_id=place.grid_id,
            household_id=household_id,
            relation=relation,
            name=name,
            name_pinyin=pinyin,
            name_initials=initials,
            doc_type=doc_type,
            doc_number=doc_number,
            no_doc_reason=reason,
            gender=gender,
            birth_date=born,
            phone=phone,
            residence_type=residence,
            party_member=age >= 18 and rng.random() < 0.07,
            works_away=works_away,
            away_place="广东省深圳市宝安区" if works_away else "",
            away_contact=phone if works_away else "",
            created_at=self.now,
            updated_at=self.now,
        )
        if age < 3:
            self.tag(VulnerableTag.INFANT)
        if age >= 60 and rng.random() < 0.15:
            self.tag(VulnerableTag.CHRONIC)
        if age >= 3 and rng.random() < 0.01:
            self.tag(VulnerableTag.DISABILITY)

    def tag(self, tag: str) -> None:
        self.tags.add(id=self.ids.next(ResidentTag), resident_id=self.current_id, tag=tag)

    def flush(self) -> None:
        for table in (self.buildings, self.units, self.households, self.residents, self.tags):
            table.flush()

    def run(self, n: int, townships: int) -> list[Township]:
        created = []
        for size in (n // townships + (i < n % townships) for i in range(townships)):
            township = self.township()
            created.append(township)
            for place, members in self.places(township, size):
                self.household(place, members)
                if len(self.residents.rows) >= CHUNK:
                    self.flush()
            self.flush()
        _move_sequences((Building, Unit, Household, Resident, ResidentTag))
        return created


def _skip_foreign_key_checks() -> bool:
    """On PostgreSQL as a superuser, skip the per-row foreign-key triggers for this
    transaction (the generated rows are consistent by construction); they would cost more
    than the COPY itself. Returns whether they are skipped."""
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        row = cursor.fetchone()
        if not (row and row[0]):
            return False
        cursor.execute("SET LOCAL session_replication_role = replica")
    return True


@contextmanager
def _indexes_rebuilt_after(tables: Sequence[type[models.Model]]) -> Iterator[None]:
    """On PostgreSQL, drop the tables' secondary indexes for the load and build them again
    after it (much faster than maintaining ~18 B-trees row by row). Indexes that back a
    constraint (primary keys, unique constraints) stay. DDL is transactional: a failed load
    leaves every index as it was."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
            FROM pg_index i
            WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisprimary
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
            """,
            [[m._meta.db_table for m in tables]],
        )
        indexes = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {name}")
    yield
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # run the deferred FK checks now
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for _name, definition in indexes:
            cursor.execute(definition)


def populate(n: int, *, townships: int = 1, seed: int = 1, verbose: bool = False) -> None:
    """Add `n` synthetic residents to the configured database, in `townships` new townships
    of equal size (one by default), one after the other (so each township's rows have
    consecutive ids, as after real imports)."""
    started = time.perf_counter()
    big = n >= 50_000
    rebuilt = (Household, Resident, ResidentTag) if big else ()
    with transaction.atomic():
        _skip_foreign_key_checks()
        with _indexes_rebuilt_after(rebuilt):
            created = _Population(seed, timezone.localdate()).run(n, max(1, townships))
    if verbose:
        took = time.perf_counter() - started
        names = "、".join(t.name for t in created)
        print(f"populated {names}: {n:,} residents in {took:.1f} s ({n / took:,.0f}/s)")


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description="Add a township of N synthetic residents.")
    parser.add_argument("n", type=int)
    parser.add_argument("--townships", type=int, default=1)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    populate(args.n, townships=args.townships, seed=args.seed, verbose=True)
