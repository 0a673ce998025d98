"""Mass-testing rounds (全员核酸, plan 三(四)1): who is expected, who was sampled into which
tube, and what the lab found.

A `Round` covers a scope (a unit, building, grid, community or the township) and lists every
person expected as a `RoundMember` (with their building, for coverage). Sampling puts a
member into a `Tube` (10-in-1 pooling: up to the policy's `pool_size` people per tube).
Results come from the lab by tube or by document number; a positive pool flags each of its
members for a single-tube retest.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Self

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fangkong.core.jobs import JobStatus, UploadJob
from fangkong.core.models import Building, Community, Grid, Township, Unit, User
from fangkong.core.scoping import ScopedQuerySet, jurisdiction_level
from fangkong.masstesting.capabilities import MassTestingCapability
from fangkong.people.models import Household, Resident
from fangkong.quarantine.capabilities import QuarantineCapability

from . import pooling

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser


class ScopeKind(models.TextChoices):
    UNIT = "unit", _("Unit")
    BUILDING = "building", _("Building")
    GRID = "grid", _("Grid")
    COMMUNITY = "community", _("Community")
    TOWNSHIP = "township", _("Township")


class RoundStatus(models.TextChoices):
    OPEN = "open", _("Sampling")
    CLOSED = "closed", pgettext_lazy("round status", "Closed")


class RoundQuerySet(ScopedQuerySet["Round"]):
    # A township-wide round is seen by everyone in the township; a narrower one by its
    # community (a grid worker sees the rounds of their community, members stay scoped).
    scope_paths = {
        "township": "township_id",
        "community": "township__communities",
        "grid": "township__communities__grids",
    }
    view_capability = MassTestingCapability.VIEW_ROUNDS

    def visible_to(self, user: User | AnonymousUser) -> Self:
        """A township-wide round: everyone of the township with VIEW_ROUNDS. A narrower one:
        the township's staff and its own community's (another community's round is 404)."""
        qs = super().visible_to(user)
        if not user.is_authenticated or user.is_superuser:
            return qs
        if jurisdiction_level(user) in ("community", "grid"):
            own = Community.objects.in_jurisdiction(user)
            return qs.filter(Q(scope=ScopeKind.TOWNSHIP) | Q(community__in=own))
        return qs


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
    #: the last reopening of sampling after a close (a leader's recorded decision)
    reopened_at = models.DateTimeField(_("reopened"), null=True, blank=True)
    reopened_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reopened by"),
    )
    reopen_reason = models.CharField(_("reason for reopening"), max_length=300, blank=True)

    objects = RoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("testing round")
        verbose_name_plural = _("testing rounds")
        ordering = ["-opened_at", "-id"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_open(self) -> bool:
        return self.status == RoundStatus.OPEN


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
        indexes = [models.Index(fields=["code"], name="tube_code_idx")]

    def __str__(self) -> str:
        return self.code


class MemberResult(models.TextChoices):
    NEGATIVE = pooling.NEGATIVE, _("Negative")
    POSITIVE = pooling.POSITIVE, _("Positive")
    INVALID = pooling.INVALID, _("Invalid, retest")


class RoundMemberQuerySet(ScopedQuerySet["RoundMember"]):
    scope_paths = {"township": "township_id", "community": "community_id", "grid": "grid_id"}
    view_capability = MassTestingCapability.VIEW_ROUNDS


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
    #: the single tube of their retest (its result is theirs)
    retest_tube = models.ForeignKey(
        Tube, on_delete=models.PROTECT, null=True, blank=True, related_name="retest_members"
    )
    result_at = models.DateTimeField(_("result recorded"), null=True, blank=True)

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
            models.Index(
                fields=["round", "retest_tube"],
                name="roundmember_round_retest",
                condition=Q(retest_tube__isnull=False),
            ),
            # the positives listed on the round page
            models.Index(
                fields=["round"], name="roundmember_positive", condition=Q(result="positive")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round_id} {self.resident_id}"


class RoundImportQuerySet(ScopedQuerySet["RoundImportJob"]):
    scope_paths = {
        "township": "township_id",
        "community": "community_id",
        "grid": "created_by__grid_id",
    }
    view_capability = QuarantineCapability.RECORD_TESTS


class RoundImportJob(UploadJob):
    """One lab spreadsheet for a round: checked in the background (the dry run), then
    written on confirmation, all or nothing (`results.py`)."""

    progress_prefix = "round-"

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="imports")
    created_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    file = models.FileField(_("file"), upload_to="round-imports/%Y/%m/", blank=True)
    matched_rows = models.PositiveIntegerField(_("rows matched"), default=0)
    unmatched_rows = models.PositiveIntegerField(_("rows not matched"), default=0)
    #: [[row, column, message], …], at most MAX_STORED_PROBLEMS
    negative = models.PositiveIntegerField(_("people negative"), default=0)
    positive = models.PositiveIntegerField(_("people positive"), default=0)
    retest = models.PositiveIntegerField(_("people to retest"), default=0)

    objects = RoundImportQuerySet.as_manager()

    class Meta:
        verbose_name = _("round result import")
        verbose_name_plural = _("round result imports")
        ordering = ["-created_at", "-id"]

    @property
    def can_apply(self) -> bool:
        return (
            self.status == JobStatus.CHECKED and self.unmatched_rows == 0 and self.matched_rows > 0
        )
