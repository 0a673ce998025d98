"""The guard's search: a resident of the gate's community by name (or pinyin), by the last
four characters of the document number, or by phone. At most a handful, masked."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from fangkong.core import sealing
from fangkong.people.models import Resident

from .models import Gate

LIMIT = 8


@dataclass(frozen=True)
class Found:
    id: int
    name: str
    masked_document: str
    masked_phone: str
    place: str


def search(gate: Gate, query: str) -> list[Found]:
    q = "".join((query or "").split())
    if not q:
        return []
    people = Resident.objects.filter(community_id=gate.community_id, merged_into__isnull=True)
    if q.isdigit() and len(q) >= 7:
        people = people.filter(phone_index__in=sealing.phone_indexes(q))
    elif len(q) == 4 and q[:3].isdigit():
        # The numbers are sealed; their last four characters are kept in clear for this.
        people = people.filter(Q(doc_last4=q.upper()) | Q(phone_last4=q))
    elif q.isascii():
        people = people.filter(Q(name_pinyin__istartswith=q) | Q(name_initials__iexact=q))
    else:
        people = people.filter(name__contains=q)
    rows = people.select_related("household__building", "household__unit").order_by("name", "pk")
    out = []
    for r in rows[:LIMIT]:
        h = r.household
        place = ""
        if h is not None and h.building_id is not None and h.building is not None:
            place = f"{h.building.name}{h.unit.name if h.unit_id and h.unit else ''}"
        out.append(Found(r.pk, r.name, r.doc_masked, r.phone_masked, place))
    return out
