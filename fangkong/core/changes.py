"""How an audit entry's changes are shown, on the audit page and in the admin.

Document numbers and phones stay masked here too: a full value is only ever shown through a
reveal, which is itself logged.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .masking import mask_document, mask_phone
from .models import AuditAction, AuditEntry

SENSITIVE_AUDIT_FIELDS = {
    "doc_number": mask_document,
    "phone": mask_phone,
    "away_contact": mask_phone,
}
EXTRA_FIELD_LABELS = {
    "tags": gettext_lazy("Vulnerable groups"),
    "password": gettext_lazy("Password"),
    "merged": gettext_lazy("Merged record"),
    "field": gettext_lazy("Field"),
    "is_active": gettext_lazy("Active"),
    "api_tokens": gettext_lazy("API tokens"),
}


@dataclass(frozen=True, slots=True)
class Change:
    label: str
    old: Any = None
    new: Any = None
    is_pair: bool = False


def _label(target_type: str, name: str) -> str:
    if name in EXTRA_FIELD_LABELS:
        return str(EXTRA_FIELD_LABELS[name])
    try:
        field = apps.get_model(target_type)._meta.get_field(name)
    except (LookupError, ValueError, FieldDoesNotExist):
        return name
    label = getattr(field, "verbose_name", None)  # a reverse relation has none
    return capfirst(str(label)) if label else name


def record_type_label(target_type: str) -> str:
    """'people.resident' as the model's name a user reads (居民)."""
    try:
        return capfirst(str(apps.get_model(target_type)._meta.verbose_name))
    except (LookupError, ValueError):
        return target_type


def _shown(name: str, value: Any) -> Any:
    """A value of the log as shown: sensitive numbers stay masked here too (a full value is
    only ever shown through a reveal, which is itself logged)."""
    if isinstance(value, str) and name in SENSITIVE_AUDIT_FIELDS:
        return SENSITIVE_AUDIT_FIELDS[name](value)
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "—"
    if isinstance(value, dict):
        return ", ".join(f"{k}: {v}" for k, v in value.items()) or "—"
    if value in (None, ""):
        return "—"
    return value


def describe_changes(entry: AuditEntry) -> list[Change]:
    """The entry's changes as lines: 'field: old → new' for an update, 'field: value' else."""
    changes: Mapping[str, Any] = entry.changes or {}
    out = []
    for name, value in changes.items():
        if entry.action == AuditAction.REVEAL and name == "field":
            out.append(Change(_("Revealed"), _label(entry.target_type, str(value))))
            continue
        pair = (
            entry.action in (AuditAction.UPDATE, AuditAction.MERGE)
            and isinstance(value, list)
            and len(value) == 2
        )
        if pair:
            out.append(
                Change(
                    _label(entry.target_type, name),
                    _shown(name, value[0]),
                    _shown(name, value[1]),
                    True,
                )
            )
        else:
            out.append(Change(_label(entry.target_type, name), _shown(name, value)))
    return out
