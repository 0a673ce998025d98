"""Duplicates: the same person twice in the file, or already registered.

A document number given twice in the file, or already held by a record of the township, is an
error (`in_file_duplicate`, `registered_holders`): an import never merges records. Rows that
may be the same person as another row or record without sharing a document number (same name
and birth date or phone) only get a warning (`db_candidates`, `likely_duplicates_in_file`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.utils.translation import gettext as _

from fangkong.core import sealing

from ..models import Resident
from .results import CheckResult

if TYPE_CHECKING:
    from .resident_import import ResidentImport


def in_file_duplicate(
    importer: ResidentImport, result: CheckResult, first: int, again: int
) -> None:
    header = importer.column_header("doc_number")
    message = _(
        "This document number also appears in row %(row)s of the file; one person is one "
        "record. Keep one of the two rows."
    )
    result.add(again, header, message % {"row": first})
    if first not in importer._flagged_duplicates:
        importer._flagged_duplicates.add(first)
        result.add(first, header, message % {"row": again})


def registered_holders(
    importer: ResidentImport, chunk: list[tuple[int, dict[str, Any]]]
) -> dict[tuple[int, str], tuple[int, str, int, str]]:
    """The records that already hold the document numbers of `chunk`, by (township,
    number): (id, name, grid, grid name); inactive (merged) records count too."""
    # Looked up by blind index (the numbers are sealed): both indexes while a key rotates.
    ring = sealing.keyring()
    by_township: dict[int, dict[str, str]] = {}
    for _row, person in chunk:
        number = person["doc_number"]
        if number:
            of_township = by_township.setdefault(person["township_id"], {})
            for index in ring.indexes(sealing.DOCUMENT, number):
                of_township[index] = number
    holders: dict[tuple[int, str], tuple[int, str, int, str]] = {}
    for township_id, numbers in by_township.items():
        for pk, index, name, grid_id in _residents_where_in(
            "id, doc_index, name, grid_id", township_id, "doc_index", list(numbers), active=False
        ):
            holders[(township_id, numbers[index])] = (
                pk,
                name,
                grid_id,
                importer.grid_name(grid_id),
            )
    return holders


# ---------------------------------------------------------------------------------------------
# Likely duplicates: warnings only, never merged


def db_candidates(
    importer: ResidentImport,
    chunk: list[tuple[int, dict[str, Any]]],
    result: CheckResult,
    visible: set[int],
) -> None:
    """Records that may be the same person as a row: same name and birth date or phone,
    one side without document number. The township's records without document are few
    and loaded once; records with one are looked up only for rows without one."""
    columns = "id, name, birth_date, phone_index, doc_index, grid_id"
    ring = sealing.keyring()
    existing: dict[tuple[int, str], list[tuple[Any, ...]]] = {}
    undocumented: dict[int, set[str]] = {}
    for _row, person in chunk:
        township_id = person["township_id"]
        if township_id not in importer._no_document:
            found = importer._no_document[township_id] = {}
            for record in _residents_where_in(columns, township_id, "doc_index", [""]):
                found.setdefault(record[1], []).append(record)
        if not person["doc_number"]:
            undocumented.setdefault(township_id, set()).add(person["name"])
    for township_id, names in undocumented.items():
        for record in _residents_where_in(columns, township_id, "name", sorted(names)):
            if record[4]:  # those without document are already in _no_document
                existing.setdefault((township_id, record[1]), []).append(record)
    for township_id, by_name in importer._no_document.items():
        for _row, person in chunk:
            if person["township_id"] == township_id and person["name"] in by_name:
                existing.setdefault((township_id, person["name"]), []).extend(
                    by_name[person["name"]]
                )
    if not existing:
        return
    header = importer.column_header("name")
    for row, person in chunk:
        phone_index = None
        for pk, _name, birth, phone, number, grid_id in existing.get(
            (person["township_id"], person["name"]), ()
        ):
            if number and person["doc_number"]:
                continue  # two document numbers: two people
            same_birth = birth is not None and birth == person["birth_date"]
            if phone and phone_index is None:
                phone_index = ring.index(sealing.PHONE, person["phone"])
            same_phone = bool(phone) and phone == phone_index
            if not (same_birth or same_phone):
                continue
            reason = _("same name and birth date") if same_birth else _("same name and phone")
            if isinstance(birth, str):  # SQLite returns raw text to a raw query
                birth = dt.date.fromisoformat(birth)
            if grid_id in visible:
                message = _(
                    "May be the same person as record %(id)s (%(place)s): %(reason)s. "
                    "Check before importing; an import never merges records."
                ) % {"id": pk, "place": importer.grid_name(grid_id), "reason": reason}
            else:  # a record the importer may not open: neither its id nor its place
                message = _(
                    "May be the same person as a record outside your jurisdiction: "
                    "%(reason)s. Ask the township office before importing; an import never "
                    "merges records."
                ) % {"reason": reason}
            result.add(row, header, message, warning=True)
            break


def likely_duplicates_in_file(importer: ResidentImport, result: CheckResult) -> None:
    by_birth: dict[tuple[Any, ...], tuple[int, bool]] = {}
    by_phone: dict[tuple[Any, ...], tuple[int, bool]] = {}
    header = importer.column_header("name")
    same_birth, same_phone = _("same name and birth date"), _("same name and phone")
    for row, _key, _tags, values in result.records:
        township, name, number, birth, phone = (
            values[0],
            values[4],
            values[8],
            values[11],
            values[12],
        )
        for index, value, reason in (
            (by_birth, birth, same_birth),
            (by_phone, phone, same_phone),
        ):
            if not value:
                continue
            first = index.setdefault((township, name, value), (row, bool(number)))
            if first[0] != row and not (first[1] and number):
                result.add(
                    row,
                    header,
                    _(
                        "May be the same person as row %(row)s: %(reason)s. Check before "
                        "importing; an import never merges records."
                    )
                    % {"row": first[0], "reason": reason},
                    warning=True,
                )
                break


def _residents_where_in(
    columns: str, township_id: int, field: str, values: Sequence[str], *, active: bool = True
) -> list[tuple[Any, ...]]:
    """Residents of a township (only active ones if `active`) whose `field` is one of
    `values`, as raw rows.

    Raw SQL because this runs once per chunk of thousands of values: the ORM spends longer
    building the IN list than the database spends answering (PostgreSQL gets one array).
    Township-wide on purpose: uniqueness of a document holds across the whole township.
    """
    if not values:
        return []
    table = Resident._meta.db_table
    where = f"township_id = %s AND {'merged_into_id IS NULL AND ' if active else ''}{field}"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f'SELECT {columns} FROM "{table}" WHERE {where} = ANY(%s)',
                [township_id, list(values)],
            )
        else:
            marks = ", ".join(["%s"] * len(values))
            cursor.execute(
                f'SELECT {columns} FROM "{table}" WHERE {where} IN ({marks})',
                [township_id, *values],
            )
        return list(cursor.fetchall())
