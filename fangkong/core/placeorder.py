"""The natural order of places: 第二网格 before 第十网格, 8栋 before 10栋, 2单元 before 12单元.

`natural_key(name)` is the one sort key for the names of communities, grids, buildings and
units. It is stored on each of them (`sort_key`, kept by the model field on every write) so
that SQL orders them, and used as is to sort lists in Python. Pure: no Django.

The name is NFKC-normalised (full-width ２ is 2), lower-cased, and its spaces dropped; then
cut into runs of Arabic digits, runs of Chinese numerals (零〇一二两三四五六七八九十百千万亿)
and single other characters. A number, however written, sorts by its value and before any
other character; other characters by their code point (for Chinese characters, the
radical-and-stroke order of the Unicode tables: 新河村 before 民族社区). The key is plain
ASCII (digits and a-f), so every database collation compares it as Python does:

- a number: "0", the count of its decimal digits (three digits), the digits;
- a character of the Basic Multilingual Plane: "1" and four hex digits;
- any other character: "2" and six hex digits.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from typing import TypeVar

T = TypeVar("T")

CHINESE_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
LARGE_UNITS = {"万": 10_000, "亿": 100_000_000}

_RUN = re.compile(
    "([0-9]+)|([" + "".join(CHINESE_DIGITS) + "".join(SMALL_UNITS) + "".join(LARGE_UNITS) + "]+)",
    re.ASCII,
)
#: the longest key of a name of MAX_NAME characters (every character outside the BMP)
MAX_NAME = 100
KEY_LENGTH = 7 * MAX_NAME


def chinese_number(text: str) -> int:
    """The value of a run of Chinese numerals: 十一 → 11, 二十 → 20, 一百零五 → 105,
    两千 → 2000, 一〇五 (read digit by digit, no unit) → 105."""
    if not any(c in SMALL_UNITS or c in LARGE_UNITS for c in text):
        return int("".join(str(CHINESE_DIGITS[c]) for c in text))
    total = section = digit = 0
    for c in text:
        if c in CHINESE_DIGITS:
            digit = CHINESE_DIGITS[c]
        elif c in SMALL_UNITS:
            section += (digit or 1) * SMALL_UNITS[c]
            digit = 0
        else:
            total += ((section + digit) or 1) * LARGE_UNITS[c]
            section = digit = 0
    return total + section + digit


def _number(value: int) -> str:
    digits = str(value)
    return f"0{len(digits):03d}{digits}"


def _character(char: str) -> str:
    point = ord(char)
    return f"1{point:04x}" if point <= 0xFFFF else f"2{point:06x}"


def natural_key(name: str) -> str:
    """The sort key of a place name (see the module's docstring)."""
    text = "".join(unicodedata.normalize("NFKC", name or "").lower().split())
    parts: list[str] = []
    at = 0
    for run in _RUN.finditer(text):
        parts.extend(_character(c) for c in text[at : run.start()])
        arabic, chinese = run.groups()
        parts.append(_number(int(arabic) if arabic else chinese_number(chinese)))
        at = run.end()
    parts.extend(_character(c) for c in text[at:])
    return "".join(parts)[:KEY_LENGTH]


def naturally_sorted(items: Iterable[T], name: Callable[[T], str] = str) -> list[T]:
    """`items` in the natural order of `name(item)` (default: `str(item)`)."""
    return sorted(items, key=lambda item: natural_key(name(item)))
