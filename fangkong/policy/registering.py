"""Risk areas from a spreadsheet (.xlsx, .xls, .ods, .csv), and from an announcement's text.

The spreadsheet has the columns 地区, 风险等级, 开始日期 and, optionally, 结束日期 and 来源
(the headers are Chinese by design: it is the format people fill in; common variants are
accepted). It is read with the reader every import uses (`core.spreadsheets.read_table`).
`check_table` resolves every row's place with `divisions.resolve` and lists every problem
with its row number; the caller writes the rows with `actions.add_areas` only when there is
none (all or nothing).

`check_announcement` does the same for pasted text, read by `announcements.parse`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _

from fangkong.core.errors import DomainError
from fangkong.core.spreadsheets import Table, XlsxStream, read_table

from . import announcements, divisions
from .actions import AreaRow, area_problems
from .places import Place
from .rules import Level

MAX_ROWS = 5000


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    header: str
    aliases: tuple[str, ...]
    required: bool


COLUMNS = (
    Column("place", "地区", ("地区名称", "区域", "风险地区", "风险区域", "地点", "名称"), True),
    Column("level", "风险等级", ("等级", "风险级别", "级别", "风险"), True),
    Column("start", "开始日期", ("起始日期", "开始时间", "生效日期", "发布日期", "日期"), True),
    Column("end", "结束日期", ("截止日期", "结束时间", "解除日期", "解封日期"), False),
    Column("source", "来源", ("发布来源", "依据", "公告", "文件", "备注"), False),
)
TEMPLATE_EXAMPLE = (
    "河北省石家庄市藁城区增村镇",
    "高风险",
    "2022-01-10",
    "",
    "石家庄市疫情防控公告",
)

_LEVEL_WORDS = {
    "高": Level.HIGH,
    "高风险": Level.HIGH,
    "高风险地区": Level.HIGH,
    "高风险区": Level.HIGH,
    "high": Level.HIGH,
    "中": Level.MEDIUM,
    "中风险": Level.MEDIUM,
    "中风险地区": Level.MEDIUM,
    "中风险区": Level.MEDIUM,
    "medium": Level.MEDIUM,
    "低": Level.LOW,
    "低风险": Level.LOW,
    "低风险地区": Level.LOW,
    "low": Level.LOW,
}
_DATE = re.compile(
    r"^(?P<y>\d{4})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*日?"
    r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
)
_HEADER_NOISE = re.compile(r"[\s*＊:：]|[（(][^)）]*[)）]$")


def level_of(text: str) -> Level | None:
    """高 / 中风险 / 高风险地区 / high … → the level; None for anything else."""
    return _LEVEL_WORDS.get("".join(text.split()).lower())


def date_of(text: str) -> dt.date | None:
    """2022-01-10, 2022/1/10, 2022.1.10, 2022年1月10日 (a time after it is ignored)."""
    match = _DATE.match(text.strip())
    if not match:
        return None
    try:
        return dt.date(int(match["y"]), int(match["m"]), int(match["d"]))
    except ValueError:
        return None


def header_key(header: str) -> str:
    return _HEADER_NOISE.sub("", header).lower()


_HEADER_LOOKUP = {
    header_key(name): c.key for c in COLUMNS for name in (c.header, *c.aliases, c.key)
}


@dataclass(frozen=True, slots=True)
class RowProblem:
    row: int  # as the user numbers it: sheet row, or line of the pasted text; 0: the whole file
    text: str  # the column header, or the line's text
    message: str


@dataclass
class Checked:
    """Rows ready to register and every problem found; write only when `ok`."""

    rows: list[AreaRow] = field(default_factory=list)
    #: the line or row each of `rows` came from
    origins: list[int] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    #: for the announcement preview: lines that gave no place (not blocking)
    ignored: list[RowProblem] = field(default_factory=list)
    total: int = 0

    @property
    def ok(self) -> bool:
        return bool(self.rows) and not self.problems


def resolve_place(text: str) -> tuple[Place | None, str]:
    """The place `text` names, or the message saying why it cannot be identified."""
    try:
        return divisions.resolve(text), ""
    except DomainError as exc:
        return None, exc.message


def _match_columns(headers: list[str], checked: Checked) -> dict[str, int]:
    positions: dict[str, int] = {}
    for pos, header in enumerate(headers):
        key = _HEADER_LOOKUP.get(header_key(header)) if header else None
        if key is not None and key not in positions:
            positions[key] = pos
    missing = [c.header for c in COLUMNS if c.required and c.key not in positions]
    if missing:
        checked.problems.append(
            RowProblem(
                0,
                "",
                _(
                    "Required columns are missing: %(columns)s. The first row must hold the "
                    "headers %(headers)s (download the template from this page)."
                )
                % {
                    "columns": "、".join(missing),
                    "headers": "、".join(c.header for c in COLUMNS),
                },
            )
        )
    return positions


def check_table(table: Table) -> Checked:
    """Every row of an uploaded register, resolved and checked."""
    checked = Checked()
    positions = _match_columns(table.headers, checked)
    if checked.problems:
        return checked
    headers = {c.key: table.headers[positions[c.key]] for c in COLUMNS if c.key in positions}
    for offset, values in enumerate(table.rows, start=1):
        if not any(v.strip() for v in values):
            continue
        checked.total += 1
        if checked.total > MAX_ROWS:
            checked.problems.append(
                RowProblem(
                    0,
                    "",
                    _("The file has more than %(max)d rows; split it into smaller files.")
                    % {"max": MAX_ROWS},
                )
            )
            return checked
        row_number = table.header_row + offset
        cells = {
            key: values[pos].strip() if pos < len(values) else "" for key, pos in positions.items()
        }
        row, problems = _check_row(cells, row_number, headers)
        if row is None:
            checked.problems.extend(problems)
            continue
        checked.rows.append(row)
        checked.origins.append(row_number)
    if checked.total == 0:
        checked.problems.append(
            RowProblem(0, "", _("The file has no rows below the headers: nothing to import."))
        )
    _add_register_problems(checked)
    return checked


def _check_row(
    cells: dict[str, str], row_number: int, headers: dict[str, str]
) -> tuple[AreaRow | None, list[RowProblem]]:
    problems: list[RowProblem] = []

    def bad(key: str, message: str) -> None:
        problems.append(RowProblem(row_number, headers.get(key, ""), message))

    place_text = cells.get("place", "")
    place: Place | None = None
    if not place_text:
        bad("place", _("The place is empty."))
    else:
        place, why = resolve_place(place_text)
        if place is None:
            bad("place", why)
    level_text = cells.get("level", "")
    level = level_of(level_text)
    if level is None:
        bad(
            "level",
            _('"%(value)s" is not a risk level; write 高风险 or 中风险.') % {"value": level_text}
            if level_text
            else _("The risk level is empty; write 高风险 or 中风险."),
        )
    elif level is Level.LOW:
        bad("level", _("Low-risk places are not entered in the register."))
    start = _date_cell(cells.get("start", ""), "start", bad, required=True)
    end = _date_cell(cells.get("end", ""), "end", bad, required=False)
    if problems or place is None or level is None or start is None:
        return None, problems
    row = AreaRow(
        place,
        level.value,
        start,
        end,
        cells.get("source", ""),
        origin=_("row %(row)d") % {"row": row_number},
    )
    return row, []


def _date_cell(
    text: str, key: str, report: Callable[[str, str], None], *, required: bool
) -> dt.date | None:
    if not text:
        if required:
            report(key, _("The start date is empty."))
        return None
    day = date_of(text)
    if day is None:
        report(
            key,
            _('"%(value)s" is not a date; write it like 2022-01-10.') % {"value": text},
        )
    return day


def _add_register_problems(checked: Checked) -> None:
    """End before start, duplicates in the file or the register (`actions.area_problems`)."""
    for index, messages in sorted(area_problems(checked.rows).items()):
        row = checked.rows[index]
        for message in messages:
            checked.problems.append(
                RowProblem(checked.origins[index], row.place.full_name, message)
            )
    checked.problems.sort(key=lambda p: p.row)


def read_register(path: str | Path, *, filename: str, max_bytes: int) -> Checked:
    return check_table(read_table(path, filename=filename, max_bytes=max_bytes))


def check_announcement(
    text: str, *, start: dt.date | None, source: str = ""
) -> tuple[Checked, list[tuple[announcements.Entry, Place | None, str]]]:
    """The announcement's places resolved, with every problem by line.

    Also returns, for the preview, each parsed entry with its place (or None and the reason).
    """
    parsed = announcements.parse(text)
    checked = Checked()
    preview: list[tuple[announcements.Entry, Place | None, str]] = []
    lines = text.splitlines()
    for note in parsed.problems:
        checked.problems.append(RowProblem(note.line, note.text, _(note.message)))
    for note in parsed.ignored:
        checked.ignored.append(RowProblem(note.line, note.text, _(note.message)))
    for entry in parsed.entries:
        checked.total += 1
        place, why = resolve_place(entry.place)
        preview.append((entry, place, why))
        if place is None:
            checked.problems.append(RowProblem(entry.line, lines[entry.line - 1].strip(), why))
            continue
        if start is None:
            continue
        checked.rows.append(
            AreaRow(
                place,
                entry.level.value,
                start,
                None,
                source,
                origin=_("line %(line)d") % {"line": entry.line},
            )
        )
        checked.origins.append(entry.line)
    if not parsed.entries and not parsed.problems:
        checked.problems.append(
            RowProblem(
                0,
                "",
                _(
                    "No place with a risk level was found. Paste the lines of the announcement, "
                    'like "河北省石家庄市藁城区增村镇 高风险".'
                ),
            )
        )
    if start is not None:
        _add_register_problems(checked)
    return checked, preview


def write_template(path: str | Path) -> None:
    """The empty register with its headers and one example row."""
    book = XlsxStream(path)
    book.add_sheet("风险地区", [c.header for c in COLUMNS], widths=(36, 10, 14, 14, 30))
    book.write_row(TEMPLATE_EXAMPLE)
    book.close()
