"""Every write of urgent reports: report, acknowledge, close.

Each is one function: atomic, locks the row it changes, checks role and jurisdiction, refuses
with a `DomainError` that changes nothing, and writes an audit entry. The escalation deadline
is fixed when the report is made, from the policy in force for its township that day.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.core import audit
from fangkong.core.errors import DomainError
from fangkong.core.models import AuditAction, Community, User
from fangkong.core.scoping import covers, jurisdiction_level
from fangkong.policy.versions import in_force

from . import escalation
from .capabilities import UrgentCapability
from .models import Category, SourceKind, Status, UrgentReport

REPORT_FIELDS = (
    "community",
    "category",
    "what",
    "place",
    "occurred_at",
    "people",
    "escalate_at",
    "source_kind",
    "source_id",
    "source_label",
)
MAX_WHAT = 2000
MAX_PLACE = 200
MAX_PEOPLE = 1000
MAX_NOTE = 1000
#: how far back a report may say it happened
MAX_AGE = dt.timedelta(days=30)


def _hhmm(at: dt.datetime | None) -> str:
    return timezone.localtime(at).strftime("%m-%d %H:%M") if at else "—"


def _text(value: str, *, field: str, limit: int, required: str | None) -> str:
    value = (value or "").strip()
    if not value and required:
        raise DomainError(required, field=field)
    if len(value) > limit:
        raise DomainError(
            _("Keep this under %(n)d characters.") % {"n": limit},
            field=field,
        )
    return value


def is_township_of(user: User, report: UrgentReport) -> bool:
    """Staff of the report's township itself (or a superuser): who acknowledges it."""
    return user.is_superuser or (
        jurisdiction_level(user) == "township" and covers(user, township_id=report.township_id)
    )


def may_acknowledge(user: User, report: UrgentReport) -> bool:
    return user.can(UrgentCapability.ACKNOWLEDGE_URGENT) and is_township_of(user, report)


@transaction.atomic
def report(
    by: User,
    community: Community,
    *,
    category: str,
    what: str,
    place: str,
    occurred_at: dt.datetime,
    people: str = "",
    source_kind: str = "",
    source_id: int | None = None,
    source_label: str = "",
    now: dt.datetime | None = None,
) -> UrgentReport:
    """A community's staff report a problem; it escalates after the policy's minutes unless
    the township acknowledges it."""
    now = now or timezone.now()
    if not by.can(UrgentCapability.REPORT_URGENT):
        raise DomainError(_("Your role may not make urgent reports."))
    if not (by.is_superuser or covers(by, community)):
        raise DomainError(_("You may report only for a community of your jurisdiction."))
    if category not in Category.values:
        raise DomainError(_("Choose what kind of problem it is."), field="category")
    what = _text(what, field="what", limit=MAX_WHAT, required=_("Say what happened."))
    place = " ".join((place or "").split())
    place = _text(place, field="place", limit=MAX_PLACE, required=_("Say where it happened."))
    people = _text(people, field="people", limit=MAX_PEOPLE, required=None)
    if occurred_at is None:
        raise DomainError(_("Say when it happened."), field="occurred_at")
    if timezone.is_naive(occurred_at):
        occurred_at = timezone.make_aware(occurred_at)
    if occurred_at > now + dt.timedelta(minutes=5):
        raise DomainError(_("It cannot have happened in the future."), field="occurred_at")
    if occurred_at < now - MAX_AGE:
        raise DomainError(
            _("An urgent report is about the last 30 days; this is older."),
            field="occurred_at",
        )
    if source_kind and source_kind not in SourceKind.values:
        raise DomainError(_("The record this report comes from is unknown."))
    policy = in_force(community.township_id, timezone.localdate(now))
    minutes = policy.as_rules().urgent_report_escalation_minutes
    item = UrgentReport.objects.create(
        township_id=community.township_id,
        community=community,
        category=category,
        what=what,
        place=place,
        occurred_at=occurred_at,
        people=people,
        reported_by=by,
        reported_at=now,
        escalate_at=escalation.escalate_at(now, minutes),
        policy=policy,
        source_kind=source_kind if source_id else "",
        source_id=source_id if source_kind else None,
        source_label=(source_label or "")[:200] if source_kind and source_id else "",
    )
    audit.record_object(by, AuditAction.CREATE, item, changes=audit.snapshot(item, REPORT_FIELDS))
    return item


def _locked(item: UrgentReport, by: User) -> UrgentReport:
    if not by.can(UrgentCapability.ACKNOWLEDGE_URGENT):
        raise DomainError(_("Only the township acknowledges and closes urgent reports."))
    if not is_township_of(by, item):
        raise DomainError(_("Only the township of this community acknowledges its reports."))
    return UrgentReport.objects.select_for_update().get(pk=item.pk)


@transaction.atomic
def acknowledge(
    by: User, item: UrgentReport, *, note: str = "", now: dt.datetime | None = None
) -> UrgentReport:
    """The township has the report: who, when, and what it does about it."""
    now = now or timezone.now()
    item = _locked(item, by)
    if item.status != Status.REPORTED:
        raise DomainError(
            _("This report was already acknowledged by %(name)s at %(time)s.")
            % {"name": item.acknowledged_by or "—", "time": _hhmm(item.acknowledged_at)}
        )
    note = _text(note, field="note", limit=MAX_NOTE, required=None)
    was_late = escalation.was_escalated(item.facts, now)
    item.status = Status.ACKNOWLEDGED
    item.acknowledged_by = by
    item.acknowledged_at = now
    item.acknowledgement = note
    item.save(update_fields=["status", "acknowledged_by", "acknowledged_at", "acknowledgement"])
    audit.record_object(
        by,
        AuditAction.UPDATE,
        item,
        changes={"status": [Status.REPORTED, Status.ACKNOWLEDGED], "escalated": was_late},
        reason=note,
    )
    return item


@transaction.atomic
def close(
    by: User, item: UrgentReport, *, outcome: str, now: dt.datetime | None = None
) -> UrgentReport:
    """The problem is dealt with: the outcome, in words."""
    now = now or timezone.now()
    item = _locked(item, by)
    if item.status == Status.REPORTED:
        raise DomainError(_("Acknowledge the report before closing it."))
    if item.status == Status.CLOSED:
        raise DomainError(
            _("This report was already closed at %(time)s.") % {"time": _hhmm(item.closed_at)}
        )
    outcome = _text(
        outcome, field="outcome", limit=MAX_NOTE, required=_("Say how the problem was dealt with.")
    )
    item.status = Status.CLOSED
    item.closed_by = by
    item.closed_at = now
    item.outcome = outcome
    item.save(update_fields=["status", "closed_by", "closed_at", "outcome"])
    audit.record_object(
        by,
        AuditAction.UPDATE,
        item,
        changes={"status": [Status.ACKNOWLEDGED, Status.CLOSED]},
        reason=outcome,
    )
    return item
