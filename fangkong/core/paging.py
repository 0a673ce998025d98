"""Paging long lists without counting them: a page fetches one row more than it shows to know
whether a next page exists, and the total is counted only up to a cap (a COUNT over a million
rows would make every list page slow)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db.models import QuerySet

T = TypeVar("T")

COUNT_CAP = 1000
MAX_PAGE = 500


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: list[T]
    number: int
    per_page: int
    has_next: bool
    total: int  # exact when `total_capped` is False, else COUNT_CAP
    total_capped: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def next_number(self) -> int:
        return self.number + 1

    @property
    def previous_number(self) -> int:
        return self.number - 1

    @property
    def start_index(self) -> int:
        return (self.number - 1) * self.per_page + 1 if self.items else 0

    @property
    def end_index(self) -> int:
        return (self.number - 1) * self.per_page + len(self.items)


def page_number(raw: Any) -> int:
    try:
        number = int(raw)
    except (TypeError, ValueError):
        return 1
    return min(max(number, 1), MAX_PAGE)


def page_of(
    qs: QuerySet[Any], raw_page: Any, *, per_page: int = 50, count: bool = True
) -> Page[Any]:
    """One page of `qs` (already ordered): two cheap queries, whatever the table size."""
    number = page_number(raw_page)
    offset = (number - 1) * per_page
    rows = list(qs[offset : offset + per_page + 1])
    has_next = len(rows) > per_page
    items = rows[:per_page]
    if not count:
        total, capped = offset + len(items), has_next
    elif number == 1 and not has_next:
        total, capped = len(items), False
    else:
        total = qs.order_by()[: COUNT_CAP + 1].count()
        capped = total > COUNT_CAP
        total = min(total, COUNT_CAP)
    return Page(items, number, per_page, has_next, total, capped)
