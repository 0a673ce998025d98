"""Reading uploaded spreadsheets safely and fast, and writing large ones in constant memory.

Reading: .xlsx, .xls and .ods through python-calamine (Rust), .csv through the standard
library (UTF-8 with or without BOM, else GB18030, the encoding Excel uses on Chinese
Windows). The kind of a file is decided by its first bytes, not by its name, so a binary file
renamed to .xlsx gets a clear message instead of a parser error. Every cell comes back as
stripped text. Real formula cells are found by scanning the sheet XML (.xlsx) or content
(.ods) for formula markup, because calamine returns only their cached values.

Writing: `XlsxStream` wraps xlsxwriter in constant-memory mode and writes every value as a
string cell, neutralising text that a spreadsheet program would otherwise read as a formula.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import xlsxwriter
from django.utils.translation import gettext as _
from python_calamine import CalamineError, CalamineWorkbook

from .errors import DomainError

SPREADSHEET_SUFFIXES = (".xlsx", ".xls", ".ods", ".csv")
# A workbook is a zip of XML; refuse one that would inflate beyond this (zip bombs).
MAX_UNPACKED_BYTES = 1024 * 1024 * 1024
#: a cell value starting with one of these is read as a formula by Excel, LibreOffice, WPS.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_XLSX_FORMULA = re.compile(rb'<c r="([A-Z]{1,3})([0-9]+)"[^>]*?>(?:<v>[^<]*</v>)?<f[ >/]')
_FORMULA_HINT = (b"<f>", b"<f ", b"<f/")


class SpreadsheetError(DomainError):
    """The upload cannot be read as a table; the message says what to do about it."""


@dataclass(slots=True)
class Table:
    """The first sheet of an upload: its header row, its data rows as text, formula cells."""

    headers: list[str]
    rows: Iterator[list[str]]
    #: number of data rows (rows below the header, blank ones included)
    row_count: int
    #: the sheet row number (1-based, as the user sees it) of the header row
    header_row: int = 1
    #: (sheet row number, 0-based column in `headers`) of every real formula cell
    formula_cells: set[tuple[int, int]] = field(default_factory=set)
    #: the reader knows the workbook holds formulas but not where (.ods)
    has_formulas: bool = False


def check_size(size: int, max_bytes: int) -> None:
    if size > max_bytes:
        raise SpreadsheetError(
            _(
                "The file is %(size)s; files up to %(max)s are accepted. Split it into smaller "
                "files and upload them one by one."
            )
            % {"size": file_size(size), "max": file_size(max_bytes)}
        )


def file_size(size: int) -> str:
    """1.5 MB, 40 MB, 980 KB."""
    if size < 1024 * 1024:
        return f"{max(size // 1024, 1)} KB"
    return f"{size / (1024 * 1024):.1f}".rstrip("0").rstrip(".") + " MB"


def cell_text(value: Any) -> str:
    """A cell as text: numbers without a spurious '.0', dates as YYYY-MM-DD, booleans as 是/否.

    A whole number too long for a spreadsheet to keep exactly (more than 15 digits, e.g. an ID
    number typed as a number) is returned in scientific notation so that it fails validation
    instead of being stored with its last digits silently changed.
    """
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        if value.is_integer():
            if abs(value) >= 1e15:
                return f"{value:.14E}"
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def sniff(head: bytes, filename: str) -> str:
    """'xlsx', 'ods', 'xls' or 'csv', decided by the first bytes; SpreadsheetError otherwise."""
    suffix = Path(filename).suffix.lower()
    if suffix not in SPREADSHEET_SUFFIXES:
        raise SpreadsheetError(
            _("Only .xlsx, .xls, .ods and .csv files can be imported; this file is %(suffix)s.")
            % {"suffix": suffix or _("without an extension")}
        )
    if not head:
        raise SpreadsheetError(_("The file is empty. Fill in the template and upload it again."))
    if head.startswith(_ZIP_MAGIC):
        return "zip"
    if head.startswith(_OLE_MAGIC):
        return "xls"
    if b"\x00" in head:
        raise SpreadsheetError(
            _(
                "This file is not a spreadsheet (it may be damaged, encrypted or renamed from "
                "another kind of file). Open it in Excel or WPS, save it as .xlsx and upload it "
                "again."
            )
        )
    return "csv"


def read_table(path: str | Path, *, filename: str, max_bytes: int) -> Table:
    """The first sheet of the file at `path` (uploaded as `filename`), as text rows."""
    path = Path(path)
    check_size(path.stat().st_size, max_bytes)
    with path.open("rb") as fh:
        kind = sniff(fh.read(8192), filename)
    if kind == "csv":
        return _read_csv(path)
    if kind == "zip":
        formula_cells, has_formulas = _zip_formulas(path)
    else:
        formula_cells, has_formulas = set(), False
    try:
        with path.open("rb") as fh:
            workbook = CalamineWorkbook.from_filelike(fh)
        if not workbook.sheet_names:
            raise SpreadsheetError(_("The workbook has no sheet."))
        sheet = workbook.get_sheet_by_index(0)
    except (CalamineError, ValueError, OSError) as exc:
        raise SpreadsheetError(
            _(
                "The file could not be read as a spreadsheet (it may be damaged, protected by "
                "a password or renamed from another kind of file). Open it in Excel or WPS, "
                "save it as .xlsx and upload it again."
            )
        ) from exc
    rows = sheet.iter_rows()
    header = next(rows, None)
    if header is None:
        raise SpreadsheetError(_("The file is empty. Fill in the template and upload it again."))
    # calamine skips leading empty rows and columns; positions shown to users must match
    # the sheet as they see it.
    first_row, first_col = sheet.start or (0, 0)
    width = len(header)
    return Table(
        headers=[cell_text(v) for v in header],
        rows=(_row_text(r, width) for r in rows),
        row_count=max(sheet.height - 1, 0),
        header_row=first_row + 1,
        formula_cells={(row, col - first_col) for row, col in formula_cells},
        has_formulas=has_formulas,
    )


def _row_text(row: Sequence[Any], width: int) -> list[str]:
    out = [v.strip() if v.__class__ is str else cell_text(v) for v in row]
    if len(out) < width:
        out.extend([""] * (width - len(out)))
    return out


def _read_csv(path: Path) -> Table:
    raw = path.read_bytes()
    text: str | None = None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    if text is None:  # gb18030 decodes almost anything; kept for safety
        raise SpreadsheetError(
            _("The CSV file is not UTF-8 or GB18030 text. Save it as CSV (UTF-8) and try again.")
        )
    del raw
    if not text.strip():
        raise SpreadsheetError(_("The file is empty. Fill in the template and upload it again."))
    first_line = text[: text.find("\n")] if "\n" in text else text
    delimiter = max(",\t;", key=first_line.count)
    # csv reads quoted cells across lines; only \r and \n end a row (not U+2028 and kin)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = next(reader, [])
    width = len(header)
    return Table(
        headers=[c.strip() for c in header],
        rows=(_row_text(r, width) for r in reader),
        row_count=max(text.count("\n") - 1, 0),
    )


def _zip_formulas(path: Path) -> tuple[set[tuple[int, int]], bool]:
    """Formula cells of the first sheet of an .xlsx (by position), or whether an .ods has any."""
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            if sum(i.file_size for i in infos) > MAX_UNPACKED_BYTES:
                raise SpreadsheetError(
                    _("The workbook unpacks to more than 1 GB; it cannot be imported.")
                )
            names = {i.filename for i in infos}
            if "xl/workbook.xml" in names:
                member = _first_sheet_member(zf)
                return (_scan_xlsx_formulas(zf, member) if member else set()), False
            if "content.xml" in names:
                with zf.open("content.xml") as fh:
                    return set(), _stream_contains(fh, b"table:formula=")
    except (zipfile.BadZipFile, KeyError, OSError) as exc:
        raise SpreadsheetError(
            _(
                "The file is damaged: it could not be unpacked. Open it in Excel or WPS, save "
                "it again as .xlsx and upload it again."
            )
        ) from exc
    raise SpreadsheetError(
        _("This zip file is not an .xlsx or .ods workbook. Save it as .xlsx and upload it again.")
    )


def _first_sheet_member(zf: zipfile.ZipFile) -> str | None:
    """The zip member holding the first worksheet (workbook order, as calamine reads it)."""
    workbook = zf.read("xl/workbook.xml")
    match = re.search(rb"<(?:\w+:)?sheet\b[^>]*?\br:id=\"([^\"]+)\"", workbook)
    if match is None:
        return None
    rel_id = match.group(1)
    rels = zf.read("xl/_rels/workbook.xml.rels")
    for rel in re.finditer(rb"<Relationship\b[^>]*>", rels):
        tag = rel.group(0)
        if re.search(rb'\bId="' + re.escape(rel_id) + rb'"', tag):
            target = re.search(rb'\bTarget="([^"]+)"', tag)
            if target is None:
                return None
            name = target.group(1).decode()
            return name.lstrip("/") if name.startswith("/") else f"xl/{name}"
    return None


def _scan_xlsx_formulas(
    zf: zipfile.ZipFile, member: str, limit: int = 10_000
) -> set[tuple[int, int]]:
    """(row, column) of cells holding a <f> formula element, streaming the sheet XML."""
    found: set[tuple[int, int]] = set()
    tail = b""
    with zf.open(member) as fh:
        while chunk := fh.read(1 << 20):
            data = tail + chunk
            if any(h in data for h in _FORMULA_HINT):
                for m in _XLSX_FORMULA.finditer(data):
                    found.add((int(m.group(2)), _column_index(m.group(1).decode())))
                    if len(found) >= limit:
                        return found
            # keep the end of the chunk: a cell may straddle the boundary
            cut = data.rfind(b"<c ")
            tail = data[cut:] if cut >= 0 and len(data) - cut < 4096 else data[-256:]
    return found


def _stream_contains(fh: IO[bytes], needle: bytes) -> bool:
    tail = b""
    while chunk := fh.read(1 << 20):
        if needle in tail + chunk:
            return True
        tail = chunk[-len(needle) :]
    return False


def _column_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ord(ch) - 64)
    return n - 1


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


# ---------------------------------------------------------------------------------------------
# Writing


def neutralise(text: str) -> str:
    """Text that no spreadsheet program will evaluate: a leading formula trigger gets a "'"."""
    if text and text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


class XlsxStream:
    """An .xlsx written row by row in constant memory (xlsxwriter), every cell as text.

    Rows must be written in order. Values are turned into text with `cell_text`, and text that
    would be read as a formula is neutralised; cells are always written with `write_string`,
    so nothing in the file is a formula.
    """

    def __init__(self, path: str | Path) -> None:
        self.workbook = xlsxwriter.Workbook(
            str(path),
            {"constant_memory": True, "strings_to_numbers": False, "strings_to_formulas": False},
        )
        self.header_format = self.workbook.add_format({"bold": True, "bg_color": "#F2F2F2"})
        self.wrap_format = self.workbook.add_format({"text_wrap": True, "valign": "top"})
        self.sheet: Any = None
        self.row = 0

    def add_sheet(self, name: str, headers: Sequence[str], widths: Sequence[int] = ()) -> None:
        self.sheet = self.workbook.add_worksheet(name)
        self.row = 0
        for col, width in enumerate(widths):
            self.sheet.set_column(col, col, width)
        if headers:
            for col, title in enumerate(headers):
                self.sheet.write_string(0, col, neutralise(title), self.header_format)
            self.sheet.freeze_panes(1, 0)
            self.row = 1

    def write_row(self, values: Iterable[Any], *, wrap: bool = False) -> None:
        write = self.sheet.write_string
        row = self.row
        fmt = self.wrap_format if wrap else None
        for col, value in enumerate(values):
            text = value if isinstance(value, str) else cell_text(value)
            if text:
                if text[0] in "=+-@\t\r":
                    text = "'" + text
                if fmt is None:
                    write(row, col, text)
                else:
                    write(row, col, text, fmt)
        self.row = row + 1

    def write_rows(self, rows: Iterable[Iterable[Any]]) -> int:
        n = 0
        for values in rows:
            self.write_row(values)
            n += 1
        return n

    def close(self) -> None:
        self.workbook.close()


def read_xlsx_bytes(data: bytes) -> list[list[str]]:
    """All rows of the first sheet of a workbook given as bytes, as text."""
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    return [[cell_text(v) for v in row] for row in workbook.get_sheet_by_index(0).iter_rows()]


def xlsx_has_formulas(data: bytes) -> bool:
    """Whether any worksheet of an .xlsx (given as bytes) holds a formula element."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for name in zf.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                with zf.open(name) as fh:
                    content = fh.read()
                if any(h in content for h in _FORMULA_HINT):
                    return True
    return False


__all__ = [
    "FORMULA_TRIGGERS",
    "SPREADSHEET_SUFFIXES",
    "SpreadsheetError",
    "Table",
    "XlsxStream",
    "cell_text",
    "check_size",
    "column_letter",
    "file_size",
    "neutralise",
    "read_table",
    "read_xlsx_bytes",
    "sniff",
    "xlsx_has_formulas",
]
