"""Writing the audit log. Actions call these inside their transaction; nothing else writes it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.db import models

from .masking import mask_document, mask_phone
from .models import AuditAction, AuditEntry, Township, User

#: fields holding a person's document or phone number: kept masked in the log
SENSITIVE_FIELDS = {
    "doc_number": mask_document,
    "claimed_doc_number": mask_document,
    "phone": mask_phone,
    "claimed_phone": mask_phone,
    "contact_phone": mask_phone,
    "away_contact": mask_phone,
}


class Masked(str):
    """A sensitive value in a snapshot. The text (what the log stores) is masked; equality
    compares the full value, so `diff` still records a change the mask hides."""

    full: str

    def __new__(cls, full: str, masked: str) -> Masked:
        obj = super().__new__(cls, masked)
        obj.full = full
        return obj

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Masked):
            return self.full == other.full
        return str.__eq__(self, other)

    def __ne__(self, other: object) -> bool:
        return not self == other

    __hash__ = str.__hash__


def mask_changes(changes: Mapping[str, Any]) -> dict[str, Any]:
    """`changes` with every sensitive value masked (scalars and [old, new] pairs)."""
    out = dict(changes)
    for name, mask in SENSITIVE_FIELDS.items():
        value = out.get(name)
        if isinstance(value, str):
            out[name] = mask(value)
        elif isinstance(value, list):
            out[name] = [mask(v) if isinstance(v, str) else v for v in value]
    return out


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list | tuple | set | frozenset):
        return sorted(_plain(v) for v in value)
    return value


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The current values of `fields` (foreign keys by id), as JSON-ready data."""
    out: dict[str, Any] = {}
    for name in fields:
        field = obj._meta.get_field(name)
        attname = getattr(field, "attname", name)
        value = _plain(getattr(obj, attname))
        mask = SENSITIVE_FIELDS.get(name)
        if mask is not None and isinstance(value, str):
            value = Masked(value, mask(value))
        out[name] = value
    return out


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """{field: [old, new]} for every field whose value changed."""
    return {
        k: [before.get(k), after.get(k)]
        for k in sorted(set(before) | set(after))
        if before.get(k) != after.get(k)
    }


def record(
    actor: User | None,
    action: AuditAction | str,
    *,
    target_type: str,
    target_id: Any = "",
    target_repr: str = "",
    township: Township | int | None = None,
    changes: Mapping[str, Any] | None = None,
    reason: str = "",
) -> AuditEntry:
    township_id = township.pk if isinstance(township, Township) else township
    if township_id is None and actor is not None:
        township_id = actor.township_id
    return AuditEntry.objects.create(
        actor=actor,
        actor_name=str(actor) if actor else "",
        action=action,
        target_type=target_type,
        target_id=str(target_id),
        target_repr=target_repr[:200],
        township_id=township_id,
        changes=mask_changes(changes or {}),
        reason=reason,
    )


def record_object(
    actor: User | None,
    action: AuditAction | str,
    obj: models.Model,
    *,
    changes: Mapping[str, Any] | None = None,
    reason: str = "",
    township: Township | int | None = None,
) -> AuditEntry:
    if township is None:
        township = getattr(obj, "township_id", None)
    return record(
        actor,
        action,
        target_type=obj._meta.label_lower,
        target_id=obj.pk,
        target_repr=str(obj),
        township=township,
        changes=changes,
        reason=reason,
    )
