"""Rules of the resident registry: what a valid record is, and who may be the same person.

`clean_person` is the one place a resident's fields are checked and derived (document,
birth date and gender from the ID, phone, pinyin); forms, the API and the importer all use it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from fangkong.core import sealing
from fangkong.core.errors import DomainError
from fangkong.core.models import User
from fangkong.core.text import BIRTH_DATE
from fangkong.core.textfields import check_date

from .identity import DocType, InvalidDocument, parse_document
from .models import Resident
from .phones import InvalidPhone, normalise_phone
from .romanization import romanize


def clean_person(data: Mapping[str, Any], *, today: dt.date | None = None) -> dict[str, Any]:
    """Validated, normalised fields of a person; DomainError naming each bad field."""
    out = dict(data)
    errors: dict[str, list[str]] = {}
    name = " ".join(str(out.get("name") or "").split())
    if not name:
        errors.setdefault("name", []).append(_("The name is required."))
    out["name"] = name
    doc_type = out.get("doc_type") or DocType.ID_CARD
    try:
        doc = parse_document(doc_type, out.get("doc_number") or "", today=today)
    except InvalidDocument as exc:
        errors.setdefault("doc_number", []).append(exc.message)
    except ValueError:
        errors.setdefault("doc_type", []).append(_("Unknown document type."))
    else:
        out["doc_type"] = doc.doc_type.value
        out["doc_number"] = doc.number
        if doc.birth_date:
            birth = out.get("birth_date")
            if birth and birth != doc.birth_date:
                errors.setdefault("birth_date", []).append(
                    _("The birth date differs from the one in the ID number.")
                )
            out["birth_date"] = doc.birth_date
        if doc.gender:
            if out.get("gender") and out["gender"] != doc.gender:
                errors.setdefault("gender", []).append(
                    _("The gender differs from the one in the ID number.")
                )
            out["gender"] = doc.gender
        if doc.doc_type is DocType.NONE:
            out["no_doc_reason"] = str(out.get("no_doc_reason") or "").strip()
            if not out["no_doc_reason"]:
                errors.setdefault("no_doc_reason", []).append(
                    _("Say why the person has no document.")
                )
        else:
            out["no_doc_reason"] = ""
    phone = str(out.get("phone") or "").strip()
    if phone:
        try:
            out["phone"] = normalise_phone(phone)
        except InvalidPhone as exc:
            errors.setdefault("phone", []).append(exc.message)
    else:
        out["phone"] = ""
    refused = check_date(
        out.get("birth_date"), BIRTH_DATE, _("The birth date"), today=today or dt.date.today()
    )
    if refused:
        errors.setdefault("birth_date", []).append(refused)
    if errors:
        raise DomainError(errors=errors)
    out["name_pinyin"], out["name_initials"] = romanize(name)
    return out


def document_holder(
    township_id: int, doc_number: str, *, exclude: int | None = None
) -> Resident | None:
    """The resident of this township who already holds `doc_number`, if any."""
    if not doc_number:
        return None
    qs = Resident.objects.filter(
        township_id=township_id, doc_index__in=sealing.document_indexes(doc_number)
    )
    if exclude is not None:
        qs = qs.exclude(pk=exclude)
    return qs.select_related("grid__community").first()


def duplicate_message(holder: Resident, *, viewer: User | None = None) -> str:
    """Name the existing record only to someone who may see it: otherwise typing a number
    would tell anyone in the township who holds it and where they live."""
    if viewer is not None and not Resident.objects.visible_to(viewer).filter(pk=holder.pk).exists():
        return _(
            "This document number is already registered outside your jurisdiction. "
            "Ask the community office to check the record."
        )
    return _("This document number is already registered: %(name)s (record %(id)s, %(place)s).") % {
        "name": holder.name,
        "id": holder.pk,
        "place": holder.grid,
    }


def likely_duplicates(resident: Resident) -> list[Resident]:
    """Records that may be the same person: same name and birth date, or same name and phone.

    Only records lacking a document number on one side are candidates; two different
    document numbers are two people.
    """
    same = Q(name=resident.name) & (
        (Q(birth_date=resident.birth_date) if resident.birth_date else Q(pk__in=[]))
        | (
            Q(phone_index__in=sealing.phone_indexes(resident.phone))
            if resident.phone
            else Q(pk__in=[])
        )
    )
    qs = (
        Resident.objects.filter(township_id=resident.township_id, merged_into__isnull=True)
        .filter(same)
        .exclude(pk=resident.pk)
    )
    if resident.doc_number:
        qs = qs.filter(doc_number="")
    return list(qs.select_related("grid")[:20])


def with_likely_duplicates(qs: QuerySet[Resident]) -> QuerySet[Resident]:
    """The records of `qs` lacking a document number that share name and birth date, or name
    and phone, with another active record of `qs`: the worklist of duplicates to review.

    Both sides come from `qs`, so a user is only shown pairs they may see and merge.
    """
    others = (
        qs.filter(
            township_id=OuterRef("township_id"), name=OuterRef("name"), merged_into__isnull=True
        )
        .exclude(pk=OuterRef("pk"))
        .filter(
            Q(birth_date=OuterRef("birth_date"))
            | (Q(phone_index=OuterRef("phone_index")) & ~Q(phone_index=""))
        )
    )
    return qs.filter(doc_number="", merged_into__isnull=True).filter(Exists(others))
