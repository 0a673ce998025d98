"""A returnee scans the grid's QR code and registers on their phone (no account); the grid
worker logs in, confirms the registration against 张三丰 and sees the decision. Chromium,
phone-sized (375 px), against the live server."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from fangkong.browser import phone_problems, screenshot
from fangkong.conftest import PASSWORD, World
from fangkong.quarantine.models import Case
from fangkong.screening import actions
from fangkong.screening.models import Registration

from .factories import RiskAreaFactory

pytestmark = pytest.mark.browser


def test_a_returnee_self_registers_on_a_phone_and_the_grid_worker_confirms_it(
    phone: Page, world: World
) -> None:
    page = phone
    today = timezone.localdate()
    RiskAreaFactory.create(start=today - dt.timedelta(days=10))  # 民族街道, high
    person = world.resident_g1

    def look(step: str) -> None:
        screenshot(page, f"screening-{step}")
        assert phone_problems(page) == [], step

    def log_in() -> None:
        page.goto("/login/")
        page.fill("#id_username", world.user("grid_g1").username)
        page.fill("#id_password", PASSWORD)
        page.click("form button[type=submit]")
        expect(page).not_to_have_url(re.compile(r"/login/"))

    # The grid worker prints the grid's QR code.
    log_in()
    page.goto("/screening/qr/")
    card = page.locator(f"#qr-{world.grid_g1.pk}")
    expect(card.locator("svg")).to_be_visible()
    look("00-qr-code")
    address = card.locator(".qr-url").inner_text().strip()
    link = actions.live_link(None, world.grid_g1)
    assert address.endswith(f"/screening/r/{link.token}/")
    page.context.clear_cookies()

    # The returnee, on their phone, from the QR code (no account).
    page.goto(address)
    expect(page.locator("#self-registration")).to_be_visible()
    look("01-public-form")
    page.fill("#id_name", person.name)
    page.fill("#id_id_number", person.doc_number)
    page.fill("#id_phone", "13800138000")
    page.fill("#id_address", "1栋1单元101")
    page.fill("#id_arrival_date", today.isoformat())
    page.select_option("#id_transport", "train")
    page.fill("#id_transport_number", "G1234")
    page.fill("#id_stays-0-place", "湖北省武汉市江汉区民族街道")
    page.fill("#id_stays-0-start", (today - dt.timedelta(days=6)).isoformat())
    page.fill("#id_stays-0-end", (today - dt.timedelta(days=1)).isoformat())
    page.select_option("#id_health_code", "green")
    look("02-public-form-filled")
    page.click("#submit-registration")
    expect(page.locator("#thanks")).to_be_visible()
    look("03-thanks")
    reg = Registration.objects.get()
    assert (reg.status, reg.grid_id, reg.resident_id) == ("pending", world.grid_g1.pk, None)

    # The grid worker confirms it.
    log_in()
    page.goto("/screening/?status=pending")
    expect(page.locator("#registration-results")).to_contain_text(person.name)
    look("04-list")
    page.locator("#registration-results a.registration-link").first.click()
    expect(page.locator("#pending")).to_be_visible()
    look("05-pending")
    page.click("#confirm-link")
    page.check(f"input[name=resident][value='{person.pk}']")
    look("06-confirm")
    page.click("#confirm-button")
    decision = page.locator("#decision")
    expect(decision).to_be_visible()
    expect(page.locator("#decision-reason")).to_contain_text("湖北省武汉市江汉区民族街道")
    expect(page.locator("#policy-version")).to_contain_text("default-v1")
    expect(page.locator("#case-link")).to_be_visible()
    look("07-decision")

    reg.refresh_from_db()
    assert (reg.status, reg.resident_id, reg.level) == ("confirmed", person.pk, "high")
    case = Case.objects.get(registration=reg)
    assert page.locator("#case-link").get_attribute("href") == f"/quarantine/cases/{case.pk}/"


def test_a_grid_worker_registers_an_arrival_on_a_phone_and_sees_the_decision(
    phone: Page, world: World
) -> None:
    page = phone
    today = timezone.localdate()
    person = world.resident_g1_spouse

    def look(step: str) -> None:
        screenshot(page, f"screening-staff-{step}")
        assert phone_problems(page) == [], step

    page.goto("/login/")
    page.fill("#id_username", world.user("grid_g1").username)
    page.fill("#id_password", PASSWORD)
    page.click("form button[type=submit]")
    expect(page).not_to_have_url(re.compile(r"/login/"))
    page.goto("/screening/new/")
    page.fill("input[name=q]", person.name)
    page.click("#find-resident button")
    page.click(f"#find-results a[href='?resident={person.pk}']")
    expect(page.locator("#register-arrival")).to_be_visible()
    look("01-form")
    page.fill("#id_arrival_date", today.isoformat())
    page.fill("#id_stays-0-place", "北京市朝阳区")
    page.fill("#id_stays-0-start", (today - dt.timedelta(days=5)).isoformat())
    page.fill("#id_stays-0-end", (today - dt.timedelta(days=1)).isoformat())
    page.click("#add-stay")  # one more row, without JavaScript
    expect(page.locator("#id_stays-5-place")).to_be_visible()
    expect(page.locator("#id_stays-0-place")).to_have_value("北京市朝阳区")
    page.fill("#id_cert_date", (today - dt.timedelta(days=2)).isoformat())
    page.select_option("#id_cert_result", "negative")
    page.click("#save-registration")
    expect(page.locator("#decision")).to_be_visible()
    expect(page.locator("#decision-reason")).to_contain_text("14")
    look("02-decision")
    reg = Registration.objects.get(resident=person)
    assert (reg.level, reg.measure) == ("low", "certificate_accepted")
