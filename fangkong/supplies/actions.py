"""Every write of the supplies app: item kinds, stock in, stock out, stock-take, donations
and their use.

Each is one function: atomic, locks the rows whose balance it checks (`select_for_update` on
the batch), checks role and jurisdiction, refuses with a `DomainError` that changes nothing,
and writes an audit entry. The balance of a batch is the sum of its movements
(`stock.balance`); a stock-out that would take it below zero is refused.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.core import audit
from fangkong.core.errors import DomainError
from fangkong.core.models import AuditAction, Community, Township, User
from fangkong.core.scoping import covers

from . import stock
from .capabilities import SuppliesCapability
from .models import (
    Direction,
    Donation,
    DonationKind,
    DonationUse,
    EquipmentKey,
    ItemKind,
    Lot,
    Movement,
    Purpose,
    Source,
    StockTake,
    StockTakeLine,
)

MAX_QUANTITY = Decimal("9999999999")
#: how far back a movement, a donation or a use may be dated
MAX_AGE = dt.timedelta(days=366)


def _quantity(value: Any, *, field: str = "quantity", zero_ok: bool = False) -> Decimal:
    try:
        q = Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        raise DomainError(_("Enter the quantity as a number."), field=field) from None
    if not q.is_finite():
        raise DomainError(_("Enter the quantity as a number."), field=field)
    if q < 0:
        raise DomainError(_("A quantity is never negative."), field=field)
    if q == 0 and not zero_ok:
        raise DomainError(_("Enter a quantity above zero."), field=field)
    if q > MAX_QUANTITY:
        raise DomainError(_("This quantity is too large."), field=field)
    if q != q.quantize(Decimal("0.01")):
        raise DomainError(_("Enter at most two decimal places."), field=field)
    return q


def _text(value: str | None, *, field: str, limit: int, required: str | None = None) -> str:
    value = " ".join((value or "").split())
    if not value and required:
        raise DomainError(required, field=field)
    if len(value) > limit:
        raise DomainError(_("Keep this under %(n)d characters.") % {"n": limit}, field=field)
    return value


def _when(at: dt.datetime | None, now: dt.datetime) -> dt.datetime:
    if at is None:
        return now
    if timezone.is_naive(at):
        at = timezone.make_aware(at)
    if at > now + dt.timedelta(minutes=5):
        raise DomainError(_("This cannot be dated in the future."), field="at")
    if at < now - MAX_AGE:
        raise DomainError(_("This is dated more than a year ago."), field="at")
    return at


def _check(by: User, capability: str, community: Community | None = None, **ids: Any) -> None:
    if not by.can(capability):
        raise DomainError(_("Your role may not do this with the supplies."))
    if community is not None and not (by.is_superuser or covers(by, community)):
        raise DomainError(_("This community is not in your jurisdiction."))
    if ids and not (by.is_superuser or covers(by, **ids)):
        raise DomainError(_("This community is not in your jurisdiction."))


def balance_of(lot_id: int) -> Decimal:
    found = Movement.objects.filter(lot_id=lot_id).aggregate(n=Sum("delta"))["n"]
    return stock.balance([found or Decimal(0)])


def _locked_lot(lot: Lot) -> Lot:
    return Lot.objects.select_for_update().select_related("kind").get(pk=lot.pk)


# --- item kinds -------------------------------------------------------------------------------

KIND_FIELDS = ("name", "unit", "low_threshold", "equipment_key", "is_agent")


@transaction.atomic
def save_kind(
    by: User,
    township: Township,
    *,
    kind: ItemKind | None = None,
    name: str,
    unit: str,
    low_threshold: Any = 0,
    equipment_key: str = "",
    is_agent: bool = False,
) -> ItemKind:
    """Add an item kind of the township, or change one."""
    _check(by, SuppliesCapability.MANAGE_SUPPLIES, township_id=township.pk)
    name = _text(name, field="name", limit=50, required=_("Name the item."))
    unit = _text(unit, field="unit", limit=10, required=_("Give the unit, e.g. 个 or 瓶."))
    threshold = _quantity(low_threshold, field="low_threshold", zero_ok=True)
    if equipment_key and equipment_key not in EquipmentKey.values:
        raise DomainError(_("Choose one of the equipment counts."), field="equipment_key")
    clash = ItemKind.objects.filter(township=township, name=name)
    if kind is not None:
        clash = clash.exclude(pk=kind.pk)
    if clash.exists():
        raise DomainError(_("The township already has an item of this name."), field="name")
    if kind is None:
        kind = ItemKind(township=township)
        before: dict[str, Any] = {}
        action = AuditAction.CREATE
    else:
        kind = ItemKind.objects.select_for_update().get(pk=kind.pk)
        before = audit.snapshot(kind, KIND_FIELDS)
        action = AuditAction.UPDATE
    kind.name, kind.unit, kind.low_threshold = name, unit, threshold
    kind.equipment_key, kind.is_agent = equipment_key, bool(is_agent)
    kind.save()
    after = audit.snapshot(kind, KIND_FIELDS)
    audit.record_object(by, action, kind, changes=audit.diff(before, after) if before else after)
    return kind


# --- stock in and out -------------------------------------------------------------------------

MOVEMENT_FIELDS = (
    "direction",
    "delta",
    "source",
    "supplier",
    "purpose",
    "received_by",
    "note",
)


def _record(by: User, move: Movement) -> None:
    changes = audit.snapshot(move, MOVEMENT_FIELDS)
    changes["lot"] = str(move.lot)
    audit.record_object(by, AuditAction.CREATE, move, changes=changes)


@transaction.atomic
def stock_in(
    by: User,
    community: Community,
    kind: ItemKind,
    *,
    quantity: Any,
    source: str,
    batch: str = "",
    expires_on: dt.date | None = None,
    location: str = "",
    supplier: str = "",
    donation: Donation | None = None,
    note: str = "",
    at: dt.datetime | None = None,
    now: dt.datetime | None = None,
) -> Movement:
    """Goods received into a batch of the community (the batch is made when new)."""
    now = now or timezone.now()
    _check(by, SuppliesCapability.MANAGE_SUPPLIES, community)
    if kind.township_id != community.township_id:
        raise DomainError(_("This item is not one of this township's."), field="kind")
    q = _quantity(quantity)
    if source not in Source.values:
        raise DomainError(_("Say where the goods come from."), field="source")
    if donation is not None and (
        donation.community_id != community.pk or donation.kind != DonationKind.GOODS
    ):
        raise DomainError(_("Choose a donation of goods to this community."), field="donation")
    if donation is not None:
        source = Source.DONATION
    batch = _text(batch, field="batch", limit=40)
    location = _text(location, field="location", limit=100)
    supplier = _text(supplier, field="supplier", limit=100)
    note = _text(note, field="note", limit=200)
    at = _when(at, now)
    lot, made = Lot.objects.select_for_update().get_or_create(
        community=community,
        kind=kind,
        batch=batch,
        defaults={
            "township_id": community.township_id,
            "expires_on": expires_on,
            "location": location,
        },
    )
    if not made:
        if expires_on is not None and lot.expires_on is not None and expires_on != lot.expires_on:
            raise DomainError(
                _("Batch %(batch)s is recorded as expiring on %(date)s; check the date.")
                % {"batch": batch or "—", "date": lot.expires_on.isoformat()},
                field="expires_on",
            )
        changed = []
        if expires_on is not None and lot.expires_on is None:
            lot.expires_on = expires_on
            changed.append("expires_on")
        if location and location != lot.location:
            lot.location = location
            changed.append("location")
        if changed:
            lot.save(update_fields=changed)
    move = Movement.objects.create(
        township_id=community.township_id,
        community=community,
        lot=lot,
        direction=Direction.IN,
        delta=q,
        at=at,
        source=source,
        supplier=supplier or (donation.donor if donation else ""),
        donation=donation,
        signed_by=by,
        note=note,
    )
    _record(by, move)
    return move


def _take(
    by: User,
    lot: Lot,
    *,
    quantity: Any,
    purpose: str,
    received_by: str,
    note: str,
    at: dt.datetime | None,
    now: dt.datetime,
    gate_id: int | None = None,
    lockdown_id: int | None = None,
    supply_request_id: int | None = None,
) -> Movement:
    q = _quantity(quantity)
    if purpose not in Purpose.values:
        raise DomainError(_("Say what the goods are for."), field="purpose")
    received_by = _text(received_by, field="received_by", limit=50)
    note = _text(note, field="note", limit=200)
    at = _when(at, now)
    lot = _locked_lot(lot)
    on_hand = balance_of(lot.pk)
    if not stock.may_take(on_hand, q):
        raise DomainError(
            _(
                "Only %(on_hand)s %(unit)s of %(item)s are in stock; %(quantity)s cannot be "
                "handed out. Record the stock in first, or hand out less."
            )
            % {
                "on_hand": _plain(on_hand),
                "unit": lot.kind.unit,
                "item": lot,
                "quantity": _plain(q),
            },
            field="quantity",
        )
    move = Movement.objects.create(
        township_id=lot.township_id,
        community_id=lot.community_id,
        lot=lot,
        direction=Direction.OUT,
        delta=-q,
        at=at,
        purpose=purpose,
        gate_id=gate_id,
        lockdown_id=lockdown_id,
        supply_request_id=supply_request_id,
        received_by=received_by,
        signed_by=by,
        note=note,
    )
    _record(by, move)
    return move


def _plain(q: Decimal) -> str:
    """12.50 → "12.5", 3.00 → "3"."""
    text = format(q.normalize(), "f")
    return text


@transaction.atomic
def stock_out(
    by: User,
    lot: Lot,
    *,
    quantity: Any,
    purpose: str,
    received_by: str = "",
    gate_id: int | None = None,
    supply_request_id: int | None = None,
    lockdown_id: int | None = None,
    note: str = "",
    at: dt.datetime | None = None,
    now: dt.datetime | None = None,
) -> Movement:
    """Hand out goods of a batch, signed by `by`: to whom, for what (a gate of the community,
    a household's delivery of a lockdown: its supply request). Refused if the batch would go
    below zero."""
    from fangkong.checkpoints.models import Gate
    from fangkong.lockdown.models import Lockdown, SupplyRequest

    now = now or timezone.now()
    _check(
        by, SuppliesCapability.HAND_OUT, township_id=lot.township_id, community_id=lot.community_id
    )
    if lockdown_id is not None:
        if not Lockdown.objects.filter(pk=lockdown_id, community_id=lot.community_id).exists():
            raise DomainError(_("Choose a lockdown of this community."), field="lockdown")
        purpose = Purpose.LOCKDOWN
    if gate_id is not None:
        if not Gate.objects.filter(pk=gate_id, community_id=lot.community_id).exists():
            raise DomainError(_("Choose a gate of this community."), field="gate")
        purpose = purpose or Purpose.GATE
    if supply_request_id is not None:
        found = list(
            SupplyRequest.objects.filter(
                pk=supply_request_id, community_id=lot.community_id
            ).values_list("lockdown_id", flat=True)[:1]
        )
        if not found:
            raise DomainError(
                _("Choose a supply request of this community."), field="supply_request"
            )
        lockdown_id = found[0]
        purpose = Purpose.DELIVERY
    if purpose == Purpose.GATE and gate_id is None:
        raise DomainError(_("Say which gate the goods are for."), field="gate")
    if purpose == Purpose.LOCKDOWN and lockdown_id is None:
        raise DomainError(_("Say which lockdown the goods are for."), field="lockdown")
    if purpose == Purpose.DELIVERY and supply_request_id is None:
        raise DomainError(_("Say which supply request is delivered."), field="supply_request")
    return _take(
        by,
        lot,
        quantity=quantity,
        purpose=purpose,
        received_by=received_by,
        note=note,
        at=at,
        now=now,
        gate_id=gate_id,
        lockdown_id=lockdown_id,
        supply_request_id=supply_request_id,
    )


def use_for_disinfection(
    by: User, lot: Lot, *, quantity: Any, place: str, at: dt.datetime, now: dt.datetime
) -> Movement:
    """The agent of a disinfection entry, taken from the stock in the caller's transaction
    (the disinfection app checked the recorder's role)."""
    if not (
        by.is_superuser or covers(by, township_id=lot.township_id, community_id=lot.community_id)
    ):
        raise DomainError(_("This community is not in your jurisdiction."), field="agent")
    if not Lot.objects.filter(pk=lot.pk, kind__is_agent=True).exists():
        raise DomainError(_("Choose a disinfection agent."), field="agent")
    return _take(
        by,
        lot,
        quantity=quantity,
        purpose=Purpose.DISINFECTION,
        received_by="",
        note=place[:200],
        at=at,
        now=now,
    )


# --- stock-take -------------------------------------------------------------------------------


@transaction.atomic
def stock_take(
    by: User,
    community: Community,
    counts: dict[int, Any],
    *,
    note: str = "",
    now: dt.datetime | None = None,
) -> StockTake:
    """Count the batches of a community: each line keeps the books, the count and the
    difference; each difference is written as a movement so the balance is the count."""
    now = now or timezone.now()
    _check(by, SuppliesCapability.MANAGE_SUPPLIES, community)
    if not counts:
        raise DomainError(_("Count at least one batch."))
    clean: dict[int, Decimal] = {}
    for lot_id, value in counts.items():
        try:
            q = Decimal(str(value))
        except (InvalidOperation, TypeError, ValueError):
            raise DomainError(_("Enter each count as a number."), field="counts") from None
        if not q.is_finite():
            raise DomainError(_("Enter each count as a number."), field="counts")
        if q < 0:
            raise DomainError(
                _("A count is never negative; enter 0 if nothing is left."), field="counts"
            )
        clean[int(lot_id)] = _quantity(q, field="counts", zero_ok=True)
    lots = {
        lot.pk: lot
        for lot in Lot.objects.select_for_update()
        .select_related("kind")
        .filter(pk__in=list(clean), community=community)
    }
    if set(lots) != set(clean):
        raise DomainError(_("Count only batches of this community."), field="counts")
    note = _text(note, field="note", limit=200)
    take = StockTake.objects.create(
        township_id=community.township_id, community=community, taken_by=by, taken_at=now, note=note
    )
    differences: list[str] = []
    for lot_id in sorted(clean):
        lot = lots[lot_id]
        expected = balance_of(lot_id)
        diff = stock.difference(expected, clean[lot_id])
        StockTakeLine.objects.create(
            stocktake=take, lot=lot, expected=expected, counted=clean[lot_id], difference=diff
        )
        if diff != 0:
            Movement.objects.create(
                township_id=community.township_id,
                community=community,
                lot=lot,
                direction=Direction.COUNT,
                delta=diff,
                at=now,
                signed_by=by,
                stocktake=take,
                note=note,
            )
            differences.append(f"{lot} {_plain(diff)}")
    audit.record_object(
        by, AuditAction.CREATE, take, changes={"differences": "; ".join(differences)}, reason=note
    )
    return take


# --- donations --------------------------------------------------------------------------------

DONATION_FIELDS = (
    "donor",
    "donor_named",
    "kind",
    "amount",
    "unit",
    "description",
    "received_on",
    "receipt",
    "publishable",
)


@transaction.atomic
def record_donation(
    by: User,
    community: Community,
    *,
    donor: str,
    kind: str,
    amount: Any,
    received_on: dt.date,
    unit: str = "",
    description: str = "",
    receipt: str = "",
    donor_named: bool = False,
    publishable: bool = False,
) -> Donation:
    _check(by, SuppliesCapability.MANAGE_SUPPLIES, community)
    donor = _text(donor, field="donor", limit=100, required=_("Name the donor."))
    if kind not in DonationKind.values:
        raise DomainError(_("Say whether money or goods were given."), field="kind")
    q = _quantity(amount, field="amount")
    unit = _text(unit, field="unit", limit=10)
    description = _text(description, field="description", limit=200)
    if kind == DonationKind.GOODS and not (unit and description):
        raise DomainError(_("Say what goods were given and their unit."), field="description")
    today = timezone.localdate()
    if received_on is None or received_on > today:
        raise DomainError(_("A donation cannot be received in the future."), field="received_on")
    donation = Donation.objects.create(
        township_id=community.township_id,
        community=community,
        donor=donor,
        donor_named=bool(donor_named),
        kind=kind,
        amount=q,
        unit="" if kind == DonationKind.MONEY else unit,
        description=description,
        received_on=received_on,
        receipt=_text(receipt, field="receipt", limit=40),
        publishable=bool(publishable),
        recorded_by=by,
    )
    audit.record_object(
        by, AuditAction.CREATE, donation, changes=audit.snapshot(donation, DONATION_FIELDS)
    )
    return donation


@transaction.atomic
def set_publishable(by: User, donation: Donation, *, publishable: bool) -> Donation:
    _check(
        by,
        SuppliesCapability.MANAGE_SUPPLIES,
        township_id=donation.township_id,
        community_id=donation.community_id,
    )
    donation = Donation.objects.select_for_update().get(pk=donation.pk)
    if donation.publishable != publishable:
        audit.record_object(
            by,
            AuditAction.UPDATE,
            donation,
            changes={"publishable": [donation.publishable, publishable]},
        )
        donation.publishable = publishable
        donation.save(update_fields=["publishable"])
    return donation


@transaction.atomic
def use_donation(
    by: User, donation: Donation, *, amount: Any, purpose: str, used_on: dt.date
) -> DonationUse:
    """What a donation was used for; the uses never add up to more than the donation."""
    _check(
        by,
        SuppliesCapability.MANAGE_SUPPLIES,
        township_id=donation.township_id,
        community_id=donation.community_id,
    )
    donation = Donation.objects.select_for_update().get(pk=donation.pk)
    q = _quantity(amount, field="amount")
    purpose = _text(purpose, field="purpose", limit=200, required=_("Say what it was used for."))
    if used_on is None or used_on > timezone.localdate():
        raise DomainError(_("A use cannot be dated in the future."), field="used_on")
    if used_on < donation.received_on:
        raise DomainError(_("A donation is used after it was received."), field="used_on")
    used = list(donation.uses.values_list("amount", flat=True))
    if not stock.may_use(donation.amount, used, q):
        raise DomainError(
            _("Only %(left)s %(unit)s of this donation are left; %(amount)s is more than that.")
            % {
                "left": _plain(stock.left_of(donation.amount, used)),
                "unit": donation.unit_label,
                "amount": _plain(q),
            },
            field="amount",
        )
    use = DonationUse.objects.create(
        donation=donation, used_on=used_on, amount=q, purpose=purpose, recorded_by=by
    )
    audit.record_object(
        by,
        AuditAction.CREATE,
        use,
        changes={"amount": _plain(q), "purpose": purpose, "used_on": used_on.isoformat()},
        township=donation.township_id,
    )
    return use
