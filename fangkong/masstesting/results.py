"""A round's results from the lab's spreadsheet (.xlsx, .xls, .ods or .csv), set-based.

Columns: 试管编号 (the tube number) or 证件号码 (the document number, for a single-person
result), 检测结果 (阴性 / 阳性 / 无效, or negative / positive / invalid), 检测时间 (optional).
A row names a tube or a person; tube rows give every member of the tube its outcome by
`pooling.outcome_of` (a positive pool flags everyone for a retest), person rows give that
member a single-tube outcome.

The file's rows are streamed into a temporary staging table (COPY on PostgreSQL, executemany
batches on SQLite), matched there with a few set-based statements, and every problem is
marked by row: unknown tube numbers, unknown document numbers, a person not in the round or
not sampled, a result already recorded, bad result or time text, duplicates in the file. The
dry run (`check`) rolls everything back. `apply` runs the same check in the transaction that
writes and writes only when no row has a problem: a handful of `UPDATE … FROM` statements and
ONE audit entry. Memory stays flat: no row is kept in Python.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.core import audit, sealing
from fangkong.core.models import AuditAction, User
from fangkong.core.spreadsheets import Table, XlsxStream
from fangkong.people.importing.columns import header_key
from fangkong.people.importing.results import MAX_STORED_PROBLEMS, Problem
from fangkong.people.models import Resident

from . import pooling
from .models import Round, RoundMember, Tube

COLUMNS = (
    # key, header, other headers met in lab files
    ("tube", "试管编号", ("管号", "试管号", "采样管编号", "tube", "tubenumber", "tube number")),
    ("doc_number", "证件号码", ("身份证号", "身份证号码", "证件号", "document", "documentnumber")),
    ("result", "检测结果", ("结果", "核酸检测结果", "result")),
    ("time", "检测时间", ("报告时间", "时间", "结果时间", "time")),
)
TEMPLATE_HEADERS = tuple(c[1] for c in COLUMNS)
_HEADER = {header_key(n): key for key, h, aliases in COLUMNS for n in (h, *aliases, key)}
_TITLE = {key: header for key, header, _a in COLUMNS}

_TIME = re.compile(
    r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[ T](\d{1,2})[:时](\d{1,2})(?::(\d{1,2}))?)?"
)

#: rows per executemany batch on SQLite; rows between progress reports
BATCH = 20_000
STAGE = "masstesting_stage"
#: the person rows matched to a member of the round: (row, member_id, result, problem)
PEOPLE = "masstesting_stage_people"
#: a staged row naming a person (a document number, no tube) still to be matched
_PERSON_ROW = f"{STAGE}.tube = '' AND {STAGE}.doc <> '' AND {STAGE}.problem IS NULL"


@dataclass(slots=True)
class ResultCheck:
    total_rows: int = 0
    matched_rows: int = 0
    unmatched_rows: int = 0
    problems: list[Problem] = field(default_factory=list)
    file_error: bool = False

    def add_file_problem(self, message: str) -> None:
        self.problems.append(Problem(0, "", message))
        self.file_error = True


@dataclass(frozen=True, slots=True)
class Summary:
    rows: int
    tubes: int
    negative: int
    positive: int
    retest: int


def batched(rows: Iterable[tuple[Any, ...]], size: int) -> Iterable[list[tuple[Any, ...]]]:
    it = iter(rows)
    while batch := list(islice(it, size)):
        yield batch


def parse_time(text: str) -> dt.datetime | None:
    match = _TIME.match(text.strip())
    if match is None:
        return None
    y, mo, d, h, mi, s = (int(g) if g else 0 for g in match.groups())
    try:
        return timezone.make_aware(dt.datetime(y, mo, d, h, mi, s))
    except ValueError:
        return None


def _messages(code: str, row: tuple[Any, ...]) -> tuple[str, str]:
    """(column, message) of a problem code on a staged row (row, tube, doc, result, dup_of)."""
    _row, tube, _doc, raw, first = row
    return {
        "empty": ("", _("The row has neither a tube number nor a document number.")),
        "result": (
            _TITLE["result"],
            _("The result must be 阴性, 阳性 or 无效, not %(value)s.")
            % {"value": raw or _("empty")},
        ),
        "time": (
            _TITLE["time"],
            _("The time %(value)s is not a date; write it like 2026-01-15 14:30.") % {"value": raw},
        ),
        "dup_tube": (
            _TITLE["tube"],
            _("Tube %(code)s is already in row %(row)s.") % {"code": tube, "row": first},
        ),
        "dup_doc": (
            _TITLE["doc_number"],
            _("This person is already in row %(row)s.") % {"row": first},
        ),
        "unknown_tube": (
            _TITLE["tube"],
            _("Tube %(code)s is not a tube of this round.") % {"code": tube},
        ),
        "empty_tube": (
            _TITLE["tube"],
            _("Nobody was sampled into tube %(code)s.") % {"code": tube},
        ),
        "tube_done": (
            _TITLE["tube"],
            _("Tube %(code)s already has a result.") % {"code": tube},
        ),
        "unknown_doc": (
            _TITLE["doc_number"],
            _("No registered person has this document number."),
        ),
        "not_member": (
            _TITLE["doc_number"],
            _("This person is not expected in this round."),
        ),
        "not_sampled": (
            _TITLE["doc_number"],
            _("This person was not sampled in this round."),
        ),
        "member_done": (
            _TITLE["doc_number"],
            _("This person already has a result in this round."),
        ),
    }[code]


def _outcome_case(pooled_sql: str, result_sql: str, attr: str) -> str:
    """A SQL CASE giving `attr` ('result' or 'retest_needed') of pooling.outcome_of."""
    pg = connection.vendor == "postgresql"
    whens = []
    for pooled in (True, False):
        for result in pooling.RESULTS:
            outcome = pooling.outcome_of(result, pooled=pooled)
            value = getattr(outcome, attr)
            if isinstance(value, bool):
                literal = ("true" if value else "false") if pg else ("1" if value else "0")
            else:
                literal = f"'{value}'"
            p = ("true" if pooled else "false") if pg else ("1" if pooled else "0")
            whens.append(f"WHEN {pooled_sql} = {p} AND {result_sql} = '{result}' THEN {literal}")
    return f"CASE {' '.join(whens)} END"


class RoundResults:
    """One lab file for one round."""

    def __init__(self, user: User, rnd: Round) -> None:
        self.user = user
        self.round = rnd
        #: person rows (a document number, no tube) loaded without a problem, by `_load`
        self._persons = 0

    # -- public

    def check(self, table: Table, *, progress: Callable[[int], None] | None = None) -> ResultCheck:
        """The dry run: every problem by row; nothing is written."""
        with transaction.atomic():
            result = self._stage_and_match(table, progress)
            transaction.set_rollback(True)
        self._drop()
        return result

    def apply(
        self,
        table: Table,
        *,
        filename: str = "",
        job_id: int | None = None,
        progress: Callable[[int], None] | None = None,
    ) -> tuple[ResultCheck, Summary | None]:
        """Check again and, when no row has a problem, write everything in one transaction."""
        try:
            with transaction.atomic():
                Round.objects.select_for_update().filter(pk=self.round.pk).first()
                result = self._stage_and_match(table, progress, lock=True)
                if result.file_error or result.unmatched_rows or not result.matched_rows:
                    transaction.set_rollback(True)
                    return result, None
                summary = self._write(result, filename, job_id)
        finally:
            self._drop()
        return result, summary

    # -- staging

    def _columns(self, table: Table, result: ResultCheck) -> dict[str, int]:
        positions: dict[str, int] = {}
        for pos, header in enumerate(table.headers):
            key = _HEADER.get(header_key(header)) if header else None
            if key is None:
                continue
            if key in positions:
                result.add_file_problem(
                    _("The column %(column)s appears twice. Keep one and upload again.")
                    % {"column": _TITLE[key]}
                )
            positions[key] = pos
        if "result" not in positions or not ({"tube", "doc_number"} & positions.keys()):
            result.add_file_problem(
                _(
                    "The file needs the columns 检测结果 and 试管编号 (or 证件号码 for "
                    "single-person results). Use the headers of the template."
                )
            )
        if table.has_formulas or table.formula_cells:
            result.add_file_problem(
                _(
                    "The workbook contains formulas. Replace them with their values (copy, "
                    "then paste as values only) and upload again."
                )
            )
        return positions

    def _create_stage(self) -> None:
        pg = connection.vendor == "postgresql"
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {STAGE}")
            cursor.execute(f"DROP TABLE IF EXISTS {PEOPLE}")
            on_commit = " ON COMMIT DROP" if pg else ""
            cursor.execute(
                f"CREATE TEMPORARY TABLE {STAGE} (row integer PRIMARY KEY, tube varchar(40), "
                "doc varchar(30), doc_key varchar(32), result varchar(40), at "
                f"{'timestamptz' if pg else 'text'}, problem varchar(16), dup_of integer, "
                f"tube_id bigint, pooled {'boolean' if pg else 'integer'})" + on_commit
            )
            # Written once by an INSERT … SELECT rather than by updating every staged row:
            # rewriting a million rows cost more than the match itself.
            cursor.execute(
                f"CREATE TEMPORARY TABLE {PEOPLE} (row integer NOT NULL, member_id bigint NOT "
                "NULL, result varchar(40), problem varchar(16))" + on_commit
            )

    def _drop(self) -> None:
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute(f"DROP TABLE IF EXISTS {STAGE}")
                cursor.execute(f"DROP TABLE IF EXISTS {PEOPLE}")

    def _load(
        self,
        table: Table,
        positions: dict[str, int],
        result: ResultCheck,
        progress: Callable[[int], None] | None,
    ) -> None:
        tube_col = positions.get("tube")
        doc_col = positions.get("doc_number")
        result_col = positions["result"]
        time_col = positions.get("time")
        pg = connection.vendor == "postgresql"
        ops = connection.ops
        results = pooling.RESULT_TEXTS
        times: dict[str, Any] = {}
        row_number = table.header_row
        processed = 0
        # Residents' numbers are sealed: a row is matched by the blind index of its number.
        ring = sealing.keyring()

        def clean(text: str) -> str:
            # the usual case, a number as typed, without the split and join
            return text.upper() if text.isalnum() else "".join(text.split()).upper()

        def rows() -> Iterable[tuple[Any, ...]]:
            nonlocal row_number, processed
            for cells in table.rows:
                row_number += 1
                processed += 1
                if not any(cells):
                    continue
                result.total_rows += 1
                tube = clean(cells[tube_col]) if tube_col is not None else ""
                doc = clean(cells[doc_col]) if doc_col is not None else ""
                raw = cells[result_col]
                code = results.get(raw) or pooling.parse_result(raw)
                problem = None
                at: Any = None
                if not tube and not doc:
                    problem = "empty"
                elif code is None:
                    problem, code = "result", raw[:40]
                elif time_col is not None and cells[time_col]:
                    text = cells[time_col]
                    if text in times:
                        at = times[text]
                    else:
                        parsed = parse_time(text)
                        at = times[text] = (
                            parsed
                            if parsed is None or pg
                            else ops.adapt_datetimefield_value(parsed)
                        )
                    if at is None:
                        problem, code = "time", text[:40]
                if not tube and doc and problem is None:
                    self._persons += 1
                doc = doc[:30]
                key = ring.index(sealing.DOCUMENT, doc) if doc and not tube else ""
                yield (row_number, tube[:40], doc, key, code or "", at, problem)

        columns = "(row, tube, doc, doc_key, result, at, problem)"
        with connection.cursor() as cursor:
            raw_cursor: Any = cursor.cursor
            sql = f"INSERT INTO {STAGE} {columns} VALUES (?,?,?,?,?,?,?)"
            # one COPY / executemany per batch, the progress reported between them (never
            # while a COPY holds the connection)
            for batch in batched(rows(), BATCH):
                if pg:
                    with raw_cursor.copy(f"COPY {STAGE} {columns} FROM STDIN") as copy:
                        for row in batch:
                            copy.write_row(row)
                else:
                    raw_cursor.executemany(sql, batch)
                if progress is not None:
                    progress(processed)
            # partial: a file by document number has no tube numbers, and the other way round
            cursor.execute(f"CREATE INDEX {STAGE}_tube ON {STAGE} (tube) WHERE tube <> ''")
            cursor.execute(f"CREATE INDEX {STAGE}_doc ON {STAGE} (doc_key) WHERE doc_key <> ''")
            if pg:
                cursor.execute(f"ANALYZE {STAGE}")

    def _stage_and_match(
        self, table: Table, progress: Callable[[int], None] | None, *, lock: bool = False
    ) -> ResultCheck:
        result = ResultCheck()
        positions = self._columns(table, result)
        if result.file_error:
            return result
        self._create_stage()
        self._persons = 0
        if connection.vendor == "postgresql":
            # The joins of a million staged rows hash in one batch instead of sixteen.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL work_mem = '64MB'")
        self._load(table, positions, result, progress)
        if result.total_rows == 0:
            result.add_file_problem(
                _("The file has a header row but no results. Fill in one row per tube below it.")
            )
            return result
        self._match(lock=lock)
        self._collect(result)
        return result

    def _match(self, *, lock: bool) -> None:
        r = self.round.pk
        tube_t = Tube._meta.db_table
        member_t = RoundMember._meta.db_table
        resident_t = Resident._meta.db_table
        s = STAGE
        pg = connection.vendor == "postgresql"
        true = "true" if pg else "1"
        with connection.cursor() as c:
            # duplicates in the file (the first row counts, the later ones are reported)
            duplicates = 0
            for column, code in (("tube", "dup_tube"), ("doc", "dup_doc")):
                c.execute(
                    f"UPDATE {s} SET problem = %s, dup_of = f.first FROM (SELECT {column} AS k, "
                    f"min(row) AS first FROM {s} WHERE {column} <> '' GROUP BY {column} "
                    f"HAVING count(*) > 1) AS f WHERE {s}.{column} = f.k AND {s}.row > f.first "
                    f"AND {s}.problem IS NULL",
                    [code],
                )
                duplicates += c.rowcount
            # tube rows: the round's tube, with its people (first samples and retests)
            c.execute(
                f"UPDATE {s} SET tube_id = t.id, pooled = t.pooled, problem = CASE "
                f"WHEN t.result <> '' THEN 'tube_done' END FROM {tube_t} AS t "
                f"WHERE t.round_id = %s AND t.code = {s}.tube AND {s}.tube <> '' "
                f"AND {s}.problem IS NULL",
                [r],
            )
            c.execute(
                f"UPDATE {s} SET problem = 'unknown_tube' WHERE tube <> '' AND tube_id IS NULL "
                "AND problem IS NULL"
            )
            c.execute(
                f"UPDATE {s} SET problem = 'empty_tube' WHERE tube_id IS NOT NULL "
                f"AND problem IS NULL AND NOT EXISTS (SELECT 1 FROM {member_t} AS m "
                f"WHERE m.round_id = %s AND (m.tube_id = {s}.tube_id "
                f"OR m.retest_tube_id = {s}.tube_id))",
                [r],
            )
            # person rows: the member of the round with this document number
            if self._persons:
                c.execute(
                    f"INSERT INTO {PEOPLE} (row, member_id, result, problem) "
                    f"SELECT {s}.row, m.id, {s}.result, CASE WHEN m.tube_id IS NULL "
                    f"THEN 'not_sampled' WHEN m.result <> '' AND m.retest_needed <> {true} "
                    f"THEN 'member_done' END {self._person_join(self._persons)}",
                    [r],
                )
                matched = c.rowcount
                c.execute(f"CREATE INDEX {PEOPLE}_row ON {PEOPLE} (row)")
                if pg:
                    c.execute(f"ANALYZE {PEOPLE}")
                c.execute(
                    f"UPDATE {s} SET problem = x.problem FROM {PEOPLE} AS x "
                    f"WHERE x.row = {s}.row AND x.problem IS NOT NULL"
                )
                # Some person row found no member, unless every one loaded did (with no
                # duplicate set aside, the rows loaded are exactly the rows matched for).
                if duplicates or matched != self._persons:
                    c.execute(
                        f"UPDATE {s} SET problem = CASE WHEN EXISTS (SELECT 1 FROM "
                        f"{resident_t} AS p WHERE p.doc_index = {s}.doc_key) THEN 'not_member' "
                        f"ELSE 'unknown_doc' END WHERE {_PERSON_ROW} "
                        f"AND NOT EXISTS (SELECT 1 FROM {PEOPLE} AS x WHERE x.row = {s}.row)"
                    )
            if lock and pg:
                # the tubes being resulted: a sampler cannot add a person to one meanwhile
                c.execute(
                    f"SELECT t.id FROM {tube_t} AS t WHERE t.id IN (SELECT tube_id FROM {s} "
                    "WHERE tube_id IS NOT NULL) FOR UPDATE OF t"
                )

    def _person_join(self, persons: int) -> str:
        """FROM … WHERE of the match of person rows: staged row, resident, round member
        (the round's id is its one parameter)."""
        s, resident_t, member_t = STAGE, Resident._meta.db_table, RoundMember._meta.db_table
        if connection.vendor == "sqlite":
            with connection.cursor() as c:
                c.execute(f"SELECT count(*) FROM {member_t} WHERE round_id = %s", [self.round.pk])
                members = int(c.fetchone()[0])
            if persons * 4 >= members:
                # Most of the round: through its members in order and their residents by
                # key, each staged number found by its index. SQLite keeps the order of a
                # CROSS JOIN; by staged number instead, every resident is a random read
                # (a million rows: 7.1 s → 1.7 s).
                return (
                    f"FROM {member_t} AS m CROSS JOIN {resident_t} AS p CROSS JOIN {s} "
                    f"WHERE m.round_id = %s AND p.id = m.resident_id "
                    f"AND p.merged_into_id IS NULL AND {s}.doc_key = p.doc_index AND {_PERSON_ROW}"
                )
        return (
            f"FROM {s} JOIN {resident_t} AS p ON p.doc_index = {s}.doc_key "
            f"AND p.merged_into_id IS NULL JOIN {member_t} AS m ON m.round_id = %s "
            f"AND m.resident_id = p.id WHERE {_PERSON_ROW}"
        )

    def _collect(self, result: ResultCheck) -> None:
        with connection.cursor() as c:
            c.execute(f"SELECT count(*) FROM {STAGE} WHERE problem IS NOT NULL")
            result.unmatched_rows = int(c.fetchone()[0])
            result.matched_rows = result.total_rows - result.unmatched_rows
            c.execute(
                f"SELECT row, problem, tube, doc, result, dup_of FROM {STAGE} "
                "WHERE problem IS NOT NULL ORDER BY row LIMIT %s",
                [MAX_STORED_PROBLEMS],
            )
            for row, code, tube, doc, raw, first in c.fetchall():
                column, message = _messages(code, (row, tube, doc, raw, first))
                result.problems.append(Problem(row, column, message))

    # -- writing

    def _write(self, result: ResultCheck, filename: str, job_id: int | None) -> Summary:
        r = self.round.pk
        tube_t = Tube._meta.db_table
        member_t = RoundMember._meta.db_table
        s = STAGE
        pg = connection.vendor == "postgresql"
        now = timezone.now()
        at = now if pg else connection.ops.adapt_datetimefield_value(now)
        single = "true" if pg else "1"
        single_false = "false" if pg else "0"
        case_r = _outcome_case(single_false, "v.result", "result")
        case_t = _outcome_case(single_false, "v.result", "retest_needed")
        tubes = 0
        with connection.cursor() as c:
            c.execute(f"SELECT count(tube_id) FROM {s}")
            tube_rows = c.fetchone()[0]
            c.execute(f"SELECT count(*) FROM {PEOPLE}")
            person_rows = c.fetchone()[0]
            # Only the statements the file needs: a join over a million members that can
            # match nothing still costs its scan.
            if tube_rows:
                c.execute(
                    f"UPDATE {tube_t} SET result = v.result, result_at = COALESCE(v.at, %s) "
                    f"FROM {s} AS v WHERE {tube_t}.id = v.tube_id AND {tube_t}.result = ''",
                    [at],
                )
                tubes = int(c.rowcount)
                # first samples: the tube's own kind decides (pooled or single)
                pooled_r = _outcome_case("v.pooled", "v.result", "result")
                pooled_t = _outcome_case("v.pooled", "v.result", "retest_needed")
                c.execute(
                    f"UPDATE {member_t} SET result = {pooled_r}, retest_needed = {pooled_t}, "
                    f"result_at = %s FROM {s} AS v WHERE {member_t}.round_id = %s "
                    f"AND {member_t}.tube_id = v.tube_id AND {member_t}.retest_tube_id IS NULL",
                    [at, r],
                )
                # retests: a single tube, its result is the person's
                c.execute(
                    f"UPDATE {member_t} SET result = {case_r}, retest_needed = {case_t}, "
                    f"result_at = %s FROM {s} AS v WHERE {member_t}.round_id = %s "
                    f"AND {member_t}.retest_tube_id = v.tube_id",
                    [at, r],
                )
            if person_rows:
                # person rows: a single-person result
                # In member order: the rows of a lab file come in any order, and a million
                # index updates in random order cost several times more (measured: 70 s
                # against 20 s for a million on PostgreSQL).
                c.execute(
                    f"UPDATE {member_t} SET result = {case_r}, retest_needed = {case_t}, "
                    f"result_at = %s FROM (SELECT member_id, result FROM {PEOPLE} "
                    f"ORDER BY member_id) AS v WHERE {member_t}.id = v.member_id",
                    [at],
                )
            if tube_rows:
                c.execute(
                    f"SELECT count(*) FILTER (WHERE result = 'negative'), "
                    f"count(*) FILTER (WHERE result = 'positive'), "
                    f"count(*) FILTER (WHERE retest_needed = {single}) "
                    f"FROM {member_t} WHERE round_id = %s AND result_at = %s",
                    [r, at],
                )
                negative, positive, retest = c.fetchone()
            else:  # person rows only: the outcomes are the staged results themselves
                c.execute(f"SELECT result, count(*) FROM {s} GROUP BY result")
                outcomes = [(pooling.outcome_of(code, pooled=False), n) for code, n in c.fetchall()]
                negative = sum(n for o, n in outcomes if o.result == pooling.NEGATIVE)
                positive = sum(n for o, n in outcomes if o.result == pooling.POSITIVE)
                retest = sum(n for o, n in outcomes if o.retest_needed)
        summary = Summary(
            rows=result.matched_rows,
            tubes=tubes,
            negative=int(negative or 0),
            positive=int(positive or 0),
            retest=int(retest or 0),
        )
        audit.record(
            self.user,
            AuditAction.IMPORT,
            target_type="masstesting.round",
            target_id=r,
            target_repr=self.round.name,
            township=self.round.township_id,
            changes={
                "file": filename,
                "job": job_id,
                "rows": summary.rows,
                "tubes": summary.tubes,
                "negative": summary.negative,
                "positive": summary.positive,
                "retest": summary.retest,
            },
        )
        return summary


def write_template(path: str | Path) -> None:
    """The round result template: headers, two example rows and how to fill them in."""
    book = XlsxStream(path)
    book.add_sheet("检测结果", list(TEMPLATE_HEADERS))
    text = book.workbook.add_format({"num_format": "@"})
    for col, width in enumerate((16, 22, 10, 18)):
        book.sheet.set_column(col, col, width, text)
    book.write_row(["T0000001", "", "阴性", "2026-01-15 14:30"])
    book.write_row(["", "420103198005170011", "阴性", "2026-01-15 14:30"])
    book.close()


__all__ = ["COLUMNS", "ResultCheck", "RoundResults", "Summary", "parse_time", "write_template"]
