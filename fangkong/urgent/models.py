"""Urgent reports (issue 13 item 3, plan 四(二): "防控过程中发现问题，社区（村）应第一时间报告
街乡镇及卫生防疫部门").

A community reports a problem: what, where, when, who. The township acknowledges it (who,
when, a note) and later closes it with the outcome. A report not acknowledged by
`escalate_at` (reported + the policy's `urgent_report_escalation_minutes`, fixed when it was
made) is escalated: highlighted and listed first on the township's list and workbench
(`escalation.py` decides). A report may come from a record of another app (a new index case,
a positive pooled tube, an escalated fever alert): its kind, id and label are kept with a
link back.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fangkong.core.models import Community, Township, User
from fangkong.core.scoping import ScopedQuerySet
from fangkong.policy.models import Policy

from . import escalation
from .capabilities import UrgentCapability


class Category(models.TextChoices):
    NEW_CASE = "new_case", _("New case")
    POSITIVE_TEST = "positive_test", _("Positive test")
    FEVER = "fever", _("Fever cluster")
    CONFLICT = "conflict", _("Refusal or conflict")
    SUPPLIES = "supplies", _("Supplies shortage")
    OTHER = "other", pgettext_lazy("urgent report category", "Other")


class Status(models.TextChoices):
    REPORTED = "reported", pgettext_lazy("urgent report status", "Reported")
    ACKNOWLEDGED = "acknowledged", pgettext_lazy("urgent report status", "Acknowledged")
    CLOSED = "closed", pgettext_lazy("urgent report status", "Closed")


class SourceKind(models.TextChoices):
    INDEX = "index", _("Index case")
    TUBE = "tube", _("Pooled tube")
    ALERT = "alert", _("Health alert")


class UrgentReportQuerySet(ScopedQuerySet["UrgentReport"]):
    scope_paths = {
        "township": "township_id",
        "community": "community_id",
        "grid": "community__grids",
    }
    view_capability = UrgentCapability.VIEW_URGENT

    def unacknowledged(self) -> UrgentReportQuerySet:
        return self.filter(status=Status.REPORTED)

    def escalated(self, now: dt.datetime) -> UrgentReportQuerySet:
        """Waiting for the township at or past the deadline (`escalation.is_escalated`)."""
        return self.filter(status=Status.REPORTED, escalate_at__lte=now)

    def was_escalated(self, now: dt.datetime) -> UrgentReportQuerySet:
        """Not acknowledged by the deadline, now or earlier (`escalation.was_escalated`)."""
        return self.filter(was_escalated_q(now))

    def open(self) -> UrgentReportQuerySet:
        return self.exclude(status=Status.CLOSED)

    def waiting_first(self, now: dt.datetime) -> UrgentReportQuerySet:
        """Escalated first, then the other unacknowledged, acknowledged, closed; newest first."""
        return self.annotate(
            waiting_rank=models.Case(
                models.When(Q(status=Status.REPORTED, escalate_at__lte=now), then=0),
                models.When(status=Status.REPORTED, then=1),
                models.When(status=Status.ACKNOWLEDGED, then=2),
                default=3,
                output_field=models.IntegerField(),
            )
        ).order_by("waiting_rank", "-reported_at", "-id")


def was_escalated_q(now: dt.datetime) -> Q:
    return Q(acknowledged_at__isnull=True, escalate_at__lte=now) | Q(
        acknowledged_at__gte=models.F("escalate_at")
    )


class UrgentReport(models.Model):
    township = models.ForeignKey(Township, on_delete=models.PROTECT, related_name="+")
    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="+", verbose_name=_("community")
    )
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    what = models.TextField(_("what happened"))
    place = models.CharField(_("where"), max_length=200)
    occurred_at = models.DateTimeField(_("when"))
    people = models.TextField(_("who is involved"), blank=True)
    reported_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reported_at = models.DateTimeField(_("reported at"), default=timezone.now)
    escalate_at = models.DateTimeField(_("escalates at"))
    policy = models.ForeignKey(Policy, on_delete=models.PROTECT, related_name="+")
    #: the record it was made from, if any: its kind, id and label at the time
    source_kind = models.CharField(
        _("made from"), max_length=8, choices=SourceKind.choices, blank=True
    )
    source_id = models.PositiveBigIntegerField(_("record number"), null=True, blank=True)
    source_label = models.CharField(_("record"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=14, choices=Status.choices, default=Status.REPORTED
    )
    acknowledged_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledgement = models.TextField(_("note"), blank=True)
    closed_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.TextField(_("outcome"), blank=True)

    objects = UrgentReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("urgent report")
        verbose_name_plural = _("urgent reports")
        ordering = ["-reported_at", "-id"]
        indexes = [
            models.Index(fields=["community", "reported_at"], name="urgent_comm_reported"),
            models.Index(fields=["township", "status"], name="urgent_township_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="reported") | Q(acknowledged_at__isnull=False),
                name="urgent_acknowledged_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(status="closed") | Q(closed_at__isnull=False),
                name="urgent_closed_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_category_display()} {self.community_id}"

    @property
    def facts(self) -> escalation.ReportFacts:
        return escalation.ReportFacts(self.escalate_at, self.acknowledged_at)

    def is_escalated(self, now: dt.datetime | None = None) -> bool:
        return escalation.is_escalated(self.facts, now or timezone.now())

    def was_escalated(self, now: dt.datetime | None = None) -> bool:
        return escalation.was_escalated(self.facts, now or timezone.now())
