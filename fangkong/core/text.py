"""What counts as text in a name or a free-text field, and which dates are plausible. Pure: no
Django; the messages are in `core.textfields`.

Text is NFC-normalised (a name typed on two phones compares equal) and refused, never
silently repaired, when it holds characters that are not text: control characters (a
multi-line text keeps line breaks and tabs), bidirectional overrides and isolates (they make
"张三" display as something else), zero-width characters (two names that look the same but
are not) and NUL. Every field has a length bound.

A date is refused outside its field's bounds: a birth date before 1890-01-01 or after today,
a risk-area or arrival date before 2019-12-01 (the first cases) or more than a year ahead.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

#: bidirectional embeddings/overrides (LRE, RLE, PDF, LRO, RLO), isolates (LRI, RLI, FSI,
#: PDI), marks (LRM, RLM) and the Arabic letter mark
BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
#: zero-width space, non-joiner, joiner, word joiner, byte-order mark
ZERO_WIDTH = frozenset("\u200b\u200c\u200d\u2060\ufeff")
#: what a multi-line text may hold besides printable characters
MULTILINE_CONTROLS = frozenset("\n\t")

#: default bounds when a field names none
LINE_MAX = 200
TEXT_MAX = 5000


class Problem(StrEnum):
    NUL = "nul"
    CONTROL = "control"
    BIDI = "bidi"
    ZERO_WIDTH = "zero_width"
    TOO_LONG = "too_long"


class TextRefused(ValueError):
    """Text that is not text; `code` says why, `limit` the bound for TOO_LONG."""

    def __init__(self, code: Problem, *, limit: int = 0) -> None:
        self.code = code
        self.limit = limit
        super().__init__(code.value)


def problem_of(char: str, *, multiline: bool) -> Problem | None:
    """Why `char` may not stand in a text, or None."""
    if char == "\x00":
        return Problem.NUL
    if char in BIDI:
        return Problem.BIDI
    if char in ZERO_WIDTH:
        return Problem.ZERO_WIDTH
    if multiline and char in MULTILINE_CONTROLS:
        return None
    if unicodedata.category(char) == "Cc" or char in "\u2028\u2029":
        return Problem.CONTROL
    return None


_INVISIBLE = "".join(sorted(BIDI | ZERO_WIDTH))
#: a character a multi-line text may not hold (C0 and C1 controls but \n and \t, the Unicode
#: line and paragraph separators, NUL, bidi and zero-width characters)
NOT_IN_TEXT = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029{_INVISIBLE}]")
#: the same for one line: line breaks and tabs neither
NOT_IN_A_LINE = re.compile(f"[\x00-\x1f\x7f-\x9f\u2028\u2029{_INVISIBLE}]")


def clean_text(value: str, multiline: bool = False, max_length: int | None = None) -> str:
    """`value` NFC-normalised (a multi-line text with its line breaks as \\n); raises
    TextRefused when it holds a character that is not text or is longer than `max_length`
    (default: LINE_MAX for one line, TEXT_MAX for several)."""
    text = str(value)
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    if multiline and "\r" in text:
        text = text.replace("\r\n", "\n")
    found = (NOT_IN_TEXT if multiline else NOT_IN_A_LINE).search(text)
    if found is not None:
        raise TextRefused(problem_of(found.group(), multiline=multiline) or Problem.CONTROL)
    limit = max_length if max_length is not None else (TEXT_MAX if multiline else LINE_MAX)
    if len(text) > limit:
        raise TextRefused(Problem.TOO_LONG, limit=limit)
    return text


# ---- dates ----------------------------------------------------------------------------------

#: the first cases were reported in December 2019: no risk area or travel before
EPIDEMIC_START = dt.date(2019, 12, 1)
OLDEST_BIRTH = dt.date(1890, 1, 1)


class DateProblem(StrEnum):
    TOO_EARLY = "too_early"
    TOO_LATE = "too_late"


@dataclass(frozen=True, slots=True)
class DateBounds:
    """A date field's plausible range: from `earliest` to `days_ahead` days after today."""

    earliest: dt.date
    days_ahead: int

    def latest(self, today: dt.date) -> dt.date:
        return today + dt.timedelta(days=self.days_ahead)

    def problem(self, value: dt.date, today: dt.date) -> DateProblem | None:
        if value < self.earliest:
            return DateProblem.TOO_EARLY
        if value > self.latest(today):
            return DateProblem.TOO_LATE
        return None


BIRTH_DATE = DateBounds(OLDEST_BIRTH, 0)
RISK_AREA_DATE = DateBounds(EPIDEMIC_START, 366)
ARRIVAL_DATE = DateBounds(EPIDEMIC_START, 366)
