"""Importing test results from a laboratory's spreadsheet (.xlsx, .xls, .ods or .csv).

Columns (Chinese by design: the format labs send): 证件号码 (required), 姓名 (optional; when
given it must be the person's name), 采样日期 (required), 检测结果 (阴性 / 阳性 / 无效), 检测机构
(optional). Other columns are ignored.

Matching a row, in order:
1. the document number belongs to a resident the importing user may see;
2. that person has an open quarantine case the user may see;
3. the sample was taken on or after the case's start date and not in the future;
4. the case has a pending test due **no later than the day after the sample date**, and the
   row takes the one whose due date is nearest the sample date (the latest such one). A sample
   taken a day early still counts for the test due the next day (samples are often taken the
   evening before); a sample never counts for a test due two or more days after it, so a
   day-1 sample cannot fill the day-14 test. Among overdue tests, the latest one is taken:
   a late sample answers the most recent test, and an older one stays overdue on the worklist.
A row matching nothing is reported with its reason and never guessed. The same person and
sample date twice in the file, or a sample date already recorded for the case (the file was
imported before), is reported as a duplicate.

The dry run (`LabImport.check`) writes nothing. `LabImport.apply` checks the file again and
writes it in one transaction (`ResultWriter`, on its own connection, while the next chunk is
being checked): one UPDATE statement per chunk of matched tests (guarded so a test that got a
result meanwhile, or a case closed meanwhile, is not overwritten: then nothing is written),
a retest for each invalid result, a case event for each result, and ONE audit entry for the
file. All or nothing by default; `skip_unmatched` applies the matched rows and skips the
others. Queries pass their lists of numbers as one JSON parameter (`json_list`) and read
dates as text (`raw_rows`): at 100,000 rows the ORM's per-value work cost more than the
queries.
"""

from __future__ import annotations

import datetime as dt
import gc
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from django.db import connection
from django.db.models import CharField, FilteredRelation, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fangkong.core import audit, sealing
from fangkong.core.chunks import ChunkWriter
from fangkong.core.errors import DomainError
from fangkong.core.models import AuditAction, User
from fangkong.core.spreadsheets import Table, XlsxStream
from fangkong.people.identity import upgrade_legacy
from fangkong.people.importing.columns import header_key
from fangkong.people.importing.results import MAX_STORED_PROBLEMS, Problem, id_ranges
from fangkong.people.importing.writing import insert_rows
from fangkong.people.models import Resident

from .models import (
    OPEN_STATUSES,
    Case,
    CaseEvent,
    LabImportJob,
    ScheduledTest,
    TestItemResult,
)
from .result_effect import RETEST, effect_of

#: rows matched against the database together (one query of each kind per chunk)
CHUNK = 5000
#: a sample counts for a test due at most this many days after it (see the module docstring)
EARLY_SAMPLE_DAYS = 1

COLUMNS = (
    # key, header, other headers met in lab files, required
    ("doc_number", "证件号码", ("身份证号", "身份证号码", "证件号", "身份证"), True),
    ("name", "姓名", ("受检者姓名", "受检人"), False),
    ("sampled_on", "采样日期", ("采样时间", "采样日"), True),
    ("result", "检测结果", ("结果", "核酸检测结果", "核酸结果"), True),
    ("lab", "检测机构", ("检测单位", "检测实验室", "实验室"), False),
)
TEMPLATE_HEADERS = tuple(c[1] for c in COLUMNS)
_HEADER = {header_key(name): key for key, h, aliases, _r in COLUMNS for name in (h, *aliases, key)}
_TITLE = {key: header for key, header, _a, _r in COLUMNS}

RESULTS = {
    "阴性": TestItemResult.NEGATIVE,
    "阴": TestItemResult.NEGATIVE,
    "negative": TestItemResult.NEGATIVE,
    "阳性": TestItemResult.POSITIVE,
    "阳": TestItemResult.POSITIVE,
    "positive": TestItemResult.POSITIVE,
    "无效": TestItemResult.INVALID,
    "invalid": TestItemResult.INVALID,
}

_DATE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[ T].*)?$")
_DATE_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


class Match(NamedTuple):
    """A row that found its test (a named tuple: 100,000 of them are made per file)."""

    row: int
    item_id: int
    case_id: int
    case_start: dt.date
    result: str
    sampled_on: dt.date
    lab: str


@dataclass(slots=True)
class LabCheck:
    """What the dry run found."""

    total_rows: int = 0
    matches: list[Match] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    unmatched: set[int] = field(default_factory=set)
    file_error: bool = False

    def add(self, row: int, column: str, message: str) -> None:
        self.problems.append(Problem(row, column, message))
        if row:
            self.unmatched.add(row)
        else:
            self.file_error = True

    def count(self, result: str) -> int:
        return sum(1 for m in self.matches if m.result == result)


@dataclass(frozen=True, slots=True)
class ApplySummary:
    applied: int
    negative: int
    positive: int
    invalid: int
    skipped_rows: int


def parse_date(text: str) -> dt.date:
    """2026-01-15, 2026/1/15, 2026.1.15, 2026年1月15日, 20260115, with or without a time."""
    match = _DATE.match(text) or _DATE_COMPACT.match(text)
    if match is None:
        raise ValueError(text)
    return dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))


def normalise_document(raw: str) -> str:
    number = "".join(raw.split()).upper()
    if len(number) == 15 and number.isdigit():  # a first-generation ID, stored upgraded
        number = upgrade_legacy(number)
    return number


class LabImport:
    """One lab file, for one user: what they may see decides what can match."""

    def __init__(self, user: User, *, today: dt.date | None = None) -> None:
        self.user = user
        self.today = today or timezone.localdate()
        self._days: dict[str, dt.date] = {}
        self._on_chunk: Callable[[list[Match], LabCheck], None] | None = None

    def _day(self, text: str) -> dt.date:
        """A date the database gave as text (ISO 8601), parsed once per distinct value."""
        found = self._days.get(text)
        if found is None:
            found = self._days[text] = dt.date.fromisoformat(text[:10])
        return found

    # -- the dry run ------------------------------------------------------------------------

    def check(self, table: Table, *, progress: Callable[[int], None] | None = None) -> LabCheck:
        """Match every row of `table` to a pending test; nothing is written."""
        enabled = gc.isenabled()
        gc.disable()  # millions of small objects, no cycles: see ResidentImport.check
        try:
            return self._check(table, progress)
        finally:
            if enabled:
                gc.enable()

    def _columns(self, table: Table, result: LabCheck) -> dict[str, int]:
        positions: dict[str, int] = {}
        for pos, header in enumerate(table.headers):
            key = _HEADER.get(header_key(header)) if header else None
            if key is None:
                continue
            if key in positions:
                result.add(
                    0,
                    header,
                    _("The column %(column)s appears twice. Keep one and upload again.")
                    % {"column": _TITLE[key]},
                )
            positions[key] = pos
        missing = [h for key, h, _a, required in COLUMNS if required and key not in positions]
        if missing:
            result.add(
                0,
                "",
                _(
                    "Required columns are missing: %(columns)s. Use the headers of the "
                    "template (download it from this page)."
                )
                % {"columns": "、".join(missing)},
            )
        if table.has_formulas or table.formula_cells:
            result.add(
                0,
                "",
                _(
                    "The workbook contains formulas. Replace them with their values (copy, "
                    "then paste as values only) and upload again."
                ),
            )
        return positions

    def _check(self, table: Table, progress: Callable[[int], None] | None) -> LabCheck:
        result = LabCheck()
        positions = self._columns(table, result)
        if result.file_error:
            return result
        doc_col = positions["doc_number"]
        date_col = positions["sampled_on"]
        result_col = positions["result"]
        name_col = positions.get("name")
        lab_col = positions.get("lab")
        dates: dict[str, dt.date | None] = {}
        labs: dict[str, str] = {}

        def clean_lab(text: str) -> str:
            labs[text] = " ".join(text.split())[:100]
            return labs[text]

        # State shared by the chunks: items already taken by an earlier row, and the
        # (person, sample date) pairs seen so far.
        self._taken: set[int] = set()
        self._seen: dict[tuple[str, dt.date], int] = {}
        chunk: list[tuple[int, str, str, dt.date, str, str]] = []
        row_number = table.header_row
        processed = 0
        for cells in table.rows:
            row_number += 1
            processed += 1
            if not any(cells):
                continue
            result.total_rows += 1
            doc = cells[doc_col]
            if not doc:
                result.add(row_number, _TITLE["doc_number"], _("The document number is missing."))
                continue
            if len(doc) == 18 and doc.isascii() and doc.isalnum():
                doc = doc.upper()  # the usual case: an 18-character ID number as typed
            else:
                doc = normalise_document(doc)
            text = cells[date_col]
            if text in dates:
                sampled_on = dates[text]
            else:
                try:
                    sampled_on = parse_date(text)
                except ValueError:
                    sampled_on = None
                dates[text] = sampled_on
            if sampled_on is None:
                result.add(
                    row_number,
                    _TITLE["sampled_on"],
                    _("The sample date is missing or not a date; write it like 2026-01-15.")
                    if text
                    else _("The sample date is missing."),
                )
                continue
            if sampled_on > self.today:
                result.add(
                    row_number,
                    _TITLE["sampled_on"],
                    _("The sample date %(day)s is in the future.") % {"day": text},
                )
                continue
            raw = cells[result_col]
            outcome = RESULTS.get(raw) or RESULTS.get(raw.lower().replace(" ", ""))
            if outcome is None:
                result.add(
                    row_number,
                    _TITLE["result"],
                    _("The result must be 阴性, 阳性 or 无效, not %(value)s.")
                    % {"value": raw or _("empty")},
                )
                continue
            first = self._seen.setdefault((doc, sampled_on), row_number)
            if first != row_number:
                result.add(
                    row_number,
                    _TITLE["doc_number"],
                    _("The same person and sample date are already in row %(row)d.")
                    % {"row": first},
                )
                continue
            chunk.append(
                (
                    row_number,
                    doc,
                    cells[name_col] if name_col is not None else "",
                    sampled_on,
                    outcome,
                    labs.get(cells[lab_col]) or clean_lab(cells[lab_col])
                    if lab_col is not None
                    else "",
                )
            )
            if len(chunk) >= CHUNK:
                self._matched(chunk, result)
                chunk = []
                if progress is not None:
                    progress(processed)
        if chunk:
            self._matched(chunk, result)
        if progress is not None:
            progress(processed)
        if result.total_rows == 0:
            result.add(
                0,
                "",
                _(
                    "The file has a header row but no results. Fill in one row per sample "
                    "below the header and upload again."
                ),
            )
        result.problems.sort(key=lambda p: p.row)
        return result

    def _matched(self, chunk: list[tuple[int, str, str, dt.date, str, str]], out: LabCheck) -> None:
        first = len(out.matches)
        self._match(chunk, out)
        if self._on_chunk is not None:
            self._on_chunk(out.matches[first:], out)

    def _match(self, chunk: list[tuple[int, str, str, dt.date, str, str]], out: LabCheck) -> None:
        """Match one chunk: ONE query for the open cases of the people in it with their
        tests, and one more (only for the numbers without an open case) for the people.

        Dates come back as text and are parsed once per distinct value: letting the driver
        and the ORM convert 300,000 dates per 100,000 rows cost more than the query."""
        docs = list({row[1] for row in chunk})
        # The residents' numbers are sealed: matched by their blind indexes.
        ring = sealing.keyring()
        doc_of = {key: doc for doc in docs for key in ring.indexes(sealing.DOCUMENT, doc)}
        dates = sorted({row[3] for row in chunk})
        # Only the tests that can matter: those waiting for a result and due by the day after
        # the latest sample, and those already sampled on one of the chunk's dates.
        wanted = FilteredRelation(
            "tests",
            condition=Q(
                tests__result="",
                tests__due_date__lte=dates[-1] + dt.timedelta(days=EARLY_SAMPLE_DAYS),
            )
            | Q(tests__sampled_on__in=dates),
        )
        case_of: dict[str, tuple[int, dt.date]] = {}
        people: dict[str, tuple[int, str]] = {}
        pending: dict[int, list[tuple[dt.date, int]]] = {}
        sampled: set[tuple[int, dt.date]] = set()
        day = self._day
        taken = self._taken
        cases = (
            Case.objects.visible_to(self.user)
            .alias(wanted=wanted)
            .filter(
                status__in=OPEN_STATUSES,
                resident__doc_index__in=json_list(list(doc_of)),
                resident__merged_into__isnull=True,
            )
            .order_by()
            .values_list(
                "pk",
                "resident__doc_index",
                "resident_id",
                "resident__name",
                Cast("start_date", CharField()),
                "wanted__id",
                Cast("wanted__due_date", CharField()),
                "wanted__result",
                Cast("wanted__sampled_on", CharField()),
            )
        )
        for pk, key, resident_id, name, start, test, due, result, sampled_on in raw_rows(cases):
            doc = doc_of[key]
            if doc not in case_of:
                case_of[doc] = (pk, day(start))
                people[doc] = (resident_id, name)
            if test is None:
                continue
            if result:
                sampled.add((pk, day(sampled_on)))
            elif test not in taken:
                pending.setdefault(pk, []).append((day(due), test))
        missing = [doc for doc in docs if doc not in people]
        if missing:
            keys = [key for key, doc in doc_of.items() if doc not in people]
            residents = (
                Resident.objects.visible_to(self.user)
                .active()
                .filter(doc_index__in=json_list(keys))
                .order_by()
                .values_list("pk", "doc_index", "name")
            )
            for pk, key, name in raw_rows(residents):
                people[doc_of[key]] = (pk, name)
        doc_header, name_header, date_header = (
            _TITLE["doc_number"],
            _TITLE["name"],
            _TITLE["sampled_on"],
        )
        early = dt.timedelta(days=EARLY_SAMPLE_DAYS)
        for row, doc, name, sampled_on, outcome, lab in chunk:
            person = people.get(doc)
            if person is None:
                out.add(
                    row,
                    doc_header,
                    _("Nobody with this document number is registered in your jurisdiction."),
                )
                continue
            if name and name != person[1] and "".join(name.split()) != person[1]:
                out.add(
                    row,
                    name_header,
                    _("The name %(given)s does not match the person registered with this number.")
                    % {"given": name},
                )
                continue
            case = case_of.get(doc)
            if case is None:
                out.add(
                    row,
                    doc_header,
                    _("%(name)s has no open quarantine case.") % {"name": person[1]},
                )
                continue
            case_id, start = case
            if sampled_on < start:
                out.add(
                    row,
                    date_header,
                    _("The sample was taken on %(day)s, before the quarantine began (%(start)s).")
                    % {"day": sampled_on.isoformat(), "start": start.isoformat()},
                )
                continue
            if (case_id, sampled_on) in sampled:
                out.add(
                    row,
                    date_header,
                    _(
                        "A result sampled on %(day)s is already recorded for %(name)s (was this "
                        "file imported before?)."
                    )
                    % {"day": sampled_on.isoformat(), "name": person[1]},
                )
                continue
            latest = sampled_on + early
            best: tuple[dt.date, int] | None = None
            for candidate in pending.get(case_id, ()):
                if (
                    candidate[0] <= latest
                    and candidate[1] not in taken
                    and (best is None or candidate > best)
                ):
                    best = candidate
            if best is None:
                out.add(
                    row,
                    date_header,
                    _(
                        "%(name)s has no test waiting for a result that is due by %(day)s "
                        "(the day after the sample)."
                    )
                    % {"name": person[1], "day": latest.isoformat()},
                )
                continue
            taken.add(best[1])
            sampled.add((case_id, sampled_on))
            out.matches.append(Match(row, best[1], case_id, start, outcome, sampled_on, lab))

    # -- writing ----------------------------------------------------------------------------

    def apply(
        self,
        table: Table,
        *,
        skip_unmatched: bool = False,
        filename: str = "",
        job_id: int | None = None,
        progress: Callable[[int], None] | None = None,
    ) -> tuple[LabCheck, ApplySummary | None]:
        """Check `table` again and write what matches, in one transaction.

        The matched rows of each chunk are written (by `ResultWriter`, on its own connection)
        while the next chunk is checked; all of it is rolled back when the file turns out not
        to be applicable. Returns the check and the summary, or None for the summary when
        nothing was written because rows did not match and `skip_unmatched` was not given
        (all or nothing). DomainError when nothing matches, or when tests changed between the
        check and the write (then nothing is written either).
        """
        enabled = gc.isenabled()
        gc.disable()  # see check(): the same objects stay alive through the write
        try:
            return self._apply(table, skip_unmatched, filename, job_id, progress)
        finally:
            if enabled:
                gc.enable()

    def _apply(
        self,
        table: Table,
        skip_unmatched: bool,
        filename: str,
        job_id: int | None,
        progress: Callable[[int], None] | None,
    ) -> tuple[LabCheck, ApplySummary | None]:
        writer = ResultWriter(self, job_id=job_id, filename=filename)
        writer.start(checks_follow=True)

        def on_chunk(matches: list[Match], so_far: LabCheck) -> None:
            # All or nothing: after the first row that does not match, nothing more is
            # written, and what was written is rolled back below.
            if matches and (skip_unmatched or not so_far.unmatched):
                writer.put(matches)

        try:
            check = self._check_with(table, progress, on_chunk)
            applicable = not check.file_error and (skip_unmatched or not check.unmatched)
            if not applicable or not check.matches:
                writer.abort()
                if applicable:
                    raise DomainError(_("No row of the file matches a test waiting for a result."))
                return check, None
            return check, writer.finish(check)
        except BaseException:
            writer.abort()
            raise

    def _check_with(
        self,
        table: Table,
        progress: Callable[[int], None] | None,
        on_chunk: Callable[[list[Match], LabCheck], None],
    ) -> LabCheck:
        self._on_chunk = on_chunk
        try:
            return self._check(table, progress)
        finally:
            self._on_chunk = None

    def write(
        self, check: LabCheck, *, filename: str = "", job_id: int | None = None
    ) -> ApplySummary:
        """Store the matched results of an earlier `check` in one transaction."""
        writer = ResultWriter(self, job_id=job_id, filename=filename)
        writer.start()
        try:
            for start in range(0, len(check.matches), CHUNK):
                writer.put(check.matches[start : start + CHUNK])
        except BaseException:
            writer.abort()
            raise
        return writer.finish(check)


STALE = gettext_lazy(
    "Nothing was written: some of these tests got a result, or their case was closed, since "
    "the file was checked. Check the file again."
)


class _Stale(Exception):
    """A guarded UPDATE changed fewer tests than it was given."""


class ResultWriter(ChunkWriter[list[Match], ApplySummary]):
    """Writes the matched results of one lab file in ONE transaction, with ONE audit entry.

    A `ChunkWriter`: threaded in the worker, a thread with its own database connection holds
    the transaction and writes each chunk (the guarded UPDATE of its tests, its retests, its
    case events) while the caller checks the next one; the database does its part without
    Python's GIL, so the two overlap. The resident import's `BatchWriter` is the other kind.
    """

    thread_name = "fangkong-lab-writer"

    def __init__(self, importer: LabImport, *, job_id: int | None, filename: str) -> None:
        super().__init__()
        self.importer = importer
        self.job_id = job_id
        self.filename = filename
        self.now = timezone.now()
        self.written: list[int] = []
        #: whether each UPDATE checks that the cases are still open (see `start`)
        self.check_cases = True

    def start(self, *, checks_follow: bool = False) -> None:
        """Open the transaction. `checks_follow`: every row to be written is checked after
        this, so on SQLite (where the open transaction holds the database's only write lock
        until it ends) nothing can close a case between its check and its write, and the
        UPDATEs need not look at the cases again. PostgreSQL always looks."""
        self.check_cases = not (checks_follow and connection.vendor == "sqlite")
        super().start()

    def put(self, matches: list[Match]) -> None:
        self.send(list(matches))

    def finish(self, check: LabCheck) -> ApplySummary:
        """Write the audit entry and commit; DomainError if the database refused anything."""
        summary = ApplySummary(
            applied=len(check.matches),
            negative=check.count(TestItemResult.NEGATIVE),
            positive=check.count(TestItemResult.POSITIVE),
            invalid=check.count(TestItemResult.INVALID),
            skipped_rows=len(check.unmatched),
        )
        self.commit(summary)
        return summary

    def refusal(self, error: BaseException) -> DomainError | None:
        if isinstance(error, _Stale):
            return DomainError(str(STALE))
        return None

    # -- the writer's side

    def begin(self) -> None:
        if self.threaded and connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                # Hold the write lock before the caller checks the first row (the settings'
                # BEGIN IMMEDIATE takes it; a deferred BEGIN would not).
                cursor.execute(f"UPDATE {LabImportJob._meta.db_table} SET id = id WHERE 0")

    def write_chunk(self, chunk: list[Match]) -> None:
        self._write_chunk(chunk)

    def write_end(self, end: ApplySummary) -> None:
        self._write_audit(end)

    def _write_chunk(self, matches: list[Match]) -> None:
        now, job_id = self.now, self.job_id
        today = self.importer.today
        user_id = self.importer.user.pk
        updated = update_results(
            [(m.item_id, m.result, m.sampled_on, now, user_id, m.lab, job_id) for m in matches],
            check_cases=self.check_cases,
        )
        if updated != len(matches):
            raise _Stale
        # what each result does: the same definition as the action's (cached per distinct
        # result and start date, so asking it per row costs little)
        effects = [effect_of(m.result, case_start=m.case_start, today=today) for m in matches]
        retests = ScheduledTest.objects.bulk_create(
            [
                ScheduledTest(
                    case_id=m.case_id,
                    day=effect.retest.day,
                    due_date=effect.retest.due,
                    retest_of_id=m.item_id,
                )
                for m, effect in zip(matches, effects, strict=True)
                if effect.retest is not None
            ]
        )
        at = connection.ops.adapt_datetimefield_value(now) if connection.vendor == "sqlite" else now
        job = "null" if job_id is None else int(job_id)
        events: list[tuple[object, ...]] = []
        days: dict[dt.date, str] = {}
        for m, effect in zip(matches, effects, strict=True):
            day = days.get(m.sampled_on) or days.setdefault(m.sampled_on, m.sampled_on.isoformat())
            # the JSON of the event's data, written out: every value is a number, a result
            # code or an ISO date (json.dumps per row would cost a third of the write)
            data = (
                f'{{"test": {m.item_id}, "result": "{m.result}", '
                f'"sampled_on": "{day}", "lab_import": {job}}}'
            )
            for action in effect.events:
                events.append((m.case_id, action, "", "", user_id, at, "", data))
        for retest in retests:
            data = json.dumps({"test": retest.pk, "due": retest.due_date.isoformat()})
            events.append((retest.case_id, RETEST, "", "", user_id, at, "", data))
        insert_rows(CaseEvent, EVENT_COLUMNS, events, adapted=True)
        self.written.extend(m.item_id for m in matches)

    def _write_audit(self, summary: ApplySummary) -> None:
        user = self.importer.user
        audit.record(
            user,
            AuditAction.IMPORT,
            target_type="quarantine.labimportjob",
            target_id=self.job_id or "",
            target_repr=self.filename or _("lab results"),
            changes={
                "file": self.filename,
                "results": summary.applied,
                "negative": summary.negative,
                "positive": summary.positive,
                "invalid": summary.invalid,
                "skipped_rows": summary.skipped_rows,
                "tests": id_ranges(self.written),
            },
        )


# -- raw statements --------------------------------------------------------------------------

_OPEN = tuple(str(s) for s in OPEN_STATUSES)


def update_results(
    rows: list[tuple[int, str, dt.date, dt.datetime, int | None, str, int | None]],
    *,
    check_cases: bool = True,
) -> int:
    """Set (result, sampled_on, result_at, recorded_by, lab, lab_import) of tests by id, in one
    statement, only where the test has no result yet and (with `check_cases`) its case is
    still open. The number of tests changed."""
    table = ScheduledTest._meta.db_table
    cases = Case._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The rows as arrays, one per column: the planner then expects a few rows and
            # finds each test by its key (a temporary table without statistics made it scan
            # the whole table for every chunk).
            columns: list[tuple[Any, ...]] = list(zip(*rows, strict=True)) or [()] * 7
            guard = (
                f', "{cases}" AS c WHERE c.id = t.case_id AND c.status = ANY(%s) AND'
                if check_cases
                else " WHERE"
            )
            cursor.execute(
                f'UPDATE "{table}" AS t SET result = v.result, sampled_on = v.sampled_on, '
                "result_at = %s, recorded_by_id = v.recorded_by_id, lab = v.lab, "
                "lab_import_id = v.lab_import_id "
                "FROM unnest(%s::bigint[], %s::varchar[], %s::date[], %s::bigint[], "
                "%s::varchar[], %s::bigint[]) AS v(id, result, sampled_on, recorded_by_id, lab, "
                f"lab_import_id){guard} t.id = v.id AND t.result = ''",
                [
                    rows[0][3] if rows else None,
                    list(columns[0]),
                    list(columns[1]),
                    list(columns[2]),
                    list(columns[4]),
                    list(columns[5]),
                    list(columns[6]),
                    *([list(_OPEN)] if check_cases else []),
                ],
            )
            return int(cursor.rowcount)
        ops = connection.ops
        at = ops.adapt_datetimefield_value(rows[0][3]) if rows else None
        join = f', "{cases}" AS c' if check_cases else ""
        guard = (
            f' AND c.id = "{table}".case_id AND c.status IN ({", ".join(["%s"] * len(_OPEN))})'
            if check_cases
            else ""
        )
        days: dict[dt.date, str] = {}
        payload = json.dumps(
            [
                (r[0], r[1], days.get(r[2]) or days.setdefault(r[2], r[2].isoformat()), *r[4:])
                for r in rows
            ],
            ensure_ascii=False,
        )
        cursor.execute(
            f'UPDATE "{table}" SET result = v.result, sampled_on = v.sampled_on, '
            "result_at = %s, recorded_by_id = v.recorded_by_id, lab = v.lab, "
            "lab_import_id = v.lab_import_id "
            "FROM (SELECT json_extract(value, '$[0]') AS id, "
            "json_extract(value, '$[1]') AS result, json_extract(value, '$[2]') AS sampled_on, "
            "json_extract(value, '$[3]') AS recorded_by_id, json_extract(value, '$[4]') AS lab, "
            "json_extract(value, '$[5]') AS lab_import_id "
            f"FROM json_each(%s)) AS v{join} "
            f'WHERE "{table}".id = v.id AND "{table}".result = \'\'{guard}',
            [at, payload, *(_OPEN if check_cases else ())],
        )
        return int(cursor.rowcount)


EVENT_COLUMNS = ("case_id", "action", "from_status", "to_status", "by_id", "at", "reason", "data")


def raw_rows(qs: QuerySet[Any]) -> list[tuple[Any, ...]]:
    """The rows of a `values_list` query as the driver returns them, without the ORM's
    per-value conversions (the query itself, scoping included, is the ORM's)."""
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def json_list(values: list[str] | list[int], *, integers: bool = False) -> RawSQL:
    """`values` as ONE query parameter (a JSON array) for an `__in` lookup: a list of 5,000
    parameters costs Django more to prepare than the database to run the query."""
    payload = json.dumps(values, ensure_ascii=False)
    if connection.vendor == "postgresql":
        cast = "::bigint" if integers else ""
        return RawSQL(f"SELECT (jsonb_array_elements_text(%s::jsonb)){cast}", [payload])
    return RawSQL("SELECT value FROM json_each(%s)", [payload])


# -- the template and the problems file ---------------------------------------------------------


def write_template(path: str | Path) -> None:
    """The lab result template: headers, an example row, and how to fill it in."""
    book = XlsxStream(path)
    book.add_sheet("检测结果", list(TEMPLATE_HEADERS))
    text = book.workbook.add_format({"num_format": "@"})
    for col, width in enumerate((22, 10, 14, 10, 24)):
        book.sheet.set_column(col, col, width, text)
    book.write_row(["420103198005170011", "张三丰", "2026-01-15", "阴性", "区疾控中心实验室"])
    book.add_sheet(
        "填写说明", [str(_("Column")), str(_("Required")), str(_("How to fill it in"))], [14, 8, 90]
    )
    notes = {
        "doc_number": _("The document number of the person tested, as registered. Required."),
        "name": _("The name of the person; when given, it must match the registered name."),
        "sampled_on": _("The date the sample was taken, like 2026-01-15. Required."),
        "result": _("阴性, 阳性 or 无效 (an invalid result schedules a retest). Required."),
        "lab": _("The laboratory or institution that ran the test."),
    }
    for key, header, _aliases, required in COLUMNS:
        book.write_row([header, "是" if required else "", str(notes[key])], wrap=True)
    book.close()


def write_problems(path: str | Path, problems: Iterable[Iterable[object]]) -> None:
    book = XlsxStream(path)
    book.add_sheet("未匹配", [str(_("Row")), str(_("Column")), str(_("Reason"))], [8, 14, 90])
    for row, column, message in problems:
        book.write_row([row or "", column, message])
    book.close()


__all__ = [
    "CHUNK",
    "COLUMNS",
    "EARLY_SAMPLE_DAYS",
    "MAX_STORED_PROBLEMS",
    "TEMPLATE_HEADERS",
    "ApplySummary",
    "LabCheck",
    "LabImport",
    "Match",
    "parse_date",
    "write_problems",
    "write_template",
]
