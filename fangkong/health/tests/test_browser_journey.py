"""Daily monitoring in a real browser (Chromium, phone-sized): the grid worker makes the
household's personal link; the head of the household reports, from their own phone and
without an account, a fever for a dependant; the medical worker finds the alert on the
workbench and works it through to the end."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from fangkong.browser import PHONE, log_in, phone_problems, screenshot
from fangkong.conftest import World
from fangkong.health.models import Alert, AlertStatus, CheckIn

from .conftest import quarantine_case

pytestmark = pytest.mark.browser


@pytest.fixture
def clock() -> Iterator[None]:
    """Real time here: the browser and the live server keep their own clocks."""
    yield None


def look(page: Page, step: str) -> None:
    screenshot(page, f"health-{step}")
    assert phone_problems(page) == [], step


def test_a_household_reports_a_fever_by_its_link_and_the_medic_works_the_alert(
    phone: Page, chromium: Browser, live_server, world: World
) -> None:
    quarantine_case(world, world.resident_g1)
    quarantine_case(world, world.resident_g1_spouse)
    staff = phone

    # The grid worker makes the link and shows its QR code.
    log_in(staff, world, "grid_g1")
    staff.goto("/health/checkins/")
    expect(staff.locator(".checkin-row")).to_have_count(2)
    look(staff, "01-quick-entry")
    staff.goto(f"/health/households/{world.household_g1.pk}/links/")
    staff.click("#make-link button")
    expect(staff.locator(".qr svg")).to_be_visible()
    url = staff.locator("#link-url").input_value()
    assert "/health/h/" in url
    look(staff, "02-link-made")

    # The head of the household, on their own phone, no account.
    home = chromium.new_context(
        viewport=PHONE,  # type: ignore[arg-type]
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
    )
    try:
        resident = home.new_page()
        resident.goto(url)
        expect(resident.locator("section.person")).to_have_count(2)
        assert "张三丰" not in resident.content()
        look(resident, "03-report-page")

        spouse = resident.locator("section.person", has_text="李**")
        spouse.locator("input[name$=temperature]").fill("38.6")
        spouse.get_by_label("腹泻").check()  # on every version of the list
        spouse.locator("button[type=submit]").click()
        expect(resident.locator(".messages")).to_contain_text("李**")
        look(resident, "04-reported-fever")

        head = resident.locator("section.person", has_text="张**")
        head.locator("input[name$=temperature]").fill("98.6")
        head.locator("button[type=submit]").click()
        expect(resident.locator(".errorlist")).to_contain_text("98.6")
        look(resident, "05-implausible")
    finally:
        home.close()
    assert CheckIn.objects.count() == 1

    # The medical worker sees it on the workbench and works it through.
    staff.context.clear_cookies()
    log_in(staff, world, "medic_a1")
    alerts = staff.locator("#worklist-alerts")
    expect(alerts).to_contain_text("李秀英")
    look(staff, "06-medic-workbench")
    alerts.get_by_role("link", name="李秀英").click()
    expect(staff.locator("#never-self-travel")).to_be_visible()
    look(staff, "07-alert")
    staff.click("#acknowledge button")
    staff.fill("#contact input[name=institution]", "江汉区人民医院")
    staff.click("#contact button")
    expect(staff.locator("#collected")).to_be_visible()
    staff.click("#collected button")
    staff.select_option("#close select[name=outcome]", "ruled_out")
    staff.fill("#close textarea[name=notes]", "医院排除，返回居家隔离")
    staff.click("#close button")
    expect(staff.locator("#alert-status")).to_have_text(re.compile(r"\S"))
    look(staff, "08-alert-closed")
    assert Alert.objects.get().status == AlertStatus.CLOSED
