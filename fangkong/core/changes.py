"""How an audit entry's changes are shown, on the audit page and in the admin: in the words
a user reads, whenever the entry was written.

A field is shown by its label (the model field's own, else `KEY_LABELS`), a coded value by its
choice label, a yes/no as 是/否, a time in local time, a reference to another record by that
record's name (a resident's masked: 张**), a record type by its model's name. Entries keep
what they always stored (codes and ids): the reading happens here, so old entries read well
too. Document numbers and phones stay masked here too: a full value is only ever shown
through a reveal, which is itself logged.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import formats, timezone
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy

from .masking import mask_document, mask_name, mask_phone
from .models import AuditAction, AuditEntry

SENSITIVE_AUDIT_FIELDS = {
    "doc_number": mask_document,
    "phone": mask_phone,
    "away_contact": mask_phone,
}
#: keys whose meaning is the same on every record (they win over the field's own label)
EXTRA_FIELD_LABELS = {
    "tags": gettext_lazy("Vulnerable groups"),
    "password": gettext_lazy("Password"),
    "merged": gettext_lazy("Merged record"),
    "field": gettext_lazy("Field"),
    "is_active": gettext_lazy("Active"),
    "api_tokens": gettext_lazy("API tokens"),
}
#: labels of keys that are no field of the record, or a field without a label of its own
KEY_LABELS: dict[str, Promise] = {
    "id": pgettext_lazy("audit field", "Number"),
    "differences": pgettext_lazy("audit field", "Differences from the books"),
    "township": pgettext_lazy("audit field", "Township"),
    "community": pgettext_lazy("audit field", "Community"),
    "grid": pgettext_lazy("audit field", "Grid"),
    "building": pgettext_lazy("audit field", "Building"),
    "unit": pgettext_lazy("audit field", "Unit"),
    "household": pgettext_lazy("audit field", "Household"),
    "households": pgettext_lazy("audit field", "Households"),
    "household_ids": pgettext_lazy("audit field", "Households"),
    "resident": pgettext_lazy("audit field", "Resident"),
    "residents": pgettext_lazy("audit field", "Residents"),
    "resident_ids": pgettext_lazy("audit field", "Residents"),
    "case": pgettext_lazy("audit field", "Quarantine case"),
    "index_case": pgettext_lazy("audit field", "Index case"),
    "kept_cases": pgettext_lazy("audit field", "Cases kept open"),
    "cases_ended": pgettext_lazy("audit field", "Cases ended"),
    "registration": pgettext_lazy("audit field", "Returnee registration"),
    "round": pgettext_lazy("audit field", "Testing round"),
    "tube": pgettext_lazy("audit field", "Tube number"),
    "tubes": pgettext_lazy("audit field", "Tubes"),
    "retest_tube": pgettext_lazy("audit field", "Retest tube"),
    "pooled": pgettext_lazy("audit field", "Pooled tube"),
    "retest": pgettext_lazy("audit field", "Retest"),
    "expected": pgettext_lazy("audit field", "People expected"),
    "sampled": pgettext_lazy("audit field", "People sampled"),
    "members": pgettext_lazy("audit field", "People"),
    "added_member": pgettext_lazy("audit field", "Person added"),
    "added_later": pgettext_lazy("audit field", "Added later"),
    "lockdown": pgettext_lazy("audit field", "Lockdown"),
    "gate": pgettext_lazy("audit field", "Gate"),
    "gate_pass": pgettext_lazy("audit field", "Pass"),
    "passes_issued": pgettext_lazy("audit field", "Passes issued"),
    "policy": pgettext_lazy("audit field", "Policy version"),
    "rules": pgettext_lazy("audit field", "Rules"),
    "alert": pgettext_lazy("audit field", "Alert"),
    "link": pgettext_lazy("audit field", "Link"),
    "item": pgettext_lazy("audit field", "Checklist item"),
    "site": pgettext_lazy("audit field", "Quarantine site"),
    "user": pgettext_lazy("audit field", "Staff member"),
    "staff": pgettext_lazy("audit field", "Staff"),
    "guard": pgettext_lazy("audit field", "Guard"),
    "volunteer": pgettext_lazy("audit field", "Volunteer"),
    "cadre": pgettext_lazy("audit field", "Responsible cadre (包保干部)"),
    "medic": pgettext_lazy("audit field", "Responsible medical worker (包保医务人员)"),
    "role": pgettext_lazy("audit field", "Role"),
    "temperature": pgettext_lazy("audit field", "Temperature (°C)"),
    "symptoms": pgettext_lazy("audit field", "Symptoms"),
    "readings": pgettext_lazy("audit field", "Readings"),
    "via": pgettext_lazy("audit field", "Reported via"),
    "kind": pgettext_lazy("audit field", "Kind"),
    "status": pgettext_lazy("audit field", "Status"),
    "from_status": pgettext_lazy("audit field", "Status before"),
    "to_status": pgettext_lazy("audit field", "Status after"),
    "step": pgettext_lazy("audit field", "Step"),
    "action": pgettext_lazy("audit field", "Action"),
    "reason": pgettext_lazy("audit field", "Reason"),
    "data": pgettext_lazy("audit field", "Details"),
    "details": pgettext_lazy("audit field", "Details"),
    "description": pgettext_lazy("audit field", "Description"),
    "caption": pgettext_lazy("audit field", "Caption"),
    "photo": pgettext_lazy("audit field", "Photo"),
    "duty": pgettext_lazy("audit field", "Duty"),
    "team": pgettext_lazy("audit field", "Team"),
    "name": pgettext_lazy("audit field", "Name"),
    "date": pgettext_lazy("audit field", "Date"),
    "slot": pgettext_lazy("audit field", "Time slot"),
    "done": pgettext_lazy("audit field", "Done"),
    "urgency": pgettext_lazy("audit field", "Urgency"),
    "area": pgettext_lazy("audit field", "Area"),
    "scope": pgettext_lazy("audit field", "Scope"),
    "result": pgettext_lazy("audit field", "Result"),
    "results": pgettext_lazy("audit field", "Results"),
    "test_result": pgettext_lazy("audit field", "Test result"),
    "tests": pgettext_lazy("audit field", "Tests"),
    "negative": pgettext_lazy("audit field", "Negative"),
    "positive": pgettext_lazy("audit field", "Positive"),
    "invalid": pgettext_lazy("audit field", "Invalid"),
    "reported_on": pgettext_lazy("audit field", "Reported on"),
    "level_in_force": pgettext_lazy("audit field", "Level in force"),
    "closed_management": pgettext_lazy("audit field", "Closed management"),
    "removed": pgettext_lazy("audit field", "Removed"),
    "revoked": pgettext_lazy("audit field", "Revoked"),
    "revealed": pgettext_lazy("audit field", "Revealed"),
    "merged_into": pgettext_lazy("audit field", "Merged into"),
    "file": pgettext_lazy("audit field", "File"),
    "job": pgettext_lazy("audit field", "Import job"),
    "rows": pgettext_lazy("audit field", "Rows"),
    "skipped_rows": pgettext_lazy("audit field", "Rows skipped"),
    "only_valid": pgettext_lazy("audit field", "Valid rows only"),
    "filter": pgettext_lazy("audit field", "Filter"),
    "counts": pgettext_lazy("audit field", "Counts"),
    "closed_before": pgettext_lazy("audit field", "Closed before"),
    "figure": pgettext_lazy("audit field", "Figure"),
    "computed": pgettext_lazy("audit field", "Computed value"),
    "value": pgettext_lazy("audit field", "Value"),
    "corrections": pgettext_lazy("audit field", "Corrections"),
    "reminder": pgettext_lazy("audit field", "Reminder"),
    "communities": pgettext_lazy("audit field", "Communities"),
    "missing": pgettext_lazy("audit field", "Not reported"),
    "disinfections_stopped": pgettext_lazy("audit field", "Disinfections stopped"),
    "media_files": pgettext_lazy("audit field", "Media files"),
    "created": pgettext_lazy("audit field", "Created"),
    "finished": pgettext_lazy("audit field", "Finished"),
    "demo": pgettext_lazy("audit field", "Demo data"),
    "language": pgettext_lazy("audit field", "Language"),
    "token": pgettext_lazy("audit field", "Link code"),
    "token_hash": pgettext_lazy("audit field", "Link code"),
    "digest": pgettext_lazy("audit field", "Token fingerprint"),
    "client_key": pgettext_lazy("audit field", "Device key"),
    "decision_facts": pgettext_lazy("audit field", "Facts of the decision"),
    "submitted_from": pgettext_lazy("audit field", "Submitted from"),
    "sub_name": pgettext_lazy("audit field", "Place below"),
    "doc_index": pgettext_lazy("audit field", "Document number (search key)"),
    "doc_last4": pgettext_lazy("audit field", "Document number, last 4"),
    "doc_masked": pgettext_lazy("audit field", "Document number (masked)"),
    "phone_index": pgettext_lazy("audit field", "Phone (search key)"),
    "phone_last4": pgettext_lazy("audit field", "Phone, last 4"),
    "phone_masked": pgettext_lazy("audit field", "Phone (masked)"),
    "at": pgettext_lazy("audit field", "Time"),
    "by": pgettext_lazy("audit field", "By"),
    "created_at": pgettext_lazy("audit field", "Created"),
    "created_by": pgettext_lazy("audit field", "Created by"),
    "updated_at": pgettext_lazy("audit field", "Updated"),
    "updated_by": pgettext_lazy("audit field", "Updated by"),
    "opened_by": pgettext_lazy("audit field", "Opened by"),
    "closed_at": pgettext_lazy("audit field", "Closed"),
    "closed_by": pgettext_lazy("audit field", "Closed by"),
    "recorded_at": pgettext_lazy("audit field", "Recorded"),
    "recorded_by": pgettext_lazy("audit field", "Recorded by"),
    "reported_by": pgettext_lazy("audit field", "Reported by"),
    "entered_by": pgettext_lazy("audit field", "Entered by"),
    "confirmed_by": pgettext_lazy("audit field", "Confirmed by"),
    "rejected_at": pgettext_lazy("audit field", "Rejected"),
    "rejected_by": pgettext_lazy("audit field", "Rejected by"),
    "activated_at": pgettext_lazy("audit field", "Activated"),
    "activated_by": pgettext_lazy("audit field", "Activated by"),
    "handled_at": pgettext_lazy("audit field", "Handled"),
    "handled_by": pgettext_lazy("audit field", "Handled by"),
    "issued_at": pgettext_lazy("audit field", "Issued"),
    "issued_by": pgettext_lazy("audit field", "Issued by"),
    "revoked_at": pgettext_lazy("audit field", "Revoked"),
    "revoked_by": pgettext_lazy("audit field", "Revoked by"),
    "added_at": pgettext_lazy("audit field", "Added"),
    "added_by": pgettext_lazy("audit field", "Added by"),
    "set_at": pgettext_lazy("audit field", "Set"),
    "set_by": pgettext_lazy("audit field", "Set by"),
    "removed_at": pgettext_lazy("audit field", "Removed"),
    "removed_by": pgettext_lazy("audit field", "Removed by"),
    "changed_at": pgettext_lazy("audit field", "Changed"),
    "changed_by": pgettext_lazy("audit field", "Changed by"),
    "raised_at": pgettext_lazy("audit field", "Raised"),
    "escalate_at": pgettext_lazy("audit field", "Escalates at"),
    "acknowledged_at": pgettext_lazy("audit field", "Acknowledged"),
    "acknowledged_by": pgettext_lazy("audit field", "Acknowledged by"),
    "contacted_at": pgettext_lazy("audit field", "Medical institution contacted"),
    "contacted_by": pgettext_lazy("audit field", "Contacted by"),
    "signed_at": pgettext_lazy("audit field", "Signed"),
    "sampled_by": pgettext_lazy("audit field", "Sampled by"),
    "result_at": pgettext_lazy("audit field", "Result time"),
    "last_used_at": pgettext_lazy("audit field", "Last used"),
    "done_by": pgettext_lazy("audit field", "Done by"),
    "requested_by": pgettext_lazy("audit field", "Requested by"),
    "assigned_by": pgettext_lazy("audit field", "Assigned by"),
    "delivered_at": pgettext_lazy("audit field", "Delivered"),
    "delivered_by": pgettext_lazy("audit field", "Delivered by"),
}
#: what a change key names when it is no foreign key of the record (its value is an id)
KEY_MODELS = {
    "cadre": "core.user",
    "medic": "core.user",
    "volunteer": "core.user",
    "user": "core.user",
    "township": "core.township",
    "community": "core.community",
    "grid": "core.grid",
    "building": "core.building",
    "unit": "core.unit",
    "household": "people.household",
    "resident": "people.resident",
    "merged_into": "people.resident",
    "case": "quarantine.case",
    "index_case": "quarantine.indexcase",
    "lockdown": "lockdown.lockdown",
    "item": "closure.checklistitem",
    "round": "masstesting.round",
    "gate": "checkpoints.gate",
}
#: names of record types whose model has no name of its own
RECORD_TYPES: dict[str, Promise] = {
    "screening.stay": pgettext_lazy("record type", "Place stayed"),
    "screening.observation": pgettext_lazy("record type", "Observation"),
    "quarantine.caseevent": pgettext_lazy("record type", "Case event"),
    "quarantine.signoff": pgettext_lazy("record type", "Release signature"),
    "quarantine.counsellingnote": pgettext_lazy("record type", "Counselling note"),
    "health.reportlink": pgettext_lazy("record type", "Household report link"),
}
#: records whose name is a person's: shown masked (the surname only)
PERSONAL = {"people.resident": lambda obj: mask_name(obj.name)}

_ISO_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
_ID = re.compile(r"^\d{1,18}$")


@dataclass(frozen=True, slots=True)
class Change:
    label: str
    old: Any = None
    new: Any = None
    is_pair: bool = False


def _model(target_type: str) -> type[models.Model] | None:
    try:
        return apps.get_model(target_type)
    except (LookupError, ValueError):
        return None


def _field(target_type: str, name: str) -> models.Field[Any, Any] | None:
    model = _model(target_type)
    if model is None:
        return None
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    return field if isinstance(field, models.Field) else None


def _label(target_type: str, name: str) -> str:
    if name in EXTRA_FIELD_LABELS:
        return str(EXTRA_FIELD_LABELS[name])
    field = _field(target_type, name)
    # a label given to the field (translated); a name Django made up from the field is English
    if field is not None and isinstance(field.verbose_name, Promise):
        return capfirst(str(field.verbose_name))
    if name in KEY_LABELS:
        return capfirst(str(KEY_LABELS[name]))
    if field is not None and field.related_model is not None:
        return record_type_label(field.related_model._meta.label_lower)
    return name


def record_type_label(target_type: str) -> str:
    """'people.resident' as the model's name a user reads (居民)."""
    if target_type in RECORD_TYPES:
        return capfirst(str(RECORD_TYPES[target_type]))
    model = _model(target_type)
    if model is None:
        return target_type
    return capfirst(str(model._meta.verbose_name))


def _related(target_type: str, name: str) -> str | None:
    """The model (label) a key's id points at, if it is a reference."""
    field = _field(target_type, name)
    if field is not None and field.related_model is not None and field.many_to_one:
        return field.related_model._meta.label_lower
    if field is None or name in KEY_MODELS:
        return KEY_MODELS.get(name)
    return None


def _ids(value: Any) -> list[int]:
    values = value if isinstance(value, list) else [value]
    return [
        int(v)
        for v in values
        if isinstance(v, int | str) and not isinstance(v, bool) and _ID.match(str(v))
    ]


class _Names:
    """The names of the records the entries refer to, one query per kind of record."""

    def __init__(self, wanted: Mapping[str, set[int]]) -> None:
        self.names: dict[tuple[str, int], str] = {}
        for label, pks in wanted.items():
            model = _model(label)
            if model is None or not pks:
                continue
            found = model._default_manager.filter(pk__in=pks)
            of_a_person = label not in PERSONAL and _field(label, "resident") is not None
            if of_a_person:  # its own name would be the person's (张三丰 居家隔离): masked
                found = found.select_related("resident")
            for obj in found:
                if label in PERSONAL:
                    text = PERSONAL[label](obj)
                elif of_a_person:
                    text = _("%(type)s of %(name)s") % {
                        "type": record_type_label(label),
                        "name": mask_name(obj.resident.name),  # type: ignore[attr-defined]
                    }
                else:
                    text = str(obj)
                self.names[(label, obj.pk)] = text

    def get(self, label: str, pk: int) -> str | None:
        return self.names.get((label, pk))


def _when(text: str) -> str:
    try:
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return text
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return formats.date_format(moment, "Y-m-d H:i")


def _one(target_type: str, name: str, value: Any, names: _Names) -> Any:
    """One value as a user reads it."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return pgettext("audit value", "Yes") if value else pgettext("audit value", "No")
    if isinstance(value, str) and name in SENSITIVE_AUDIT_FIELDS:
        return SENSITIVE_AUDIT_FIELDS[name](value)
    field = _field(target_type, name)
    if field is not None and field.choices and not isinstance(value, dict | list):
        shown = dict(field.flatchoices).get(value)
        if shown is not None:
            return str(shown)
    related = _related(target_type, name)
    if related is not None and not isinstance(value, list) and _ids(value):
        found = names.get(related, _ids(value)[0])
        return (
            found
            if found is not None
            else _("%(type)s no. %(id)s (deleted)")
            % {
                "type": record_type_label(related),
                "id": value,
            }
        )
    if isinstance(value, str) and _ISO_TIME.match(value):
        return _when(value)
    if isinstance(value, dict):
        parts = [
            _("%(label)s: %(value)s")
            % {
                "label": record_type_label(k) if "." in k else _label(target_type, k),
                "value": _one(target_type, k, v, names),
            }
            for k, v in ((str(k), v) for k, v in value.items())
        ]
        return pgettext("separator of a list of facts", "; ").join(parts) or "—"
    if isinstance(value, list):
        separator = pgettext("separator of a list of values", ", ")
        return separator.join(str(_one(target_type, name, v, names)) for v in value) or "—"
    return value


def _wanted(entries: Iterable[AuditEntry]) -> dict[str, set[int]]:
    wanted: dict[str, set[int]] = defaultdict(set)
    for entry in entries:
        for name, value in (entry.changes or {}).items():
            related = _related(entry.target_type, name)
            if related is not None:
                wanted[related].update(_ids(value))
    return wanted


def _describe(entry: AuditEntry, names: _Names) -> list[Change]:
    changes: Mapping[str, Any] = entry.changes or {}
    out = []
    for name, value in changes.items():
        if entry.action == AuditAction.REVEAL and name == "field":
            out.append(Change(_("Revealed"), _label(entry.target_type, str(value))))
            continue
        label = _label(entry.target_type, name)
        pair = (
            entry.action in (AuditAction.UPDATE, AuditAction.MERGE, AuditAction.TRANSITION)
            and isinstance(value, list)
            and len(value) == 2
            and name not in ("tags", "resident_ids", "household_ids")
        )
        if pair:
            out.append(
                Change(
                    label,
                    _one(entry.target_type, name, value[0], names),
                    _one(entry.target_type, name, value[1], names),
                    True,
                )
            )
        else:
            out.append(Change(label, _one(entry.target_type, name, value, names)))
    return out


def describe_entries(entries: Iterable[AuditEntry]) -> list[list[Change]]:
    """Each entry's changes as lines ('field: old → new' for a change of value, 'field:
    value' else), the records they name looked up once for all of them."""
    entries = list(entries)
    names = _Names(_wanted(entries))
    return [_describe(entry, names) for entry in entries]


def describe_changes(entry: AuditEntry) -> list[Change]:
    """One entry's changes as lines (see `describe_entries`)."""
    return describe_entries([entry])[0]
