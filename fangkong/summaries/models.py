"""Aftercare (plan 四(四) 善后: "做好患者家属安抚工作…做好环境污染消除工作") and the period's
written assessment (四(四): "要形成详细的疫情报告，对传染病的危害程度做出评估").

`FamilyVisit` records a visit to the family of a patient (an index case): who went, when,
what was done and what the family still needs. `Decontamination` records the removal of
contamination at a place (the home of a case, a corridor, a lift), with the agent used.
`Assessment` is the township's written assessment of a period, kept with the summary.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.core.models import Community, Township, User
from fangkong.core.scoping import ScopedQuerySet

from .capabilities import SummaryCapability

_SCOPE = {"township": "township_id", "community": "community_id", "grid": "community__grids"}


class AftercareQuerySet(ScopedQuerySet["FamilyVisit"]):
    scope_paths = _SCOPE
    view_capability = SummaryCapability.RECORD_AFTERCARE


class FamilyVisit(models.Model):
    township = models.ForeignKey(Township, on_delete=models.PROTECT, related_name="+")
    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="+")
    index_case = models.ForeignKey(
        "quarantine.IndexCase",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("index case"),
    )
    visited_on = models.DateField(_("visited on"))
    done = models.TextField(_("what was done"))
    needs = models.TextField(_("what the family still needs"), blank=True)
    by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    objects = AftercareQuerySet.as_manager()

    class Meta:
        verbose_name = _("visit to a patient's family")
        verbose_name_plural = _("visits to patients' families")
        ordering = ["-visited_on", "-id"]

    def __str__(self) -> str:
        return _("Visit of %(day)s") % {"day": self.visited_on.isoformat()}


class DecontaminationQuerySet(ScopedQuerySet["Decontamination"]):
    scope_paths = _SCOPE
    view_capability = SummaryCapability.RECORD_AFTERCARE


class Decontamination(models.Model):
    township = models.ForeignKey(Township, on_delete=models.PROTECT, related_name="+")
    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="+")
    index_case = models.ForeignKey(
        "quarantine.IndexCase",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("index case"),
    )
    place = models.CharField(_("place"), max_length=200)
    done_on = models.DateField(_("done on"))
    agent = models.CharField(_("agent and amount"), max_length=200)
    note = models.TextField(_("note"), blank=True)
    by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    objects = DecontaminationQuerySet.as_manager()

    class Meta:
        verbose_name = _("decontamination")
        verbose_name_plural = _("decontaminations")
        ordering = ["-done_on", "-id"]

    def __str__(self) -> str:
        return self.place


class AssessmentQuerySet(ScopedQuerySet["Assessment"]):
    scope_paths = {
        "township": "township_id",
        "community": "township__communities",
        "grid": "township__communities__grids",
    }
    view_capability = SummaryCapability.VIEW_SUMMARIES


class Assessment(models.Model):
    """The township's written assessment of a period (one per township and period)."""

    township = models.ForeignKey(Township, on_delete=models.PROTECT, related_name="+")
    start = models.DateField(_("from"))
    end = models.DateField(_("to"))
    text = models.TextField(_("assessment"))
    by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField(_("written at"), default=timezone.now)

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("assessment of a period")
        verbose_name_plural = _("assessments of periods")
        constraints = [
            models.UniqueConstraint(fields=["township", "start", "end"], name="assessment_one")
        ]

    def __str__(self) -> str:
        return _("Assessment of %(start)s to %(end)s") % {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
        }
