"""Importing residents from a spreadsheet: the template's columns and the import rules.

`ResidentImport(user).check(table)` is the dry run: it validates every row with the same rules
as the forms (`registry.clean_person` for a person's fields) and lists every problem by row,
column and reason. `write(result, ...)` then stores the rows in one transaction: households
and residents go in with one multi-row statement per chunk (executemany on SQLite, COPY on
PostgreSQL) with ids allocated up front, never with `save()` per row, and the whole batch
gets ONE audit entry. Jurisdiction places (community, grid, building, unit) are matched by
name and never created; a new room number in a known unit or village group creates the
household.

The template's headers and values are Chinese by design (it is the format people fill in);
messages and explanations are translated source strings.
"""

from __future__ import annotations

import datetime as dt
import gc
import json
import queue
import re
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import IntegrityError, OperationalError, connection, transaction
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fangkong.core import audit
from fangkong.core.errors import DomainError
from fangkong.core.models import AuditAction, Building, Community, Grid, Unit, User
from fangkong.core.spreadsheets import Table, XlsxStream

from .actions import household_address
from .identity import EARLIEST_BIRTH, PROVINCES, DocType, check_digit, normalise
from .models import (
    DocumentType,
    Gender,
    Household,
    Relation,
    ResidenceType,
    Resident,
    ResidentTag,
    VulnerableTag,
)
from .phones import InvalidPhone, normalise_phone
from .registry import clean_person
from .romanization import romanize

CHUNK = 5000
#: page cache of the import's own SQLite connection (the connection is closed afterwards)
SQLITE_CACHE_KIB = 256 * 1024
MAX_STORED_PROBLEMS = 5000


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    header: str
    aliases: tuple[str, ...]
    required: bool
    help: Promise
    example: str
    width: int = 12


COLUMNS: tuple[Column, ...] = (
    Column(
        "community",
        "社区/村",
        ("社区", "村", "社区（村）", "村（社区）", "所属社区"),
        True,
        gettext_lazy("The community or village, exactly as named in Fangkong. Required."),
        "民族社区",
    ),
    Column(
        "grid",
        "网格/村民组",
        ("网格", "村民组", "组", "所属网格"),
        True,
        gettext_lazy("The grid, or the village group in a village, as named in Fangkong."),
        "第一网格",
    ),
    Column(
        "building",
        "楼栋",
        ("楼号", "栋", "楼"),
        False,
        gettext_lazy("The building as named in Fangkong, e.g. 1栋. Leave empty in a village."),
        "1栋",
        8,
    ),
    Column(
        "unit",
        "单元",
        ("单元号",),
        False,
        gettext_lazy("The unit of the building, e.g. 1单元, when the building has units."),
        "1单元",
        8,
    ),
    Column(
        "number",
        "房号/门牌号",
        ("房号", "门牌号", "户号", "门牌", "房间号"),
        True,
        gettext_lazy(
            "Room number, or house number in a village. A new number in a known building, "
            "unit or village group creates the household."
        ),
        "101",
        10,
    ),
    Column("name", "姓名", (), True, gettext_lazy("Full name. Required."), "张三丰", 10),
    Column(
        "doc_type",
        "证件类型",
        ("证件种类",),
        False,
        gettext_lazy(
            "One of the allowed values below; empty means a resident ID card when a number "
            "is given."
        ),
        "居民身份证",
    ),
    Column(
        "doc_number",
        "证件号码",
        ("身份证号", "身份证号码", "证件号", "公民身份号码"),
        True,
        gettext_lazy(
            "ID card: 18 characters (the last may be X) or the old 15 digits. Format the "
            "column as text so Excel keeps every digit. Empty only with a reason below."
        ),
        "420103198005170033",
        20,
    ),
    Column(
        "no_doc_reason",
        "无证件原因",
        ("无证原因",),
        False,
        gettext_lazy("Why the person has no document; required when the number is empty."),
        "",
    ),
    Column(
        "gender",
        "性别",
        (),
        False,
        gettext_lazy("男 or 女. Taken from the ID number when empty."),
        "男",
        6,
    ),
    Column(
        "birth_date",
        "出生日期",
        ("出生年月日", "生日"),
        False,
        gettext_lazy("Like 1980-05-17. Taken from the ID number when empty."),
        "1980-05-17",
    ),
    Column(
        "phone",
        "联系电话",
        ("电话", "手机", "手机号", "手机号码", "联系方式"),
        False,
        gettext_lazy("A mainland mobile number, or a landline with its area code."),
        "13800001234",
        14,
    ),
    Column(
        "relation",
        "与户主关系",
        ("关系", "与户主的关系"),
        False,
        gettext_lazy("One of the allowed values below; empty means the householder."),
        "户主",
        10,
    ),
    Column(
        "residence_type",
        "居住类型",
        ("人口类型", "户籍类型", "居住性质"),
        False,
        gettext_lazy("One of the allowed values below; empty means registered (户籍)."),
        "户籍",
        10,
    ),
    Column(
        "tags",
        "重点人群",
        ("重点人群类别", "人群类别", "特殊人群"),
        False,
        gettext_lazy("Any of the allowed values below, separated by 、 or a comma."),
        "",
        14,
    ),
    Column("party_member", "党员", ("是否党员",), False, gettext_lazy("是 or 否."), "否", 6),
    Column(
        "works_away",
        "在外务工",
        ("是否在外务工", "外出务工"),
        False,
        gettext_lazy("是 or 否."),
        "否",
        8,
    ),
    Column(
        "away_place", "务工地点", ("外出地点",), False, gettext_lazy("Where, if working away."), ""
    ),
    Column(
        "away_contact",
        "在外联系方式",
        ("外出联系方式",),
        False,
        gettext_lazy("A phone or other contact while away."),
        "",
        14,
    ),
    Column("notes", "备注", (), False, gettext_lazy("Anything else worth knowing."), "", 20),
)
COLUMN_BY_KEY = {c.key: c for c in COLUMNS}
TEMPLATE_HEADERS = tuple(c.header for c in COLUMNS)

# The Chinese values of the template. The codes and the labels of the choices (in Chinese and
# English) are accepted too, see `_choice_map`.
DOC_TYPE_VALUES = {
    DocumentType.ID_CARD: ("居民身份证", "身份证", "二代身份证", "大陆居民身份证"),
    DocumentType.PASSPORT: ("护照",),
    DocumentType.HK_MACAU_PERMIT: ("港澳居民来往内地通行证", "港澳通行证", "回乡证"),
    DocumentType.TAIWAN_PERMIT: ("台湾居民来往大陆通行证", "台胞证"),
    DocumentType.NONE: ("无证件", "无", "无证"),
}
GENDER_VALUES = {Gender.MALE: ("男", "男性"), Gender.FEMALE: ("女", "女性")}
RELATION_VALUES = {
    Relation.HEAD: ("户主", "本人"),
    Relation.SPOUSE: ("配偶", "妻子", "丈夫", "妻", "夫"),
    Relation.CHILD: ("子女", "儿子", "女儿", "子", "女", "长子", "长女", "次子", "次女"),
    Relation.PARENT: ("父母", "父亲", "母亲", "父", "母"),
    Relation.GRANDPARENT: (
        "祖父母",
        "外祖父母",
        "祖父",
        "祖母",
        "外祖父",
        "外祖母",
        "爷爷",
        "奶奶",
        "外公",
        "外婆",
    ),
    Relation.GRANDCHILD: ("孙子女", "外孙子女", "孙子", "孙女", "外孙", "外孙女"),
    Relation.SIBLING: ("兄弟姐妹", "兄弟", "姐妹", "哥哥", "弟弟", "姐姐", "妹妹"),
    Relation.CHILD_IN_LAW: ("儿媳/女婿", "儿媳", "女婿", "媳妇"),
    Relation.OTHER: ("其他", "其它", "亲属", "其他亲属"),
}
RESIDENCE_VALUES = {
    ResidenceType.REGISTERED: ("户籍", "户籍人口"),
    ResidenceType.PERMANENT: ("常住", "常住人口"),
    ResidenceType.FLOATING: ("流动", "流动人口"),
    ResidenceType.TENANT: ("租住", "租户", "租房"),
}
TAG_VALUES = {
    VulnerableTag.ELDERLY_ALONE: ("独居老人", "独居"),
    VulnerableTag.EMPTY_NEST: ("空巢老人", "空巢"),
    VulnerableTag.LEFT_BEHIND: ("留守老人", "留守"),
    VulnerableTag.DISABLED_CARE: ("失能", "失能老人", "失能人员"),
    VulnerableTag.CHRONIC: ("多种慢病", "慢病", "多种慢性病"),
    VulnerableTag.INFANT: ("婴幼儿",),
    VulnerableTag.PREGNANT: ("孕产妇", "孕妇", "产妇"),
    VulnerableTag.DISABILITY: ("残疾", "残疾人"),
}
YES = ("是", "y", "yes", "true", "1", "√", "有")
NO = ("否", "n", "no", "false", "0", "×", "无")

_ASCII_ID18 = re.compile(r"[0-9]{17}[0-9X]")
_TAG_SPLIT = re.compile(r"[、,，;；/\s]+")
_SCIENTIFIC = re.compile(r"^\d(\.\d+)?E\+?\d+$", re.IGNORECASE)
_DATE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:\s.*)?$")
_DATE_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_HEADER_NOISE = re.compile(r"[\s*＊:：]|[（(][^)）]*[)）]$")

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
)
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


def _normal(text: str) -> str:
    return "".join(text.split()).lower()


def _choice_map(values: Mapping[Any, tuple[str, ...]]) -> dict[str, str]:
    """Every accepted spelling of a choice → its code: template values, codes, labels."""
    out: dict[str, str] = {}
    for choice, spellings in values.items():
        code = str(choice.value)
        names = [*spellings, code, str(choice.label)]
        for lang in ("zh-hans", "en"):
            with translation.override(lang):
                names.append(str(choice.label))
        for name in names:
            out.setdefault(_normal(name), code)
            out.setdefault(name, code)  # as typed: most cells need no normalising
    return out


def _lookup(table: dict[str, str], text: str) -> str | None:
    found = table.get(text)
    return found if found is not None else table.get(_normal(text))


def header_key(header: str) -> str:
    """The comparable form of a header cell: no spaces, '*', ':' or trailing '(…)' note."""
    return _HEADER_NOISE.sub("", header).replace("／", "/").lower()


HEADER_LOOKUP = {header_key(name): c.key for c in COLUMNS for name in (c.header, *c.aliases, c.key)}


@dataclass(frozen=True, slots=True)
class Problem:
    row: int  # sheet row number as the user sees it; 0 for the file as a whole
    column: str  # the header of the column, "" for the whole row or file
    message: str
    warning: bool = False

    def as_list(self) -> list[Any]:
        return [self.row, self.column, self.message, self.warning]


@dataclass(slots=True)
class CheckResult:
    """The outcome of a dry run over a whole file."""

    total_rows: int = 0
    #: rows ready to write: (sheet row, household key, tags, resident values without ids)
    records: list[tuple[int, tuple[Any, ...], tuple[str, ...], tuple[Any, ...]]] = field(
        default_factory=list
    )
    error_rows: set[int] = field(default_factory=set)
    problems: list[Problem] = field(default_factory=list)
    file_error: bool = False
    #: new households: key → (township, community, grid, building, unit, number, address,
    #: cadre, medic)
    new_households: dict[tuple[Any, ...], tuple[Any, ...]] = field(default_factory=dict)

    @property
    def valid_rows(self) -> int:
        return len(self.records) - len({r[0] for r in self.records if r[0] in self.error_rows})

    @property
    def warning_count(self) -> int:
        return sum(1 for p in self.problems if p.warning)

    @property
    def error_count(self) -> int:
        return sum(1 for p in self.problems if not p.warning)

    def add(self, row: int, column: str, message: str, *, warning: bool = False) -> None:
        self.problems.append(Problem(row, column, message, warning))
        if not warning:
            if row:
                self.error_rows.add(row)
            else:
                self.file_error = True


@dataclass(frozen=True, slots=True)
class WriteSummary:
    residents: int
    households: int
    resident_ids: list[list[int]]
    household_ids: list[list[int]]
    skipped_rows: int


def id_ranges(ids: Iterable[int]) -> list[list[int]]:
    """[[first, last], …] covering `ids` (sorted), so a batch of 100k ids stays small."""
    ranges: list[list[int]] = []
    for i in sorted(ids):
        if ranges and i == ranges[-1][1] + 1:
            ranges[-1][1] = i
        else:
            ranges.append([i, i])
    return ranges


def _parse_date(text: str) -> dt.date | None:
    match = _DATE.match(text) or _DATE_COMPACT.match(text)
    if match is None:
        raise ValueError(text)
    return dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))


def fast_person(
    name: str,
    doc_number: str,
    gender: str,
    birth_date: dt.date | None,
    phone: str,
    *,
    today: dt.date,
) -> dict[str, Any] | None:
    """What `registry.clean_person` returns for a person with a well-formed 18-character
    ID card number, computed with less work; None whenever anything is unusual, and
    `clean_person` itself then decides (and words every refusal). An import calls this
    100,000 times; `tests/test_importing.py` proves with hypothesis that whenever it
    answers, the answer equals clean_person's."""
    if len(doc_number) != 18 or _ASCII_ID18.fullmatch(doc_number) is None:
        return None
    if doc_number[:2] not in PROVINCES:
        return None
    try:
        born = dt.date(int(doc_number[6:10]), int(doc_number[10:12]), int(doc_number[12:14]))
    except ValueError:
        return None
    if born > today or born < EARLIEST_BIRTH:
        return None
    if check_digit(doc_number[:17]) != doc_number[17]:
        return None
    sex = "M" if int(doc_number[16]) % 2 else "F"
    if (birth_date and birth_date != born) or (gender and gender != sex):
        return None
    name = " ".join(name.split())
    if not name:
        return None
    phone = phone.strip()
    if phone:
        try:
            phone = normalise_phone(phone)
        except InvalidPhone:
            return None
    pinyin, initials = romanize(name)
    return {
        "name": name,
        "doc_type": DocType.ID_CARD.value,
        "doc_number": doc_number,
        "no_doc_reason": "",
        "gender": sex,
        "birth_date": born,
        "phone": phone,
        "name_pinyin": pinyin,
        "name_initials": initials,
    }


class ResidentImport:
    """One import run for one user: the places they may import into, and the rules."""

    def __init__(self, user: User, *, today: dt.date | None = None) -> None:
        self.user = user
        self.today = today or timezone.localdate()
        self.doc_types = _choice_map(DOC_TYPE_VALUES)
        self.genders = _choice_map(GENDER_VALUES)
        self.relations = _choice_map(RELATION_VALUES)
        self.residences = _choice_map(RESIDENCE_VALUES)
        self.tags = _choice_map(TAG_VALUES)
        self._on_chunk: Callable[[list[Any], list[Any]], None] | None = None
        self.yes = {_normal(v) for v in YES} | set(YES)
        self.no = {_normal(v) for v in NO} | set(NO)
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

    def match_columns(self, headers: Sequence[str], result: CheckResult) -> dict[str, int]:
        """Column key → position; file-level problems for missing, doubled, unknown columns."""
        positions: dict[str, int] = {}
        unknown: list[str] = []
        for pos, header in enumerate(headers):
            if not header:
                continue
            key = HEADER_LOOKUP.get(header_key(header))
            if key is None:
                unknown.append(header)
            elif key in positions:
                result.add(
                    0,
                    header,
                    _("The column %(column)s appears twice. Keep one and upload again.")
                    % {"column": COLUMN_BY_KEY[key].header},
                )
            else:
                positions[key] = pos
        missing = [c.header for c in COLUMNS if c.required and c.key not in positions]
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
        if unknown:
            result.add(
                0,
                "",
                _("These columns are not recognised and were ignored: %(columns)s.")
                % {"columns": "、".join(unknown)},
                warning=True,
            )
        return positions

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
        positions = self.match_columns(table.headers, result)
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
            person, doc_key = self._check_row(row_number, values, result)
            if doc_key is not None:
                first = seen_docs.setdefault(doc_key, row_number)
                if first != row_number:
                    self._in_file_duplicate(result, first, row_number)
            if person is not None:
                chunk.append((row_number, person))
            if len(chunk) >= CHUNK:
                self._finish_chunk(chunk, result)
                chunk = []
                if progress is not None:
                    progress(processed)
        if chunk:
            self._finish_chunk(chunk, result)
        self._likely_duplicates_in_file(result)
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

    def _in_file_duplicate(self, result: CheckResult, first: int, again: int) -> None:
        header = self._column_header("doc_number")
        message = _(
            "This document number also appears in row %(row)s of the file; one person is one "
            "record. Keep one of the two rows."
        )
        result.add(again, header, message % {"row": first})
        if first not in self._flagged_duplicates:
            self._flagged_duplicates.add(first)
            result.add(first, header, message % {"row": again})

    def _column_header(self, key: str) -> str:
        """The header of column `key` as written in the file (the template's if absent)."""
        return self._headers.get(key) or COLUMN_BY_KEY[key].header

    def _check_row(
        self, row: int, values: dict[str, str], result: CheckResult
    ) -> tuple[dict[str, Any] | None, tuple[Any, str] | None]:
        """The cleaned fields of a valid row (else its problems are added to `result`), and
        the key by which its document number is compared with the other rows of the file."""
        errors: list[tuple[str, str]] = []
        get = values.get

        # -- place
        place = self._place(values, errors)

        # -- person
        doc_type_text = get("doc_type", "")
        doc_number = get("doc_number", "")
        no_doc_reason = get("no_doc_reason", "")
        if doc_type_text:
            doc_type = _lookup(self.doc_types, doc_type_text)
            if doc_type is None:
                errors.append(
                    (
                        "doc_type",
                        _("Unknown document type %(value)s; use one of: %(allowed)s.")
                        % {
                            "value": doc_type_text,
                            "allowed": "、".join(v[0] for v in DOC_TYPE_VALUES.values()),
                        },
                    )
                )
        elif doc_number:
            doc_type = DocType.ID_CARD.value
        elif no_doc_reason:
            doc_type = DocType.NONE.value
        else:
            doc_type = None
            errors.append(
                (
                    "doc_number",
                    _(
                        "The document number is empty. Fill it in, or give the reason for no "
                        "document."
                    ),
                )
            )
        if doc_number and _SCIENTIFIC.match(doc_number):
            errors.append(
                (
                    "doc_number",
                    _(
                        "The number was stored as a number and lost its last digits. Format "
                        "the column as text and type the number again."
                    ),
                )
            )
            doc_type = None
        birth_date = None
        birth_text = get("birth_date", "")
        if birth_text:
            try:
                birth_date = _parse_date(birth_text)
            except ValueError:
                errors.append(
                    (
                        "birth_date",
                        _("The birth date is not a valid date; write it like 1980-05-17."),
                    )
                )
        gender = ""
        gender_text = get("gender", "")
        if gender_text:
            gender = _lookup(self.genders, gender_text) or ""
            if not gender:
                errors.append(("gender", _("Write the gender as 男 or 女.")))
        person: dict[str, Any] | None = None
        if doc_type == DocType.ID_CARD.value:
            person = fast_person(
                get("name", ""), doc_number, gender, birth_date, get("phone", ""), today=self.today
            )
        fields = {
            "name": get("name", ""),
            "doc_type": doc_type,
            "doc_number": doc_number,
            "no_doc_reason": no_doc_reason,
            "gender": gender,
            "birth_date": birth_date,
            "phone": get("phone", ""),
        }
        if doc_type is None:
            # The document is already wrong; still report the person's other problems.
            fields.update(doc_type=DocType.NONE.value, doc_number="", no_doc_reason="-")
        try:
            if person is None:
                person = clean_person(fields, today=self.today)
        except DomainError as exc:
            for fieldname, messages in exc.errors.items():
                if doc_type is None and fieldname in ("doc_type", "doc_number", "no_doc_reason"):
                    continue
                errors.extend((fieldname or "name", m) for m in messages)
        township = place["township_id"] if place else self.user.township_id
        if person is not None and doc_type is not None and person["doc_number"]:
            doc_key: tuple[Any, str] | None = (township, person["doc_number"])
        elif doc_number and doc_type is not None:
            doc_key = (township, normalise(doc_number))
        else:
            doc_key = None

        # -- the rest
        relation = self._choice(values, "relation", self.relations, RELATION_VALUES, errors)
        residence = self._choice(
            values, "residence_type", self.residences, RESIDENCE_VALUES, errors
        )
        tags: list[str] = []
        tags_text = get("tags", "")
        if tags_text:
            for label in _TAG_SPLIT.split(tags_text):
                if not label:
                    continue
                code = _lookup(self.tags, label)
                if code is None:
                    errors.append(
                        (
                            "tags",
                            _("Unknown vulnerable group %(value)s; use any of: %(allowed)s.")
                            % {
                                "value": label,
                                "allowed": "、".join(v[0] for v in TAG_VALUES.values()),
                            },
                        )
                    )
                elif code not in tags:
                    tags.append(code)
        party = self._yes_no(values, "party_member", errors)
        away = self._yes_no(values, "works_away", errors)
        texts = {}
        for key, limit in (
            ("away_place", 200),
            ("away_contact", 100),
            ("no_doc_reason", 200),
            ("notes", 2000),
        ):
            text = get(key, "")
            if len(text) > limit:
                errors.append(
                    (key, _("The text is longer than %(max)s characters.") % {"max": limit})
                )
            texts[key] = text
        if person is not None and len(person["name"]) > 50:
            errors.append(("name", _("The name is longer than 50 characters.")))

        if errors:
            for key, message in errors:
                result.add(row, self._column_header(key), message)
            return None, doc_key
        assert person is not None and place is not None
        person.update(
            relation=relation,
            residence_type=residence,
            party_member=party,
            works_away=away,
            away_place=texts["away_place"],
            away_contact=texts["away_contact"],
            notes=texts["notes"],
            tags=tuple(tags),
            **place,
        )
        return person, doc_key

    def _place(
        self, values: dict[str, str], errors: list[tuple[str, str]]
    ) -> dict[str, Any] | None:
        get = values.get
        community_name = get("community", "")
        grid_name = get("grid", "")
        building_name = get("building", "")
        unit_name = get("unit", "")
        number = get("number", "")
        for key, text in (("community", community_name), ("grid", grid_name), ("number", number)):
            if not text:
                errors.append(
                    (key, _("%(column)s is required.") % {"column": COLUMN_BY_KEY[key].header})
                )
        if not community_name or not grid_name or not number:
            return None
        if len(number) > 50:
            errors.append(
                ("number", _("The text is longer than %(max)s characters.") % {"max": 50})
            )
            return None
        if community_name not in self.communities:
            if community_name in self.outside:
                errors.append(
                    (
                        "community",
                        _(
                            "%(name)s is outside your jurisdiction; you may import only into "
                            "%(yours)s."
                        )
                        % {
                            "name": community_name,
                            "yours": "、".join(n for n in self.communities) or "-",
                        },
                    )
                )
            else:
                errors.append(
                    (
                        "community",
                        _(
                            "Unknown community or village %(name)s. Use the name shown in "
                            "Fangkong; an import never creates communities."
                        )
                        % {"name": community_name},
                    )
                )
            return None
        community = self.communities[community_name]
        if community is None:
            errors.append(
                (
                    "community",
                    _("Several communities are named %(name)s; import them one township at a time.")
                    % {"name": community_name},
                )
            )
            return None
        grid = self.grids.get((community.id, grid_name))
        if grid is None:
            errors.append(
                (
                    "grid",
                    _(
                        "Unknown grid %(name)s in %(community)s (known: %(known)s). An import "
                        "never creates grids."
                    )
                    % {
                        "name": grid_name,
                        "community": community_name,
                        "known": "、".join(self.grid_names.get(community.id, [])) or "-",
                    },
                )
            )
            return None
        building = unit = None
        if building_name:
            building = self.buildings.get((grid.id, building_name))
            if building is None:
                errors.append(
                    (
                        "building",
                        _(
                            "Unknown building %(name)s in %(grid)s. Add the building in "
                            "Fangkong first; an import never creates buildings."
                        )
                        % {"name": building_name, "grid": grid_name},
                    )
                )
                return None
            unit_names = self.unit_names.get(building.id, [])
            if unit_name:
                unit = self.units.get((building.id, unit_name))
                if unit is None:
                    errors.append(
                        (
                            "unit",
                            _("Unknown unit %(name)s in %(building)s (known: %(known)s).")
                            % {
                                "name": unit_name,
                                "building": building_name,
                                "known": "、".join(unit_names) or "-",
                            },
                        )
                    )
                    return None
            elif unit_names:
                errors.append(
                    (
                        "unit",
                        _("Building %(building)s has units (%(known)s); fill in the unit.")
                        % {"building": building_name, "known": "、".join(unit_names)},
                    )
                )
                return None
        elif unit_name:
            errors.append(("building", _("A unit was given without its building.")))
            return None
        household_key = (
            grid.id,
            building.id if building else None,
            unit.id if unit else None,
            number,
        )
        return {
            "township_id": community.township_id,
            "community_id": community.id,
            "grid_id": grid.id,
            "household_key": household_key,
            "_grid": grid,
            "_building": building,
            "_unit": unit,
        }

    def _choice(
        self,
        values: dict[str, str],
        key: str,
        lookup: dict[str, str],
        allowed: dict[Any, tuple[str, ...]],
        errors: list[tuple[str, str]],
    ) -> str:
        text = values.get(key, "")
        if not text:
            return str(next(iter(allowed)).value)
        code = _lookup(lookup, text)
        if code is None:
            errors.append(
                (
                    key,
                    _("Unknown value %(value)s; use one of: %(allowed)s.")
                    % {"value": text, "allowed": "、".join(v[0] for v in allowed.values())},
                )
            )
            return ""
        return code

    def _yes_no(self, values: dict[str, str], key: str, errors: list[tuple[str, str]]) -> bool:
        text = values.get(key, "")
        if text in self.no or not text:
            return False
        if text in self.yes:
            return True
        text = _normal(text)
        if not text or text in self.no:
            return False
        if text in self.yes:
            return True
        errors.append((key, _("Write 是 or 否.")))
        return False

    def _finish_chunk(self, chunk: list[tuple[int, dict[str, Any]]], result: CheckResult) -> None:
        """Duplicates against the database (one query per chunk), then keep the valid rows."""
        by_township: dict[int, list[str]] = {}
        for _row, person in chunk:
            if person["doc_number"]:
                by_township.setdefault(person["township_id"], []).append(person["doc_number"])
        holders: dict[tuple[int, str], tuple[int, str, int, str]] = {}
        for township_id, numbers in by_township.items():
            for pk, number, name, grid_id in _residents_where_in(
                "id, doc_number, name, grid_id", township_id, "doc_number", numbers, active=False
            ):
                holders[(township_id, number)] = (pk, name, grid_id, self._grid_name(grid_id))
        visible_grids = self._visible_grid_ids
        self._db_candidates(chunk, result, visible_grids)
        header = self._column_header("doc_number")
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
                    message = _(
                        "This document number is already registered outside your "
                        "jurisdiction (record %(id)s). Ask the township office."
                    ) % {"id": pk}
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

    # likely duplicates: warnings only, never merged ------------------------------------------

    def _db_candidates(
        self, chunk: list[tuple[int, dict[str, Any]]], result: CheckResult, visible: set[int]
    ) -> None:
        """Records that may be the same person as a row: same name and birth date or phone,
        one side without document number. The township's records without document are few
        and loaded once; records with one are looked up only for rows without one."""
        columns = "id, name, birth_date, phone, doc_number, grid_id"
        existing: dict[tuple[int, str], list[tuple[Any, ...]]] = {}
        undocumented: dict[int, set[str]] = {}
        for _row, person in chunk:
            township_id = person["township_id"]
            if township_id not in self._no_document:
                found = self._no_document[township_id] = {}
                for record in _residents_where_in(columns, township_id, "doc_number", [""]):
                    found.setdefault(record[1], []).append(record)
            if not person["doc_number"]:
                undocumented.setdefault(township_id, set()).add(person["name"])
        for township_id, names in undocumented.items():
            for record in _residents_where_in(columns, township_id, "name", sorted(names)):
                if record[4]:  # those without document are already in _no_document
                    existing.setdefault((township_id, record[1]), []).append(record)
        for township_id, by_name in self._no_document.items():
            for _row, person in chunk:
                if person["township_id"] == township_id and person["name"] in by_name:
                    existing.setdefault((township_id, person["name"]), []).extend(
                        by_name[person["name"]]
                    )
        if not existing:
            return
        header = self._column_header("name")
        for row, person in chunk:
            for pk, _name, birth, phone, number, grid_id in existing.get(
                (person["township_id"], person["name"]), ()
            ):
                if number and person["doc_number"]:
                    continue  # two document numbers: two people
                same_birth = birth is not None and birth == person["birth_date"]
                same_phone = bool(phone) and phone == person["phone"]
                if not (same_birth or same_phone):
                    continue
                reason = _("same name and birth date") if same_birth else _("same name and phone")
                if isinstance(birth, str):  # SQLite returns raw text to a raw query
                    birth = dt.date.fromisoformat(birth)
                place = (
                    self._grid_name(grid_id)
                    if grid_id in visible
                    else _("outside your jurisdiction")
                )
                result.add(
                    row,
                    header,
                    _(
                        "May be the same person as record %(id)s (%(place)s): %(reason)s. "
                        "Check before importing; an import never merges records."
                    )
                    % {"id": pk, "place": place, "reason": reason},
                    warning=True,
                )
                break

    def _grid_name(self, grid_id: int) -> str:
        return self._grid_names_by_id.get(grid_id, "")

    def _likely_duplicates_in_file(self, result: CheckResult) -> None:
        by_birth: dict[tuple[Any, ...], tuple[int, bool]] = {}
        by_phone: dict[tuple[Any, ...], tuple[int, bool]] = {}
        header = self._column_header("name")
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


class _Abort(Exception):
    """Rolls the writer's transaction back."""


class BatchWriter:
    """Writes the checked chunks of one import in ONE transaction, with ONE audit entry.

    Threaded (the normal case, in the worker): a thread with its own database connection
    holds the transaction and inserts each chunk while the caller checks the next one, so the
    database's work (index maintenance is most of an insert) overlaps with the checks: on
    PostgreSQL the server process does it, on SQLite the chunk goes in as one statement
    (`INSERT … SELECT … FROM json_each(?)`, one step that runs without the GIL).

    Inline when the caller is already inside a transaction (a separate connection could not
    see its uncommitted rows; tests run this way) or on an in-memory SQLite database.
    """

    def __init__(self, importer: ResidentImport) -> None:
        self.importer = importer
        self.household_of: dict[tuple[Any, ...], int] = dict(importer.households)
        self.resident_ids: list[int] = []
        self.household_ids: list[int] = []
        self.township_id: int | None = None
        self.now = timezone.now()
        self.error: BaseException | None = None
        self.threaded = not connection.in_atomic_block and not (
            connection.vendor == "sqlite" and connection.is_in_memory_db()  # type: ignore[attr-defined]
        )
        self._queue: queue.Queue[tuple[Any, ...]] = queue.Queue(maxsize=3)
        self._thread: threading.Thread | None = None
        self._atomic: transaction.Atomic | None = None

    # -- the caller's side

    def start(self) -> None:
        if self.threaded:
            self._thread = threading.Thread(
                target=self._run, name="fangkong-import-writer", daemon=True
            )
            self._thread.start()
        else:
            self._atomic = transaction.atomic()
            self._atomic.__enter__()

    def put(
        self,
        households: list[tuple[tuple[Any, ...], tuple[Any, ...]]],
        records: list[tuple[int, tuple[Any, ...], tuple[str, ...], tuple[Any, ...]]],
    ) -> None:
        """Write one chunk: its new households and its residents (with their tags)."""
        self._raise_if_failed()
        if self._thread is not None:
            self._queue.put(("chunk", list(households), list(records)))
        else:
            self._write_chunk(households, records)

    def finish(
        self, *, filename: str, job_id: int | None, only_valid: bool, skipped_rows: int
    ) -> WriteSummary:
        """Write the audit entry and commit; DomainError if the database refused anything."""
        details = (filename, job_id, only_valid, skipped_rows)
        if self._thread is not None:
            self._queue.put(("finish", details))
            self._thread.join()
        else:
            assert self._atomic is not None
            try:
                self._write_audit(*details)
            except BaseException as exc:
                self._atomic.__exit__(type(exc), exc, exc.__traceback__)
                self.error = exc
            else:
                self._atomic.__exit__(None, None, None)
        self._raise_if_failed()
        return self._summary(skipped_rows)

    def abort(self) -> None:
        """Roll back everything written so far."""
        if self._thread is not None:
            self._queue.put(("abort",))
            self._thread.join()
        elif self._atomic is not None:
            self._atomic.__exit__(_Abort, _Abort(), None)
        self._atomic = None

    def _raise_if_failed(self) -> None:
        if self.error is None:
            return
        if isinstance(self.error, OperationalError) and "locked" in str(self.error):
            raise DomainError(
                _(
                    "Nothing was written: the database was busy with other work. Start the "
                    "import again in a minute."
                )
            ) from self.error
        if isinstance(self.error, IntegrityError):
            raise DomainError(
                _(
                    "Nothing was written: the database refused the batch, most likely because "
                    "a document number or household in the file was registered by someone "
                    "else meanwhile. Check the file again."
                )
            ) from self.error
        raise self.error

    # -- the writer's side

    def _run(self) -> None:
        try:
            if connection.vendor == "sqlite":
                with connection.cursor() as cursor:
                    # A batch touches every index of the table at random places: with SQLite's
                    # default 2 MB page cache it would spill and re-read pages all along.
                    cursor.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
            with transaction.atomic():
                if connection.vendor == "postgresql":
                    # Check foreign keys row by row while the checks go on, instead of
                    # all at COMMIT (Django declares them DEFERRABLE INITIALLY DEFERRED).
                    with connection.cursor() as cursor:
                        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                while True:
                    item = self._queue.get()
                    if item[0] == "abort":
                        raise _Abort
                    if item[0] == "finish":
                        self._write_audit(*item[1])
                        break
                    self._write_chunk(item[1], item[2])
        except _Abort:
            pass
        except BaseException as exc:  # handed to the caller at its next put() or finish()
            self.error = exc
            while self._queue.get()[0] not in ("abort", "finish"):
                pass  # drain, so the caller never blocks on a full queue
        finally:
            connection.close()

    def _write_chunk(
        self,
        households: list[tuple[tuple[Any, ...], tuple[Any, ...]]],
        records: list[tuple[int, tuple[Any, ...], tuple[str, ...], tuple[Any, ...]]],
    ) -> None:
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
        for pk, (_row, key, tags, values) in zip(resident_ids, records, strict=True):
            if sqlite and values[11] is not None:
                values = (*values[:11], values[11].isoformat(), *values[12:])
            resident_rows.append((pk, *values[:3], household_of[key], *values[3:], now, now))
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
        return cursor.fetchall()


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


# ---------------------------------------------------------------------------------------------
# The template


def write_template(path: str | Path) -> None:
    """The import template: headers, one example row, and a sheet explaining each column."""
    book = XlsxStream(path)
    book.add_sheet("居民", TEMPLATE_HEADERS)
    # Every column is text, so Excel keeps ID numbers and phone numbers exactly as typed.
    text = book.workbook.add_format({"num_format": "@"})
    for col, c in enumerate(COLUMNS):
        book.sheet.set_column(col, col, c.width, text)
    book.write_row(c.example for c in COLUMNS)
    allowed = {
        "doc_type": "、".join(v[0] for v in DOC_TYPE_VALUES.values()),
        "gender": "男、女",
        "relation": "、".join(v[0] for v in RELATION_VALUES.values()),
        "residence_type": "、".join(v[0] for v in RESIDENCE_VALUES.values()),
        "tags": "、".join(v[0] for v in TAG_VALUES.values()),
        "party_member": "是、否",
        "works_away": "是、否",
    }
    book.add_sheet(
        "填写说明",
        [
            str(_("Column")),
            str(_("Required")),
            str(_("How to fill it in")),
            str(_("Allowed values")),
        ],
        [16, 8, 70, 60],
    )
    for c in COLUMNS:
        book.write_row(
            [c.header, "是" if c.required else "", str(c.help), allowed.get(c.key, "")],
            wrap=True,
        )
    book.write_row([])
    for line in (
        _("One row per person. Rows of the same room or house number form one household."),
        _(
            "The check lists every problem by row and column before anything is written. By "
            "default nothing is imported while any row has an error."
        ),
        _(
            "A document number already registered, or given twice in the file, is an error: "
            "records are never merged by an import."
        ),
        _("Do not use formulas; type the values."),
    ):
        book.write_row([str(line)], wrap=False)
    book.close()
