"""The "六个一" equipment counts (一套防控装备), as the app that keeps the stock says.

The stock of a community's supplies belongs to `fangkong.supplies`, which sits above closure,
so it is not imported here: supplies registers its answer to the question below in its
`panels.py` (`fangkong.core.registry.provide`), and closure asks it through `answer_to`. When
no installed app answers, the counts typed on the equipment item are used as before.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from fangkong.core.registry import answer_to

#: the stock on hand of each equipment count of each community:
#: (community ids) → {community id: {equipment key: whole number}} (a key missing: none)
EQUIPMENT_COUNTS = "closure.equipment_counts"


def counted_from_stock() -> bool:
    """Whether an installed app keeps the stock (the counts are then not typed)."""
    try:
        answer_to(EQUIPMENT_COUNTS)
    except LookupError:
        return False
    return True


def counts(community_ids: Iterable[int]) -> Mapping[int, Mapping[str, int]] | None:
    """The counts from the stock, or None when no app keeps it."""
    try:
        answer = answer_to(EQUIPMENT_COUNTS)
    except LookupError:
        return None
    found: Mapping[int, Mapping[str, int]] = answer(list(community_ids))
    return found
