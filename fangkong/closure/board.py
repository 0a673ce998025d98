"""The checklist of communities as plain facts, read in a few bounded queries, and its
reasons in words (the pure rule is `checklist.py`)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fangkong.checkpoints.models import Gate, GateState

from . import checklist as rule
from . import equipment
from .models import ChecklistItem, ChecklistKind, TeamMember

EQUIPMENT_LABELS = {
    "thermometers": gettext_lazy("thermometers (测温枪)"),
    "masks": gettext_lazy("masks"),
    "disinfectant": gettext_lazy("disinfectant"),
    "sprayers": gettext_lazy("sprayers"),
}
RULE_LABELS = {
    "duty_24h": gettext_lazy("24-hour duty"),
    "daily_disinfection": gettext_lazy("daily disinfection"),
    "entry_registration": gettext_lazy("entry registration"),
}
KIND_HELP: dict[str, Any] = {
    ChecklistKind.ENTRANCE: gettext_lazy("Keep one gate open, seal the others."),
    ChecklistKind.TEAM: gettext_lazy("Property staff, security, auxiliary police, volunteers."),
    ChecklistKind.PUBLICITY: gettext_lazy("A publicity desk or board, with a photo."),
    ChecklistKind.EQUIPMENT: gettext_lazy("Thermometers, masks, disinfectant, sprayers."),
    ChecklistKind.RULES: gettext_lazy(
        "24-hour duty, daily disinfection, registration of every entry."
    ),
    ChecklistKind.INSPECTION: gettext_lazy("Who walks the community and checks."),
}


def kind_label(kind: str) -> str:
    return str(ChecklistKind(kind).label) if kind in ChecklistKind.values else kind


def reason_text(reason: rule.Reason) -> str:
    params = dict(reason.params)
    if "items" in params:
        labels = {**EQUIPMENT_LABELS, **RULE_LABELS}
        params["items"] = _(", ").join(str(labels.get(k, k)) for k in params["items"])
    return _(reason.message) % params if params else _(reason.message)


def facts_of(community_ids: Iterable[int]) -> dict[int, list[rule.ItemFacts]]:
    """The checklist items of each community with what stands behind them (three queries)."""
    ids = list(set(community_ids))
    if not ids:
        return {}
    gates: dict[int, tuple[int, int]] = {
        row["community_id"]: (row["n"], row["open"])
        for row in Gate.objects.filter(community_id__in=ids)
        .values("community_id")
        .annotate(n=Count("id"), open=Count("id", filter=Q(state=GateState.OPEN)))
    }
    members: dict[tuple[int, str], int] = {
        (row["community_id"], row["team"]): row["n"]
        for row in TeamMember.objects.filter(community_id__in=ids)
        .values("community_id", "team")
        .annotate(n=Count("id"))
    }
    stock = equipment.counts(ids)
    out: dict[int, list[rule.ItemFacts]] = defaultdict(list)
    items = (
        ChecklistItem.objects.filter(community_id__in=ids)
        .annotate(photos=Count("evidence"))
        .order_by("community_id", "id")
        .values("pk", "community_id", "kind", "state", "details", "owner_id", "photos")
    )
    for item in items:
        community_id = item["community_id"]
        n, open_ = gates.get(community_id, (0, 0))
        details = item["details"] or {}
        if stock is not None and item["kind"] == ChecklistKind.EQUIPMENT:
            # the counts come from the stock, not from what was typed
            on_hand = stock.get(community_id, {})
            details = {k: on_hand.get(k, 0) for k in rule.EQUIPMENT_KEYS}
        out[community_id].append(
            rule.ItemFacts(
                kind=item["kind"],
                state=item["state"],
                details=details,
                owner_id=item["owner_id"],
                gates=n,
                open_gates=open_,
                members=members.get((community_id, item["kind"]), 0),
                photos=item["photos"],
                item_id=item["pk"],
            )
        )
    return dict(out)


def facts_of_item(item: ChecklistItem) -> rule.ItemFacts:
    for facts in facts_of([item.community_id]).get(item.community_id, []):
        if facts.item_id == item.pk:
            return facts
    raise ChecklistItem.DoesNotExist(item.pk)  # pragma: no cover - the item exists
