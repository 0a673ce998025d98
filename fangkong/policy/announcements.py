"""Reading the text of an official risk-area announcement into (place, level) lines.

Pure: no Django. Announcements come in a handful of shapes, all read here:

- one place per line with its level after it: "河北省石家庄市藁城区增村镇 高风险",
  "北京市朝阳区将台乡（中风险）", "…增村镇：高风险地区";
- cells pasted from a table (tab-separated): "1<TAB>河北省<TAB>石家庄市藁城区<TAB>高风险";
- a heading that sets the level for what follows: "高风险地区（3个）：" then one place per
  line, or "中风险地区：A、B；C" with the places on the heading's own line;
- numbering before a place ("1.", "2、", "（3）", "一、") is dropped;
- places separated by 、；, on one line share the start of the first one when they name no
  county of their own ("…增村镇小果庄村、刘家佐村" → "…增村镇刘家佐村").

The result keeps every line's number so the page can point at it. Lines that are plainly
prose (a sentence with "，" or "。") are set aside as `ignored`; a line that looks like a place
but has no level is a `Problem`, which the user fixes or removes before confirming. Low-risk
places are ignored: the register holds medium and high areas only. Resolving the place text to
a division code is the caller's job (`divisions.resolve`).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from .rules import Level


def gettext_noop(message: str) -> str:
    """Mark `message` for the translation catalogue (xgettext knows this name)."""
    return message


@dataclass(frozen=True, slots=True)
class Entry:
    """One place of the announcement and its level."""

    line: int  # 1-based line number in the pasted text
    place: str  # the place as written, without spaces, numbering or level
    level: Level


@dataclass(frozen=True, slots=True)
class Note:
    """A line that gave no place: why (English source text, translated by the caller)."""

    line: int
    text: str
    message: str


@dataclass(frozen=True, slots=True)
class Parsed:
    entries: tuple[Entry, ...] = ()
    #: lines that look like places but cannot be used as they are: they block confirmation
    problems: tuple[Note, ...] = ()
    #: prose, low-risk places, headings without places: shown, never written
    ignored: tuple[Note, ...] = ()
    levels_seen: frozenset[Level] = field(default_factory=frozenset)


_LEVELS = {"高": Level.HIGH, "中": Level.MEDIUM, "低": Level.LOW}
_NUMBERING = re.compile(
    r"^(?:\d{1,4}\s*[.、)]|[(]\s*\d{1,4}\s*[)]|[一二三四五六七八九十]{1,3}\s*[、.]"
    r"|[(]\s*[一二三四五六七八九十]{1,3}\s*[)]|\d{1,4}(?=\s))\s*"
)
_HEADING = re.compile(
    r"^(?P<level>[高中低])风险(?:地区|区域|区|地区名单|区域名单|名单)?"
    r"\s*(?:[(][^)]*[)])?\s*(?:共?\s*\d+\s*个)?\s*(?::\s*(?P<rest>.*))?$"
)
_LEVEL_IN_BRACKETS = re.compile(r"[(\[]\s*(?P<level>[高中低])风险(?:地区|区域|区)?\s*[)\]]")
_LEVEL_AT_END = re.compile(
    r"(?:^|[\s:,])(?P<level>[高中低])(?:风险(?:地区|区域|区)?|风险等级)?\s*$|"
    r"(?P<level2>[高中低])风险(?:地区|区域|区)?\s*$"
)
#: "…增村镇为高风险地区": the verb before the level
_VERB_AT_END = re.compile(r"(?:调整为|列为|划定为|定为|为|是)$")
_LEVEL_CELL = re.compile(r"^(?P<level>[高中低])(?:风险)?(?:地区|区域|区|等级)?$")
_SEPARATORS = re.compile(r"[、;,]")
_SPACES = re.compile(r"\s+")
_TRAILING = re.compile(r"[\s.。;；,，:：、]+$")
_DATE_CELL = re.compile(r"^\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?(?:\s.*)?$")
_NUMBER_CELL = re.compile(r"^\d{1,4}[.、]?$")
#: county-level and higher: a place naming one of these stands on its own
_DIVISION_MARK = re.compile(r"省|自治区|特别行政区|市|自治州|盟|区|县|旗")
#: words that end in one of those marks but name something smaller
_NOT_DIVISION = re.compile(r"小区|社区|园区|校区|景区|市场|超市")
#: where a division name ends inside a place (for sharing the start of a place)
_SEGMENT_END = re.compile(
    r"(?:特别行政区|自治区|自治州|自治县|自治旗|省|市|盟|区|县|旗|街道|镇|乡)(?!场)"
)
_PROSE = re.compile(r"[,。]|根据|按照|经研究|现将|有关|以下|如下|调整为|公告|通告|截至|截止")
MAX_PLACE_LENGTH = 100


def parse(text: str) -> Parsed:
    """The places and levels of an announcement's text; see the module docstring."""
    entries: list[Entry] = []
    problems: list[Note] = []
    ignored: list[Note] = []
    seen: set[Level] = set()
    heading: Level | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = _clean(raw)
        if not line:
            continue
        original = raw.strip()
        unnumbered = _NUMBERING.sub("", line, count=1).strip()
        match = _HEADING.match(unnumbered)
        level: Level | None
        if match:
            heading = _LEVELS[match.group("level")]
            seen.add(heading)
            rest = (match.group("rest") or "").strip()
            if not rest:
                continue
            places, level = _split(rest), heading
        elif "\t" in line:
            places, level = _from_cells(line)
            if level is None:
                level = heading
        else:
            body, level = _level_of(unnumbered)
            if level is None:
                if _PROSE.search(unnumbered) and heading is None:
                    ignored.append(
                        Note(number, original, gettext_noop("Not read as a place: no risk level."))
                    )
                    continue
                level = heading
            places = _split(body)
        places = [p for p in places if p]
        if not places:
            if level is not None:
                ignored.append(Note(number, original, gettext_noop("No place on this line.")))
            continue
        if level is None:
            problems.append(
                Note(
                    number,
                    original,
                    gettext_noop(
                        "No risk level: write 高风险 or 中风险 after the place, or put the "
                        "place under a heading such as 高风险地区："
                    ),
                )
            )
            continue
        seen.add(level)
        if level is Level.LOW:
            ignored.append(
                Note(
                    number,
                    original,
                    gettext_noop("Low-risk places are not entered in the register."),
                )
            )
            continue
        for place in _with_shared_start(places):
            if len(place) > MAX_PLACE_LENGTH:
                problems.append(
                    Note(
                        number,
                        original,
                        gettext_noop("This place name is too long; split the line."),
                    )
                )
                continue
            entries.append(Entry(number, place, level))
    return Parsed(tuple(entries), tuple(problems), tuple(ignored), frozenset(seen))


def _clean(raw: str) -> str:
    """Half-width punctuation and spaces (NFKC), one space between words, tabs kept."""
    line = unicodedata.normalize("NFKC", raw.replace("\ufeff", ""))
    line = line.replace("【", "[").replace("】", "]")
    cells = [_SPACES.sub(" ", cell).strip() for cell in line.split("\t")]
    return "\t".join(cells).strip()


def _level_of(line: str) -> tuple[str, Level | None]:
    """The line without its level word, and the level (None when it gives none)."""
    match = _LEVEL_IN_BRACKETS.search(line)
    if match:
        body = line[: match.start()] + line[match.end() :]
        return _VERB_AT_END.sub("", body.strip()), _LEVELS[match.group("level")]
    match = _LEVEL_AT_END.search(line)
    if match:
        word = match.group("level") or match.group("level2")
        return _VERB_AT_END.sub("", line[: match.start()].strip()), _LEVELS[word]
    return line, None


def _from_cells(line: str) -> tuple[list[str], Level | None]:
    level: Level | None = None
    parts: list[str] = []
    for index, cell in enumerate(c for c in line.split("\t") if c):
        found = _LEVEL_CELL.match(cell)
        if found:
            level = _LEVELS[found.group("level")]
            continue
        if (index == 0 and _NUMBER_CELL.match(cell)) or _DATE_CELL.match(cell):
            continue
        body, cell_level = _level_of(_NUMBERING.sub("", cell, count=1))
        if cell_level is not None:
            level = cell_level
        parts.append(body)
    return _split("".join(parts)), level


def _split(text: str) -> list[str]:
    return [_place(p) for p in _SEPARATORS.split(text)]


def _place(text: str) -> str:
    text = _NUMBERING.sub("", text.strip(), count=1)
    text = _TRAILING.sub("", text)
    return _SPACES.sub("", text).strip(":")


def _names_a_division(place: str) -> bool:
    return bool(_DIVISION_MARK.search(_NOT_DIVISION.sub("", place)))


def _shared_start(place: str) -> str:
    """The divisions at the start of `place` that the next places of its list share: all of
    them when a named place follows ("…增村镇小果庄村" → "…增村镇"), all but the last when
    the place ends on one ("北京市朝阳区将台乡" → "北京市朝阳区")."""
    masked = _NOT_DIVISION.sub(lambda m: "_" * len(m.group(0)), place)
    ends = [m.end() for m in _SEGMENT_END.finditer(masked)]
    if not ends:
        return ""
    if ends[-1] < len(place):
        return place[: ends[-1]]
    return place[: ends[-2]] if len(ends) > 1 else ""


def _with_shared_start(places: list[str]) -> list[str]:
    out: list[str] = []
    start = ""
    for place in places:
        if out and start and not _names_a_division(place):
            out.append(start + place)
            continue
        out.append(place)
        start = _shared_start(place) if _names_a_division(place) else ""
    return out


def render_line(place: str, level: Level) -> str:
    """A place and level as a line this parser reads back (for the user to edit)."""
    word = {Level.HIGH: "高风险", Level.MEDIUM: "中风险", Level.LOW: "低风险"}[level]
    return f"{place} {word}"
