"""Writing the audit log. Actions call these inside their transaction; nothing else writes it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.db import models

from .models import AuditAction, AuditEntry, Township, User


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
        out[name] = _plain(getattr(obj, attname))
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
        changes=dict(changes or {}),
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
