"""A place as the rules see it: a division code, its name, and a name below the county.

Pure data, no Django. `divisions.resolve` turns free text into a `Place`; risk areas and
travel-history stays are both stored as one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum


class Precision(StrEnum):
    PROVINCE = "province"
    PREFECTURE = "prefecture"
    COUNTY = "county"
    #: a named 街道/乡镇 or 小区 inside a county
    EXACT = "exact"


_PRECISION_BY_LENGTH = {2: Precision.PROVINCE, 4: Precision.PREFECTURE, 6: Precision.COUNTY}


@dataclass(frozen=True, slots=True)
class Place:
    #: GB/T 2260 code cut to its significant digits: 2 (province), 4 (prefecture), 6 (county)
    code: str
    #: the full division name, e.g. "湖北省武汉市江汉区"
    name: str
    #: below the county: the 街道/乡镇/小区 as written; empty for the whole division
    sub_name: str = ""

    def __post_init__(self) -> None:
        if len(self.code) not in _PRECISION_BY_LENGTH or not self.code.isdigit():
            raise ValueError(f"division code must be 2, 4 or 6 digits: {self.code!r}")
        if self.sub_name and len(self.code) != 6:
            raise ValueError("a name below the county needs a county code")

    @property
    def precision(self) -> Precision:
        if self.sub_name:
            return Precision.EXACT
        return _PRECISION_BY_LENGTH[len(self.code)]

    @property
    def full_name(self) -> str:
        return f"{self.name}{self.sub_name}"

    def contains(self, other: Place) -> bool:
        """Whether every point of `other` lies inside this place."""
        if not other.code.startswith(self.code):
            return False
        if not self.sub_name:
            return True
        return other.code == self.code and normalise_sub_name(other.sub_name) == normalise_sub_name(
            self.sub_name
        )


def normalise_sub_name(name: str) -> str:
    """Compare names below the county without spaces or full-width variants."""
    return "".join(name.split()).replace("（", "(").replace("）", ")")


@dataclass(frozen=True, slots=True)
class AreaFact:
    """A risk area as plain data, for the decision modules."""

    place: Place
    level: str  # rules.Level value: "medium" or "high"
    start: dt.date
    end: dt.date | None  # None: still in force
    area_id: int | None = None

    def at_risk_during(self, start: dt.date, end: dt.date) -> bool:
        """Whether the area was at risk on some day in [start, end]."""
        return self.start <= end and (self.end is None or self.end >= start)
