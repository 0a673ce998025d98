"""The API gate scan's speed path: prepared statements instead of the ORM.

The gate scan (`POST /api/v1/gate/scan`, a turnstile's hot path, bench/gate_scan.py) is the
one write with a throughput target. Here it runs as two fixed statements that PostgreSQL
prepares once per connection (`fangkong.core.prepared`): one read of the gate, the pass, its
holder and their quarantine and lockdown facts (`gate_and_pass`), then one plain INSERT of the
entry (`insert_row`). Nothing else uses these statements.

The reference is the ORM: `entries.record_resident` (the guard's page) reads the same facts
through querysets, decides through the same code (`entries.resident_entry`) and saves through
the ORM. `checkpoints/tests/test_prepared_scan.py` holds the two to the same stored entry and
the same answer for every stop reason, on SQLite and PostgreSQL. Change a rule there, in the
reference, and this path follows; change what a scan reads, and change both.

The statements are built once per database vendor from the models' table and column names
(`_meta`); everything the caller passes is a parameter. They run on SQLite and PostgreSQL.
"""

from __future__ import annotations

import functools
import uuid
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Field, Model
from django.utils.translation import gettext as _

from fangkong.core import prepared
from fangkong.core.errors import DomainError
from fangkong.core.models import User
from fangkong.lockdown.models import Lockdown, LockdownMember, LockdownStatus
from fangkong.people.models import Resident
from fangkong.quarantine.models import OPEN_STATUSES, Case

from .entries import Holder, Recorded, in_gate_jurisdiction, insert, resident_entry, start
from .gate import PassProblem
from .models import Gate, GateEntry, Pass
from .payload import BadPayload, pass_number_of


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


# ---- the entry -----------------------------------------------------------------------------


@functools.cache
def _insert_statement(vendor: str, returning: bool) -> tuple[str, tuple[Field[Any, Any], ...]]:
    """INSERT of a GateEntry (every column but the primary key) and the fields of its values."""
    connection = transaction.get_connection()
    quote = connection.ops.quote_name
    meta = GateEntry._meta
    fields = tuple(f for f in meta.local_concrete_fields if not f.primary_key)
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "
        f"VALUES ({', '.join(['%s'] * len(fields))})"
    )
    if returning:
        sql += f" RETURNING {quote(meta.pk.column)}"
    return sql, fields


def insert_row(entry: GateEntry, connection: BaseDatabaseWrapper) -> None:
    """`entry.save(force_insert=True)` as one prepared INSERT without the ORM's query compiler: the
    values prepared by each field for the database, the new id read back."""
    returning = connection.features.can_return_columns_from_insert
    sql, fields = _insert_statement(connection.vendor, returning)
    values = [f.get_db_prep_save(f.pre_save(entry, True), connection) for f in fields]
    with prepared.cursor(connection) as cursor:
        cursor.execute(sql, values)
        if returning:
            entry.pk = cursor.fetchone()[0]
        else:
            meta = GateEntry._meta
            entry.pk = connection.ops.last_insert_id(cursor, meta.db_table, str(meta.pk.column))
    entry._state.adding = False
    entry._state.db = connection.alias


# ---- the scan ------------------------------------------------------------------------------


def record_scan(
    by: User,
    gate_id: int,
    *,
    client_key: uuid.UUID,
    code: str,
    direction: str,
    temperature: Any,
    health_code: str,
) -> Recorded:
    """`record_resident` for a scanned pass at the gate of `gate_id`, in two statements: the
    gate, the pass, its holder and their quarantine and lockdown facts in one read
    (`gate_and_pass`), then the INSERT. A gate that does not exist or is not in the
    guard's jurisdiction is a DomainError on `gate_id`, as bad input is; the answer is the
    one `record_resident` gives for the same facts."""
    try:
        number: str | None = pass_number_of(code) if code else None
    except BadPayload:
        number = None
    gate, card = gate_and_pass(gate_id, number)
    if gate is None or not in_gate_jurisdiction(by, gate):
        raise DomainError(_("There is no gate with this id in your community."), field="gate_id")
    rules, closed_on, value = start(by, gate, direction, health_code, temperature)
    if not code:
        raise DomainError(_("Scan a pass or choose a person from the search."), field="code")
    problem: PassProblem | None = None
    if card is None:
        problem = PassProblem.FORGED
    elif card.revoked:
        problem = PassProblem.REVOKED
    elif card.community_id != gate.community_id:
        # as in `record_resident`: nothing of another community's pass or its holder
        problem, card = PassProblem.OTHER_COMMUNITY, None
    holder = card.holder if card else None
    entry = resident_entry(
        by,
        gate,
        holder,
        pass_id=card.id if card else None,
        problem=problem,
        rules=rules,
        closed_on=closed_on,
        client_key=client_key,
        direction=direction,
        temperature=value,
        health_code=health_code,
    )
    done = insert(entry, by, insert_row)
    if done.created:
        done.person = {
            "name": entry.name,
            "masked_document": holder.masked_document if holder else "",
        }
    return done
