"""Supplies and the disinfection log in a real browser (Chromium, phone-sized, in Chinese): a
volunteer hands out masks for a lockdown household's delivery and sees the stock go down;
the community leader finds yesterday's missed disinfection on the workbench."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from fangkong.browser import log_in, phone_problems, screenshot
from fangkong.conftest import World, ensure_default_policy
from fangkong.disinfection import actions as disinfection
from fangkong.disinfection.models import Place
from fangkong.supplies.models import Movement

from .helpers import balance, lot, supply_request

pytestmark = pytest.mark.browser


@pytest.fixture
def clock() -> Iterator[None]:
    """Real time here: the browser and the live server keep their own clocks."""
    yield None


def look(page: Page, step: str) -> None:
    screenshot(page, f"supplies-{step}")
    assert phone_problems(page) == [], step


def test_a_volunteer_hands_out_for_a_lockdown_delivery_and_the_stock_goes_down(
    phone: Page, live_server, world: World
) -> None:
    masks = lot(world, 50)
    request = supply_request(world)
    log_in(phone, world, "volunteer_a1")
    phone.goto(f"/supplies/?community={world.community_a1.pk}")
    expect(phone.locator(f"#lot-{masks.pk} .on-hand")).to_have_text("50")
    look(phone, "01-stock")
    phone.click("#stock-out")
    phone.select_option("#id_lot", str(masks.pk))
    phone.fill("#id_quantity", "6")
    phone.select_option("#id_purpose", "delivery")
    phone.select_option("#id_supply_request", str(request.pk))
    phone.fill("#id_received_by", "张三丰家（门口）")
    look(phone, "02-form")
    phone.click("#supplies-form button[type=submit]")
    expect(phone.locator(f"#lot-{masks.pk} .on-hand")).to_have_text("44")
    look(phone, "03-after")
    move = Movement.objects.get(direction="out")
    assert (move.supply_request_id, move.signed_by) == (request.pk, world.user("volunteer_a1"))
    assert balance(masks) == 44


def test_a_missed_disinfection_is_on_the_leaders_workbench(
    phone: Page, live_server, world: World
) -> None:
    ensure_default_policy()
    lift = disinfection.save_place(
        world.user("leader_a1"), world.community_a1, name="1栋电梯", kind="lift"
    )
    Place.objects.filter(pk=lift.pk).update(created_at=timezone.now() - dt.timedelta(days=3))
    gate = disinfection.save_place(
        world.user("leader_a1"), world.community_a1, name="南门", kind="gate"
    )
    Place.objects.filter(pk=gate.pk).update(created_at=timezone.now() - dt.timedelta(days=3))
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    for hour in (8, 16):
        when = timezone.make_aware(dt.datetime.combine(yesterday, dt.time(hour)))
        disinfection.record(
            world.user("guard_a1"), gate, done_at=when, now=when + dt.timedelta(minutes=5)
        )
    log_in(phone, world, "leader_a1")
    phone.goto("/")
    missed = phone.locator("#disinfection-missed")
    expect(missed).to_contain_text("1栋电梯")
    expect(missed).not_to_contain_text("南门")
    look(phone, "04-workbench")
    phone.click("#disinfection-panel h2 a")
    expect(phone.locator("#places-of-day")).to_contain_text("1栋电梯")
    look(phone, "05-day")
