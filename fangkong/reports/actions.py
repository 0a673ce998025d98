"""Every write of the daily report: correct a figure, submit (a zero report included), return,
remind, approve the township's consolidated report. Each runs in a transaction, locks what it
changes, records an audit entry and refuses with a DomainError whose sentence says what to do.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.core import audit
from fangkong.core.errors import DomainError
from fangkong.core.models import AuditAction, Community, Township, User
from fangkong.core.scoping import covers, jurisdiction_level
from fangkong.policy.versions import in_force

from . import figures, rules
from .capabilities import ReportCapability
from .models import (
    Correction,
    DailyReport,
    Reminder,
    ReportStatus,
    Submission,
    TownshipReport,
)

MAX_TEXT = 1000


def _text(value: str, *, field: str, required: str = "") -> str:
    text = (value or "").strip()
    if required and not text:
        raise DomainError(required, field=field)
    if len(text) > MAX_TEXT:
        raise DomainError(_("Keep it under %(n)d characters.") % {"n": MAX_TEXT}, field=field)
    return text


def may_prepare(user: User, community: Community) -> bool:
    return user.can(ReportCapability.PREPARE_DAILY_REPORTS) and covers(user, community)


def is_reviewer_of(user: User, township_id: int) -> bool:
    """Whether `user` reviews the reports of this township: its own staff (or a superuser)
    holding the review capability."""
    if not user.can(ReportCapability.REVIEW_DAILY_REPORTS):
        return False
    return user.is_superuser or (
        jurisdiction_level(user) == "township" and covers(user, township_id=township_id)
    )


def _check_prepare(user: User, community: Community) -> None:
    if not user.can(ReportCapability.PREPARE_DAILY_REPORTS):
        raise DomainError(_("Your role may not prepare the daily report."))
    if not covers(user, community):
        raise DomainError(_("This community is outside your jurisdiction."))


def _check_review(user: User, township_id: int) -> None:
    if not is_reviewer_of(user, township_id):
        raise DomainError(_("Only the township of this community reviews its daily reports."))


def _check_day(day: dt.date) -> None:
    if day > timezone.localdate():
        raise DomainError(_("A day to come cannot be reported yet."), field="date")


def report_for(community: Community, day: dt.date, *, lock: bool = False) -> DailyReport:
    """The community's report of `day`, made (as a draft) when there is none yet."""
    qs = DailyReport.objects.select_for_update() if lock else DailyReport.objects.all()
    found = qs.filter(community=community, date=day).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            DailyReport.objects.create(
                township_id=community.township_id, community=community, date=day
            )
    except IntegrityError:
        pass  # made by a request at the same moment
    return qs.get(community=community, date=day)


def _refuse_if_locked(report: DailyReport) -> None:
    if report.status == ReportStatus.SUBMITTED:
        raise DomainError(
            _(
                "This report has been submitted and is locked. If something must change, "
                "ask the township to return it."
            )
        )
    if report.status == ReportStatus.APPROVED:
        raise DomainError(_("This report has been approved by the township and is locked."))


@transaction.atomic
def correct(
    user: User, community: Community, day: dt.date, *, key: str, value: Any, reason: str
) -> Correction:
    """Correct one figure of the draft, with a reason; the computed value is kept beside it."""
    _check_prepare(user, community)
    _check_day(day)
    layout = figures.layout()
    if key not in layout.keys:
        raise DomainError(_("There is no such figure in the daily report."), field="key")
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = -1
    if number < 0 or number > 10_000_000:
        raise DomainError(_("Enter the figure as a whole number, 0 or more."), field="value")
    why = _text(reason, field="reason", required=_("Say why the figure is corrected."))
    report = report_for(community, day, lock=True)
    _refuse_if_locked(report)
    computed = figures.compute(day, [community.pk])[community.pk][key]
    found = Correction.objects.filter(report=report, key=key).first()
    before = {"value": found.value, "reason": found.reason} if found else {}
    if found is None:
        found = Correction(report=report, key=key)
    found.computed = computed
    found.value = number
    found.reason = why
    found.by = user
    found.at = timezone.now()
    found.save()
    audit.record_object(
        user,
        AuditAction.UPDATE,
        report,
        changes={
            "figure": layout.label(key),
            "computed": computed,
            "value": [before.get("value"), number],
        },
        reason=why,
    )
    return found


@transaction.atomic
def remove_correction(user: User, community: Community, day: dt.date, *, key: str) -> None:
    _check_prepare(user, community)
    report = report_for(community, day, lock=True)
    _refuse_if_locked(report)
    found = Correction.objects.filter(report=report, key=key).first()
    if found is None:
        raise DomainError(_("This figure has no correction."), field="key")
    found.delete()
    audit.record_object(
        user,
        AuditAction.UPDATE,
        report,
        changes={"figure": figures.layout().label(key), "value": [found.value, None]},
        reason=_("Correction withdrawn: the computed figure stands."),
    )


def deadline_of(township_id: int, day: dt.date) -> str:
    return in_force(township_id, day).as_rules().daily_report_deadline


@transaction.atomic
def submit(
    user: User,
    community: Community,
    day: dt.date,
    *,
    zero_report: bool = False,
    note: str = "",
    now: dt.datetime | None = None,
) -> DailyReport:
    """Send the day's report to the township: the figures computed now, corrections applied,
    frozen as a new version. A zero report (无病例零报告) is an explicit statement that the day
    had no case, refused when a figure that counts cases is not zero."""
    _check_prepare(user, community)
    _check_day(day)
    remarks = _text(note, field="note")
    report = report_for(community, day, lock=True)
    if report.status == ReportStatus.SUBMITTED:
        raise DomainError(
            _(
                "The report of this day has already been submitted. If something must "
                "change, ask the township to return it."
            )
        )
    _refuse_if_locked(report)
    layout = figures.layout()
    computed = figures.compute(day, [community.pk])[community.pk]
    corrections = list(Correction.objects.filter(report=report).order_by("key"))
    sent = rules.apply_corrections(computed, {c.key: c.value for c in corrections})
    cases = rules.cases_in(sent, layout.case_keys)
    if zero_report and cases:
        raise DomainError(
            _("This day is not a zero report: %(figures)s. Submit it as a report with cases.")
            % {"figures": "、".join(f"{layout.label(k)} {sent[k]}" for k in cases)},
            field="zero_report",
        )
    if not zero_report and not cases:
        raise DomainError(
            _("There is no case this day: confirm the zero report (无病例零报告) to submit it."),
            field="zero_report",
        )
    at = now or timezone.now()
    on_time = rules.is_on_time(
        at, day, deadline_of(community.township_id, day), timezone.get_current_timezone()
    )
    report.version += 1
    Submission.objects.create(
        report=report,
        number=report.version,
        computed=computed,
        figures=sent,
        corrections=[
            {
                "key": c.key,
                "label": layout.label(c.key),
                "computed": computed.get(c.key, 0),
                "value": c.value,
                "reason": c.reason,
                "by": str(c.by) if c.by else "",
            }
            for c in corrections
        ],
        zero_report=zero_report,
        note=remarks,
        submitted_at=at,
        submitted_by=user,
        on_time=on_time,
    )
    if report.first_submitted_at is None:
        report.first_submitted_at = at
        report.on_time = on_time
    report.status = ReportStatus.SUBMITTED
    report.figures = sent
    report.zero_report = zero_report
    report.note = remarks
    report.submitted_at = at
    report.submitted_by = user
    report.save()
    report.reminders.filter(seen_at__isnull=True).update(seen_at=at)
    audit.record_object(
        user,
        AuditAction.UPDATE,
        report,
        changes={
            "status": ReportStatus.SUBMITTED.value,
            "version": report.version,
            "zero_report": zero_report,
            "on_time": on_time,
            "corrections": len(corrections),
        },
    )
    return report


@transaction.atomic
def return_report(user: User, report: DailyReport, *, comment: str) -> DailyReport:
    """The township sends a submitted report back for correction, saying why; the version
    stays on record and the next submission is a new one."""
    _check_review(user, report.township_id)
    why = _text(comment, field="comment", required=_("Say what must be corrected."))
    report = DailyReport.objects.select_for_update().get(pk=report.pk)
    if report.status == ReportStatus.APPROVED:
        raise DomainError(
            _("This report is part of the approved consolidated report and cannot be returned.")
        )
    if report.status != ReportStatus.SUBMITTED:
        raise DomainError(_("Only a submitted report can be returned."))
    at = timezone.now()
    Submission.objects.filter(report=report, number=report.version).update(
        returned_at=at, returned_by=user, return_comment=why
    )
    report.status = ReportStatus.RETURNED
    report.returned_at = at
    report.returned_by = user
    report.return_comment = why
    report.save()
    audit.record_object(
        user,
        AuditAction.UPDATE,
        report,
        changes={"status": ReportStatus.RETURNED.value, "version": report.version},
        reason=why,
    )
    return report


@transaction.atomic
def remind(user: User, community: Community, day: dt.date) -> Reminder:
    """Remind the community's office that its report of `day` is missing."""
    _check_review(user, community.township_id)
    _check_day(day)
    report = report_for(community, day, lock=True)
    if report.status in (ReportStatus.SUBMITTED, ReportStatus.APPROVED):
        raise DomainError(_("This community has already submitted its report."))
    reminder = Reminder.objects.create(report=report, by=user)
    audit.record_object(
        user,
        AuditAction.CREATE,
        report,
        changes={"reminder": str(_("Reminded to submit the daily report"))},
    )
    return reminder


@transaction.atomic
def approve(user: User, township: Township, day: dt.date, *, note: str = "") -> TownshipReport:
    """Approve the township's consolidated report of `day`: the totals of the reports
    received; communities without a report are named in it. The reports in it are approved
    (locked for good)."""
    _check_review(user, township.pk)
    _check_day(day)
    remarks = _text(note, field="note")
    Township.objects.select_for_update().get(pk=township.pk)
    if TownshipReport.objects.filter(township=township, date=day).exists():
        raise DomainError(_("The consolidated report of this day has already been approved."))
    reports = list(
        DailyReport.objects.select_for_update()
        .filter(township=township, date=day, status=ReportStatus.SUBMITTED)
        .select_related("community")
    )
    if not reports:
        raise DomainError(_("No community has submitted its report of this day yet."))
    included = {r.community_id for r in reports}
    missing = [
        c.name
        for c in Community.objects.filter(township=township).order_by("sort_key", "name")
        if c.pk not in included
    ]
    if missing and not remarks:
        raise DomainError(
            _(
                "%(n)d communities have not reported (%(names)s): say in the remarks why the "
                "report is approved without them."
            )
            % {"n": len(missing), "names": "、".join(missing)},
            field="note",
        )
    layout = figures.layout()
    at = timezone.now()
    consolidated = TownshipReport.objects.create(
        township=township,
        date=day,
        totals=rules.totals((r.figures for r in reports), layout.keys),
        included=sorted(r.pk for r in reports),
        missing=missing,
        note=remarks,
        approved_at=at,
        approved_by=user,
    )
    DailyReport.objects.filter(pk__in=[r.pk for r in reports]).update(
        status=ReportStatus.APPROVED, approved_at=at, approved_by=user
    )
    audit.record_object(
        user,
        AuditAction.CREATE,
        consolidated,
        changes={"communities": len(reports), "missing": missing},
        reason=remarks,
    )
    return consolidated
