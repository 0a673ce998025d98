"""The disinfection log of a community (F14, F11; plan 三(一)5 "一日一消毒", 三(四)4 "每日至少
对该区域公共部位进行两次消毒，使用频繁的部位要多轮、多次", 三(五)5 养老院、敬老院等场所环境消毒).

A `Place` is somewhere the community disinfects (a gate, a lift, a corridor, the bins, the
clinic, a care home …), with a category whose times a day come from the policy
(`coverage.py`) and an owner who answers for it. An `Entry` is one disinfection: place, time,
person, and the agent with its amount, taken from the supplies' stock in the same transaction
(`movement`). A lockdown's public areas are lockdown's own (`lockdown.DisinfectionTask`):
shown and counted here, not duplicated.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fangkong.core.models import Community, Township, User
from fangkong.core.scoping import ScopedQuerySet

from . import coverage
from .capabilities import DisinfectionCapability

_SCOPE = {"township": "township_id", "community": "community_id", "grid": "community__grids"}


class PlaceKind(models.TextChoices):
    GATE = "gate", _("Gate")
    LIFT = "lift", pgettext_lazy("place", "Lift")
    CORRIDOR = "corridor", _("Corridor or stairwell")
    BIN = "bin", _("Rubbish bins")
    CLINIC = "clinic", _("Clinic")
    CARE_HOME = "care_home", _("Care home")
    PUBLIC_AREA = "public_area", _("Public area")
    OTHER = "other", pgettext_lazy("place", "Other")


class Category(models.TextChoices):
    ORDINARY = coverage.ORDINARY, _("Ordinary place (一日一消毒)")
    KEY = coverage.KEY, _("Key area")
    BUSY = coverage.BUSY, _("Spot touched often (多轮、多次)")


class PlaceQuerySet(ScopedQuerySet["Place"]):
    scope_paths = _SCOPE
    view_capability = DisinfectionCapability.VIEW_DISINFECTION

    def active(self) -> PlaceQuerySet:
        return self.filter(retired_at__isnull=True)

    def on(self, start: object, end: object) -> PlaceQuerySet:
        """The places there during [start, end): made before its end, not retired before it
        started."""
        return self.filter(Q(retired_at__isnull=True) | Q(retired_at__gt=start), created_at__lt=end)


class Place(models.Model):
    township = models.ForeignKey(Township, on_delete=models.PROTECT, related_name="+")
    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="+", verbose_name=_("community")
    )
    name = models.CharField(_("place"), max_length=60)
    kind = models.CharField(_("kind"), max_length=12, choices=PlaceKind.choices)
    category = models.CharField(_("category"), max_length=8, choices=Category.choices)
    owner = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owner"),
    )
    created_at = models.DateTimeField(_("added at"), default=timezone.now)
    retired_at = models.DateTimeField(_("no longer disinfected from"), null=True, blank=True)

    objects = PlaceQuerySet.as_manager()

    class Meta:
        verbose_name = _("place to disinfect")
        verbose_name_plural = _("places to disinfect")
        ordering = ["community_id", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "name"],
                condition=Q(retired_at__isnull=True),
                name="disinfection_place_unique",
            )
        ]

    def __str__(self) -> str:
        return self.name


class EntryQuerySet(ScopedQuerySet["Entry"]):
    scope_paths = _SCOPE
    view_capability = DisinfectionCapability.VIEW_DISINFECTION


class Entry(models.Model):
    township = models.ForeignKey(Township, on_delete=models.PROTECT, related_name="+")
    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="+", verbose_name=_("community")
    )
    place = models.ForeignKey(
        Place, on_delete=models.PROTECT, related_name="entries", verbose_name=_("place")
    )
    done_at = models.DateTimeField(_("disinfected at"))
    done_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("disinfected by")
    )
    agent = models.ForeignKey(
        "supplies.Lot",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("agent"),
    )
    amount = models.DecimalField(
        _("amount used"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    #: the stock-out of the agent written with the entry
    movement = models.OneToOneField(
        "supplies.Movement",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("stock movement"),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    objects = EntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("disinfection entry")
        verbose_name_plural = _("disinfection entries")
        ordering = ["-done_at", "-id"]
        indexes = [models.Index(fields=["community", "done_at"], name="disinf_entry_comm_at")]

    def __str__(self) -> str:
        return f"{self.place} {timezone.localtime(self.done_at):%m-%d %H:%M}"
