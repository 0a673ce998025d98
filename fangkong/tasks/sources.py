"""The record a task was made from (an alert, a gate stop, an urgent report, an inspection
finding), kept as (kind, id) on the task and resolved here into a label and a link. An
inspection finding belongs to a higher app: it is resolved by the answer that app provides to
`INSPECTION_FINDING` (`inspections/panels.py`), so tasks does not import it.

Each reader takes the record through the user's own scope (`visible_to`), so nobody makes a
task from, or sees the label of, a record they may not see. Labels name the record by its
kind and number, never the person (the link shows the rest to who may see it).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.checkpoints.models import GateEntry, Verdict
from fangkong.core.models import User
from fangkong.core.registry import answer_to
from fangkong.health.models import Alert
from fangkong.urgent.models import UrgentReport

from .models import Priority, SourceKind


@dataclass(frozen=True, slots=True)
class Source:
    kind: str
    id: int
    label: str
    url: str
    community_id: int
    #: what the new task's form starts with
    title: str
    priority: str


def _alert(user: User, pk: int) -> Source | None:
    alert = Alert.objects.visible_to(user).filter(pk=pk).first()
    if alert is None:
        return None
    label = _("Health alert #%(id)s") % {"id": alert.pk}
    return Source(
        SourceKind.ALERT,
        alert.pk,
        label,
        reverse("health:alert_detail", args=[alert.pk]),
        alert.community_id,
        _("Follow up %(record)s") % {"record": label},
        Priority.HIGH,
    )


def _gate_stop(user: User, pk: int) -> Source | None:
    entry = (
        GateEntry.objects.visible_to(user)
        .filter(pk=pk, verdict=Verdict.STOP)
        .select_related("gate")
        .first()
    )
    if entry is None:
        return None
    at = timezone.localtime(entry.at)
    label = _("Gate stop at %(gate)s, %(time)s") % {
        "gate": entry.gate.name,
        "time": at.strftime("%m-%d %H:%M"),
    }
    url = f"{reverse('checkpoints:log')}?day={at.date().isoformat()}&verdict=stop"
    return Source(
        SourceKind.GATE_STOP,
        entry.pk,
        label,
        url,
        entry.community_id,
        _("Follow up %(record)s") % {"record": label},
        Priority.HIGH,
    )


def _urgent(user: User, pk: int) -> Source | None:
    item = UrgentReport.objects.visible_to(user).filter(pk=pk).first()
    if item is None:
        return None
    label = _("Urgent report #%(id)s: %(category)s") % {
        "id": item.pk,
        "category": item.get_category_display(),
    }
    return Source(
        SourceKind.URGENT,
        item.pk,
        label,
        reverse("urgent:detail", args=[item.pk]),
        item.community_id,
        _("Follow up %(record)s") % {"record": label},
        Priority.URGENT,
    )


#: the question whose answer (user, finding id) -> Source | None reads an inspection finding
INSPECTION_FINDING = "tasks.inspection_finding"


def _inspection(user: User, pk: int) -> Source | None:
    try:
        reader = answer_to(INSPECTION_FINDING)
    except LookupError:
        return None
    found: Source | None = reader(user, pk)
    return found


_READERS = {
    SourceKind.ALERT: _alert,
    SourceKind.GATE_STOP: _gate_stop,
    SourceKind.URGENT: _urgent,
    SourceKind.INSPECTION: _inspection,
}


def resolve(user: User, kind: str, pk: object) -> Source | None:
    """The record `kind` #`pk` as `user` may see it; None when unknown or not theirs."""
    reader = _READERS.get(kind)  # type: ignore[call-overload]
    try:
        number = int(str(pk))
    except (TypeError, ValueError):
        return None
    if reader is None or number < 1:
        return None
    return reader(user, number)  # type: ignore[no-any-return]


def label_of(kind: str, pk: int | None) -> str:
    """A label that needs no access (the kind and number), for lists and the API."""
    if not kind or pk is None:
        return ""
    return f"{SourceKind(kind).label} #{pk}" if kind in SourceKind.values else ""
