"""The writes of the supplies: stock in and out (signed, never below zero, for a lockdown's
delivery), stock-take, donations and their use; each refusal in Chinese changes nothing."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from fangkong.core.errors import DomainError
from fangkong.core.models import AuditEntry
from fangkong.supplies import actions
from fangkong.supplies.models import Donation, DonationUse, Movement, StockTake

from .helpers import balance, kind, lot, supply_request

pytestmark = pytest.mark.django_db


def test_the_balance_is_the_sum_of_the_movements(world):
    item = lot(world, 500)
    actions.stock_in(
        world.user("leader_a1"),
        world.community_a1,
        item.kind,
        quantity=200,
        source="allocation",
        batch="B1",
    )
    actions.stock_out(
        world.user("volunteer_a1"), item, quantity=120, purpose="staff", received_by="王师傅"
    )
    assert balance(item) == Decimal(580)
    assert Movement.objects.filter(lot=item).count() == 3


def test_a_stock_out_for_a_lockdown_delivery_references_the_request(world):
    item = lot(world, 50)
    request = supply_request(world)
    move = actions.stock_out(
        world.user("volunteer_a1"),
        item,
        quantity=5,
        purpose="delivery",
        supply_request_id=request.pk,
    )
    assert (move.supply_request_id, move.lockdown_id, move.purpose) == (
        request.pk,
        None,
        "delivery",
    )
    assert move.signed_by == world.user("volunteer_a1")
    assert move.delta == Decimal(-5)


def test_a_stock_out_that_would_go_negative_is_refused_in_chinese_and_writes_nothing(world):
    item = lot(world, 10)
    moves, audits = Movement.objects.count(), AuditEntry.objects.count()
    with translation.override("zh-hans"), pytest.raises(DomainError) as refused:
        actions.stock_out(world.user("guard_a1"), item, quantity=11, purpose="staff")
    assert "库存" in refused.value.message and "10" in refused.value.message
    assert (Movement.objects.count(), AuditEntry.objects.count()) == (moves, audits)
    assert balance(item) == Decimal(10)


def test_a_delivery_of_another_community_is_refused(world):
    item = lot(world, 10)
    other = supply_request(world, community=world.community_a2)
    with pytest.raises(DomainError):
        actions.stock_out(
            world.user("office_a1"),
            item,
            quantity=1,
            purpose="delivery",
            supply_request_id=other.pk,
        )
    assert balance(item) == Decimal(10)


@pytest.mark.parametrize("key", ["volunteer_a1", "guard_a1", "grid_g1", "office_a1", "leader_a1"])
def test_who_hands_out(world, key):
    item = lot(world, 10)
    actions.stock_out(world.user(key), item, quantity=1, purpose="staff")
    assert balance(item) == Decimal(9)


@pytest.mark.parametrize("key", ["medic_a1", "police_a1", "leader_a2", "admin_b"])
def test_who_may_not_hand_out_here(world, key):
    item = lot(world, 10)
    with pytest.raises(DomainError):
        actions.stock_out(world.user(key), item, quantity=1, purpose="staff")
    assert balance(item) == Decimal(10)


@pytest.mark.parametrize("key", ["volunteer_a1", "guard_a1", "grid_g1"])
def test_only_managers_stock_in(world, key):
    item = kind(world)
    with pytest.raises(DomainError):
        actions.stock_in(world.user(key), world.community_a1, item, quantity=1, source="purchase")
    assert not Movement.objects.exists()


def test_a_stock_take_records_the_differences(world):
    masks = lot(world, 500)
    gloves = lot(world, 20, item=kind(world, "手套", unit="副"), batch="G1")
    take = actions.stock_take(
        world.user("office_a1"), world.community_a1, {masks.pk: 480, gloves.pk: 20}
    )
    lines = {line.lot_id: line for line in take.lines.all()}
    assert (lines[masks.pk].expected, lines[masks.pk].counted, lines[masks.pk].difference) == (
        Decimal(500),
        Decimal(480),
        Decimal(-20),
    )
    assert lines[gloves.pk].difference == 0
    assert balance(masks) == Decimal(480) and balance(gloves) == Decimal(20)
    assert Movement.objects.filter(stocktake=take).count() == 1


def test_a_stock_take_with_a_negative_count_is_refused_and_writes_nothing(world):
    masks = lot(world, 500)
    with translation.override("zh-hans"), pytest.raises(DomainError) as refused:
        actions.stock_take(world.user("office_a1"), world.community_a1, {masks.pk: -1})
    assert "负" in refused.value.message
    assert not StockTake.objects.exists()
    assert balance(masks) == Decimal(500)


def test_a_stock_take_of_another_communitys_batch_is_refused(world):
    other = lot(world, 5, community=world.community_a2, by="leader_a2")
    with pytest.raises(DomainError):
        actions.stock_take(world.user("office_a1"), world.community_a1, {other.pk: 1})
    assert not StockTake.objects.exists()


def donation(world, amount=1000, **kw):
    fields = {
        "donor": "爱心企业甲",
        "kind": "money",
        "amount": amount,
        "received_on": timezone.localdate() - dt.timedelta(days=2),
        "receipt": "R-001",
    }
    fields.update(kw)
    return actions.record_donation(world.user("leader_a1"), world.community_a1, **fields)


def test_a_donation_is_used_up_to_its_amount(world):
    d = donation(world)
    actions.use_donation(
        world.user("office_a1"), d, amount=600, purpose="购买口罩", used_on=timezone.localdate()
    )
    actions.use_donation(
        world.user("office_a1"), d, amount=400, purpose="购买消毒液", used_on=timezone.localdate()
    )
    assert DonationUse.objects.filter(donation=d).count() == 2


def test_a_use_exceeding_the_donation_is_refused_and_writes_nothing(world):
    d = donation(world)
    actions.use_donation(
        world.user("office_a1"), d, amount=600, purpose="购买口罩", used_on=timezone.localdate()
    )
    with translation.override("zh-hans"), pytest.raises(DomainError) as refused:
        actions.use_donation(
            world.user("office_a1"),
            d,
            amount="400.01",
            purpose="购买消毒液",
            used_on=timezone.localdate(),
        )
    assert "400" in refused.value.message and "剩" in refused.value.message
    assert DonationUse.objects.filter(donation=d).count() == 1


def test_goods_donated_come_into_the_stock(world):
    d = donation(world, kind="goods", amount=200, unit="瓶", description="84消毒液")
    item = kind(world, "84消毒液", unit="瓶", equipment_key="disinfectant", is_agent=True)
    move = actions.stock_in(
        world.user("office_a1"),
        world.community_a1,
        item,
        quantity=200,
        source="purchase",
        donation=d,
    )
    assert (move.source, move.supplier, move.donation_id) == ("donation", "爱心企业甲", d.pk)


def test_a_donation_received_in_the_future_is_refused(world):
    with pytest.raises(DomainError):
        donation(world, received_on=timezone.localdate() + dt.timedelta(days=1))
    assert not Donation.objects.exists()


def test_equipment_counts_come_from_the_stock(world):
    from fangkong.closure.equipment import counts

    thermometers = kind(world, "测温枪", unit="把", equipment_key="thermometers")
    masks = kind(world, "口罩", equipment_key="masks")
    lot(world, 6, item=thermometers, batch="")
    lot(world, 300, item=masks, batch="M1")
    lot(world, 50, item=masks, batch="OLD", expires_on=timezone.localdate() - dt.timedelta(days=1))
    found = counts([world.community_a1.pk, world.community_a2.pk])
    assert found == {
        world.community_a1.pk: {"thermometers": 6, "masks": 300},
        world.community_a2.pk: {},
    }


def test_a_stock_out_for_a_lockdown_names_one_of_the_community(world):
    item = lot(world, 10)
    with pytest.raises(DomainError) as refused:
        actions.stock_out(world.user("office_a1"), item, quantity=1, purpose="lockdown")
    assert "lockdown" in refused.value.errors
    with pytest.raises(DomainError):
        actions.stock_out(world.user("office_a1"), item, quantity=1, lockdown_id=999999, purpose="")
    assert balance(item) == Decimal(10)
