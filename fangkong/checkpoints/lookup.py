"""What the gate needs to know about one scan, read in one SQL statement.

`gate_and_pass(gate_id, number)` answers the gate (its township, community, name and state)
together with the pass of that number, its holder (name, masked document, grid, household)
and whether the holder is in an open quarantine case or a member of an active lockdown. It
is the API scan's read path; the guard's page reads the same facts through the ORM
(`entries.record_resident`), and the tests hold the two to the same answers.

The statement is built once per database vendor from the models' table and column names
(`_meta`); everything the caller passes is a parameter. It runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Field, Model

from fangkong.core import prepared
from fangkong.lockdown.models import Lockdown, LockdownMember, LockdownStatus
from fangkong.people.models import Resident
from fangkong.quarantine.models import OPEN_STATUSES, Case

from .models import Gate, Pass


@dataclass(frozen=True, slots=True)
class Holder:
    """The resident a pass names, as the gate's decision and answer need them."""

    id: int
    community_id: int
    grid_id: int
    household_id: int | None
    name: str
    masked_document: str
    in_quarantine: bool
    in_lockdown: bool


@dataclass(frozen=True, slots=True)
class PassFacts:
    id: int
    community_id: int
    revoked: bool
    holder: Holder


#: the gate's fields the scan reads (the rest stay deferred on the Gate returned)
GATE_FIELDS = ("id", "township_id", "community_id", "name", "state")


def _col(model: type[Model], name: str) -> str:
    field = model._meta.get_field(name)
    assert isinstance(field, Field) and field.column
    return connection.ops.quote_name(field.column)


def _table(model: type[Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


@functools.cache
def _sql(vendor: str) -> str:
    """The statement for `vendor` (quoting comes from the connection's operations)."""
    g, p, r = "g", "p", "r"
    gate_cols = ", ".join(f"{g}.{_col(Gate, f.removesuffix('_id'))}" for f in GATE_FIELDS)
    statuses = ", ".join(["%s"] * len(OPEN_STATUSES))
    # PostgreSQL plans every statement (Django runs none prepared), and planning is most of
    # this one's cost. `LIMIT 1 OFFSET 0` changes no answer of an EXISTS but keeps the
    # planner from also planning a hashed variant of each subquery over the whole table;
    # the lockdown's status as a nested EXISTS rather than a join inside the EXISTS is
    # cheaper to plan again (measured: about a quarter of the statement's server time).
    once = "LIMIT 1 OFFSET 0"
    quarantined = (
        f"EXISTS (SELECT 1 FROM {_table(Case)} c WHERE c.{_col(Case, 'resident')} = "
        f"{r}.{_col(Resident, 'id')} AND c.{_col(Case, 'status')} IN ({statuses}) {once})"
    )
    locked = (
        f"EXISTS (SELECT 1 FROM {_table(LockdownMember)} m "
        f"WHERE m.{_col(LockdownMember, 'resident')} = {r}.{_col(Resident, 'id')} "
        f"AND EXISTS (SELECT 1 FROM {_table(Lockdown)} l "
        f"WHERE l.{_col(Lockdown, 'id')} = m.{_col(LockdownMember, 'lockdown')} "
        f"AND l.{_col(Lockdown, 'status')} = %s {once}) {once})"
    )
    return (
        f"SELECT {gate_cols}, "
        f"{p}.{_col(Pass, 'id')}, {p}.{_col(Pass, 'community')}, "
        f"{p}.{_col(Pass, 'revoked_at')} IS NOT NULL, "
        f"{r}.{_col(Resident, 'id')}, {r}.{_col(Resident, 'community')}, "
        f"{r}.{_col(Resident, 'grid')}, {r}.{_col(Resident, 'household')}, "
        f"{r}.{_col(Resident, 'name')}, {r}.{_col(Resident, 'doc_masked')}, "
        f"{quarantined}, {locked} "
        f"FROM {_table(Gate)} {g} "
        f"LEFT JOIN {_table(Pass)} {p} ON {p}.{_col(Pass, 'number')} = %s "
        f"LEFT JOIN {_table(Resident)} {r} ON {r}.{_col(Resident, 'id')} = "
        f"{p}.{_col(Pass, 'resident')} "
        f"WHERE {g}.{_col(Gate, 'id')} = %s"
    )


@functools.cache
def _gate_sql(vendor: str) -> str:
    gate_cols = ", ".join(_col(Gate, f.removesuffix("_id")) for f in GATE_FIELDS)
    return f"SELECT {gate_cols} FROM {_table(Gate)} WHERE {_col(Gate, 'id')} = %s"


def gate(gate_id: int) -> Gate | None:
    """The gate of `gate_id` (only GATE_FIELDS loaded), or None."""
    with connection.cursor() as cursor:
        cursor.execute(_gate_sql(connection.vendor), [gate_id])
        row = cursor.fetchone()
    return None if row is None else Gate.from_db(connection.alias, list(GATE_FIELDS), row)


def gate_and_pass(gate_id: int, number: str | None) -> tuple[Gate | None, PassFacts | None]:
    """The gate of `gate_id` (only GATE_FIELDS loaded) and the pass numbered `number` with its
    holder's facts; None for a gate or a pass that does not exist (`number` None: no pass)."""
    if number is None:
        return gate(gate_id), None
    params: list[Any] = [
        *(str(s) for s in OPEN_STATUSES),
        str(LockdownStatus.ACTIVE),
        number,
        gate_id,
    ]
    with prepared.cursor(connection) as cursor:
        cursor.execute(_sql(connection.vendor), params)
        row = cursor.fetchone()
    if row is None:
        return None, None
    n = len(GATE_FIELDS)
    found = Gate.from_db(connection.alias, list(GATE_FIELDS), row[:n])
    (
        pass_id,
        pass_community,
        revoked,
        resident_id,
        community_id,
        grid_id,
        household_id,
        name,
        document,
        quarantined,
        locked,
    ) = row[n:]
    if pass_id is None:
        return found, None
    holder = Holder(
        id=resident_id,
        community_id=community_id,
        grid_id=grid_id,
        household_id=household_id,
        name=name,
        masked_document=document,
        in_quarantine=bool(quarantined),
        in_lockdown=bool(locked),
    )
    return found, PassFacts(
        id=pass_id, community_id=pass_community, revoked=bool(revoked), holder=holder
    )
