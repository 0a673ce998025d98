"""The guard's search: a resident of the gate's community by the last four characters of the
document number or phone, else as the resident list searches (`people.search.search_query`:
name, pinyin, a whole phone or document number, the household's address), and by any part of
the name. So a person registered without a document is found like anyone else. At most a
handful, masked."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from fangkong.people.models import Resident
from fangkong.people.search import search_query

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
    if len(q) == 4 and q[:3].isdigit():
        # The numbers are sealed; their last four characters are kept in clear for this.
        people = people.filter(Q(doc_last4=q.upper()) | Q(phone_last4=q))
    elif q.isascii():
        people = people.filter(search_query(query) | Q(name_initials__iexact=q))
    else:
        people = people.filter(search_query(query) | Q(name__contains=q))
    rows = people.select_related("household__building", "household__unit").order_by("name", "pk")
    out = []
    for r in rows[:LIMIT]:
        h = r.household
        place = h.number if h is not None else ""
        if h is not None and h.building_id is not None and h.building is not None:
            unit = h.unit.name if h.unit_id and h.unit else ""
            place = f"{h.building.name}{unit}{h.number}"
        out.append(Found(r.pk, r.name, r.doc_masked, r.phone_masked, place))
    return out
