"""Who lives together: household compositions of a Chinese township, before any names.

A household is drawn as a type (an old person living alone, a couple with a child, three
generations, grandparents minding grandchildren while the parents work away, …) at rates that
differ between town and village; ages, relations and vulnerable-group tags follow from the
type, so tags always agree with age, sex and who lives with whom.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from fangkong.people.models import Relation, VulnerableTag

# Household types and their weights in an urban community and in a village.
TYPE_WEIGHTS: dict[str, tuple[int, int]] = {
    "elderly_alone": (7, 8),
    "young_alone": (9, 3),
    "elderly_couple": (10, 8),
    "couple": (9, 5),
    "nuclear": (32, 25),
    "three_generations": (18, 25),
    "left_behind": (3, 20),
    "single_parent": (5, 3),
    "with_parent": (7, 3),
}
MAX_MEMBERS = 6


@dataclass
class Member:
    relation: str
    gender: str
    age: int
    #: "head" takes the householder's surname, "own" draws a surname of their own
    family: str = "head"
    tags: set[str] = field(default_factory=set)
    works_away: bool = False


def _clip(value: float, low: int, high: int) -> int:
    return max(low, min(high, round(value)))


def _couple(rng: random.Random, low: int, high: int) -> tuple[Member, Member]:
    husband_age = rng.randint(low, high)
    wife_age = _clip(husband_age - rng.gauss(2, 2.5), max(20, low - 3), high)
    return (
        Member(Relation.HEAD, "M", husband_age),
        Member(Relation.SPOUSE, "F", wife_age, family="own"),
    )


def _children(
    rng: random.Random, mother_age: int, relation: str, count: int, max_age: int = 30
) -> list[Member]:
    """Up to `count` children: the first born when the mother was ~27, the next 2–8 years
    later; none born yet, or already grown and gone past `max_age`, are left out."""
    kids = []
    born_at = _clip(rng.gauss(27, 3.5), 20, 38)
    for _ in range(count):
        age = mother_age - born_at
        if 0 <= age <= max_age:
            kids.append(Member(relation, rng.choice("MF"), age))
        born_at += rng.randint(2, 8)
    return kids


def _elder_pair(rng: random.Random, child_age: int, relation: str, count: int) -> list[Member]:
    father_age = _clip(child_age + rng.gauss(28, 3), child_age + 20, 100)
    mother_age = _clip(father_age - rng.gauss(2, 2), child_age + 18, 100)
    pair = [
        Member(relation, "M", father_age),
        Member(relation, "F", mother_age, family="own"),
    ]
    if count == 1:
        return [pair[rng.random() < 0.6]]  # widows outnumber widowers
    return pair


def compose(rng: random.Random, *, village: bool) -> list[Member]:
    """One household's members, householder first."""
    kinds = list(TYPE_WEIGHTS)
    weights = [TYPE_WEIGHTS[k][1 if village else 0] for k in kinds]
    kind = rng.choices(kinds, weights=weights)[0]
    members: list[Member]
    if kind == "elderly_alone":
        gender = "F" if rng.random() < 0.6 else "M"
        members = [Member(Relation.HEAD, gender, rng.randint(65, 95))]
        members[0].tags.add(VulnerableTag.ELDERLY_ALONE)
    elif kind == "young_alone":
        members = [Member(Relation.HEAD, rng.choice("MF"), rng.randint(20, 45))]
    elif kind == "elderly_couple":
        members = list(_couple(rng, 62, 88))
        for m in members:
            m.tags.add(VulnerableTag.EMPTY_NEST)
    elif kind == "couple":
        members = list(_couple(rng, 23, 58))
    elif kind in ("nuclear", "single_parent"):
        head, spouse = _couple(rng, 25, 56)
        kids = _children(rng, spouse.age, Relation.CHILD, rng.choice((1, 1, 2, 2, 3)))
        if kind == "single_parent":
            parent = spouse if rng.random() < 0.7 else head
            parent.relation, parent.family = Relation.HEAD, "head"
            members = [parent, *kids]
        else:
            members = [head, spouse, *kids]
    elif kind == "three_generations":
        head, spouse = _couple(rng, 27, 48)
        kids = _children(rng, spouse.age, Relation.CHILD, rng.choice((1, 1, 2)), max_age=20)
        elders = _elder_pair(rng, head.age, Relation.PARENT, rng.choice((1, 2, 2)))
        if village and rng.random() < 0.5:
            # The grandfather is the householder; his son's family are child / in-law.
            head.relation, spouse.relation = Relation.CHILD, Relation.CHILD_IN_LAW
            for k in kids:
                k.relation = Relation.GRANDCHILD
            elders[0].relation = Relation.HEAD
            if len(elders) == 2:
                elders[1].relation = Relation.SPOUSE
            members = [*elders, head, spouse, *kids]
        else:
            members = [head, spouse, *kids, *elders]
    elif kind == "left_behind":
        son, wife = _couple(rng, 24, 45)
        elders = _elder_pair(rng, son.age, Relation.HEAD, rng.choice((1, 2, 2)))
        if len(elders) == 2:
            elders[1].relation = Relation.SPOUSE
        for e in elders:
            if e.age >= 60:
                e.tags.add(VulnerableTag.LEFT_BEHIND)
        son.relation, wife.relation = Relation.CHILD, Relation.CHILD_IN_LAW
        son.works_away = wife.works_away = True
        kids = _children(rng, wife.age, Relation.GRANDCHILD, rng.choice((1, 1, 2)), max_age=15)
        parents = [son, wife] if len(elders) + len(kids) <= 4 else [son]
        members = [*elders, *parents, *kids]
    else:  # with_parent: a couple looking after one old parent
        head, spouse = _couple(rng, 38, 62)
        members = [head, spouse, *_elder_pair(rng, head.age, Relation.PARENT, 1)]
    _tag_by_age(rng, members)
    return members[:MAX_MEMBERS]


def _tag_by_age(rng: random.Random, members: list[Member]) -> None:
    youngest_child = min((m.age for m in members if m.relation in _CHILDREN), default=None)
    for m in members:
        if m.age < 3:
            m.tags.add(VulnerableTag.INFANT)
        if rng.random() < (0.10 if m.age >= 75 else 0.02 if m.age >= 60 else 0):
            m.tags.add(VulnerableTag.DISABLED_CARE)
        if rng.random() < (0.18 if m.age >= 60 else 0.03 if m.age >= 45 else 0):
            m.tags.add(VulnerableTag.CHRONIC)
        if m.age >= 3 and rng.random() < (0.03 if m.age >= 60 else 0.01):
            m.tags.add(VulnerableTag.DISABILITY)
        if m.gender == "F" and 21 <= m.age <= 42 and m.relation in _MOTHERS and not m.works_away:
            postpartum = youngest_child is not None and youngest_child == 0 and rng.random() < 0.2
            expecting = (youngest_child is None or youngest_child >= 2) and rng.random() < 0.06
            if postpartum or expecting:
                m.tags.add(VulnerableTag.PREGNANT)


_CHILDREN = {Relation.CHILD, Relation.GRANDCHILD}
_MOTHERS = {Relation.HEAD, Relation.SPOUSE, Relation.CHILD_IN_LAW}
