"""Checkpoints (F14, plan 三(一)5 "进出社区登记备案"): gates, residents' passes, the gate log.

A `Gate` is an entrance of a community; under closed management one stays open and the
others are sealed (the "one entrance" of the 六个一). A `Pass` (出入证) is a resident's card
with a QR code; reissuing makes a new pass and revokes the old one. Every passage through a
gate — resident, visitor or vehicle, allowed or stopped — is one `GateEntry`, written once
even when a phone resubmits (`client_key` is unique). A stop is an item on the responsible
grid worker's worklist until it is handled.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fangkong.checkpoints.capabilities import CheckpointCapability
from fangkong.core.models import Community, Grid, Township, User
from fangkong.core.scoping import ScopedQuerySet
from fangkong.core.sealed import SealedField
from fangkong.people.models import Resident

from . import gate


class GateState(models.TextChoices):
    OPEN = "open", pgettext_lazy("gate state", "Open")
    SEALED = "sealed", _("Sealed")


class GateQuerySet(ScopedQuerySet["Gate"]):
    scope_paths = {
        "township": "township_id",
        "community": "community_id",
        "grid": "community__grids",
    }
    view_capability = None  # any staff of the community: guards choose their gate


class Gate(models.Model):
    township = models.ForeignKey(Township, on_delete=models.PROTECT, related_name="+")
    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="gates")
    name = models.CharField(_("name"), max_length=50, help_text=_("e.g. 南门"))
    state = models.CharField(
        _("state"), max_length=6, choices=GateState.choices, default=GateState.OPEN
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    changed_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)

    objects = GateQuerySet.as_manager()

    class Meta:
        verbose_name = _("gate")
        verbose_name_plural = _("gates")
        ordering = ["community_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["community", "name"], name="gate_name_unique")
        ]

    def __str__(self) -> str:
        return self.name


class PassQuerySet(ScopedQuerySet["Pass"]):
    scope_paths = {"township": "township_id", "community": "community_id", "grid": "grid_id"}
    view_capability = CheckpointCapability.ISSUE_PASSES

    def valid(self) -> PassQuerySet:
        return self.filter(revoked_at__isnull=True)


class Pass(models.Model):
    """A resident's 出入证. The QR code carries the pass number signed with the site's
    secret key (`passes.qr_payload`), so a forged code is recognised without a lookup and a
    revoked one by its `revoked_at`."""

    township = models.ForeignKey(Township, on_delete=models.PROTECT, related_name="+")
    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="+")
    grid = models.ForeignKey(Grid, on_delete=models.PROTECT, related_name="+")
    resident = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="passes")
    #: printed on the card: community code + sequence
    number = models.CharField(_("pass number"), max_length=32, unique=True)
    issued_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    issued_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoke_reason = models.CharField(_("reason"), max_length=200, blank=True)

    objects = PassQuerySet.as_manager()

    class Meta:
        verbose_name = _("pass")
        verbose_name_plural = _("passes")
        ordering = ["-issued_at", "-id"]
        constraints = [
            # At most one valid pass per person.
            models.UniqueConstraint(
                fields=["resident"],
                condition=Q(revoked_at__isnull=True),
                name="pass_one_valid_per_resident",
            )
        ]

    def __str__(self) -> str:
        return self.number


class Direction(models.TextChoices):
    IN = "in", _("In")
    OUT = "out", _("Out")


class EntryKind(models.TextChoices):
    RESIDENT = "resident", _("Resident")
    VISITOR = "visitor", _("Visitor")
    VEHICLE = "vehicle", _("Vehicle")


class HealthCode(models.TextChoices):
    GREEN = gate.GREEN, _("Green")
    YELLOW = gate.YELLOW, _("Yellow")
    RED = gate.RED, _("Red")
    NOT_SHOWN = gate.NOT_SHOWN, _("Not shown")


class Verdict(models.TextChoices):
    ALLOW = gate.ALLOW, _("Allow")
    STOP = gate.STOP, _("Stop")


class GateEntryQuerySet(ScopedQuerySet["GateEntry"]):
    scope_paths = {
        "township": "township_id",
        "community": "community_id",
        "grid": "grid_id",
    }
    view_capability = CheckpointCapability.VIEW_GATE_LOG

    def stops(self) -> GateEntryQuerySet:
        return self.filter(verdict=Verdict.STOP)

    def unhandled(self) -> GateEntryQuerySet:
        return self.stops().filter(handled_at__isnull=True)


class GateEntry(models.Model):
    """One passage through a gate, as the guard recorded it, with the page's answer."""

    township = models.ForeignKey(Township, on_delete=models.PROTECT, related_name="+")
    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="+")
    #: the grid responsible for a stop (the resident's, or the host's for a visitor)
    grid = models.ForeignKey(
        Grid, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    gate = models.ForeignKey(Gate, on_delete=models.PROTECT, related_name="entries")
    at = models.DateTimeField(_("time"), default=timezone.now)
    direction = models.CharField(_("direction"), max_length=3, choices=Direction.choices)
    kind = models.CharField(_("who"), max_length=8, choices=EntryKind.choices)
    resident = models.ForeignKey(
        Resident, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    gate_pass = models.ForeignKey(
        Pass, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # A visitor (not a resident of this community), or a vehicle's driver.
    name = models.CharField(_("name"), max_length=50, blank=True)
    # sealed (fangkong.core.sealing); a visitor is never looked up by number
    phone = SealedField(_("phone"), max_length=20, blank=True)
    doc_number = SealedField(_("document number"), max_length=30, blank=True)
    host = models.ForeignKey(
        Resident,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("visiting"),
    )
    purpose = models.CharField(_("reason for the visit"), max_length=200, blank=True)
    essential = models.BooleanField(_("essential"), default=False)
    plate = models.CharField(_("plate"), max_length=12, blank=True)
    temperature = models.DecimalField(
        _("temperature"), max_digits=3, decimal_places=1, null=True, blank=True
    )
    health_code = models.CharField(
        _("health code"), max_length=6, choices=HealthCode.choices, blank=True
    )
    verdict = models.CharField(_("answer"), max_length=5, choices=Verdict.choices)
    #: the stop reasons (`gate.StopReason` values), empty for an allow
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    guard = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    #: made by the guard's page for each submission; a resubmission finds its first entry
    client_key = models.UUIDField(unique=True)
    handled_at = models.DateTimeField(null=True, blank=True)
    handled_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    handled_note = models.CharField(_("note"), max_length=200, blank=True)

    objects = GateEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("gate entry")
        verbose_name_plural = _("gate entries")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["gate", "-at"], name="gateentry_gate_at"),
            models.Index(fields=["community", "-at"], name="gateentry_comm_at"),
            models.Index(
                fields=["grid", "verdict"],
                condition=Q(handled_at__isnull=True),
                name="gateentry_open_stops",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.gate_id} {self.at:%Y-%m-%d %H:%M} {self.verdict}"
