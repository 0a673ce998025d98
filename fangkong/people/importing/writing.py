"""Writing checked rows: the resident import's chunked writer and the raw batch inserts.

`BatchWriter` (a `core.chunks.ChunkWriter`) stores the chunks of one import in one
transaction with one audit entry, on its own connection in a thread while the checks go on.
Ids are allocated up front (`allocate_ids`) and rows go in with one statement per chunk
(`insert_rows`: COPY on PostgreSQL, `INSERT … SELECT … FROM json_each` on SQLite), never with
`save()` per row.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, connection
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.core import audit, sealing
from fangkong.core.chunks import SQLITE_CACHE_KIB as SQLITE_CACHE_KIB  # the benches read it
from fangkong.core.chunks import ChunkWriter
from fangkong.core.errors import DomainError
from fangkong.core.masking import mask_document, mask_phone
from fangkong.core.models import AuditAction

from ..models import Household, Resident, ResidentTag
from .results import WriteSummary, id_ranges

if TYPE_CHECKING:
    from .resident_import import ResidentImport

RESIDENT_INSERT_COLUMNS = (
    "id",
    "township_id",
    "community_id",
    "grid_id",
    "household_id",
    "relation",
    "name",
    "name_pinyin",
    "name_initials",
    "doc_type",
    "doc_number",
    "no_doc_reason",
    "gender",
    "birth_date",
    "phone",
    "residence_type",
    "party_member",
    "works_away",
    "away_place",
    "away_contact",
    "notes",
    "created_at",
    "updated_at",
    # the clear columns derived from the sealed numbers (`Resident` fields, `sealed_numbers`)
    "doc_index",
    "doc_last4",
    "doc_masked",
    "phone_index",
    "phone_last4",
    "phone_masked",
)
#: positions of the document and phone numbers in an import record's values
DOC_AT, PHONE_AT, AWAY_AT = 8, 12, 17
#: what each is sealed with, as `SealedField` does
DOC_AAD = Resident._meta.get_field("doc_number").aad
PHONE_AAD = Resident._meta.get_field("phone").aad
AWAY_AAD = Resident._meta.get_field("away_contact").aad
HOUSEHOLD_INSERT_COLUMNS = (
    "id",
    "township_id",
    "community_id",
    "grid_id",
    "building_id",
    "unit_id",
    "number",
    "address",
    "cadre_id",
    "medic_id",
    "created_at",
)


Households = list[tuple[tuple[Any, ...], tuple[Any, ...]]]
Records = list[tuple[int, tuple[Any, ...], tuple[str, ...], tuple[Any, ...]]]
#: the end of an import: file name, job id, only the valid rows, rows skipped
End = tuple[str, int | None, bool, int]


class BatchWriter(ChunkWriter[tuple[Households, Records], End]):
    """Writes the checked chunks of one import in ONE transaction, with ONE audit entry.

    A `ChunkWriter`: threaded in the worker, a thread with its own database connection holds
    the transaction and inserts each chunk while the caller checks the next one, so the
    database's work (index maintenance is most of an insert) overlaps with the checks: on
    PostgreSQL the server process does it, on SQLite the chunk goes in as one statement
    (`INSERT … SELECT … FROM json_each(?)`, one step that runs without the GIL).
    """

    thread_name = "fangkong-import-writer"

    def __init__(self, importer: ResidentImport) -> None:
        super().__init__()
        self.importer = importer
        self.household_of: dict[tuple[Any, ...], int] = dict(importer.households)
        self.resident_ids: list[int] = []
        self.household_ids: list[int] = []
        self.township_id: int | None = None
        self.now = timezone.now()

    def put(self, households: Households, records: Records) -> None:
        """Write one chunk: its new households and its residents (with their tags)."""
        self.send((list(households), list(records)))

    def finish(
        self, *, filename: str, job_id: int | None, only_valid: bool, skipped_rows: int
    ) -> WriteSummary:
        """Write the audit entry and commit; DomainError if the database refused anything."""
        self.commit((filename, job_id, only_valid, skipped_rows))
        return self._summary(skipped_rows)

    def refusal(self, error: BaseException) -> DomainError | None:
        if isinstance(error, IntegrityError):
            return DomainError(
                _(
                    "Nothing was written: the database refused the batch, most likely because "
                    "a document number or household in the file was registered by someone "
                    "else meanwhile. Check the file again."
                )
            )
        return None

    # -- the writer's side

    def write_chunk(self, chunk: tuple[Households, Records]) -> None:
        self._write_chunk(*chunk)

    def write_end(self, end: End) -> None:
        self._write_audit(*end)

    def _write_chunk(self, households: Households, records: Records) -> None:
        # SQLite takes dates as text: adapted here once per value, not per cell in a loop.
        sqlite = connection.vendor == "sqlite"
        now = connection.ops.adapt_datetimefield_value(self.now) if sqlite else self.now
        households = [(k, v) for k, v in households if k not in self.household_of]
        household_ids = allocate_ids(Household, len(households))
        household_rows = []
        for pk, (key, values) in zip(household_ids, households, strict=True):
            self.household_of[key] = pk
            household_rows.append((pk, *values, now))
        insert_rows(Household, HOUSEHOLD_INSERT_COLUMNS, household_rows, adapted=True)
        resident_ids = allocate_ids(Resident, len(records))
        household_of = self.household_of
        resident_rows = []
        tag_rows: list[tuple[int, str]] = []
        ring = sealing.keyring()
        for pk, (_row, key, tags, values) in zip(resident_ids, records, strict=True):
            doc, phone = values[DOC_AT], values[PHONE_AT]
            values = (
                *values[:DOC_AT],
                ring.seal(doc, DOC_AAD),
                *values[DOC_AT + 1 : 11],
                values[11].isoformat() if sqlite and values[11] is not None else values[11],
                ring.seal(phone, PHONE_AAD),
                *values[PHONE_AT + 1 : AWAY_AT],
                ring.seal(values[AWAY_AT], AWAY_AAD),
                *values[AWAY_AT + 1 :],
            )
            resident_rows.append(
                (
                    pk,
                    *values[:3],
                    household_of[key],
                    *values[3:],
                    now,
                    now,
                    ring.index(sealing.DOCUMENT, doc),
                    doc[-4:],
                    mask_document(doc),
                    ring.index(sealing.PHONE, phone),
                    phone[-4:],
                    mask_phone(phone),
                )
            )
            if tags:
                tag_rows.extend((pk, tag) for tag in tags)
        insert_rows(Resident, RESIDENT_INSERT_COLUMNS, resident_rows, adapted=True)
        insert_rows(ResidentTag, ("resident_id", "tag"), tag_rows, adapted=True)
        self.household_ids.extend(household_ids)
        self.resident_ids.extend(resident_ids)
        if self.township_id is None and records:
            self.township_id = records[0][3][0]

    def _write_audit(
        self, filename: str, job_id: int | None, only_valid: bool, skipped_rows: int
    ) -> None:
        summary = self._summary(skipped_rows)
        user = self.importer.user
        audit.record(
            user,
            AuditAction.IMPORT,
            target_type="imports.importjob",
            target_id=job_id or "",
            target_repr=filename or _("resident import"),
            township=user.township_id or self.township_id,
            changes={
                "file": filename,
                "residents": summary.residents,
                "households": summary.households,
                "resident_ids": summary.resident_ids,
                "household_ids": summary.household_ids,
                "skipped_rows": summary.skipped_rows,
                "only_valid": only_valid,
            },
        )

    def _summary(self, skipped_rows: int) -> WriteSummary:
        return WriteSummary(
            residents=len(self.resident_ids),
            households=len(self.household_ids),
            resident_ids=id_ranges(self.resident_ids),
            household_ids=id_ranges(self.household_ids),
            skipped_rows=skipped_rows,
        )


# ---------------------------------------------------------------------------------------------
# Raw batch inserts


def allocate_ids(model: type[Any], count: int) -> list[int]:
    """`count` fresh primary keys for `model`, taken inside the current transaction.

    PostgreSQL hands them out from the table's sequence; on SQLite the transaction already
    holds the write lock (BEGIN IMMEDIATE), so the ids after the highest ever used are ours.
    """
    if count == 0:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [table, count],
            )
            return [r[0] for r in cursor.fetchall()]
        if connection.vendor == "sqlite":
            cursor.execute(f'SELECT COALESCE(MAX(id), 0) FROM "{table}"')
            highest = cursor.fetchone()[0]
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
            seq = cursor.fetchone()
            start = max(highest, seq[0] if seq else 0) + 1
            return list(range(start, start + count))
    raise NotImplementedError(connection.vendor)


def insert_rows(
    model: type[Any],
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    adapted: bool = False,
) -> None:
    """Insert `rows` (values in `columns` order): COPY on PostgreSQL. On SQLite the rows go
    into an unindexed temporary table (executemany), then into the table with one
    `INSERT … SELECT`: the index work is then one statement, which SQLite runs without
    holding Python's GIL, so the checks go on meanwhile (see `BatchWriter`).

    `adapted`: the rows already hold dates as SQLite stores them (text)."""
    if not rows:
        return
    table = model._meta.db_table
    names = ", ".join(f'"{c}"' for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor  # psycopg's own: its errors become Django's (IntegrityError…)
            with (
                connection.wrap_database_errors,
                raw.copy(f'COPY "{table}" ({names}) FROM STDIN') as copy,
            ):
                for row in rows:
                    copy.write_row(row)
            return
        # One statement for the whole chunk: SQLite runs it in a single step, without the GIL
        # (executemany would hand the GIL back and forth with the checks on every row).
        values = ", ".join(f"json_extract(value, '$[{i}]')" for i in range(len(columns)))
        cursor.execute(
            f'INSERT INTO "{table}" ({names}) SELECT {values} FROM json_each(%s)',
            [json.dumps(rows if adapted else _sqlite_rows(rows), ensure_ascii=False)],
        )


def _sqlite_rows(rows: Sequence[Sequence[Any]]) -> list[tuple[Any, ...]]:
    """`rows` with dates and datetimes as Django stores them in SQLite (each distinct value
    adapted once: the rows of a batch share their timestamps)."""
    ops = connection.ops
    memo: dict[Any, Any] = {}
    out = []
    for row in rows:
        values = list(row)
        for i, value in enumerate(values):
            if isinstance(value, dt.date):
                adapted = memo.get(value)
                if adapted is None:
                    adapted = memo[value] = (
                        ops.adapt_datetimefield_value(value)
                        if isinstance(value, dt.datetime)
                        else ops.adapt_datefield_value(value)
                    )
                values[i] = adapted
        out.append(tuple(values))
    return out
