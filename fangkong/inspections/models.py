"""Inspections, rectifications, commendations and penalties (issue 14 item 7; plan 四(三):
"对工作不力、措施不实的，严肃追责问责"; the 六个一's "一支督查队伍").

An inspection round is made by the community's supervising team or by the township, on a
day, over the items the policy in force names (`PolicyRules.inspection_items`, by default the
六个一). Each item is found met, not met, or not checked; an item not met, or anything else
seen, is a finding with a photo, an owner who must rectify it and a deadline. The owner
records the rectification with evidence; the inspector verifies it at re-inspection (closed,
or open again with a new deadline). Commendations and penalties of an organisation or a
person are recorded with their reason and decision.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fangkong.core.models import Community, Township, User
from fangkong.core.scoping import ScopedQuerySet
from fangkong.policy.display import INSPECTION_ITEM_LABELS
from fangkong.policy.models import Policy

from . import rectification
from .capabilities import InspectionCapability

_SCOPE = {"township": "township_id", "community": "community_id", "grid": "community__grids"}


class InspectorKind(models.TextChoices):
    COMMUNITY = "community", _("The community's supervising team")
    TOWNSHIP = "township", _("The township")


class CheckResult(models.TextChoices):
    MET = "met", pgettext_lazy("inspection item", "Met")
    UNMET = "unmet", pgettext_lazy("inspection item", "Not met")
    NOT_CHECKED = "not_checked", pgettext_lazy("inspection item", "Not checked")


class FindingStatus(models.TextChoices):
    OPEN = rectification.OPEN, pgettext_lazy("finding", "To rectify")
    RECTIFIED = rectification.RECTIFIED, pgettext_lazy("finding", "Rectified, to verify")
    CLOSED = rectification.CLOSED, pgettext_lazy("finding", "Verified and closed")


class InspectionQuerySet(ScopedQuerySet["Inspection"]):
    scope_paths = _SCOPE
    view_capability = InspectionCapability.VIEW_INSPECTIONS


class Inspection(models.Model):
    township = models.ForeignKey(Township, on_delete=models.PROTECT, related_name="+")
    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="+", verbose_name=_("community")
    )
    by = models.CharField(_("inspected by"), max_length=10, choices=InspectorKind.choices)
    on = models.DateField(_("day of the inspection"))
    inspectors = models.CharField(_("inspectors"), max_length=200)
    led_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("led by")
    )
    policy = models.ForeignKey(Policy, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(_("note"), blank=True)
    #: the round whose open findings this one verifies, if it is a re-inspection
    follows = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="re_inspections",
        verbose_name=_("re-inspection of"),
    )
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    objects = InspectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["-on", "-id"]
        indexes = [models.Index(fields=["community", "on"], name="inspection_comm_on")]

    def __str__(self) -> str:
        return f"{self.community.name} {self.on:%Y-%m-%d}"


class Check(models.Model):
    """One item of a round, as found."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="checks")
    item = models.CharField(_("item"), max_length=20)
    result = models.CharField(
        _("result"), max_length=12, choices=CheckResult.choices, default=CheckResult.NOT_CHECKED
    )
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("inspection item")
        verbose_name_plural = _("inspection items")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "item"], name="inspection_check_unique")
        ]

    def __str__(self) -> str:
        return f"{self.inspection_id} {self.item}"

    @property
    def label(self) -> str:
        return str(INSPECTION_ITEM_LABELS.get(self.item, self.item))


class FindingQuerySet(ScopedQuerySet["Finding"]):
    scope_paths = _SCOPE
    view_capability = InspectionCapability.VIEW_INSPECTIONS

    def unresolved(self) -> FindingQuerySet:
        return self.exclude(status=FindingStatus.CLOSED)

    def overdue(self, today: dt.date) -> FindingQuerySet:
        """Still to rectify after the deadline (`rectification.is_overdue`)."""
        return self.filter(status=FindingStatus.OPEN, deadline__lt=today)


class Finding(models.Model):
    township = models.ForeignKey(Township, on_delete=models.PROTECT, related_name="+")
    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="+", verbose_name=_("community")
    )
    inspection = models.ForeignKey(
        Inspection, on_delete=models.PROTECT, related_name="findings", verbose_name=_("inspection")
    )
    item = models.CharField(_("item"), max_length=20, blank=True)
    what = models.TextField(_("what was found"))
    place = models.CharField(_("where"), max_length=200, blank=True)
    photo = models.FileField(_("photo"), upload_to="inspections/%Y/%m/", blank=True)
    owner = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("to be rectified by")
    )
    deadline = models.DateField(_("rectify by"))
    status = models.CharField(
        _("status"), max_length=10, choices=FindingStatus.choices, default=FindingStatus.OPEN
    )
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("found by")
    )
    created_at = models.DateTimeField(_("found at"), default=timezone.now)
    evidence = models.TextField(_("what was done"), blank=True)
    evidence_file = models.FileField(
        _("evidence photo"), upload_to="inspections/%Y/%m/", blank=True
    )
    rectified_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    rectified_at = models.DateTimeField(_("rectified at"), null=True, blank=True)
    verified_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    verification = models.TextField(_("verification"), blank=True)
    #: times the inspector found the rectification wanting
    rejections = models.PositiveSmallIntegerField(_("times sent back"), default=0)
    #: the owner's task for the current round of rectification (tasks: on their workbench)
    task = models.ForeignKey(
        "tasks.Task",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("rectification task"),
    )

    objects = FindingQuerySet.as_manager()

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["deadline", "id"]
        indexes = [
            models.Index(fields=["community", "status", "deadline"], name="finding_comm_due"),
            models.Index(fields=["owner", "status"], name="finding_owner_status"),
        ]

    def __str__(self) -> str:
        return self.what[:40]

    @property
    def item_label(self) -> str:
        return str(INSPECTION_ITEM_LABELS.get(self.item, "")) if self.item else ""

    def is_overdue(self, today: dt.date | None = None) -> bool:
        return rectification.is_overdue(self.status, self.deadline, today or timezone.localdate())

    def days_late(self, today: dt.date | None = None) -> int:
        return rectification.days_late(self.status, self.deadline, today or timezone.localdate())


class MeritKind(models.TextChoices):
    COMMENDATION = "commendation", _("Commendation")
    PENALTY = "penalty", _("Penalty")


class SubjectKind(models.TextChoices):
    ORGANISATION = "organisation", _("An organisation")
    PERSON = "person", _("A person")


class MeritQuerySet(ScopedQuerySet["Merit"]):
    scope_paths = _SCOPE
    view_capability = InspectionCapability.VIEW_INSPECTIONS


class Merit(models.Model):
    """A commendation or a penalty (四(三)): of whom, why, what was decided, by whom."""

    township = models.ForeignKey(Township, on_delete=models.PROTECT, related_name="+")
    community = models.ForeignKey(
        Community,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("community"),
    )
    kind = models.CharField(_("kind"), max_length=14, choices=MeritKind.choices)
    subject_kind = models.CharField(_("about"), max_length=14, choices=SubjectKind.choices)
    subject = models.CharField(_("who"), max_length=100)
    reason = models.TextField(_("reason"))
    decision = models.TextField(_("decision"))
    decided_on = models.DateField(_("decided on"))
    finding = models.ForeignKey(
        Finding,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="merits",
        verbose_name=_("finding"),
    )
    recorded_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    objects = MeritQuerySet.as_manager()

    class Meta:
        verbose_name = _("commendation or penalty")
        verbose_name_plural = _("commendations and penalties")
        ordering = ["-decided_on", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.subject}"
