"""The community's daily report to the township (plan 四(二): "各社区（村组）每日汇总社区（村组）
疫情联防联控信息，报至镇防控领导小组，无病例零报告").

A `DailyReport` is one community's report for one day. Its figures are computed from the
records (`figures.py`, from the sections the apps register); the office may correct a figure
only with a reason (`Correction`, the computed value kept beside it) and submits by the
policy's deadline. Each submission is kept as a `Submission` (the figures as computed and as
sent, the corrections, whether it was a zero report, on time or late); the township may
return a report with a comment, and a resubmission is the next version. A day with no case
is still submitted, as an explicit 零报告. The township approves its consolidated report
(`TownshipReport`): the totals of the reports it received, and the communities that did not
report; the community reports in it become approved.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fangkong.core.days import month_day
from fangkong.core.models import Community, Township, User
from fangkong.core.scoping import ScopedQuerySet

from .capabilities import ReportCapability


class ReportStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("daily report status", "Not submitted")
    SUBMITTED = "submitted", pgettext_lazy("daily report status", "Submitted")
    RETURNED = "returned", pgettext_lazy("daily report status", "Returned")
    APPROVED = "approved", pgettext_lazy("daily report status", "Approved")


#: statuses in which the township holds the report (it can no longer be corrected)
LOCKED = (ReportStatus.SUBMITTED, ReportStatus.APPROVED)


class DailyReportQuerySet(ScopedQuerySet["DailyReport"]):
    scope_paths = {
        "township": "township_id",
        "community": "community_id",
        "grid": "community__grids",
    }
    view_capability = ReportCapability.VIEW_DAILY_REPORTS


class DailyReport(models.Model):
    township = models.ForeignKey(Township, on_delete=models.PROTECT, related_name="+")
    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="+")
    date = models.DateField(_("day"))
    status = models.CharField(
        _("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    #: submissions so far (the current version's number once submitted)
    version = models.PositiveIntegerField(_("version"), default=0)
    #: the figures as last submitted, corrections applied ({figure key: value})
    figures = models.JSONField(_("figures"), default=dict, blank=True)
    zero_report = models.BooleanField(_("zero report (no case)"), default=False)
    note = models.TextField(_("remarks"), blank=True)
    first_submitted_at = models.DateTimeField(_("first submitted at"), null=True, blank=True)
    #: whether the first submission came by the policy's deadline
    on_time = models.BooleanField(_("on time"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    returned_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    return_comment = models.TextField(_("why it was returned"), blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = DailyReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("daily report")
        verbose_name_plural = _("daily reports")
        constraints = [
            models.UniqueConstraint(fields=["community", "date"], name="dailyreport_one_a_day")
        ]
        indexes = [models.Index(fields=["township", "date"], name="dailyreport_township_day")]

    def __str__(self) -> str:
        return _("Daily report of %(community)s, %(day)s") % {
            "community": self.community.name,
            "day": month_day(self.date),
        }

    @property
    def locked(self) -> bool:
        return self.status in LOCKED


class CorrectionQuerySet(ScopedQuerySet["Correction"]):
    scope_paths = {
        "township": "report__township_id",
        "community": "report__community_id",
        "grid": "report__community__grids",
    }
    view_capability = ReportCapability.VIEW_DAILY_REPORTS


class Correction(models.Model):
    """A figure the office corrected, with why; the computed value is kept beside it (the one
    shown when the correction was made, and again the one at submission)."""

    report = models.ForeignKey(DailyReport, on_delete=models.CASCADE, related_name="corrections")
    key = models.CharField(_("figure"), max_length=80)
    computed = models.PositiveIntegerField(_("computed value"))
    value = models.PositiveIntegerField(_("corrected value"))
    reason = models.TextField(_("reason"))
    by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    objects = CorrectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("correction of a figure")
        verbose_name_plural = _("corrections of figures")
        constraints = [
            models.UniqueConstraint(fields=["report", "key"], name="correction_one_per_figure")
        ]

    def __str__(self) -> str:
        return f"{self.report}: {self.key}"


class Submission(models.Model):
    """One version of a report as the township received it (kept when it is returned)."""

    report = models.ForeignKey(DailyReport, on_delete=models.CASCADE, related_name="submissions")
    number = models.PositiveIntegerField(_("version"))
    computed = models.JSONField(_("figures as computed"), default=dict)
    figures = models.JSONField(_("figures as submitted"), default=dict)
    #: [{key, computed, value, reason, by}] as they stood at submission
    corrections = models.JSONField(_("corrections"), default=list, blank=True)
    zero_report = models.BooleanField(_("zero report (no case)"), default=False)
    note = models.TextField(_("remarks"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    submitted_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    on_time = models.BooleanField(_("on time"))
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    returned_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    return_comment = models.TextField(_("why it was returned"), blank=True)

    class Meta:
        verbose_name = _("submission of a daily report")
        verbose_name_plural = _("submissions of daily reports")
        ordering = ["report", "number"]
        constraints = [
            models.UniqueConstraint(fields=["report", "number"], name="submission_one_number")
        ]

    def __str__(self) -> str:
        return _("%(report)s, version %(n)d") % {"report": self.report, "n": self.number}


class Reminder(models.Model):
    """The township reminded a community's office that its report is missing."""

    report = models.ForeignKey(DailyReport, on_delete=models.CASCADE, related_name="reminders")
    by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    seen_at = models.DateTimeField(_("seen at"), null=True, blank=True)

    class Meta:
        verbose_name = _("reminder to report")
        verbose_name_plural = _("reminders to report")
        ordering = ["-at"]

    def __str__(self) -> str:
        return _("Reminder: %(report)s") % {"report": self.report}


class TownshipReportQuerySet(ScopedQuerySet["TownshipReport"]):
    scope_paths = {
        "township": "township_id",
        "community": "township__communities",
        "grid": "township__communities__grids",
    }
    view_capability = ReportCapability.REVIEW_DAILY_REPORTS


class TownshipReport(models.Model):
    """The township's consolidated report of a day, approved: the totals of the community
    reports it received and which communities did not report."""

    township = models.ForeignKey(Township, on_delete=models.PROTECT, related_name="+")
    date = models.DateField(_("day"))
    totals = models.JSONField(_("totals"), default=dict)
    #: ids of the community reports included
    included = models.JSONField(_("reports included"), default=list)
    #: names of the communities that had not reported when it was approved
    missing = models.JSONField(_("communities without a report"), default=list, blank=True)
    note = models.TextField(_("remarks"), blank=True)
    approved_at = models.DateTimeField(_("approved at"), default=timezone.now)
    approved_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")

    objects = TownshipReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("township's consolidated daily report")
        verbose_name_plural = _("township's consolidated daily reports")
        constraints = [
            models.UniqueConstraint(fields=["township", "date"], name="townshipreport_one_a_day")
        ]

    def __str__(self) -> str:
        return _("Consolidated daily report of %(township)s, %(day)s") % {
            "township": self.township.name,
            "day": month_day(self.date),
        }
