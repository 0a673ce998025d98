"""The stock of communities as plain figures, read in bounded queries (the rules are
`stock.py`): what is on hand of each batch and each item, which items are low, which batches
expire soon, and the "六个一" equipment counts."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Sum

from fangkong.core.models import Community

from . import stock
from .models import ItemKind, Movement


@dataclass(frozen=True, slots=True)
class Low:
    kind_id: int
    name: str
    unit: str
    on_hand: Decimal
    threshold: Decimal


@dataclass(frozen=True, slots=True)
class Expiring:
    lot_id: int
    name: str
    batch: str
    unit: str
    on_hand: Decimal
    expires_on: dt.date
    state: str


@dataclass
class CommunityStock:
    low: list[Low] = field(default_factory=list)
    expiring: list[Expiring] = field(default_factory=list)


def state_of(
    community_ids: Iterable[int],
    day: dt.date,
    until: dt.datetime | None = None,
    townships: dict[int, int] | None = None,
) -> dict[int, CommunityStock]:
    """Low items and batches expiring within the warning window, for each community, as the
    stock stood at `until` (all movements when None). Three queries (two when the township of
    each community is given)."""
    ids = list(set(community_ids))
    out = {c: CommunityStock() for c in ids}
    if not ids:
        return out
    moves = Movement.objects.filter(community_id__in=ids)
    if until is not None:
        moves = moves.filter(at__lt=until)
    rows = (
        moves.values(
            "community_id",
            "lot_id",
            "lot__batch",
            "lot__expires_on",
            "lot__kind_id",
            "lot__kind__name",
            "lot__kind__unit",
        )
        .annotate(on_hand=Sum("delta"))
        .order_by()
    )
    per_kind: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
    for row in rows:
        on_hand = row["on_hand"] or Decimal(0)
        per_kind[(row["community_id"], row["lot__kind_id"])] += on_hand
        state = stock.expiry_state(row["lot__expires_on"], day)
        if state and on_hand > 0 and row["lot__expires_on"] is not None:
            out[row["community_id"]].expiring.append(
                Expiring(
                    row["lot_id"],
                    row["lot__kind__name"],
                    row["lot__batch"],
                    row["lot__kind__unit"],
                    on_hand,
                    row["lot__expires_on"],
                    state,
                )
            )
    if townships is None:
        townships = dict(Community.objects.filter(pk__in=ids).values_list("pk", "township_id"))
    kinds = ItemKind.objects.filter(
        township_id__in=set(townships.values()), low_threshold__gt=0
    ).order_by("name", "id")
    by_township: dict[int, list[ItemKind]] = defaultdict(list)
    for kind in kinds:
        by_township[kind.township_id].append(kind)
    for community_id, township_id in townships.items():
        for kind in by_township.get(township_id, []):
            on_hand = per_kind.get((community_id, kind.pk), Decimal(0))
            if stock.is_low(on_hand, kind.low_threshold):
                out[community_id].low.append(
                    Low(kind.pk, kind.name, kind.unit, on_hand, kind.low_threshold)
                )
    for found in out.values():
        found.expiring.sort(key=lambda e: (e.expires_on, e.name))
    return out


def equipment_counts(community_ids: Iterable[int]) -> dict[int, dict[str, int]]:
    """The answer to closure's `closure.equipment_counts`: the stock on hand of the items
    that stand for each equipment count, not counting expired batches, in whole units."""
    from django.utils import timezone

    today = timezone.localdate()
    ids = list(set(community_ids))
    rows = (
        Movement.objects.filter(community_id__in=ids)
        .exclude(lot__kind__equipment_key="")
        .exclude(lot__expires_on__lt=today)
        .values("community_id", "lot__kind__equipment_key")
        .annotate(on_hand=Sum("delta"))
        .order_by()
    )
    out: dict[int, dict[str, int]] = {c: {} for c in ids}
    for row in rows:
        n = int(max(row["on_hand"] or Decimal(0), Decimal(0)))
        out[row["community_id"]][row["lot__kind__equipment_key"]] = n
    return out
