"""Every write of inspections: start a round, record an item, add a finding, finish the
round, record a rectification, verify it, record a commendation or a penalty.

Each is one function: atomic, locks the rows it changes, checks role and jurisdiction,
refuses with a `DomainError` that changes nothing, and writes an audit entry. The items a
round checks are the policy's (`inspection_items`) on the day of the round.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.closure.actions import read_photo
from fangkong.core import audit
from fangkong.core.errors import DomainError
from fangkong.core.models import AuditAction, Community, User
from fangkong.core.scoping import covers, jurisdiction_level
from fangkong.policy.versions import in_force
from fangkong.tasks import actions as tasks
from fangkong.tasks.models import Priority, SourceKind
from fangkong.tasks.models import Status as TaskStatus

from . import rectification
from .capabilities import InspectionCapability
from .models import (
    Check,
    CheckResult,
    Finding,
    Inspection,
    InspectorKind,
    Merit,
    MeritKind,
    SubjectKind,
)

MAX_TEXT = 2000
MAX_LINE = 200
#: how far back a round may be recorded, and how far ahead a deadline may be set
MAX_AGE = dt.timedelta(days=30)
MAX_DEADLINE = dt.timedelta(days=90)
INSPECTION_FIELDS = ("community", "by", "on", "inspectors", "led_by", "note", "follows")
FINDING_FIELDS = ("inspection", "item", "what", "place", "owner", "deadline")
MERIT_FIELDS = (
    "community",
    "kind",
    "subject_kind",
    "subject",
    "reason",
    "decision",
    "decided_on",
    "finding",
)


def _text(value: str, *, field: str, limit: int, required: str | None) -> str:
    value = (value or "").strip()
    if not value and required:
        raise DomainError(required, field=field)
    if len(value) > limit:
        raise DomainError(_("Keep this under %(n)d characters.") % {"n": limit}, field=field)
    return value


def _is_township(user: User) -> bool:
    return user.is_superuser or jurisdiction_level(user) == "township"


def _may(user: User, capability: InspectionCapability, place: Any) -> None:
    """`place`: a community, or a record carrying `township_id` and `community_id`."""
    if not user.can(capability):
        raise DomainError(_("Your role may not do this."))
    if not (user.is_superuser or covers(user, place)):
        raise DomainError(_("This community is outside your jurisdiction."))


def may_inspect(user: User, place: Any) -> bool:
    try:
        _may(user, InspectionCapability.INSPECT, place)
    except DomainError:
        return False
    return True


def _photo(data: bytes | None, field: str) -> tuple[ContentFile[bytes], str] | None:
    if not data:
        return None
    try:
        ending = read_photo(data)
    except DomainError as exc:
        raise DomainError(exc.message, field=field) from exc
    return ContentFile(data), f"{uuid.uuid4().hex}.{ending}"


@transaction.atomic
def start(
    by: User,
    community: Community,
    *,
    kind: str,
    on: dt.date,
    inspectors: str,
    note: str = "",
    follows: Inspection | None = None,
    now: dt.datetime | None = None,
) -> Inspection:
    """Open a round for `community` on `on` with the policy's items to check."""
    now = now or timezone.now()
    _may(by, InspectionCapability.INSPECT, community)
    if kind not in InspectorKind.values:
        raise DomainError(_("Say who inspects: the supervising team or the township."), field="by")
    if kind == InspectorKind.TOWNSHIP and not _is_township(by):
        raise DomainError(_("Only the township's staff record a township inspection."), field="by")
    today = timezone.localdate(now)
    if on is None or on > today:
        raise DomainError(_("An inspection is recorded on or after its day."), field="on")
    if on < today - MAX_AGE:
        raise DomainError(_("An inspection is recorded within 30 days."), field="on")
    inspectors = " ".join((inspectors or "").split())
    inspectors = _text(
        inspectors, field="inspectors", limit=MAX_LINE, required=_("Name who inspects.")
    )
    note = _text(note, field="note", limit=MAX_TEXT, required=None)
    if follows is not None and follows.community_id != community.pk:
        raise DomainError(_("A re-inspection follows a round of the same community."))
    policy = in_force(community.township_id, on)
    item = Inspection.objects.create(
        township_id=community.township_id,
        community=community,
        by=kind,
        on=on,
        inspectors=inspectors,
        led_by=by,
        policy=policy,
        note=note,
        follows=follows,
        created_at=now,
    )
    Check.objects.bulk_create(
        Check(inspection=item, item=key) for key in policy.as_rules().inspection_items
    )
    audit.record_object(
        by, AuditAction.CREATE, item, changes=audit.snapshot(item, INSPECTION_FIELDS)
    )
    return item


def _task_for(by: User, finding: Finding, now: dt.datetime) -> None:
    """The owner's task to rectify `finding` by its deadline, linked back to it."""
    finding.task = tasks.create_task(
        by,
        finding.community,
        title=_("Rectify: %(what)s") % {"what": finding.what[:60]},
        description=finding.what,
        due_date=finding.deadline,
        assignee=finding.owner,
        priority=Priority.HIGH,
        source_kind=SourceKind.INSPECTION,
        source_id=finding.pk,
        now=now,
    )
    finding.save(update_fields=["task"])


def _finish_task(by: User, finding: Finding, now: dt.datetime) -> None:
    """The owner's task is done once the rectification is recorded (whoever recorded it)."""
    task = finding.task
    if task is None or task.status in (TaskStatus.DONE, TaskStatus.CANCELLED):
        return
    worker = by if tasks.may_work(by, task) else finding.owner
    tasks.change_status(worker, task, to=TaskStatus.DONE, now=now)


def _open_round(by: User, inspection: Inspection) -> Inspection:
    _may(by, InspectionCapability.INSPECT, inspection)
    locked = Inspection.objects.select_for_update().get(pk=inspection.pk)
    if locked.finished_at is not None:
        raise DomainError(_("This inspection is finished; start a re-inspection instead."))
    return locked


@transaction.atomic
def record_check(
    by: User, inspection: Inspection, *, item: str, result: str, note: str = ""
) -> Check:
    inspection = _open_round(by, inspection)
    check = Check.objects.select_for_update().filter(inspection=inspection, item=item).first()
    if check is None:
        raise DomainError(_("This round does not check that item."))
    if result not in CheckResult.values:
        raise DomainError(_("Choose met, not met or not checked."), field="result")
    note = _text(note, field="note", limit=500, required=None)
    before = audit.snapshot(check, ("result", "note"))
    check.result = result
    check.note = note
    check.save(update_fields=["result", "note"])
    changes = audit.diff(before, audit.snapshot(check, ("result", "note")))
    if changes:
        audit.record_object(by, AuditAction.UPDATE, inspection, changes={"item": item, **changes})
    return check


@transaction.atomic
def add_finding(
    by: User,
    inspection: Inspection,
    *,
    what: str,
    owner: User,
    deadline: dt.date,
    item: str = "",
    place: str = "",
    photo: bytes | None = None,
    now: dt.datetime | None = None,
) -> Finding:
    """A problem found: who rectifies it, by when, with a photo if taken."""
    now = now or timezone.now()
    inspection = _open_round(by, inspection)
    if item and not inspection.checks.filter(item=item).exists():
        raise DomainError(_("This round does not check that item."), field="item")
    what = _text(what, field="what", limit=MAX_TEXT, required=_("Say what was found."))
    place = _text(" ".join((place or "").split()), field="place", limit=MAX_LINE, required=None)
    if owner is None or not owner.is_active or owner.is_superuser:
        raise DomainError(_("Choose who rectifies it."), field="owner")
    if not covers(owner, inspection) or _is_township(owner):
        raise DomainError(
            _("The person who rectifies it must be staff of this community."), field="owner"
        )
    today = timezone.localdate(now)
    if deadline is None or deadline < today:
        raise DomainError(_("The deadline cannot be in the past."), field="deadline")
    if deadline > today + MAX_DEADLINE:
        raise DomainError(_("Set a deadline within 90 days."), field="deadline")
    stored = _photo(photo, "photo")
    finding = Finding(
        township_id=inspection.township_id,
        community_id=inspection.community_id,
        inspection=inspection,
        item=item,
        what=what,
        place=place,
        owner=owner,
        deadline=deadline,
        created_by=by,
        created_at=now,
    )
    if stored is not None:
        finding.photo.save(stored[1], stored[0], save=False)
    finding.save()
    _task_for(by, finding, now)
    if item:
        Check.objects.filter(inspection=inspection, item=item).update(result=CheckResult.UNMET)
    audit.record_object(
        by, AuditAction.CREATE, finding, changes=audit.snapshot(finding, FINDING_FIELDS)
    )
    return finding


@transaction.atomic
def finish(by: User, inspection: Inspection, *, now: dt.datetime | None = None) -> Inspection:
    """Close the round: every item checked (or marked not checked), every item not met with a
    finding that someone must rectify."""
    inspection = _open_round(by, inspection)
    unmet = set(inspection.checks.filter(result=CheckResult.UNMET).values_list("item", flat=True))
    found = set(inspection.findings.values_list("item", flat=True))
    missing = unmet - found
    if missing:
        raise DomainError(_("An item not met needs a finding with who rectifies it and by when."))
    inspection.finished_at = now or timezone.now()
    inspection.save(update_fields=["finished_at"])
    audit.record_object(
        by, AuditAction.UPDATE, inspection, changes=audit.snapshot(inspection, ("finished_at",))
    )
    return inspection


def may_rectify(user: User, finding: Finding) -> bool:
    return finding.owner_id == user.pk or may_inspect(user, finding)


@transaction.atomic
def rectify(
    by: User,
    finding: Finding,
    *,
    evidence: str,
    photo: bytes | None = None,
    now: dt.datetime | None = None,
) -> Finding:
    """The owner says what was done, with evidence (words or a photo): never without."""
    now = now or timezone.now()
    finding = Finding.objects.select_for_update().get(pk=finding.pk)
    if not may_rectify(by, finding):
        raise DomainError(_("Only the person who must rectify this records it."))
    evidence = _text(evidence, field="evidence", limit=MAX_TEXT, required=None)
    if not rectification.Evidence(evidence, 1 if photo else 0).given:
        raise DomainError(
            _("Say what was done or add a photo: a rectification is recorded only with evidence."),
            field="evidence",
        )
    try:
        status = rectification.after(finding.status, rectification.RECTIFY)
    except rectification.NotAllowed:
        raise DomainError(_("This finding is not waiting for a rectification.")) from None
    stored = _photo(photo, "photo")
    before = finding.status
    finding.status = status
    finding.evidence = evidence
    finding.rectified_by = by
    finding.rectified_at = now
    if stored is not None:
        finding.evidence_file.save(stored[1], stored[0], save=False)
    finding.save()
    _finish_task(by, finding, now)
    audit.record_object(
        by, AuditAction.UPDATE, finding, changes={"status": [before, status]}, reason=evidence
    )
    return finding


@transaction.atomic
def verify(
    by: User,
    finding: Finding,
    *,
    accepted: bool,
    note: str = "",
    new_deadline: dt.date | None = None,
    now: dt.datetime | None = None,
) -> Finding:
    """The inspector's re-inspection: the rectification holds (closed) or it does not (open
    again, with what is still wrong and a new deadline)."""
    now = now or timezone.now()
    _may(by, InspectionCapability.INSPECT, finding)
    finding = Finding.objects.select_for_update().get(pk=finding.pk)
    step = rectification.ACCEPT if accepted else rectification.REJECT
    try:
        status = rectification.after(finding.status, step)
    except rectification.NotAllowed:
        raise DomainError(_("Only a rectified finding is verified.")) from None
    note = _text(
        note,
        field="note",
        limit=MAX_TEXT,
        required=None if accepted else _("Say what is still wrong."),
    )
    before = audit.snapshot(finding, ("status", "deadline"))
    if not accepted:
        today = timezone.localdate(now)
        if new_deadline is None or new_deadline < today:
            raise DomainError(_("Set a new deadline, today or later."), field="new_deadline")
        if new_deadline > today + MAX_DEADLINE:
            raise DomainError(_("Set a deadline within 90 days."), field="new_deadline")
        finding.deadline = new_deadline
        finding.rejections += 1
    finding.status = status
    finding.verified_by = by
    finding.verified_at = now
    finding.verification = note
    finding.save()
    if not accepted:
        _task_for(by, finding, now)  # a new round of rectification, a new task
    audit.record_object(
        by,
        AuditAction.UPDATE,
        finding,
        changes=audit.diff(before, audit.snapshot(finding, ("status", "deadline"))),
        reason=note,
    )
    return finding


@transaction.atomic
def record_merit(
    by: User,
    *,
    township_id: int,
    community: Community | None,
    kind: str,
    subject_kind: str,
    subject: str,
    reason: str,
    decision: str,
    decided_on: dt.date,
    finding: Finding | None = None,
) -> Merit:
    """A commendation or a penalty (四(三)), with its reason and decision."""
    if not by.can(InspectionCapability.DECIDE_MERITS):
        raise DomainError(_("Your role may not record commendations or penalties."))
    if community is None:
        if not (_is_township(by) and (by.is_superuser or covers(by, township_id=township_id))):
            raise DomainError(
                _("Only the township records a decision that is not about one community."),
                field="community",
            )
    elif not (by.is_superuser or covers(by, community)):
        raise DomainError(_("This community is outside your jurisdiction."), field="community")
    if kind not in MeritKind.values:
        raise DomainError(_("Choose a commendation or a penalty."), field="kind")
    if subject_kind not in SubjectKind.values:
        raise DomainError(
            _("Say whether it is about an organisation or a person."), field="subject_kind"
        )
    subject = _text(subject, field="subject", limit=100, required=_("Name who it is about."))
    reason = _text(reason, field="reason", limit=MAX_TEXT, required=_("Give the reason."))
    decision = _text(
        decision, field="decision", limit=MAX_TEXT, required=_("Say what was decided.")
    )
    if decided_on is None or decided_on > timezone.localdate():
        raise DomainError(_("A decision is recorded on or after its day."), field="decided_on")
    if finding is not None and (community is None or finding.community_id != community.pk):
        raise DomainError(_("The finding belongs to another community."), field="finding")
    merit = Merit.objects.create(
        township_id=community.township_id if community else township_id,
        community=community,
        kind=kind,
        subject_kind=subject_kind,
        subject=subject,
        reason=reason,
        decision=decision,
        decided_on=decided_on,
        finding=finding,
        recorded_by=by,
    )
    audit.record_object(by, AuditAction.CREATE, merit, changes=audit.snapshot(merit, MERIT_FIELDS))
    return merit
