"""The gate log (出入登记台账) of one day: its entries, the day's totals per gate (in, out,
stopped, by reason), and its .xlsx export, written with `core.spreadsheets` and audited like
the other exports. The page, the print page and the export all read it through `day_log`, so
they show the same rows and the same numbers.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from fangkong.core import audit
from fangkong.core.masking import mask_document, mask_phone
from fangkong.core.models import AuditAction, User
from fangkong.core.spreadsheets import XlsxStream

from .gate import StopReason
from .models import Direction, Gate, GateEntry, Verdict
from .reasons import describe, described


@dataclass(slots=True)
class Totals:
    """A gate's (or all gates') day: let in, let out, stopped, and the stops per reason (a
    stop may have several reasons, so these may add up to more than `stopped`)."""

    label: str
    entered: int = 0
    left: int = 0
    stopped: int = 0
    reasons: Counter[str] = field(default_factory=Counter)

    @property
    def recorded(self) -> int:
        return self.entered + self.left + self.stopped

    def reason_rows(self) -> list[tuple[str, int]]:
        """(the reason as the guard reads it, how many stops), in the order of `StopReason`."""
        order = {str(code): i for i, code in enumerate(StopReason)}
        codes = sorted(self.reasons, key=lambda c: (order.get(c, len(order)), c))
        return [(describe(code), self.reasons[code]) for code in codes]

    def add(self, entry: GateEntry) -> None:
        if entry.verdict == Verdict.STOP:
            self.stopped += 1
            self.reasons.update(entry.reasons or [])
        elif entry.direction == Direction.IN:
            self.entered += 1
        else:
            self.left += 1


@dataclass(slots=True)
class DayLog:
    day: dt.date
    gate: Gate | None
    entries: QuerySet[GateEntry]
    #: one per gate that recorded something, in gate order, then all of them together
    per_gate: list[Totals]
    total: Totals

    @property
    def totals(self) -> list[Totals]:
        """The lines of the totals table: each gate then all of them, or the one gate."""
        return [self.total] if self.gate is not None else [*self.per_gate, self.total]


def day_entries(user: User, day: dt.date, gate: Gate | None = None) -> QuerySet[GateEntry]:
    """The entries of `day` (local time) the user may see, at `gate` or at every gate."""
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    qs = GateEntry.objects.visible_to(user).filter(
        at__gte=start, at__lt=start + dt.timedelta(days=1)
    )
    if gate is not None:
        qs = qs.filter(gate=gate)
    return qs


def day_log(user: User, day: dt.date, gate: Gate | None = None) -> DayLog:
    """The day's entries, newest first, with the totals per gate and for the day."""
    entries = (
        day_entries(user, day, gate)
        .select_related("gate", "resident", "host", "guard")
        .order_by("-at", "-id")
    )
    per_gate: dict[int, Totals] = {}
    total = Totals(_("All gates") if gate is None else gate.name)
    names = {}
    for entry in day_entries(user, day, gate).only("gate_id", "direction", "verdict", "reasons"):
        if entry.gate_id not in per_gate:
            per_gate[entry.gate_id] = Totals("")
        per_gate[entry.gate_id].add(entry)
        total.add(entry)
    if per_gate:
        names = dict(
            Gate.objects.filter(pk__in=per_gate).order_by("name").values_list("pk", "name")
        )
    rows = []
    for pk, name in names.items():
        per_gate[pk].label = name
        rows.append(per_gate[pk])
    return DayLog(day, gate, entries, rows, total)


def entry_row(entry: GateEntry) -> dict[str, Any]:
    """One entry as the log shows it: document and phone masked, reasons in words."""
    return {
        "entry": entry,
        "doc": mask_document(entry.resident.doc_number if entry.resident else entry.doc_number),
        "phone": mask_phone(entry.phone),
        "reasons": described(list(entry.reasons or [])),
    }


def _headers() -> list[str]:
    return [
        _("Time"),
        _("Gate"),
        _("Direction"),
        _("Who"),
        _("Name"),
        _("Document number"),
        _("Phone"),
        _("Plate"),
        _("Visiting"),
        _("Reason for the visit"),
        _("Temperature (°C)"),
        _("Health code"),
        _("Answer"),
        _("Stop reasons"),
        _("Guard"),
        _("Handled"),
    ]


def _cells(entry: GateEntry) -> list[Any]:
    row = entry_row(entry)
    return [
        timezone.localtime(entry.at).strftime("%Y-%m-%d %H:%M:%S"),
        entry.gate.name,
        entry.get_direction_display(),
        entry.get_kind_display(),
        entry.name,
        row["doc"],
        row["phone"],
        entry.plate,
        entry.host.name if entry.host else "",
        entry.purpose,
        entry.temperature if entry.temperature is not None else "",
        entry.get_health_code_display(),
        entry.get_verdict_display(),
        "；".join(r["text"] for r in row["reasons"]),
        str(entry.guard) if entry.guard else "",
        entry.handled_note if entry.handled_at else "",
    ]


def write_xlsx(path: str | Path, log: DayLog) -> int:
    """The day's log as a workbook: the entries, then the totals. The entries written."""
    book = XlsxStream(path)
    book.add_sheet(
        str(_("Gate log")), _headers(), (20, 14, 6, 8, 10, 22, 15, 10, 10, 16, 8, 8, 6, 40, 10, 20)
    )
    count = book.write_rows(_cells(e) for e in log.entries.iterator(chunk_size=500))
    book.add_sheet(
        str(_("Totals of the day")),
        [_("Gate"), _("In"), _("Out"), _("Stopped"), pgettext("gate log totals", "Recorded")],
    )
    for totals in log.totals:
        book.write_row([totals.label, totals.entered, totals.left, totals.stopped, totals.recorded])
    book.write_row([])
    book.write_row([_("Stop reason"), _("Stops")])
    for text, n in log.total.reason_rows():
        book.write_row([text, n])
    book.close()
    return count


def export_day(user: User, log: DayLog, path: str | Path) -> int:
    """The export as a user action: write the file, then one audit entry for it."""
    count = write_xlsx(path, log)
    audit.record(
        user,
        AuditAction.EXPORT,
        target_type="checkpoints.gateentry",
        target_repr=_("Gate log of %(day)s (%(count)s rows)")
        % {"day": log.day.isoformat(), "count": count},
        changes={
            "day": log.day.isoformat(),
            "gate": log.gate.name if log.gate else str(_("All gates")),
            "rows": count,
        },
    )
    return count
