"""Building/unit lockdown (F6, plan 三(四)): 封闭式硬隔离 of a building or unit after a case.

Locking (`actions.lock`) makes, in one transaction: the `Lockdown`, the register of everyone
living there at that moment (`LockdownMember`, a snapshot; people found later are added),
a home-isolation case for each of them (quarantine `CaseKind.LOCKDOWN`), a mass-testing round
for all of them (`masstesting.Round.lockdown`), and the disinfection schedule of its public
areas. Lifting is an explicit decision (who, when, why), refused until its round is complete
and negative; it ends the isolation cases.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.core.models import Building, Community, Grid, Township, Unit, User
from fangkong.core.scoping import ScopedQuerySet
from fangkong.lockdown.capabilities import LockdownCapability
from fangkong.people.models import Household, Resident

from . import delivery

_SCOPE = {"township": "township_id", "community": "community_id", "grid": "grid_id"}


def default_areas() -> list[str]:
    return []


class LockdownStatus(models.TextChoices):
    ACTIVE = "active", _("Locked")
    LIFTED = "lifted", _("Lifted")


class LockdownQuerySet(ScopedQuerySet["Lockdown"]):
    scope_paths = _SCOPE
    view_capability = LockdownCapability.VIEW_LOCKDOWNS

    def active(self) -> LockdownQuerySet:
        return self.filter(status=LockdownStatus.ACTIVE)


class Lockdown(models.Model):
    township = models.ForeignKey(Township, on_delete=models.PROTECT, related_name="+")
    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="+")
    grid = models.ForeignKey(Grid, on_delete=models.PROTECT, related_name="+")
    building = models.ForeignKey(Building, on_delete=models.PROTECT, related_name="lockdowns")
    #: the unit locked; empty when the whole building is
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="lockdowns"
    )
    index_case = models.ForeignKey(
        "quarantine.IndexCase",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="lockdowns",
        verbose_name=_("index case"),
    )
    status = models.CharField(
        _("status"), max_length=6, choices=LockdownStatus.choices, default=LockdownStatus.ACTIVE
    )
    reason = models.TextField(_("reason"))
    policy = models.ForeignKey(
        "policy.Policy", on_delete=models.PROTECT, related_name="+", verbose_name=_("policy")
    )
    locked_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("locked by")
    )
    locked_at = models.DateTimeField(_("locked at"), default=timezone.now)
    lifted_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("lifted by"),
    )
    lifted_at = models.DateTimeField(_("lifted at"), null=True, blank=True)
    lift_reason = models.TextField(_("why lifted"), blank=True)
    #: the public areas disinfected on schedule (e.g. the unit door, stairwell, lift)
    areas = models.JSONField(_("public areas"), default=default_areas, blank=True)

    objects = LockdownQuerySet.as_manager()

    class Meta:
        verbose_name = _("lockdown")
        verbose_name_plural = _("lockdowns")
        ordering = ["-locked_at", "-id"]
        constraints = [
            # One active lockdown per building (whole) or unit.
            models.UniqueConstraint(
                fields=["building"],
                condition=Q(status="active", unit__isnull=True),
                name="lockdown_one_active_building",
            ),
            models.UniqueConstraint(
                fields=["unit"],
                condition=Q(status="active", unit__isnull=False),
                name="lockdown_one_active_unit",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.building}{self.unit.name if self.unit_id and self.unit else ''}"


class LockdownMemberQuerySet(ScopedQuerySet["LockdownMember"]):
    scope_paths = {
        "township": "lockdown__township_id",
        "community": "lockdown__community_id",
        "grid": "lockdown__grid_id",
    }
    view_capability = LockdownCapability.VIEW_LOCKDOWNS

    def active(self) -> LockdownMemberQuerySet:
        return self.filter(lockdown__status=LockdownStatus.ACTIVE)


class LockdownMember(models.Model):
    """A person of a locked building/unit: the household register (登记造册)."""

    lockdown = models.ForeignKey(Lockdown, on_delete=models.CASCADE, related_name="members")
    resident = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+")
    #: their isolation: the lockdown's own case, or the open quarantine case they already had
    case = models.ForeignKey(
        "quarantine.Case", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    #: e.g. "already in quarantine: keeps case 12"
    note = models.CharField(_("note"), max_length=200, blank=True)
    #: False for the snapshot taken when locking; True for someone added afterwards
    added_later = models.BooleanField(default=False)
    added_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)

    objects = LockdownMemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("lockdown member")
        verbose_name_plural = _("lockdown members")
        ordering = ["household_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["lockdown", "resident"], name="lockdown_member_unique")
        ]
        indexes = [models.Index(fields=["resident"], name="lockdown_member_resident")]

    def __str__(self) -> str:
        return f"{self.lockdown_id} {self.resident_id}"


class DisinfectionTaskQuerySet(ScopedQuerySet["DisinfectionTask"]):
    scope_paths = {
        "township": "lockdown__township_id",
        "community": "lockdown__community_id",
        "grid": "lockdown__grid_id",
    }
    view_capability = LockdownCapability.VIEW_LOCKDOWNS

    def undone(self) -> DisinfectionTaskQuerySet:
        return self.filter(done_at__isnull=True, stopped_at__isnull=True)


class DisinfectionTask(models.Model):
    """One disinfection of one public area of a locked building or unit: slot `slot` of
    `date` (the policy's `lockdown_disinfections_per_day` slots split the day evenly)."""

    lockdown = models.ForeignKey(Lockdown, on_delete=models.CASCADE, related_name="disinfections")
    area = models.CharField(_("area"), max_length=50)
    date = models.DateField(_("date"))
    slot = models.PositiveSmallIntegerField(_("slot"))
    #: slots a day when this one was scheduled (its time window depends on it)
    per_day = models.PositiveSmallIntegerField(_("slots a day"))
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    #: the lockdown was lifted before this slot was done: it is no longer due
    stopped_at = models.DateTimeField(_("stopped at"), null=True, blank=True)

    objects = DisinfectionTaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("disinfection")
        verbose_name_plural = _("disinfections")
        ordering = ["date", "slot", "area", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["lockdown", "date", "slot", "area"], name="disinfection_slot_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.area} {self.date} #{self.slot}"


class SupplyKind(models.TextChoices):
    FOOD = "food", _("Food")
    MEDICINE = "medicine", _("Medicine")
    OTHER = "other", _("Other needs")


class Urgency(models.TextChoices):
    NORMAL = delivery.NORMAL, _("Normal")
    URGENT = delivery.URGENT, _("Urgent")


class RequestVia(models.TextChoices):
    STAFF = "staff", _("Phone call to staff")
    LINK = "link", _("Household's personal link")


class SupplyStatus(models.TextChoices):
    OPEN = delivery.OPEN, _("Waiting for a volunteer")
    ASSIGNED = delivery.ASSIGNED, _("Assigned")
    DELIVERED = delivery.DELIVERED, _("Delivered")
    CANCELLED = delivery.CANCELLED, _("Cancelled")


PENDING_SUPPLY = (SupplyStatus.OPEN, SupplyStatus.ASSIGNED)


class SupplyRequestQuerySet(ScopedQuerySet["SupplyRequest"]):
    scope_paths = _SCOPE
    view_capability = LockdownCapability.MANAGE_DELIVERIES

    def pending(self) -> SupplyRequestQuerySet:
        return self.filter(status__in=PENDING_SUPPLY)


class SupplyRequest(models.Model):
    """A household's request for supplies, delivered contact-free (不见面送达)."""

    township = models.ForeignKey(Township, on_delete=models.PROTECT, related_name="+")
    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="+")
    grid = models.ForeignKey(Grid, on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="+", verbose_name=_("household")
    )
    lockdown = models.ForeignKey(
        Lockdown,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supply_requests",
        verbose_name=_("lockdown"),
    )
    kind = models.CharField(_("what"), max_length=10, choices=SupplyKind.choices)
    urgency = models.CharField(
        _("urgency"), max_length=6, choices=Urgency.choices, default=Urgency.NORMAL
    )
    details = models.TextField(_("details"), blank=True)
    via = models.CharField(_("requested via"), max_length=5, choices=RequestVia.choices)
    requested_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    volunteer = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="deliveries",
        verbose_name=_("volunteer"),
    )
    assigned_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    delivered_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    #: a photo of the delivery left at the door (checked to be an image; served only through
    #: a permission-checked view)
    photo = models.FileField(_("photo"), upload_to="deliveries/%Y/%m/", blank=True)
    status = models.CharField(
        _("status"), max_length=9, choices=SupplyStatus.choices, default=SupplyStatus.OPEN
    )

    objects = SupplyRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("supply request")
        verbose_name_plural = _("supply requests")
        ordering = ["requested_at", "id"]
        indexes = [
            models.Index(fields=["volunteer", "status"], name="supply_volunteer_status"),
            models.Index(fields=["lockdown", "status"], name="supply_lockdown_status"),
        ]

    def __str__(self) -> str:
        return f"{self.household} {self.get_kind_display()}"
