"""The purge (issue 10, item 14): take people out of closed records past their retention
window, in batches, and audit what was done.

Per kind (see `windows.Kind`), for each township under the policy version in force there:

- alerts (closed, and their case closed or none), check-ins (of a closed case) and quarantine
  cases (released or referred, with no check-in or alert left that is not itself due) are
  deleted, each batch first added to `RetainedCount` by community, day and label, so counts
  by day and community survive (the symptom reviews hanging on them are deleted with them);
- returnee registrations (confirmed or rejected, no open case) and gate entries (residents'
  and vehicles', visitors') keep their rows with the person taken out: resident, pass and host
  links emptied (a confirmed registration keeps its resident: the database requires it),
  names, numbers, addresses, travel history, decision text and symptoms blanked. Their own
  counts (by day, community, level, gate, verdict) keep working on the rows.

Open cases and everything of them are never touched. A second run finds nothing to do.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import models, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fangkong.checkpoints.models import EntryKind, GateEntry
from fangkong.core import audit
from fangkong.core.errors import DomainError
from fangkong.core.models import AuditAction, Township, User
from fangkong.health.models import Alert, AlertStatus, CheckIn, SymptomReview
from fangkong.policy.rules import PolicyRules
from fangkong.policy.versions import in_force
from fangkong.quarantine.models import OPEN_STATUSES, Case
from fangkong.screening.models import Observation, Registration, RegistrationStatus, Stay

from .models import RetainedCount
from .windows import Kind, cutoff

#: rows handled in one transaction
BATCH = 500

KIND_LABELS = {
    Kind.ALERT: gettext_lazy("symptom alerts"),
    Kind.CHECKIN: gettext_lazy("health check-ins"),
    Kind.CASE: gettext_lazy("quarantine cases"),
    Kind.REGISTRATION: gettext_lazy("returnee registrations"),
    Kind.GATE_ENTRY: gettext_lazy("gate entries of residents and vehicles"),
    Kind.VISITOR: gettext_lazy("gate entries of visitors"),
}
#: what the purge does to each kind
DELETED = (Kind.ALERT, Kind.CHECKIN, Kind.CASE)


def kind_label(kind: Kind) -> str:
    return str(KIND_LABELS[kind])


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


class Windows:
    """The start of the local day before which each kind is due, for one township."""

    def __init__(self, rules: PolicyRules, today: dt.date) -> None:
        self.before = {kind: _start_of(cutoff(kind, rules, today=today)) for kind in Kind}
        self.day = {kind: cutoff(kind, rules, today=today) for kind in Kind}


# --- what is due ---------------------------------------------------------------------------


def _alert_due(w: Windows) -> Q:
    return Q(status=AlertStatus.CLOSED, closed_at__lt=w.before[Kind.ALERT]) & (
        Q(case__isnull=True) | ~Q(case__status__in=OPEN_STATUSES)
    )


def _checkin_due(w: Windows) -> Q:
    return Q(case__closed_at__lt=w.before[Kind.CHECKIN]) & ~Q(case__status__in=OPEN_STATUSES)


def due(kind: Kind, township_id: int, w: Windows) -> models.QuerySet[Any]:
    """The rows of `kind` in the township that the purge takes on now."""
    if kind is Kind.ALERT:
        return Alert.objects.filter(_alert_due(w), township_id=township_id)
    if kind is Kind.CHECKIN:
        return CheckIn.objects.filter(_checkin_due(w), township_id=township_id)
    if kind is Kind.CASE:
        kept_checkin = CheckIn.objects.filter(case=OuterRef("pk")).exclude(_checkin_due(w))
        kept_alert = Alert.objects.filter(case=OuterRef("pk")).exclude(_alert_due(w))
        return (
            Case.objects.filter(township_id=township_id, closed_at__lt=w.before[Kind.CASE])
            .exclude(status__in=OPEN_STATUSES)
            .exclude(Exists(kept_checkin))
            .exclude(Exists(kept_alert))
        )
    if kind is Kind.REGISTRATION:
        open_case = Case.objects.filter(registration=OuterRef("pk"), status__in=OPEN_STATUSES)
        return (
            Registration.objects.filter(
                township_id=township_id,
                status__in=(RegistrationStatus.CONFIRMED, RegistrationStatus.REJECTED),
            )
            .alias(closed=Coalesce("rejected_at", "confirmed_at", "decided_at", "created_at"))
            .filter(closed__lt=w.before[Kind.REGISTRATION])
            .filter(
                ~Q(claimed_name="")
                | ~Q(claimed_doc_number="")
                | ~Q(claimed_phone="")
                | ~Q(contact_phone="")
                | ~Q(decision_reason="")
                | Q(resident__isnull=False, status=RegistrationStatus.REJECTED)
                | Exists(Stay.objects.filter(registration=OuterRef("pk")))
            )
            .exclude(Exists(open_case))
        )
    entries = GateEntry.objects.filter(township_id=township_id).filter(
        Q(resident__isnull=False)
        | Q(gate_pass__isnull=False)
        | Q(host__isnull=False)
        | ~Q(name="")
        | ~Q(phone="")
        | ~Q(doc_number="")
        | ~Q(plate="")
    )
    if kind is Kind.VISITOR:
        return entries.filter(kind=EntryKind.VISITOR, at__lt=w.before[Kind.VISITOR])
    return entries.exclude(kind=EntryKind.VISITOR).filter(at__lt=w.before[Kind.GATE_ENTRY])


# --- counts that survive -------------------------------------------------------------------


def _tally_rows(kind: Kind, rows: models.QuerySet[Any]) -> list[dict[str, Any]]:
    """{community_id, day, label, n} of `rows`, the way `RetainedCount` keeps them."""
    if kind is Kind.ALERT:
        grouped = rows.annotate(day=TruncDate("closed_at"), label=F("outcome"))
    elif kind is Kind.CHECKIN:
        grouped = rows.annotate(
            day=F("date"),
            label=models.Case(
                models.When(fever=True, then=models.Value("fever")),
                default=models.Value("normal"),
            ),
        )
    else:
        grouped = rows.annotate(day=TruncDate("closed_at"), label=F("status"))
    return list(
        grouped.values("community_id", "township_id", "day", "label")
        .annotate(n=models.Count("pk"))
        .order_by()
    )


def counts(kind: Kind, township_id: int) -> Counter[tuple[int, dt.date, str]]:
    """{(community, day, label): number} of every record of a deleted kind, live or purged."""
    model = {Kind.ALERT: Alert, Kind.CHECKIN: CheckIn, Kind.CASE: Case}[kind]
    rows = model.objects.filter(township_id=township_id)  # type: ignore[attr-defined]
    if kind is Kind.ALERT:
        rows = rows.filter(status=AlertStatus.CLOSED)
    elif kind is Kind.CASE:
        rows = rows.exclude(status__in=OPEN_STATUSES)
    out: Counter[tuple[int, dt.date, str]] = Counter()
    for r in _tally_rows(kind, rows):
        out[(r["community_id"], r["day"], r["label"] or "")] += r["n"]
    for rc in RetainedCount.objects.filter(kind=kind, township_id=township_id):
        out[(rc.community_id, rc.day, rc.label)] += rc.count
    return out


def _keep_counts(kind: Kind, rows: models.QuerySet[Any]) -> None:
    for r in _tally_rows(kind, rows):
        kept, _created = RetainedCount.objects.select_for_update().get_or_create(
            kind=kind,
            community_id=r["community_id"],
            day=r["day"],
            label=r["label"] or "",
            defaults={"township_id": r["township_id"]},
        )
        RetainedCount.objects.filter(pk=kept.pk).update(count=F("count") + r["n"])


# --- taking the person out -----------------------------------------------------------------


#: how a symptom review hangs on a record of each deleted kind
REVIEW_LINK = {Kind.ALERT: "alert_id", Kind.CHECKIN: "checkin_id", Kind.CASE: "case_id"}


def _delete(kind: Kind) -> Callable[[list[int]], None]:
    model = {Kind.ALERT: Alert, Kind.CHECKIN: CheckIn, Kind.CASE: Case}[kind]

    def run(ids: list[int]) -> None:
        rows = model.objects.filter(pk__in=ids)  # type: ignore[attr-defined]
        _keep_counts(kind, rows)
        # the free-text symptoms reviewed with these records go with them
        SymptomReview.objects.filter(**{f"{REVIEW_LINK[kind]}__in": ids}).delete()
        rows.delete()

    return run


def _anonymise_registrations(ids: list[int]) -> None:
    Stay.objects.filter(registration_id__in=ids).delete()
    Observation.objects.filter(registration_id__in=ids).delete()
    rows = Registration.objects.filter(pk__in=ids)
    # a confirmed registration keeps its link to the resident's register entry (the database
    # requires one: registration_confirmed_has_resident); everything it told is taken out
    rows.filter(status=RegistrationStatus.REJECTED).update(resident=None)
    rows.update(
        claimed_name="",
        claimed_doc_number="",
        claimed_phone="",
        claimed_address="",
        arrival_place="",
        transport_number="",
        reason="",
        symptoms=[],
        contact_name="",
        contact_phone="",
        cert_institution="",
        decision_reason="",
        decision_facts={},
        submitted_from="",
        rejection_reason="",
    )


def _anonymise_entries(ids: list[int]) -> None:
    GateEntry.objects.filter(pk__in=ids).update(
        resident=None,
        gate_pass=None,
        host=None,
        name="",
        phone="",
        doc_number="",
        plate="",
        purpose="",
        handled_note="",
    )


def _handler(kind: Kind) -> Callable[[list[int]], None]:
    if kind in DELETED:
        return _delete(kind)
    if kind is Kind.REGISTRATION:
        return _anonymise_registrations
    return _anonymise_entries


# --- the purge -----------------------------------------------------------------------------


@dataclass
class Outcome:
    """What a purge did (or, dry, would do) in one township, by kind."""

    township: Township
    counts: dict[Kind, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def summary(self) -> str:
        """ "隔离对象 3 条（删除，保留计数）；…" in the active language."""
        parts = []
        for kind in Kind:
            n = self.counts.get(kind, 0)
            if not n:
                continue
            how = _("deleted, counts kept") if kind in DELETED else _("person taken out")
            parts.append(
                _("%(kind)s: %(n)d (%(how)s)") % {"kind": kind_label(kind), "n": n, "how": how}
            )
        return _("; ").join(parts) if parts else _("nothing due")


def _townships(today: dt.date) -> Iterator[tuple[Township, Windows]]:
    """Each township with the windows of its policy in force; one without a policy version
    keeps everything (nothing says how long)."""
    for township in Township.objects.order_by("pk"):
        try:
            rules = in_force(township.pk, today).as_rules()
        except DomainError:
            continue
        yield township, Windows(rules, today)


def plan(today: dt.date | None = None) -> list[Outcome]:
    """What a purge would do now, per township; nothing is changed."""
    today = today or timezone.localdate()
    out = []
    for township, w in _townships(today):
        out.append(Outcome(township, {kind: due(kind, township.pk, w).count() for kind in Kind}))
    return out


def purge(
    *,
    by: User | None = None,
    how: object = "",
    today: dt.date | None = None,
    batch: int = BATCH,
    on_batch: Callable[[Kind, int], None] | None = None,
) -> list[Outcome]:
    """Purge what is due in every township, `batch` rows per transaction; one audit entry
    per township that had something due, saying what and how many, by whom (`by`, or `how`:
    the worker, the command line; a lazy translation, written out in Chinese)."""
    today = today or timezone.localdate()
    outcomes = []
    for township, w in _townships(today):
        outcome = Outcome(township)
        for kind in Kind:
            run = _handler(kind)
            done = 0
            last = 0  # rows are taken in key order; each batch starts after the last one
            while True:
                with transaction.atomic():
                    ids = list(
                        due(kind, township.pk, w)
                        .filter(pk__gt=last)
                        .order_by("pk")
                        .values_list("pk", flat=True)[:batch]
                    )
                    if not ids:
                        break
                    run(ids)
                done += len(ids)
                last = ids[-1]
                if on_batch:
                    on_batch(kind, len(ids))
            outcome.counts[kind] = done
        if outcome.total:
            _audit(outcome, by=by, how=how, windows=w)
        outcomes.append(outcome)
    return outcomes


def _audit(outcome: Outcome, *, by: User | None, how: object, windows: Windows) -> None:
    # written in the site's language, so the log reads the same whoever opens it
    with translation.override("zh-hans"):
        reason = _(
            "Retention period over (personal data kept only as long as the policy says); "
            "run by %(who)s."
        ) % {"who": str(by) if by else str(how) or _("the system")}
        audit.record(
            by,
            AuditAction.DELETE,
            target_type="retention.retainedcount",
            target_repr=_("Purge of personal data: %(summary)s") % {"summary": outcome.summary()},
            township=outcome.township,
            changes={
                "counts": {k.value: n for k, n in outcome.counts.items() if n},
                "closed_before": {
                    k.value: windows.day[k].isoformat() for k, n in outcome.counts.items() if n
                },
            },
            reason=reason,
        )
