"""What is missing of a community's "六个一" (plan 三(一)): pure rules, no Django.

Each of the six items is "in place" only when what it stands for is there:

- entrance (一个出入口): gates are recorded and exactly one stays open, the others sealed;
- team (一支管理队伍) and inspection (一支巡查队伍): at least one member;
- publicity (一个宣传栏): at least one photo;
- equipment (一套防疫物资): every quantity on hand above zero;
- rules (一套管理制度): 24-hour duty, daily disinfection and entry registration all on.

`blockers(facts)` says why an item cannot be in place; `missing(items)` lists the items of a
community that are not in place (not marked so, or marked so while a blocker came back), and
the kinds that have no item at all. Messages are English source text with placeholders,
marked for translation; the caller translates them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

ENTRANCE = "entrance"
TEAM = "team"
PUBLICITY = "publicity"
EQUIPMENT = "equipment"
RULES = "rules"
INSPECTION = "inspection"
#: the six items, in the plan's order (the values of `models.ChecklistKind`)
KINDS = (ENTRANCE, TEAM, PUBLICITY, EQUIPMENT, RULES, INSPECTION)

MISSING = "missing"
IN_PROGRESS = "in_progress"
DONE = "done"
STATES = (MISSING, IN_PROGRESS, DONE)

#: equipment quantities kept in an equipment item's `details`
EQUIPMENT_KEYS = ("thermometers", "masks", "disinfectant", "sprayers")
#: the three switches of a rules item's `details`
RULE_SWITCHES = ("duty_24h", "daily_disinfection", "entry_registration")


def gettext_noop(message: str) -> str:
    return message


@dataclass(frozen=True, slots=True)
class Reason:
    code: str
    #: English source text with %(name)s placeholders
    message: str
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ItemFacts:
    """One item and what the community has for it."""

    kind: str
    state: str = MISSING
    details: Mapping[str, Any] = field(default_factory=dict)
    owner_id: int | None = None
    #: gates of the community, and how many are open (entrance)
    gates: int = 0
    open_gates: int = 0
    #: members of the item's team (team, inspection)
    members: int = 0
    #: photos attached to the item
    photos: int = 0
    item_id: int | None = None


@dataclass(frozen=True, slots=True)
class Missing:
    kind: str
    state: str
    owner_id: int | None
    reasons: tuple[Reason, ...]
    item_id: int | None = None


def quantity(details: Mapping[str, Any], key: str) -> int:
    """A quantity of `details` as a whole number (0 when absent or unreadable)."""
    value = details.get(key, 0)
    if isinstance(value, bool):
        return 0
    try:
        return max(int(value), 0)
    except (TypeError, ValueError):
        return 0


def blockers(facts: ItemFacts) -> list[Reason]:
    """Why `facts`' item cannot be in place; empty when it can."""
    kind = facts.kind
    if kind == ENTRANCE:
        if facts.gates == 0:
            return [Reason("no_gate", gettext_noop("No gate of the community is recorded."))]
        if facts.open_gates == 0:
            return [
                Reason("all_sealed", gettext_noop("Every gate is sealed; keep one entrance open."))
            ]
        if facts.open_gates > 1:
            return [
                Reason(
                    "gates_open",
                    gettext_noop("%(n)d gates are open; keep one open and seal the others."),
                    {"n": facts.open_gates},
                )
            ]
        return []
    if kind in (TEAM, INSPECTION):
        if facts.members == 0:
            return [Reason("no_member", gettext_noop("Nobody is on the team yet."))]
        return []
    if kind == PUBLICITY:
        if facts.photos == 0:
            return [Reason("no_photo", gettext_noop("Add a photo of the publicity desk."))]
        return []
    if kind == EQUIPMENT:
        empty = [k for k in EQUIPMENT_KEYS if quantity(facts.details, k) == 0]
        if empty:
            return [
                Reason(
                    "none_on_hand",
                    gettext_noop("None on hand: %(items)s."),
                    {"items": empty},
                )
            ]
        return []
    if kind == RULES:
        off = [k for k in RULE_SWITCHES if facts.details.get(k) is not True]
        if off:
            message = gettext_noop("Not yet in force: %(items)s.")
            return [Reason("rules_off", message, {"items": off})]
        return []
    raise ValueError(f"unknown checklist item {kind!r}")


def in_place(facts: ItemFacts) -> bool:
    return facts.state == DONE and not blockers(facts)


def missing(items: Iterable[ItemFacts]) -> list[Missing]:
    """The items of one community that are not in place, in the plan's order, with why."""
    by_kind = {f.kind: f for f in items}
    found: list[Missing] = []
    for kind in KINDS:
        facts = by_kind.get(kind)
        if facts is None:
            found.append(
                Missing(
                    kind, MISSING, None, (Reason("not_set_up", gettext_noop("Not set up yet.")),)
                )
            )
            continue
        reasons = blockers(facts)
        if facts.state == DONE and not reasons:
            continue
        if facts.state == MISSING and not reasons:
            reasons = [Reason("not_marked", gettext_noop("Not yet marked as in place."))]
        elif facts.state == IN_PROGRESS and not reasons:
            reasons = [Reason("in_progress", gettext_noop("In progress."))]
        found.append(Missing(kind, facts.state, facts.owner_id, tuple(reasons), facts.item_id))
    return found


def progress(items: Iterable[ItemFacts]) -> tuple[int, int]:
    """(items in place, 6)."""
    done = sum(1 for f in items if f.kind in KINDS and in_place(f))
    return done, len(KINDS)
