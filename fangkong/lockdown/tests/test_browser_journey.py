"""A leader, on a phone, opens a confirmed case of a resident, locks the person's whole
building from it and sees its register; then a volunteer marks a delivery done."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from fangkong.browser import log_in, phone_problems, screenshot
from fangkong.conftest import World
from fangkong.lockdown import actions
from fangkong.lockdown.models import Lockdown, SupplyRequest, SupplyStatus
from fangkong.quarantine import actions as quarantine
from fangkong.quarantine.models import Case, CaseKind

pytestmark = pytest.mark.browser


@pytest.fixture
def clock() -> Iterator[None]:
    """Real time here: the browser and the live server keep their own clocks."""
    yield None


def look(page: Page, step: str) -> None:
    screenshot(page, f"lockdown-{step}")
    assert phone_problems(page) == [], step


def test_a_leader_locks_a_building_from_a_case_and_sees_its_register(
    phone: Page, live_server, world: World
) -> None:
    from django.utils import timezone

    index = quarantine.register_index_case(
        world.user("leader_a1"),
        township=world.township_a,
        name="确诊病例1",
        kind="confirmed",
        reported_on=timezone.localdate(),
        resident=world.resident_g1,
    )
    page = phone
    log_in(page, world, "leader_a1")
    page.goto(f"/quarantine/index-cases/{index.pk}/")
    offer = page.locator("#lockdown-offer")
    expect(offer.locator("a.button")).to_have_count(2)  # the unit, the whole building
    look(page, "01-index-case-offer")
    offer.locator("a.button").nth(1).click()  # the whole building
    expect(page.locator("#id_building")).to_have_value(str(world.building_g1.pk))
    expect(page.locator("#id_unit")).to_have_value("")
    expect(page.locator("#id_index_case")).to_have_value(str(index.pk))
    look(page, "02-lock-form")
    page.click("#lock-form button[type=submit]")
    expect(page).to_have_url(re.compile(r"/lockdown/\d+/$"))
    register = page.locator("#register-table")
    expect(register.locator("li.member")).to_have_count(2)
    expect(register).to_contain_text("张三丰")
    expect(register).to_contain_text("李秀英")
    assert world.resident_g1.doc_number not in page.content()
    expect(page.locator("#n-people")).to_have_text("2")
    expect(page.locator("#lift-blockers li")).to_have_count(2)
    look(page, "03-lockdown-page")

    lockdown = Lockdown.objects.get()
    assert lockdown.index_case == index and lockdown.unit is None
    assert Case.objects.filter(kind=CaseKind.LOCKDOWN).count() == 2

    # A request taken on the phone, assigned; the volunteer marks it delivered.
    request = actions.request_supplies(
        world.user("office_a1"), household=world.household_g1, kind="medicine", urgency="urgent"
    )
    actions.assign(world.user("office_a1"), request, volunteer=world.user("volunteer_a1"))
    log_in(page, world, "volunteer_a1")
    page.goto("/lockdown/deliveries/")
    card = page.locator(f"#delivery-{request.pk}")
    expect(card).to_be_visible()
    look(page, "04-my-deliveries")
    # The volunteer asks for the household's phone: shown in the card, as a number to call.
    card.locator(".delivery-phone button").click()
    expect(card.locator(f'a[href="tel:{world.resident_g1.phone}"]')).to_be_visible()
    look(page, "04b-phone-shown")
    card.locator("form[enctype] button[type=submit]").click()
    expect(page.locator(f"#delivery-{request.pk}")).to_have_count(0)
    look(page, "05-delivered")
    assert SupplyRequest.objects.get().status == SupplyStatus.DELIVERED
