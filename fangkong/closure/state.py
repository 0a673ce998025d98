"""A community's risk level in force, and whether it is under closed management (F2).

Pure: no Django. The level of a community on a day is the latest entry of its level history
at or before that day: a level the township set, or "follows the county" (the county's level
that day in the risk-area register). With no entry at all the community follows its county.
Closed management is on when that level reaches the policy's `closed_management_from`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from fangkong.policy.rules import Level, PolicyRules

#: the sources of an entry (the values of `models.LevelSource`)
TOWNSHIP = "township"
COUNTY = "county"
SOURCES = (TOWNSHIP, COUNTY)


@dataclass(frozen=True, slots=True)
class Entry:
    """The latest level-history entry that applies: who decides, and the level when the
    township set it."""

    source: str
    level: Level | None
    at: dt.datetime


@dataclass(frozen=True, slots=True)
class LevelNow:
    level: Level
    #: "township" (set by the township) or "county" (follows the county)
    source: str
    #: when the entry in force was made (None: no entry, the community always followed the
    #: county)
    since: dt.datetime | None
    closed_management: bool


def level_now(entry: Entry | None, county_level: Level, rules: PolicyRules) -> LevelNow:
    """The level in force given the latest entry (if any) and the county's level that day."""
    if entry is not None and entry.source == TOWNSHIP:
        if entry.level is None:
            raise ValueError("an entry set by the township carries a level")
        level = entry.level
        source = TOWNSHIP
    else:
        level = county_level
        source = COUNTY
    return LevelNow(
        level=level,
        source=source,
        since=entry.at if entry is not None else None,
        closed_management=rules.is_closed_management(level),
    )
