"""One import run: `ResidentImport` checks a file chunk by chunk and writes it.

It holds what a run needs (the user, the places they may import into, the accepted values)
and runs the steps kept in the sibling modules in order: match the columns, check each row,
find duplicates within the file and against the database, and hand the valid rows to the
`BatchWriter`, as a dry run (`check`), a write of a checked file (`write`) or both at once
(`import_table`).
"""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Callable
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.core.errors import DomainError
from fangkong.core.models import Building, Community, Grid, Unit, User
from fangkong.core.spreadsheets import Table

from ..actions import household_address
from ..models import Household
from .columns import (
    COLUMN_BY_KEY,
    DOC_TYPE_VALUES,
    GENDER_VALUES,
    NO,
    RELATION_VALUES,
    RESIDENCE_VALUES,
    TAG_VALUES,
    YES,
    choice_map,
    match_columns,
    normal,
)
from .duplicates import (
    db_candidates,
    in_file_duplicate,
    likely_duplicates_in_file,
    registered_holders,
)
from .results import CheckResult, WriteSummary
from .rows import check_row
from .writing import BatchWriter

#: rows per chunk: checked, looked up in the database and written together
CHUNK = 5000


class ResidentImport:
    """One import run for one user: the places they may import into, and the rules."""

    def __init__(self, user: User, *, today: dt.date | None = None) -> None:
        self.user = user
        self.today = today or timezone.localdate()
        self.doc_types = choice_map(DOC_TYPE_VALUES)
        self.genders = choice_map(GENDER_VALUES)
        self.relations = choice_map(RELATION_VALUES)
        self.residences = choice_map(RESIDENCE_VALUES)
        self.tags = choice_map(TAG_VALUES)
        self._on_chunk: Callable[[list[Any], list[Any]], None] | None = None
        self.yes = {normal(v) for v in YES} | set(YES)
        self.no = {normal(v) for v in NO} | set(NO)
        self._load_places()

    # -- places ---------------------------------------------------------------------------

    def _load_places(self) -> None:
        user = self.user
        visible = list(Community.objects.visible_to(user))
        self.communities: dict[str, Community | None] = {}
        for c in visible:
            # a superuser sees several townships; a name held twice is ambiguous (None)
            self.communities[c.name] = None if c.name in self.communities else c
        township_ids = {c.township_id for c in visible} | (
            {user.township_id} if user.township_id else set()
        )
        self.outside = {
            c.name: c
            for c in Community.objects.filter(township_id__in=township_ids).exclude(
                pk__in=[c.pk for c in visible]
            )
        }
        grids = list(
            Grid.objects.visible_to(user).filter(community__in=visible).select_related("community")
        )
        self.grids = {(g.community_id, g.name): g for g in grids}
        self._visible_grid_ids = {g.id for g in grids}
        self._grid_names_by_id = {g.id: g.name for g in grids}
        self._no_document: dict[int, dict[str, list[tuple[Any, ...]]]] = {}
        self.grid_names: dict[int, list[str]] = {}
        for g in grids:
            self.grid_names.setdefault(g.community_id, []).append(g.name)
        buildings = list(Building.objects.filter(grid__in=grids))
        self.buildings = {(b.grid_id, b.name): b for b in buildings}
        units = list(Unit.objects.filter(building__in=buildings))
        self.units = {(u.building_id, u.name): u for u in units}
        self.unit_names: dict[int, list[str]] = {}
        for u in units:
            self.unit_names.setdefault(u.building_id, []).append(u.name)
        self.households = {
            (grid_id, building_id, unit_id, number): pk
            for pk, grid_id, building_id, unit_id, number in Household.objects.filter(
                grid__in=grids
            ).values_list("pk", "grid_id", "building_id", "unit_id", "number")
        }

    # -- the dry run ----------------------------------------------------------------------

    def check(
        self,
        table: Table,
        *,
        progress: Callable[[int], None] | None = None,
        on_chunk: Callable[[list[Any], list[Any]], None] | None = None,
    ) -> CheckResult:
        """Validate every row of `table`; nothing is written here (see `_check`).

        Python's cyclic garbage collector is paused meanwhile: a check allocates millions of
        small objects (cells, rows, tuples), none in reference cycles, and the collector would
        scan all the live ones again and again (about 15% of the time of an import).
        """
        enabled = gc.isenabled()
        gc.disable()
        try:
            return self._check(table, progress=progress, on_chunk=on_chunk)
        finally:
            if enabled:
                gc.enable()

    def _check(
        self,
        table: Table,
        *,
        progress: Callable[[int], None] | None = None,
        on_chunk: Callable[[list[Any], list[Any]], None] | None = None,
    ) -> CheckResult:
        """`on_chunk(new_households, records)` is called with each checked chunk as long as
        no row has an error (the import writes them meanwhile; see `import_table`)."""
        result = CheckResult()
        self._on_chunk = on_chunk
        positions = match_columns(table.headers, result)
        if table.has_formulas:
            result.add(
                0,
                "",
                _(
                    "The workbook contains formulas. Replace them with their values (copy, "
                    "then paste as values only) and upload again."
                ),
            )
        if result.file_error:
            return result
        headers = {key: table.headers[pos] for key, pos in positions.items()}
        self._headers = headers
        self._positions = positions
        formula_cells = table.formula_cells
        known = set(positions.values())
        seen_docs: dict[tuple[Any, str], int] = {}
        self._flagged_duplicates: set[int] = set()
        self._places: dict[
            tuple[str, ...], tuple[dict[str, Any] | None, list[tuple[str, str]]]
        ] = {}
        chunk: list[tuple[int, dict[str, Any]]] = []
        processed = 0
        row_number = table.header_row
        for cells in table.rows:
            row_number += 1
            processed += 1
            if not any(cells):
                continue
            result.total_rows += 1
            values = {key: cells[pos] for key, pos in positions.items()}
            formula = False
            if "\x00=" in "\x00" + "\x00".join(values.values()):
                for key, text in values.items():
                    if text.startswith("="):
                        formula = True
                        result.add(
                            row_number,
                            headers[key],
                            _(
                                "The cell holds a formula (it starts with '='). Type the value "
                                "itself."
                            ),
                        )
            if formula_cells:
                for col in known:
                    if (row_number, col) in formula_cells:
                        formula = True
                        result.add(
                            row_number,
                            table.headers[col],
                            _(
                                "The cell holds a formula. Replace it with its value (copy, "
                                "then paste as values only)."
                            ),
                        )
            if formula:
                continue
            person, doc_key = check_row(self, row_number, values, result)
            if doc_key is not None:
                first = seen_docs.setdefault(doc_key, row_number)
                if first != row_number:
                    in_file_duplicate(self, result, first, row_number)
            if person is not None:
                chunk.append((row_number, person))
            if len(chunk) >= CHUNK:
                self._finish_chunk(chunk, result)
                chunk = []
                if progress is not None:
                    progress(processed)
        if chunk:
            self._finish_chunk(chunk, result)
        likely_duplicates_in_file(self, result)
        if progress is not None:
            progress(processed)
        if result.total_rows == 0 and not result.file_error:
            result.add(
                0,
                "",
                _(
                    "The file has a header row but no residents. Fill in one row per person "
                    "below the header and upload again."
                ),
            )
        result.problems.sort(key=lambda p: (p.row, p.warning))
        return result

    def column_header(self, key: str) -> str:
        """The header of column `key` as written in the file (the template's if absent)."""
        return self._headers.get(key) or COLUMN_BY_KEY[key].header

    def _finish_chunk(self, chunk: list[tuple[int, dict[str, Any]]], result: CheckResult) -> None:
        """Duplicates against the database (one query per chunk), then keep the valid rows."""
        holders = registered_holders(self, chunk)
        visible_grids = self._visible_grid_ids
        db_candidates(self, chunk, result, visible_grids)
        header = self.column_header("doc_number")
        first_record = len(result.records)
        new_households: list[tuple[tuple[Any, ...], tuple[Any, ...]]] = []
        for row, person in chunk:
            if row in result.error_rows:
                continue
            holder = holders.get((person["township_id"], person["doc_number"]))
            if holder is not None:
                pk, name, grid_id, grid_name = holder
                if grid_id in visible_grids:
                    message = _(
                        "This document number is already registered: %(name)s (record "
                        "%(id)s, %(place)s). Update that record instead of importing it again."
                    ) % {"name": name, "id": pk, "place": grid_name}
                else:
                    # no id, name or place: the importer may not open that record
                    message = _(
                        "This document number is already registered outside your "
                        "jurisdiction. Ask the township office."
                    )
                result.add(row, header, message)
                continue
            household_key = person["household_key"]
            if household_key not in self.households and household_key not in result.new_households:
                grid, building, unit = person["_grid"], person["_building"], person["_unit"]
                number = household_key[3]
                result.new_households[household_key] = (
                    person["township_id"],
                    person["community_id"],
                    grid.id,
                    building.id if building else None,
                    unit.id if unit else None,
                    number,
                    household_address(grid, building, unit, number)[:200],
                    building.cadre_id if building else None,
                    building.medic_id if building else None,
                )
                new_households.append((household_key, result.new_households[household_key]))
            result.records.append(
                (
                    row,
                    household_key,
                    person["tags"],
                    (
                        person["township_id"],
                        person["community_id"],
                        person["grid_id"],
                        person["relation"],
                        person["name"],
                        person["name_pinyin"],
                        person["name_initials"],
                        person["doc_type"],
                        person["doc_number"],
                        person["no_doc_reason"],
                        person["gender"] or "",
                        person["birth_date"],
                        person["phone"],
                        person["residence_type"],
                        person["party_member"],
                        person["works_away"],
                        person["away_place"],
                        person["away_contact"],
                        person["notes"],
                    ),
                )
            )
        if self._on_chunk is not None and not result.error_rows and not result.file_error:
            self._on_chunk(new_households, result.records[first_record:])

    def grid_name(self, grid_id: int) -> str:
        return self._grid_names_by_id.get(grid_id, "")

    # -- writing --------------------------------------------------------------------------

    def write(
        self,
        result: CheckResult,
        *,
        only_valid: bool = False,
        filename: str = "",
        job_id: int | None = None,
    ) -> WriteSummary:
        """Store the rows of a checked file in one transaction, with one audit entry.

        All or nothing: with any error in `result` nothing is written, unless `only_valid`,
        which stores the rows without errors. DomainError when there is nothing to write or
        the database refuses the batch (e.g. a document number registered meanwhile).
        """
        if result.file_error:
            raise DomainError(_("The file cannot be imported; see the problems listed."))
        if result.error_rows and not only_valid:
            raise DomainError(
                _(
                    "Nothing was written: %(count)s rows have errors. Correct them and upload "
                    "the file again, or choose to import only the valid rows."
                )
                % {"count": len(result.error_rows)}
            )
        records = [r for r in result.records if r[0] not in result.error_rows]
        if not records:
            raise DomainError(_("There is no valid row to import."))
        writer = BatchWriter(self)
        writer.start()
        try:
            for start in range(0, len(records), CHUNK):
                chunk = records[start : start + CHUNK]
                keys = {r[1] for r in chunk}
                writer.put(
                    [
                        (k, v)
                        for k, v in result.new_households.items()
                        if k in keys and k not in writer.household_of
                    ],
                    chunk,
                )
        except BaseException:
            writer.abort()
            raise
        return writer.finish(
            filename=filename,
            job_id=job_id,
            only_valid=only_valid,
            skipped_rows=len(result.error_rows),
        )

    def import_table(
        self,
        table: Table,
        *,
        only_valid: bool = False,
        filename: str = "",
        job_id: int | None = None,
        progress: Callable[[int], None] | None = None,
    ) -> tuple[CheckResult, WriteSummary | None]:
        """Check `table` and store it: the checked result, and the summary if anything was
        written (None when errors stop an all-or-nothing import: nothing is written).

        All or nothing: the rows are written chunk by chunk while the next chunks are still
        being checked (in one transaction that is rolled back at the first error), so the
        database works at the same time as the checks. With `only_valid` every row is checked
        first, since a later row can invalidate an earlier one (a duplicate).
        """
        if only_valid:
            result = self.check(table, progress=progress)
            if result.file_error or result.total_rows == len(result.error_rows):
                return result, None
            summary = self.write(result, only_valid=True, filename=filename, job_id=job_id)
            return result, summary
        writer = BatchWriter(self)
        writer.start()
        try:
            result = self.check(table, progress=progress, on_chunk=writer.put)
        except BaseException:
            writer.abort()
            raise
        if result.file_error or result.error_rows or not result.records:
            writer.abort()
            return result, None
        summary = writer.finish(filename=filename, job_id=job_id, only_valid=False, skipped_rows=0)
        return result, summary
