"""The duty roster (plan 三(一)5 "形成24小时轮流值班…工作制度").

A community's posts that need 24-hour cover: each gate (`checkpoints.Gate`), the office, the
patrol. Each day is cut into shifts by the policy's pattern (`shifts.py`); a `Duty` puts one
staff member of the community on one shift of one post, with the start and end fixed when it
was filled. At the end of the shift its person writes the handover note; the person of the
next shift of the post reads it and says so (`handover_read_at` on their own duty). A swap
gives a shift to another person once the leader approves it.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fangkong.checkpoints.models import Gate
from fangkong.core.models import Community, Township, User
from fangkong.core.scoping import ScopedQuerySet

from .capabilities import RosterCapability


class PostKind(models.TextChoices):
    GATE = "gate", _("Gate")
    OFFICE = "office", _("Office")
    PATROL = "patrol", _("Patrol")


class PostQuerySet(ScopedQuerySet["Post"]):
    scope_paths = {
        "township": "township_id",
        "community": "community_id",
        "grid": "community__grids",
    }
    view_capability = RosterCapability.VIEW_ROSTER


class Post(models.Model):
    township = models.ForeignKey(
        Township, on_delete=models.PROTECT, related_name="+", verbose_name=_("township")
    )
    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="+", verbose_name=_("community")
    )
    kind = models.CharField(_("kind of post"), max_length=8, choices=PostKind.choices)
    gate = models.OneToOneField(
        Gate,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="duty_post",
        verbose_name=_("gate"),
    )
    name = models.CharField(_("name"), max_length=50)
    active = models.BooleanField(_("needs cover"), default=True)
    sort_key = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = PostQuerySet.as_manager()

    class Meta:
        verbose_name = _("duty post")
        verbose_name_plural = _("duty posts")
        ordering = ["community_id", "sort_key", "id"]
        constraints = [
            models.UniqueConstraint(fields=["community", "name"], name="roster_post_name_unique"),
            models.CheckConstraint(
                condition=Q(kind="gate", gate__isnull=False) | (~Q(kind="gate") & Q(gate=None)),
                name="roster_post_gate_kind",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class DutyQuerySet(ScopedQuerySet["Duty"]):
    scope_paths = {
        "township": "township_id",
        "community": "community_id",
        "grid": "community__grids",
    }
    view_capability = RosterCapability.VIEW_ROSTER

    def running(self, at: object) -> DutyQuerySet:
        return self.filter(start__lte=at, end__gt=at)


class Duty(models.Model):
    township = models.ForeignKey(
        Township, on_delete=models.PROTECT, related_name="+", verbose_name=_("township")
    )
    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="+", verbose_name=_("community")
    )
    post = models.ForeignKey(
        Post, on_delete=models.PROTECT, related_name="duties", verbose_name=_("post")
    )
    #: the day the shift starts on, and its number in that day (0 = the first)
    day = models.DateField(_("day"))
    slot = models.PositiveSmallIntegerField(_("shift"))
    start = models.DateTimeField(_("starts"))
    end = models.DateTimeField(_("ends"))
    person = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="duties", verbose_name=_("on duty")
    )
    assigned_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("put on by"),
    )
    assigned_at = models.DateTimeField(_("put on at"), default=timezone.now)
    handover = models.TextField(_("handover note"), blank=True)
    handover_at = models.DateTimeField(_("handover written at"), null=True, blank=True)
    #: when this shift's person read the handover of the shift before (same post)
    handover_read_at = models.DateTimeField(_("handover read at"), null=True, blank=True)

    objects = DutyQuerySet.as_manager()

    class Meta:
        verbose_name = _("shift on duty")
        verbose_name_plural = _("shifts on duty")
        ordering = ["start", "post__sort_key", "post_id", "id"]
        indexes = [
            models.Index(fields=["community", "day"], name="roster_duty_comm_day"),
            models.Index(fields=["person", "start"], name="roster_duty_person_start"),
            models.Index(fields=["post", "start"], name="roster_duty_post_start"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["post", "start", "person"], name="roster_duty_once_per_shift"
            ),
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="roster_duty_ends"),
        ]

    def __str__(self) -> str:
        return f"{self.post} {self.day} #{self.slot} {self.person}"


class SwapStatus(models.TextChoices):
    REQUESTED = "requested", pgettext_lazy("swap status", "Waiting for the leader")
    APPROVED = "approved", pgettext_lazy("swap status", "Approved")
    REFUSED = "refused", pgettext_lazy("swap status", "Refused")


class SwapQuerySet(ScopedQuerySet["Swap"]):
    scope_paths = {
        "township": "township_id",
        "community": "community_id",
        "grid": "community__grids",
    }
    view_capability = RosterCapability.VIEW_ROSTER


class Swap(models.Model):
    """Someone on a shift asks to give it to another person of the community; the leader
    approves (the shift then becomes theirs) or refuses."""

    township = models.ForeignKey(
        Township, on_delete=models.PROTECT, related_name="+", verbose_name=_("township")
    )
    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="+", verbose_name=_("community")
    )
    duty = models.ForeignKey(
        Duty, on_delete=models.CASCADE, related_name="swaps", verbose_name=_("shift")
    )
    from_person = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("given by")
    )
    to_person = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("taken by")
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    requested_at = models.DateTimeField(_("asked at"), default=timezone.now)
    status = models.CharField(
        _("status"), max_length=10, choices=SwapStatus.choices, default=SwapStatus.REQUESTED
    )
    decided_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    objects = SwapQuerySet.as_manager()

    class Meta:
        verbose_name = _("swap of a shift")
        verbose_name_plural = _("swaps of shifts")
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"{self.duty} → {self.to_person}"
