"""The supplies pages: who sees them, the forms' refusals, the public list of donations."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from fangkong.supplies import actions
from fangkong.supplies.models import Donation, Movement

from .helpers import balance, lot, supply_request

pytestmark = pytest.mark.django_db


def login(client, world, key):
    client.force_login(world.user(key))
    return client


@pytest.mark.parametrize(
    "key", ["leader_a1", "office_a1", "volunteer_a1", "guard_a1", "grid_g1", "admin_a"]
)
def test_the_stock_page_for_those_who_see_it(client, world, key):
    lot(world, 50)
    response = login(client, world, key).get(
        reverse("supplies:stock") + f"?community={world.community_a1.pk}"
    )
    assert response.status_code == 200
    assert "医用外科口罩" in response.content.decode()


@pytest.mark.parametrize("key", ["medic_a1", "police_a1"])
def test_the_stock_page_is_refused_to_other_roles(client, world, key):
    assert login(client, world, key).get(reverse("supplies:stock")).status_code == 403


def test_the_stock_is_the_communitys_so_another_grid_of_it_sees_it(client, world):
    lot(world, 50)
    url = reverse("supplies:stock") + f"?community={world.community_a1.pk}"
    assert login(client, world, "grid_g2").get(url).status_code == 200


@pytest.mark.parametrize("key", ["leader_a2", "admin_b"])
def test_another_communitys_stock_is_404(client, world, key):
    item = lot(world, 50)
    c = login(client, world, key)
    assert (
        c.get(reverse("supplies:stock") + f"?community={world.community_a1.pk}").status_code == 404
    )
    d = actions.record_donation(
        world.user("leader_a1"),
        world.community_a1,
        donor="甲",
        kind="money",
        amount=10,
        received_on=timezone.localdate(),
    )
    assert c.get(reverse("supplies:donation", args=[d.pk])).status_code == 404
    assert balance(item) == 50


def test_a_volunteer_hands_out_for_a_delivery_and_the_stock_decreases(client, world):
    item = lot(world, 50)
    request = supply_request(world)
    c = login(client, world, "volunteer_a1")
    url = reverse("supplies:stock_out") + f"?community={world.community_a1.pk}"
    page = c.get(url).content.decode()
    assert f"#{request.pk}" in page
    response = c.post(
        url,
        {
            "lot": item.pk,
            "quantity": "3",
            "purpose": "delivery",
            "supply_request": request.pk,
            "received_by": "张三丰家",
        },
    )
    assert response.status_code == 302
    assert balance(item) == 47
    move = Movement.objects.get(direction="out")
    assert (move.supply_request_id, move.signed_by_id) == (
        request.pk,
        world.user("volunteer_a1").pk,
    )


def test_a_stock_out_beyond_the_stock_is_shown_on_the_form_and_writes_nothing(client, world):
    item = lot(world, 5)
    c = login(client, world, "guard_a1")
    c.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"
    url = reverse("supplies:stock_out") + f"?community={world.community_a1.pk}"
    response = c.post(
        url, {"lot": item.pk, "quantity": "6", "purpose": "staff", "received_by": "李四"}
    )
    assert response.status_code == 422
    assert "库存仅剩 5" in response.content.decode()
    assert balance(item) == 5


def test_a_volunteer_may_not_stock_in(client, world):
    assert login(client, world, "volunteer_a1").get(reverse("supplies:stock_in")).status_code == 403


def test_a_stock_take_with_a_negative_count_on_the_form(client, world):
    item = lot(world, 5)
    c = login(client, world, "office_a1")
    url = reverse("supplies:stock_take") + f"?community={world.community_a1.pk}"
    response = c.post(url, {f"lot_{item.pk}": "-2"})
    assert response.status_code == 422
    assert "A count is never negative" in response.content.decode()
    assert balance(item) == 5


def test_the_public_list_shows_only_published_donations_and_names_only_who_agreed(client, world):
    today = timezone.localdate()
    leader = world.user("leader_a1")
    named = actions.record_donation(
        leader,
        world.community_a1,
        donor="爱心超市",
        donor_named=True,
        kind="money",
        amount=5000,
        received_on=today - dt.timedelta(days=3),
        publishable=True,
    )
    actions.record_donation(
        leader,
        world.community_a1,
        donor="王大妈",
        kind="goods",
        amount=100,
        unit="个",
        description="口罩",
        received_on=today,
        publishable=True,
    )
    actions.record_donation(
        leader,
        world.community_a1,
        donor="不公开企业",
        kind="money",
        amount=800,
        received_on=today,
    )
    actions.use_donation(leader, named, amount=1200, purpose="购买测温枪", used_on=today)
    page = client.get(reverse("donations:public", args=[world.community_a1.code]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "爱心超市" in html and "购买测温枪" in html
    assert "王大妈" not in html and "A donor who wishes to stay anonymous" in html
    assert "不公开企业" not in html and "800" not in html
    assert Donation.objects.count() == 3


def test_publishing_asks_for_confirmation(client, world):
    d = actions.record_donation(
        world.user("leader_a1"),
        world.community_a1,
        donor="甲",
        kind="money",
        amount=10,
        received_on=timezone.localdate(),
    )
    c = login(client, world, "office_a1")
    url = reverse("supplies:donation", args=[d.pk])
    assert c.post(url, {"publishable": "1"}).status_code == 200
    d.refresh_from_db()
    assert not d.publishable
    assert c.post(url, {"publishable": "1", "confirm": "1"}).status_code == 302
    d.refresh_from_db()
    assert d.publishable


def test_a_use_beyond_the_donation_on_the_form(client, world):
    d = actions.record_donation(
        world.user("leader_a1"),
        world.community_a1,
        donor="甲",
        kind="money",
        amount=10,
        received_on=timezone.localdate(),
    )
    c = login(client, world, "office_a1")
    response = c.post(
        reverse("supplies:donation", args=[d.pk]),
        {"amount": "11", "purpose": "口罩", "used_on": timezone.localdate().isoformat()},
    )
    assert response.status_code == 422
    assert not d.uses.exists()


def test_the_panel_warns_of_low_stock_and_expiring_batches(client, world):
    lot(world, 50)  # threshold 100
    from .helpers import kind

    gloves = kind(world, "手套", unit="副", low_threshold=0)
    lot(world, 30, item=gloves, batch="G", expires_on=timezone.localdate() + dt.timedelta(days=5))
    html = login(client, world, "leader_a1").get(reverse("core:workbench")).content.decode()
    panel = html.split('id="supplies-panel"', 1)[1].split("</section>", 1)[0]
    assert "医用外科口罩" in panel.split("supplies-expiring")[0]
    assert "手套" in panel.split("supplies-expiring")[1]


def test_a_stock_take_asks_for_confirmation_then_records_the_difference(client, world):
    item = lot(world, 50)
    c = login(client, world, "office_a1")
    url = reverse("supplies:stock_take") + f"?community={world.community_a1.pk}"
    asked = c.post(url, {f"lot_{item.pk}": "47"})
    assert asked.status_code == 200 and "cannot be undone" in asked.content.decode()
    assert balance(item) == 50
    assert c.post(url, {f"lot_{item.pk}": "47", "confirm": "1"}).status_code == 302
    assert balance(item) == 47
