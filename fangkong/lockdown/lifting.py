"""May a lockdown be lifted? Pure; no Django.

The plan (三(四)): a locked building or unit is opened again only when its testing round is
complete and negative. `blockers` lists every reason that still holds it, one per person and
problem, so the page can show exactly who is missing what.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

# The values of `masstesting.models.MemberResult`; "" is a member without a result yet.
NEGATIVE = "negative"
POSITIVE = "positive"
INVALID = "invalid"
RESULTS = (NEGATIVE, POSITIVE, INVALID)


class Block(StrEnum):
    NO_ROUND = "no_round"
    NOT_SAMPLED = "not_sampled"
    RESULT_MISSING = "result_missing"
    POSITIVE = "positive"
    RETEST_PENDING = "retest_pending"


@dataclass(frozen=True, slots=True)
class MemberState:
    """What the round knows of one person: sampled or not, their result, a retest flag."""

    resident_id: int
    name: str
    sampled: bool
    result: str
    retest_needed: bool


@dataclass(frozen=True, slots=True)
class Blocker:
    code: Block
    resident_id: int | None = None
    name: str = ""


def blockers(members: Iterable[MemberState] | None) -> list[Blocker]:
    """Every reason the lockdown cannot be lifted; empty when its round is complete and
    negative. `members` is None when the lockdown has no round."""
    if members is None:
        return [Blocker(Block.NO_ROUND)]
    out: list[Blocker] = []
    for m in members:
        if m.result == POSITIVE:
            out.append(Blocker(Block.POSITIVE, m.resident_id, m.name))
        elif m.retest_needed or m.result == INVALID:
            out.append(Blocker(Block.RETEST_PENDING, m.resident_id, m.name))
        elif not m.sampled:
            out.append(Blocker(Block.NOT_SAMPLED, m.resident_id, m.name))
        elif m.result != NEGATIVE:
            out.append(Blocker(Block.RESULT_MISSING, m.resident_id, m.name))
    return out


def may_lift(members: Iterable[MemberState] | None) -> bool:
    return not blockers(members)
