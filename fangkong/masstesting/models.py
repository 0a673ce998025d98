"""Mass-testing rounds (全员核酸, plan 三(四)1): who is expected, who was sampled into which
tube, and what the lab found.

A `Round` covers a scope (a unit, building, grid, community or the township) and lists every
person expected as a `RoundMember` (with their building, for coverage). Sampling puts a
member into a `Tube` (10-in-1 pooling: up to the policy's `pool_size` people per tube).
Results come from the lab by tube or by document number; a positive pool flags each of its
members for a single-tube retest.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.core.models import Building, Community, Grid, Township, Unit, User
from fangkong.core.roles import Capability
from fangkong.core.scoping import ScopedQuerySet
from fangkong.people.models import Household, Resident


class ScopeKind(models.TextChoices):
    UNIT = "unit", _("Unit")
    BUILDING = "building", _("Building")
    GRID = "grid", _("Grid")
    COMMUNITY = "community", _("Community")
    TOWNSHIP = "township", _("Township")


class RoundStatus(models.TextChoices):
    OPEN = "open", _("Sampling")
    CLOSED = "closed", _("Closed")


class RoundQuerySet(ScopedQuerySet):
    # A township-wide round is seen by everyone in the township; a narrower one by its
    # community (a grid worker sees the rounds of their community, members stay scoped).
    scope_paths = {
        "township": "township_id",
        "community": "township__communities",
        "grid": "township__communities__grids",
    }
    view_capability = Capability.VIEW_ROUNDS


class Round(models.Model):
    township = models.ForeignKey(Township, on_delete=models.PROTECT, related_name="+")
    scope = models.CharField(_("scope"), max_length=10, choices=ScopeKind.choices)
    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    grid = models.ForeignKey(
        Grid, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    building = models.ForeignKey(
        Building, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    name = models.CharField(_("name"), max_length=100)
    #: the lockdown this round tests, if it is one's
    lockdown = models.ForeignKey(
        "lockdown.Lockdown",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rounds",
    )
    status = models.CharField(
        _("status"), max_length=6, choices=RoundStatus.choices, default=RoundStatus.OPEN
    )
    #: people per pooled tube, copied from the policy when the round opened
    pool_size = models.PositiveSmallIntegerField(_("people per tube"), default=10)
    policy = models.ForeignKey("policy.Policy", on_delete=models.PROTECT, related_name="+")
    opened_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    opened_at = models.DateTimeField(_("opened"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    objects = RoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("testing round")
        verbose_name_plural = _("testing rounds")
        ordering = ["-opened_at", "-id"]

    def __str__(self) -> str:
        return self.name


class Tube(models.Model):
    """A sampling tube of a round: one person, or a pool of up to `round.pool_size`."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="tubes")
    code = models.CharField(_("tube number"), max_length=40)
    pooled = models.BooleanField(_("pooled"), default=True)
    result = models.CharField(_("result"), max_length=10, blank=True)
    result_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("tube")
        verbose_name_plural = _("tubes")
        constraints = [
            models.UniqueConstraint(fields=["round", "code"], name="tube_code_unique_in_round")
        ]

    def __str__(self) -> str:
        return self.code


class MemberResult(models.TextChoices):
    NEGATIVE = "negative", _("Negative")
    POSITIVE = "positive", _("Positive")
    INVALID = "invalid", _("Invalid, retest")


class RoundMemberQuerySet(ScopedQuerySet):
    scope_paths = {"township": "township_id", "community": "community_id", "grid": "grid_id"}
    view_capability = Capability.VIEW_ROUNDS


class RoundMember(models.Model):
    """A person expected in a round, and what happened to them."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="members")
    township = models.ForeignKey(Township, on_delete=models.PROTECT, related_name="+")
    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="+")
    grid = models.ForeignKey(Grid, on_delete=models.PROTECT, related_name="+")
    building = models.ForeignKey(
        Building, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resident = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="+")
    tube = models.ForeignKey(
        Tube, on_delete=models.PROTECT, null=True, blank=True, related_name="members"
    )
    sampled_at = models.DateTimeField(_("sampled"), null=True, blank=True)
    sampled_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    result = models.CharField(_("result"), max_length=10, choices=MemberResult.choices, blank=True)
    #: their pool was positive: a single-tube retest is needed
    retest_needed = models.BooleanField(_("retest needed"), default=False)

    objects = RoundMemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("round member")
        verbose_name_plural = _("round members")
        ordering = ["round_id", "building_id", "household_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "resident"], name="round_member_unique")
        ]
        indexes = [
            models.Index(fields=["round", "building"], name="roundmember_round_building"),
            models.Index(fields=["round", "tube"], name="roundmember_round_tube"),
        ]

    def __str__(self) -> str:
        return f"{self.round_id} {self.resident_id}"
