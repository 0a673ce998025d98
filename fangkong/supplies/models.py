"""The supplies of a community (F15, plan 二(二)3 后勤保障组, 三(一)4 "配备一套防控装备").

An item kind (测温枪, 口罩, 消毒液 …) has a unit and a low-stock threshold and may stand for
one of the "六个一" equipment counts (`equipment_key`). A community holds batches (`Lot`) of
an item: batch number, expiry date, where it is kept. Every change of stock is a `Movement`
of one batch: in (purchase, the township's allocation, a donation), out (to whom and for
what: a gate, a lockdown, a household's delivery; who handed it out and who received it) or a
stock-take's difference. The balance of a batch is the sum of its movements; nothing stores
it. Donations of money or goods keep the donor, the receipt and their uses; the public list
shows only those marked publishable, and the donor's name only if they agreed.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fangkong.core.models import Community, Township, User
from fangkong.core.scoping import ScopedQuerySet

from .capabilities import SuppliesCapability

_SCOPE = {"township": "township_id", "community": "community_id", "grid": "community__grids"}


class EquipmentKey(models.TextChoices):
    """The "六个一" equipment counts (closure/checklist.py EQUIPMENT_KEYS)."""

    THERMOMETERS = "thermometers", _("Thermometers")
    MASKS = "masks", _("Masks")
    DISINFECTANT = "disinfectant", _("Disinfectant")
    SPRAYERS = "sprayers", _("Sprayers")


class ItemKindQuerySet(ScopedQuerySet["ItemKind"]):
    scope_paths = {
        "township": "township_id",
        "community": "township__communities",
        "grid": "township__communities__grids",
    }
    view_capability = SuppliesCapability.VIEW_SUPPLIES


class ItemKind(models.Model):
    """A kind of item the township's communities keep, e.g. 医用外科口罩 (个)."""

    township = models.ForeignKey(
        Township, on_delete=models.PROTECT, related_name="+", verbose_name=_("township")
    )
    name = models.CharField(_("item"), max_length=50)
    unit = models.CharField(_("unit"), max_length=10, help_text=_("e.g. 个, 瓶, 台, 套"))
    #: at or under this stock a community is warned
    low_threshold = models.DecimalField(
        _("low-stock threshold"), default=Decimal(0), max_digits=12, decimal_places=2
    )
    equipment_key = models.CharField(
        _("counts as equipment"),
        max_length=12,
        choices=EquipmentKey.choices,
        blank=True,
        help_text=_("Which count of the 六个一 equipment set this item stands for, if any."),
    )
    #: used as a disinfectant agent in the disinfection log
    is_agent = models.BooleanField(_("disinfection agent"), default=False)

    objects = ItemKindQuerySet.as_manager()

    class Meta:
        verbose_name = _("item kind")
        verbose_name_plural = _("item kinds")
        ordering = ["township_id", "name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["township", "name"], name="supplies_kind_unique")
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.unit}）"


class LotQuerySet(ScopedQuerySet["Lot"]):
    scope_paths = _SCOPE
    view_capability = SuppliesCapability.VIEW_SUPPLIES

    def with_balance(self) -> LotQuerySet:
        return self.annotate(
            on_hand=Coalesce(
                Sum("movements__delta"),
                models.Value(Decimal(0)),
                output_field=models.DecimalField(max_digits=12, decimal_places=2),
            )
        )


class Lot(models.Model):
    """A batch of one item kept by one community."""

    township = models.ForeignKey(Township, on_delete=models.PROTECT, related_name="+")
    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="+", verbose_name=_("community")
    )
    kind = models.ForeignKey(
        ItemKind, on_delete=models.PROTECT, related_name="lots", verbose_name=_("item")
    )
    batch = models.CharField(_("batch"), max_length=40, blank=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    location = models.CharField(_("kept at"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    objects = LotQuerySet.as_manager()

    class Meta:
        verbose_name = _("batch")
        verbose_name_plural = _("batches")
        ordering = ["kind__name", "expires_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "kind", "batch"], name="supplies_lot_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind.name} {self.batch}".strip()


class Direction(models.TextChoices):
    IN = "in", pgettext_lazy("stock", "In")
    OUT = "out", pgettext_lazy("stock", "Out")
    COUNT = "count", _("Stock-take difference")


class Source(models.TextChoices):
    PURCHASE = "purchase", _("Purchase")
    ALLOCATION = "allocation", _("Allocation from the township")
    DONATION = "donation", _("Donation")


class Purpose(models.TextChoices):
    GATE = "gate", _("A gate")
    LOCKDOWN = "lockdown", _("A lockdown")
    DELIVERY = "delivery", _("A household's delivery")
    DISINFECTION = "disinfection", _("Disinfection")
    STAFF = "staff", _("Staff on duty")
    OTHER = "other", pgettext_lazy("purpose", "Other")


class MovementQuerySet(ScopedQuerySet["Movement"]):
    scope_paths = _SCOPE
    view_capability = SuppliesCapability.VIEW_SUPPLIES


class Movement(models.Model):
    township = models.ForeignKey(Township, on_delete=models.PROTECT, related_name="+")
    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="+", verbose_name=_("community")
    )
    lot = models.ForeignKey(
        Lot, on_delete=models.PROTECT, related_name="movements", verbose_name=_("batch")
    )
    direction = models.CharField(_("direction"), max_length=5, choices=Direction.choices)
    #: signed: in positive, out negative
    delta = models.DecimalField(_("quantity"), max_digits=12, decimal_places=2)
    at = models.DateTimeField(_("at"), default=timezone.now)
    source = models.CharField(_("from"), max_length=10, choices=Source.choices, blank=True)
    supplier = models.CharField(_("supplier or donor"), max_length=100, blank=True)
    donation = models.ForeignKey(
        "supplies.Donation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="movements",
        verbose_name=_("donation"),
    )
    purpose = models.CharField(_("for"), max_length=12, choices=Purpose.choices, blank=True)
    gate = models.ForeignKey(
        "checkpoints.Gate",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("gate"),
    )
    lockdown = models.ForeignKey(
        "lockdown.Lockdown",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("lockdown"),
    )
    supply_request = models.ForeignKey(
        "lockdown.SupplyRequest",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("supply request"),
    )
    #: who receives it (a name: a guard, a household, a team)
    received_by = models.CharField(_("received by"), max_length=50, blank=True)
    #: who handed it out or took it in: the signature
    signed_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("signed by")
    )
    stocktake = models.ForeignKey(
        "supplies.StockTake",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="movements",
        verbose_name=_("stock-take"),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = MovementQuerySet.as_manager()

    class Meta:
        verbose_name = _("stock movement")
        verbose_name_plural = _("stock movements")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["community", "at"], name="supplies_move_comm_at")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(delta=0) | Q(direction="count"), name="supplies_move_not_zero"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_direction_display()} {self.lot} {self.delta}"

    @property
    def quantity(self) -> Decimal:
        return abs(self.delta)


class StockTakeQuerySet(ScopedQuerySet["StockTake"]):
    scope_paths = _SCOPE
    view_capability = SuppliesCapability.VIEW_SUPPLIES


class StockTake(models.Model):
    """A count of a community's stock; each difference is written as a movement."""

    township = models.ForeignKey(Township, on_delete=models.PROTECT, related_name="+")
    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="+", verbose_name=_("community")
    )
    taken_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("counted by")
    )
    taken_at = models.DateTimeField(_("counted at"), default=timezone.now)
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = StockTakeQuerySet.as_manager()

    class Meta:
        verbose_name = _("stock-take")
        verbose_name_plural = _("stock-takes")
        ordering = ["-taken_at", "-id"]

    def __str__(self) -> str:
        return f"{self.community} {timezone.localtime(self.taken_at):%Y-%m-%d}"


class StockTakeLine(models.Model):
    stocktake = models.ForeignKey(
        StockTake, on_delete=models.CASCADE, related_name="lines", verbose_name=_("stock-take")
    )
    lot = models.ForeignKey(
        Lot, on_delete=models.PROTECT, related_name="+", verbose_name=_("batch")
    )
    expected = models.DecimalField(_("on the books"), max_digits=12, decimal_places=2)
    counted = models.DecimalField(_("counted"), max_digits=12, decimal_places=2)
    difference = models.DecimalField(_("difference"), max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = _("stock-take line")
        verbose_name_plural = _("stock-take lines")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.lot} {self.expected}→{self.counted}"


class DonationKind(models.TextChoices):
    MONEY = "money", _("Money")
    GOODS = "goods", _("Goods")


class DonationQuerySet(ScopedQuerySet["Donation"]):
    scope_paths = _SCOPE
    view_capability = SuppliesCapability.VIEW_SUPPLIES

    def with_used(self) -> DonationQuerySet:
        return self.annotate(
            used=Coalesce(
                Sum("uses__amount"),
                models.Value(Decimal(0)),
                output_field=models.DecimalField(max_digits=12, decimal_places=2),
            )
        )


class Donation(models.Model):
    township = models.ForeignKey(Township, on_delete=models.PROTECT, related_name="+")
    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="+", verbose_name=_("community")
    )
    donor = models.CharField(_("donor"), max_length=100)
    #: the donor agreed to be named on the public list
    donor_named = models.BooleanField(_("donor agreed to be named"), default=False)
    kind = models.CharField(_("kind"), max_length=5, choices=DonationKind.choices)
    #: money: yuan; goods: the quantity, in `unit`
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    unit = models.CharField(_("unit"), max_length=10, blank=True)
    description = models.CharField(_("what was given"), max_length=200, blank=True)
    received_on = models.DateField(_("received on"))
    receipt = models.CharField(_("receipt number"), max_length=40, blank=True)
    #: shown on the community's public list of donations
    publishable = models.BooleanField(_("publish"), default=False)
    recorded_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    objects = DonationQuerySet.as_manager()

    class Meta:
        verbose_name = _("donation")
        verbose_name_plural = _("donations")
        ordering = ["-received_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="supplies_donation_positive")
        ]

    def __str__(self) -> str:
        return f"{self.donor} {self.amount}{self.unit_label}"

    @property
    def unit_label(self) -> str:
        return str(_("yuan")) if self.kind == DonationKind.MONEY else self.unit


class DonationUse(models.Model):
    donation = models.ForeignKey(
        Donation, on_delete=models.PROTECT, related_name="uses", verbose_name=_("donation")
    )
    used_on = models.DateField(_("used on"))
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    purpose = models.CharField(_("used for"), max_length=200)
    recorded_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("use of a donation")
        verbose_name_plural = _("uses of donations")
        ordering = ["used_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="supplies_use_positive")
        ]

    def __str__(self) -> str:
        return f"{self.donation_id} {self.amount} {self.purpose}"
