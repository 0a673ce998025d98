"""The guard's search: a resident of the gate's community by name (or pinyin), by the last
four characters of the document number, or by phone. At most a handful, masked."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from fangkong.core.masking import mask_document, mask_phone
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
        people = people.filter(phone=q)
    elif len(q) == 4 and q[:3].isdigit():
        people = people.filter(Q(doc_number__endswith=q.upper()) | Q(phone__endswith=q))
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
        out.append(Found(r.pk, r.name, mask_document(r.doc_number), mask_phone(r.phone), place))
    return out
