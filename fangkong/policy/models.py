"""Policy versions and the risk-area register.

A `Policy` is one version of the rules (`rules.PolicyRules` as JSON) with its source document,
the locality it applies to and the date it takes effect. A township's own version beats the
general one (township empty); among those in force the latest effective date wins (see
`versions.in_force`). Versions are never edited once active: a change is a new version, and
every decision keeps a foreign key to the version it was made under.

`RiskArea` is the dated register of 中/高风险地区. A region is a GB/T 2260 division code (2, 4
or 6 significant digits: province, prefecture, county) plus, below the county, the name of a
街道/乡镇 or 小区 as published (`sub_name`); an empty `sub_name` means the whole division.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fangkong.core.models import Township, User
from fangkong.core.roles import CoreCapability, capabilities_of
from fangkong.core.scoping import covers
from fangkong.policy.capabilities import PolicyCapability

from .rules import Level, PolicyRules

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser


class RiskLevel(models.TextChoices):
    LOW = Level.LOW.value, _("Low risk")
    MEDIUM = Level.MEDIUM.value, _("Medium risk")
    HIGH = Level.HIGH.value, _("High risk")


class PolicyStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ACTIVE = "active", pgettext_lazy("policy version", "Active")
    WITHDRAWN = "withdrawn", _("Withdrawn")


def _capabilities(user: User | AnonymousUser) -> frozenset[str] | None:
    """The user's capabilities; None for a superuser (everything), empty when logged out."""
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    if user.is_superuser:
        return None
    return capabilities_of(getattr(user, "role", ""))


class PolicyQuerySet(models.QuerySet["Policy"]):
    def visible_to(self, user: User | AnonymousUser) -> PolicyQuerySet:
        """The versions that apply to the user's township: the general ones and the
        township's own. Anyone who works cases reads the active ones; drafts and withdrawn
        versions are for those who manage policy."""
        caps = _capabilities(user)
        if caps is None:
            return self
        if PolicyCapability.VIEW_CASES not in caps:
            return self.none()
        township_id = getattr(user, "township_id", None)
        qs = self.filter(Q(township__isnull=True) | Q(township_id=township_id))
        if PolicyCapability.MANAGE_POLICY not in caps:
            qs = qs.filter(status=PolicyStatus.ACTIVE)
        return qs


class Policy(models.Model):
    township = models.ForeignKey(
        Township,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("applies to"),
        help_text=_("Empty: the general default every township inherits."),
    )
    version = models.PositiveIntegerField(_("version"))
    name = models.CharField(_("name"), max_length=200)
    status = models.CharField(
        _("status"), max_length=10, choices=PolicyStatus.choices, default=PolicyStatus.DRAFT
    )
    effective_from = models.DateField(_("effective from"))
    source_title = models.CharField(_("source document"), max_length=300)
    source_number = models.CharField(_("reference number"), max_length=100, blank=True)
    source_date = models.DateField(_("document date"), null=True, blank=True)
    rules = models.JSONField(_("rules"), default=dict)
    based_on = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("copied from"),
    )
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    activated_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    activated_at = models.DateTimeField(null=True, blank=True)

    objects = PolicyQuerySet.as_manager()

    class Meta:
        verbose_name = _("policy version")
        verbose_name_plural = _("policy versions")
        ordering = ["-effective_from", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["township", "version"],
                name="policy_township_version_unique",
                condition=Q(township__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["version"],
                name="policy_default_version_unique",
                condition=Q(township__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"

    @property
    def label(self) -> str:
        """How a decision names its version: "v3 (township code or 'default')"."""
        where = self.township.code if self.township_id and self.township else "default"
        return f"{where}-v{self.version}"

    def as_rules(self) -> PolicyRules:
        return PolicyRules.from_data(self.rules)


class RiskAreaQuerySet(models.QuerySet["RiskArea"]):
    def during(self, start: dt.date, end: dt.date) -> RiskAreaQuerySet:
        """Areas that were at risk on some day in [start, end]."""
        return self.filter(Q(end__isnull=True) | Q(end__gte=start), start__lte=end)

    def on(self, day: dt.date) -> RiskAreaQuerySet:
        return self.during(day, day)

    def ended_by(self, day: dt.date) -> RiskAreaQuerySet:
        """Areas whose risk was lifted before `day`."""
        return self.filter(end__lt=day)

    def inside(self, code: str) -> RiskAreaQuerySet:
        """Areas that cover some of the division `code` (2, 4 or 6 digits): declared for it,
        for a division containing it, or for a place inside it."""
        containing = [code[:n] for n in (2, 4, 6) if n < len(code)]
        return self.filter(Q(code__in=containing) | Q(code__startswith=code))

    def visible_to(self, user: User | AnonymousUser) -> RiskAreaQuerySet:
        """The register is public information: every staff member who reads the registry or
        works cases sees all of it."""
        caps = _capabilities(user)
        if caps is None or caps & {PolicyCapability.VIEW_CASES, CoreCapability.VIEW_PEOPLE}:
            return self
        return self.none()


class RiskArea(models.Model):
    """One published 中/高风险地区 with its dates (public information, not personal data)."""

    code = models.CharField(
        _("division code"),
        max_length=6,
        db_index=True,
        help_text=_("GB/T 2260 code of the province, prefecture or county."),
    )
    division_name = models.CharField(_("division"), max_length=100)
    sub_name = models.CharField(
        _("street / township / compound"),
        max_length=100,
        blank=True,
        help_text=_("Empty when the whole division is a risk area."),
    )
    level = models.CharField(
        _("level"),
        max_length=6,
        choices=[c for c in RiskLevel.choices if c[0] != RiskLevel.LOW],
    )
    start = models.DateField(_("from"))
    end = models.DateField(_("to"), null=True, blank=True)
    source = models.CharField(_("announcement"), max_length=300, blank=True)
    entered_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    township = models.ForeignKey(
        Township,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The township whose staff entered it."),
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = RiskAreaQuerySet.as_manager()

    class Meta:
        verbose_name = _("risk area")
        verbose_name_plural = _("risk areas")
        ordering = ["-start", "code", "sub_name"]
        indexes = [models.Index(fields=["start", "end"], name="riskarea_dates")]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
                name="riskarea_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} {self.get_level_display()}"

    @property
    def full_name(self) -> str:
        return f"{self.division_name}{self.sub_name}"

    def may_be_changed_by(self, user: User | AnonymousUser) -> bool:
        """Only the township that entered an area ends or edits it (its admins, who manage
        policy), or a superuser. An area of no township (entered before townships were
        recorded, by nobody known) is a superuser's to change."""
        caps = _capabilities(user)
        if caps is None:
            return True
        return PolicyCapability.MANAGE_POLICY in caps and covers(user, township_id=self.township_id)
