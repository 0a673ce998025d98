"""Closed management (F2, plan 三(一)): the community's risk level with its history, and
the "六个一" checklist that is live while closed management is on.

A community's level is either set by the township or follows its county's level in the
risk-area register (`policy.areas.county_risk`); every change is a new `CommunityLevel`
row (never an update), so the history is the table. Closed management is on when the level
in force reaches the policy's `closed_management_from` (中 by default): `state.py` decides.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.closure.capabilities import ClosureCapability
from fangkong.core.models import Community, Grid, Township, User
from fangkong.core.scoping import ScopedQuerySet

from . import checklist, state

_SCOPE = {
    "township": "township_id",
    "community": "community_id",
    "grid": "community__grids",
}


class LevelChoice(models.TextChoices):
    LOW = "low", _("Low risk")
    MEDIUM = "medium", _("Medium risk")
    HIGH = "high", _("High risk")


class LevelSource(models.TextChoices):
    #: set by the township, whatever the county's level
    TOWNSHIP = state.TOWNSHIP, _("Set by the township")
    #: follows the county's level in the risk-area register
    COUNTY = state.COUNTY, _("Follows the county")


class CommunityLevelQuerySet(ScopedQuerySet["CommunityLevel"]):
    scope_paths = _SCOPE
    view_capability = ClosureCapability.VIEW_CLOSURE


class CommunityLevel(models.Model):
    """One entry of a community's level history: from `at` on, the level is `level` (or,
    with source "county", whatever the county's level is on the day asked)."""

    township = models.ForeignKey(Township, on_delete=models.PROTECT, related_name="+")
    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="level_history")
    source = models.CharField(_("source"), max_length=10, choices=LevelSource.choices)
    #: the level set by the township (blank when following the county)
    level = models.CharField(_("level"), max_length=6, choices=LevelChoice.choices, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    set_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(_("from"), default=timezone.now)

    objects = CommunityLevelQuerySet.as_manager()

    class Meta:
        verbose_name = _("community risk level")
        verbose_name_plural = _("community risk levels")
        ordering = ["community_id", "-at", "-id"]
        indexes = [models.Index(fields=["community", "-at"], name="commlevel_comm_at")]

    def __str__(self) -> str:
        return f"{self.community_id} {self.source} {self.level}"


class ChecklistKind(models.TextChoices):
    """The "六个一" of the plan, in its order."""

    ENTRANCE = checklist.ENTRANCE, _("One entrance")
    TEAM = checklist.TEAM, _("One management team")
    PUBLICITY = checklist.PUBLICITY, _("One publicity desk")
    EQUIPMENT = checklist.EQUIPMENT, _("One equipment set")
    RULES = checklist.RULES, _("One set of rules")
    INSPECTION = checklist.INSPECTION, _("One inspection team")


class ItemState(models.TextChoices):
    MISSING = checklist.MISSING, _("Missing")
    IN_PROGRESS = checklist.IN_PROGRESS, _("In progress")
    DONE = checklist.DONE, _("In place")


class ChecklistItemQuerySet(ScopedQuerySet["ChecklistItem"]):
    scope_paths = _SCOPE
    view_capability = ClosureCapability.VIEW_CLOSURE


class ChecklistItem(models.Model):
    """One of the six items for one community: its owner, state and evidence."""

    township = models.ForeignKey(Township, on_delete=models.PROTECT, related_name="+")
    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="checklist")
    kind = models.CharField(_("item"), max_length=12, choices=ChecklistKind.choices)
    state = models.CharField(
        _("state"), max_length=12, choices=ItemState.choices, default=ItemState.MISSING
    )
    owner = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owner"),
    )
    note = models.TextField(_("note"), blank=True)
    #: what the item holds beyond the note, by kind (rules: 24 h duty / daily disinfection /
    #: entry registration in place; equipment: quantities on hand, …)
    details = models.JSONField(_("details"), default=dict, blank=True)
    updated_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    objects = ChecklistItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        ordering = ["community_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["community", "kind"], name="checklist_item_unique")
        ]

    def __str__(self) -> str:
        return f"{self.community_id} {self.get_kind_display()}"


class Evidence(models.Model):
    """A photo (or other file) proving a checklist item."""

    item = models.ForeignKey(ChecklistItem, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(_("photo"), upload_to="closure/%Y/%m/")
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    added_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["added_at", "id"]

    def __str__(self) -> str:
        return self.caption or str(self.file.name)


class TeamMember(models.Model):
    """A member of a community's management team (staff account or a named volunteer /
    property or security person without one)."""

    township = models.ForeignKey(Township, on_delete=models.PROTECT, related_name="+")
    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="+")
    team = models.CharField(
        _("team"),
        max_length=12,
        choices=[
            (ChecklistKind.TEAM, ChecklistKind.TEAM.label),
            (ChecklistKind.INSPECTION, ChecklistKind.INSPECTION.label),
        ],
    )
    user = models.ForeignKey(
        User, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    name = models.CharField(_("name"), max_length=50)
    duty = models.CharField(_("duty"), max_length=50, blank=True, help_text=_("e.g. 保安"))
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        ordering = ["community_id", "team", "id"]

    def __str__(self) -> str:
        return self.name


class CordonQuerySet(ScopedQuerySet["Cordon"]):
    scope_paths = {"township": "township_id", "community": "community_id", "grid": "grid_id"}
    view_capability = ClosureCapability.VIEW_CLOSURE


class Cordon(models.Model):
    """A cordon (警戒线) around an open settlement that cannot be sealed, on a grid."""

    township = models.ForeignKey(Township, on_delete=models.PROTECT, related_name="+")
    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="+")
    grid = models.ForeignKey(Grid, on_delete=models.PROTECT, related_name="cordons")
    description = models.CharField(_("where"), max_length=200)
    set_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    set_at = models.DateTimeField(default=timezone.now)
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = CordonQuerySet.as_manager()

    class Meta:
        verbose_name = _("cordon")
        verbose_name_plural = _("cordons")
        ordering = ["grid_id", "-set_at"]

    def __str__(self) -> str:
        return self.description
