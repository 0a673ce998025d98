"""A fever reported for a resident who is not in quarantine (plan 三(五)4; issue 12), in a
real browser on a phone: the grid worker finds the person and reports; the medical worker
finds the alert on the workbench and works it through to the person's collection by the
medical institution."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from fangkong.browser import log_in, phone_problems, screenshot
from fangkong.conftest import World, ensure_default_policy
from fangkong.health.models import Alert, AlertStatus
from fangkong.quarantine.models import Case
from fangkong.screening.actions import live_link

pytestmark = pytest.mark.browser


@pytest.fixture
def clock() -> Iterator[None]:
    """Real time here: the browser and the live server keep their own clocks."""
    yield None


def look(page: Page, step: str) -> None:
    screenshot(page, f"symptoms-{step}")
    assert phone_problems(page) == [], step


def test_a_fever_of_a_resident_not_in_quarantine_is_reported_and_followed_to_collection(
    phone: Page, live_server, world: World
) -> None:
    ensure_default_policy()
    person = world.resident_g1
    assert not Case.objects.filter(resident=person).exists()

    # The grid worker reports from the alerts page.
    log_in(phone, world, "grid_g1")
    phone.goto("/health/alerts/")
    phone.click("#report-symptoms")
    look(phone, "01-find-person")
    phone.fill("#q", person.name[:2])
    phone.click("#find-person button[type=submit]")
    phone.locator("#found").get_by_role("link", name=person.name).click()
    expect(phone.locator("#report-form h2")).to_have_text(person.name)
    phone.fill("input[name=temperature]", "38.7")
    phone.locator("#report-form").get_by_label("腹泻").check()
    look(phone, "02-report-form")
    phone.click("#report-form button[type=submit]")
    expect(phone.locator("#alert-status")).to_be_visible()
    expect(phone.locator("#alert-source")).to_contain_text(re.compile(r"\S"))
    look(phone, "03-alert-raised")
    alert = Alert.objects.get()
    assert (alert.resident_id, alert.case_id, alert.source) == (person.pk, None, "staff")

    # The medical worker finds it on the workbench and has the person collected.
    phone.context.clear_cookies()
    log_in(phone, world, "medic_a1")
    alerts = phone.locator("#worklist-alerts")
    expect(alerts).to_contain_text(person.name)
    look(phone, "04-medic-workbench")
    alerts.get_by_role("link", name=person.name).click()
    expect(phone.locator("#never-self-travel")).to_be_visible()
    phone.click("#acknowledge button")
    phone.fill("#contact input[name=institution]", "江汉区人民医院")
    phone.click("#contact button")
    expect(phone.locator("#collected")).to_be_visible()
    phone.click("#collected button")
    expect(phone.locator("#close")).to_be_visible()
    look(phone, "05-collected")
    alert.refresh_from_db()
    assert alert.status == AlertStatus.COLLECTED and alert.collected_at is not None


def test_anyone_reports_through_the_grids_public_page_on_a_phone(
    phone: Page, live_server, world: World
) -> None:
    ensure_default_policy()
    token = live_link(None, world.grid_g1).token
    phone.goto(f"/health/s/{token}/")
    look(phone, "06-public-page")
    phone.fill("input[name=name]", "赵居民")
    phone.fill("input[name=phone]", "13800001111")
    phone.fill("input[name=place]", "2栋1单元502")
    phone.fill("input[name=temperature]", "38.3")
    phone.click("#public-report button[type=submit]")
    expect(phone.locator(".messages")).to_be_visible()
    look(phone, "07-public-sent")
    alert = Alert.objects.get()
    assert (alert.source, alert.grid_id, alert.person_name) == (
        "public",
        world.grid_g1.pk,
        "赵居民",
    )
