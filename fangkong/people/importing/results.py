"""What an import produces: the problems and checked rows of a dry run, and the summary of a write.

`CheckResult` collects every `Problem` by sheet row and column (an error or a warning) and the
rows that are ready to write; `WriteSummary` is what was stored, with the new ids as ranges
(`id_ranges`) so the audit entry of a large batch stays small.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

MAX_STORED_PROBLEMS = 5000


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
