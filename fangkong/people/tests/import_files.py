"""Building spreadsheets for the import tests: rows as dicts keyed by template header."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import xlsxwriter

from fangkong.people.identity import check_digit
from fangkong.people.importing.columns import TEMPLATE_HEADERS


def id_card(seq: int, born: dt.date = dt.date(1985, 3, 9), *, male: bool = True) -> str:
    """A valid 18-digit ID number (Beijing region, so never one of the world fixture's)."""
    code = (seq % 500) * 2 + (1 if male else 0)
    first17 = f"110105{born:%Y%m%d}{code:03d}"
    return first17 + check_digit(first17)


def row(**overrides: object) -> dict[str, object]:
    """A valid row for a new room of unit 1单元, 1栋, 第一网格, 民族社区 (world fixture)."""
    base: dict[str, object] = {
        "社区/村": "民族社区",
        "网格/村民组": "第一网格",
        "楼栋": "1栋",
        "单元": "1单元",
        "房号/门牌号": "301",
        "姓名": "测试甲",
        "证件类型": "居民身份证",
        "证件号码": id_card(1),
        "联系电话": "13912345678",
        "与户主关系": "户主",
        "居住类型": "户籍",
    }
    base.update(overrides)
    return base


def xlsx_bytes(
    rows: Iterable[Mapping[str, object]],
    headers: Sequence[str] = TEMPLATE_HEADERS,
    *,
    formulas: Mapping[tuple[int, int], str] | None = None,
) -> bytes:
    """An .xlsx whose first sheet holds `headers` then `rows`; `formulas` maps a 0-based
    (row, column) to a real formula written there."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
    sheet = book.add_worksheet("居民")
    sheet.write_row(0, 0, list(headers))
    for r, values in enumerate(rows, start=1):
        for c, header in enumerate(headers):
            value = values.get(header, "")
            if value != "":
                sheet.write(r, c, value)
    for (r, c), formula in (formulas or {}).items():
        sheet.write_formula(r, c, formula, None, 42)
    book.close()
    return buffer.getvalue()


def csv_bytes(
    rows: Iterable[Mapping[str, object]],
    headers: Sequence[str] = TEMPLATE_HEADERS,
    *,
    encoding: str = "utf-8",
) -> bytes:
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(headers)
    for values in rows:
        writer.writerow([values.get(h, "") for h in headers])
    return text.getvalue().encode(encoding)


def save(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path
