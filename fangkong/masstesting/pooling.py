"""What a tube's result means for the people in it (10-in-1 pooling, plan 三(四)1).

Plain Python, no Django: the sampling page, the lab import and its set-based SQL all take
their outcomes from `outcome_of`.

- a negative tube: everyone in it is negative;
- a positive POOLED tube: nobody is known positive yet — every member needs a single-tube
  retest (`retest_needed`), and the retest's result is theirs;
- a positive SINGLE tube: its one person is positive;
- an invalid tube (pooled or not): every member needs a retest.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

NEGATIVE = "negative"
POSITIVE = "positive"
INVALID = "invalid"
RESULTS = (NEGATIVE, POSITIVE, INVALID)

#: the result texts a lab writes, to a result code
RESULT_TEXTS = {
    "阴性": NEGATIVE,
    "阴": NEGATIVE,
    "negative": NEGATIVE,
    "neg": NEGATIVE,
    "阳性": POSITIVE,
    "阳": POSITIVE,
    "positive": POSITIVE,
    "pos": POSITIVE,
    "无效": INVALID,
    "invalid": INVALID,
}


@dataclass(frozen=True, slots=True)
class Outcome:
    """A member's result ("" while unknown) and whether a single-tube retest is needed."""

    result: str
    retest_needed: bool


def parse_result(text: str) -> str | None:
    """The result code of a lab's text (阴性 / 阳性 / 无效, or English), None if unknown."""
    key = "".join((text or "").split()).lower()
    return RESULT_TEXTS.get(key)


def outcome_of(result: str, *, pooled: bool) -> Outcome:
    """What a tube's `result` means for each person in it."""
    if result == NEGATIVE:
        return Outcome(NEGATIVE, False)
    if result == POSITIVE:
        return Outcome("", True) if pooled else Outcome(POSITIVE, False)
    if result == INVALID:
        return Outcome(INVALID, True)
    raise ValueError(f"unknown result {result!r}")


def member_outcomes(
    tubes: Mapping[str, tuple[bool, str]], members: Iterable[tuple[int, str]]
) -> dict[int, Outcome]:
    """Each member's outcome: `tubes` maps a tube code to (pooled, result); `members` are
    (member id, tube code). Members of a tube without a result are left out."""
    out: dict[int, Outcome] = {}
    for member, code in members:
        tube = tubes.get(code)
        if tube is None or not tube[1]:
            continue
        out[member] = outcome_of(tube[1], pooled=tube[0])
    return out


def pool_has_room(members_now: int, *, pooled: bool, pool_size: int) -> bool:
    """Whether one more person fits: a pooled tube holds `pool_size`, a single tube one."""
    return members_now < (pool_size if pooled else 1)
