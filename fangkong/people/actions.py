"""Every write to households and residents: atomic, audited, one function per verb.

Views, the API, the importer and management commands call these; nothing else saves a
Household or Resident.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.core import audit
from fangkong.core.actions import check_assignee
from fangkong.core.errors import DomainError
from fangkong.core.models import AuditAction, Building, Grid, Unit, User

from .models import Household, Resident, ResidentTag, VulnerableTag
from .registry import clean_person, document_holder, duplicate_message

RESIDENT_FIELDS = (
    "name",
    "doc_type",
    "doc_number",
    "no_doc_reason",
    "gender",
    "birth_date",
    "phone",
    "household",
    "relation",
    "residence_type",
    "party_member",
    "works_away",
    "away_place",
    "away_contact",
    "notes",
    "grid",
)
AUDITED_RESIDENT_FIELDS = (*RESIDENT_FIELDS, "merged_into")
HOUSEHOLD_FIELDS = ("grid", "building", "unit", "number", "address", "cadre", "medic")


def household_address(grid: Grid, building: Building | None, unit: Unit | None, number: str) -> str:
    parts = [grid.community.name, grid.name]
    if building is not None:
        parts.append(building.name)
    if unit is not None:
        parts.append(unit.name)
    parts.append(number)
    return " ".join(p for p in parts if p)


def _place_household(
    grid: Grid | None, building: Building | None, unit: Unit | None
) -> tuple[Grid, Building | None, Unit | None]:
    if unit is not None:
        building = unit.building
    if building is not None:
        if grid is not None and building.grid_id != grid.pk:
            raise DomainError(_("The building is not in the chosen grid."), field="building")
        grid = building.grid
    if grid is None:
        raise DomainError(_("Choose the grid (or building) of the household."), field="grid")
    return grid, building, unit


@transaction.atomic
def create_household(
    by: User | None,
    *,
    number: str,
    grid: Grid | None = None,
    building: Building | None = None,
    unit: Unit | None = None,
    cadre: User | None = None,
    medic: User | None = None,
) -> Household:
    number = number.strip()
    if not number:
        raise DomainError(_("The room or house number is required."), field="number")
    grid, building, unit = _place_household(grid, building, unit)
    check_assignee("cadre", cadre, grid)
    check_assignee("medic", medic, grid)
    if building is not None and unit is None and building.units.exists():
        raise DomainError(_("Choose the unit within the building."), field="unit")
    dup = Household.objects.filter(grid=grid, building=building, unit=unit, number=number).first()
    if dup is not None:
        raise DomainError(
            _("This household already exists: %(address)s.") % {"address": dup.address},
            field="number",
        )
    household = Household.objects.create(
        township_id=grid.community.township_id,
        community_id=grid.community_id,
        grid=grid,
        building=building,
        unit=unit,
        number=number,
        address=household_address(grid, building, unit, number),
        cadre=cadre or (building.cadre if building else None),
        medic=medic or (building.medic if building else None),
    )
    audit.record_object(
        by, AuditAction.CREATE, household, changes=audit.snapshot(household, HOUSEHOLD_FIELDS)
    )
    return household


@transaction.atomic
def update_household(by: User | None, household: Household, **changes: Any) -> Household:
    before = audit.snapshot(household, HOUSEHOLD_FIELDS)
    for key, value in changes.items():
        if key not in ("number", "cadre", "medic"):
            raise DomainError(_("This field cannot be changed here."), field=key)
        if key in ("cadre", "medic"):
            check_assignee(key, value, household.grid)
        setattr(household, key, value)
    household.number = household.number.strip()
    if not household.number:
        raise DomainError(_("The room or house number is required."), field="number")
    dup = (
        Household.objects.filter(
            grid=household.grid_id,
            building=household.building_id,
            unit=household.unit_id,
            number=household.number,
        )
        .exclude(pk=household.pk)
        .first()
    )
    if dup is not None:
        raise DomainError(
            _("This household already exists: %(address)s.") % {"address": dup.address},
            field="number",
        )
    household.address = household_address(
        household.grid, household.building, household.unit, household.number
    )
    household.save()
    delta = audit.diff(before, audit.snapshot(household, HOUSEHOLD_FIELDS))
    if delta:
        audit.record_object(by, AuditAction.UPDATE, household, changes=delta)
    return household


def _apply_place(data: dict[str, Any]) -> None:
    household: Household | None = data.get("household")
    if household is not None:
        data["grid"] = household.grid
    grid: Grid | None = data.get("grid")
    if grid is None:
        raise DomainError(_("Choose the household or the grid of the person."), field="household")
    data["township_id"] = grid.community.township_id
    data["community_id"] = grid.community_id


def _check_unique_document(
    by: User | None, data: Mapping[str, Any], exclude: int | None = None
) -> None:
    holder = document_holder(data["township_id"], data.get("doc_number", ""), exclude=exclude)
    if holder is not None:
        raise DomainError(duplicate_message(holder, viewer=by), field="doc_number")


def _set_tags(resident: Resident, tags: Iterable[str]) -> None:
    wanted = set(tags)
    unknown = wanted - set(VulnerableTag.values)
    if unknown:
        raise DomainError(_("Unknown tag: %(tags)s") % {"tags": ", ".join(sorted(unknown))})
    current = set(resident.tags.values_list("tag", flat=True))
    resident.tags.filter(tag__in=current - wanted).delete()
    ResidentTag.objects.bulk_create(
        [ResidentTag(resident=resident, tag=t) for t in sorted(wanted - current)]
    )


def _resident_snapshot(resident: Resident) -> dict[str, Any]:
    snap = audit.snapshot(resident, AUDITED_RESIDENT_FIELDS)
    snap["tags"] = sorted(resident.tags.values_list("tag", flat=True)) if resident.pk else []
    return snap


@transaction.atomic
def create_resident(by: User | None, *, tags: Iterable[str] = (), **fields: Any) -> Resident:
    unknown = set(fields) - set(RESIDENT_FIELDS)
    if unknown:
        raise TypeError(f"unknown resident fields: {sorted(unknown)}")
    data = clean_person(fields, today=timezone.localdate())
    _apply_place(data)
    _check_unique_document(by, data)
    resident = Resident(**data)
    try:
        with transaction.atomic():
            resident.save()
    except IntegrityError as exc:  # a concurrent insert of the same document number
        raise DomainError(
            _("This document number is already registered."), field="doc_number"
        ) from exc
    _set_tags(resident, tags)
    audit.record_object(by, AuditAction.CREATE, resident, changes=_resident_snapshot(resident))
    return resident


@transaction.atomic
def update_resident(
    by: User | None, resident: Resident, *, tags: Iterable[str] | None = None, **fields: Any
) -> Resident:
    unknown = set(fields) - set(RESIDENT_FIELDS)
    if unknown:
        raise TypeError(f"unknown resident fields: {sorted(unknown)}")
    resident = Resident.objects.select_for_update().get(pk=resident.pk)
    _refuse_merged(resident)
    before = _resident_snapshot(resident)
    current = {f: getattr(resident, f) for f in RESIDENT_FIELDS}
    current.update(fields)
    if "doc_type" in fields or "doc_number" in fields:
        # A new document decides birth date and gender afresh.
        if "birth_date" not in fields:
            current["birth_date"] = None
        if "gender" not in fields:
            current["gender"] = ""
    data = clean_person(current, today=timezone.localdate())
    _apply_place(data)
    _check_unique_document(by, data, exclude=resident.pk)
    for key, value in data.items():
        setattr(resident, key, value)
    resident.updated_at = timezone.now()
    try:
        with transaction.atomic():
            resident.save()
    except IntegrityError as exc:
        raise DomainError(
            _("This document number is already registered."), field="doc_number"
        ) from exc
    if tags is not None:
        _set_tags(resident, tags)
    delta = audit.diff(before, _resident_snapshot(resident))
    if delta:
        audit.record_object(by, AuditAction.UPDATE, resident, changes=delta)
    return resident


def _refuse_merged(resident: Resident) -> None:
    if resident.merged_into_id is not None:
        raise DomainError(
            _("This record was merged into another; it is kept as history and cannot change.")
        )


@transaction.atomic
def delete_resident(by: User | None, resident: Resident, *, reason: str) -> None:
    if not reason.strip():
        raise DomainError(_("Say why the record is deleted."), field="reason")
    resident = Resident.objects.select_for_update().get(pk=resident.pk)
    _refuse_merged(resident)
    if resident.merged_from.exists():
        raise DomainError(_("Records were merged into this one; it cannot be deleted."))
    snap = _resident_snapshot(resident)
    audit.record_object(by, AuditAction.DELETE, resident, changes=snap, reason=reason)
    resident.delete()


@transaction.atomic
def merge_residents(
    by: User | None, *, keep: Resident, duplicate: Resident, reason: str
) -> Resident:
    """Fold `duplicate` into `keep`. The duplicate stays, marked merged, so history survives."""
    if keep.pk == duplicate.pk:
        raise DomainError(_("A record cannot be merged into itself."))
    # Lock both rows, in id order so two opposite merges cannot deadlock or both pass.
    locked = Resident.objects.select_for_update().in_bulk(sorted((keep.pk, duplicate.pk)))
    keep, duplicate = locked[keep.pk], locked[duplicate.pk]
    if keep.township_id != duplicate.township_id:
        raise DomainError(_("Only records of the same township can be merged."))
    if duplicate.merged_into_id is not None or keep.merged_into_id is not None:
        raise DomainError(_("One of the records has already been merged."))
    if keep.doc_number and duplicate.doc_number and keep.doc_number != duplicate.doc_number:
        raise DomainError(_("The two records hold different document numbers: two people."))
    before = _resident_snapshot(keep)
    fill = {
        f: getattr(duplicate, f)
        for f in ("phone", "birth_date", "gender", "away_place", "away_contact")
        if not getattr(keep, f) and getattr(duplicate, f)
    }
    if not keep.doc_number and duplicate.doc_number:
        fill.update(doc_type=duplicate.doc_type, doc_number=duplicate.doc_number, no_doc_reason="")
        duplicate.doc_number, duplicate.doc_type = "", "none"
        duplicate.no_doc_reason = _("merged into record %(id)s") % {"id": keep.pk}
    duplicate.merged_into = keep
    duplicate.updated_at = timezone.now()
    duplicate.save()
    for key, value in fill.items():
        setattr(keep, key, value)
    keep.notes = "\n".join(n for n in (keep.notes, duplicate.notes) if n)
    keep.updated_at = timezone.now()
    keep.save()
    _set_tags(keep, set(keep.tags.values_list("tag", flat=True)) | set(duplicate.tag_values))
    audit.record_object(
        by,
        AuditAction.MERGE,
        keep,
        changes={"merged": str(duplicate.pk), **audit.diff(before, _resident_snapshot(keep))},
        reason=reason,
    )
    audit.record_object(
        by, AuditAction.MERGE, duplicate, changes={"merged_into": str(keep.pk)}, reason=reason
    )
    return keep


SENSITIVE_FIELDS = {"doc_number", "phone", "away_contact"}


@transaction.atomic
def reveal(by: User, resident: Resident, *, field: str, reason: str) -> str:
    """The full value of a sensitive field; the reveal is audited with its reason."""
    if field not in SENSITIVE_FIELDS:
        raise DomainError(_("This field cannot be revealed."), field="field")
    if len(reason.strip()) < 2:
        raise DomainError(_("Give the reason for viewing the full value."), field="reason")
    audit.record_object(
        by, AuditAction.REVEAL, resident, changes={"field": field}, reason=reason.strip()
    )
    return str(getattr(resident, field))
