"""A medical worker and a cadre release a case, on a phone: the medic signs, the grid worker
signs and releases, and the release notice names both signers."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Dialog, Page, expect

from fangkong.browser import log_in, phone_problems, screenshot
from fangkong.conftest import World
from fangkong.quarantine import actions
from fangkong.quarantine.models import Case, CaseStatus

from .cases import open_case

pytestmark = pytest.mark.browser


def case_ready_for_signatures(world: World) -> Case:
    """A 14-day home case that started 20 days ago: period served, both tests negative, under
    release review (the live server runs on today's date)."""
    today = timezone.localdate()
    start = today - dt.timedelta(days=20)
    case = open_case(world, start=start)
    actions.change_responsible(
        case,
        by=None,
        cadre=world.user("grid_g1"),
        medic=world.user("medic_a1"),
        reason="包保分工",
    )
    actions.start_quarantine(case, by=world.user("grid_g1"))
    for item in case.tests.all():
        actions.record_test_result(
            item, by=world.user("medic_a1"), result="negative", sampled_on=item.due_date
        )
    return actions.request_release_review(case, by=world.user("grid_g1"))


def look(page: Page, step: str) -> None:
    screenshot(page, f"quarantine-release-{step}")
    assert phone_problems(page) == [], step


def test_a_medical_worker_and_a_cadre_sign_and_release_a_case_on_a_phone(
    phone: Page, world: World
) -> None:
    page = phone
    case = case_ready_for_signatures(world)
    asked: list[str] = []  # signing and releasing ask first (issue 12 item 8)

    def agree(dialog: Dialog) -> None:
        asked.append(dialog.message)
        dialog.accept()

    page.on("dialog", agree)

    log_in(page, world, "medic_a1")
    page.goto("/quarantine/")
    look(page, "01-list-medic")
    page.locator("#case-results").get_by_role("link", name=case.resident.name).click()
    expect(page).to_have_url(re.compile(rf"/quarantine/cases/{case.pk}/$"))
    blockers = page.locator("#blockers")
    expect(blockers).to_contain_text("包保干部")
    expect(blockers).to_contain_text("包保医务人员")
    expect(page.locator("#sign-cadre")).to_have_count(0)
    look(page, "02-case-before-signing")
    page.click("#sign-medic")
    expect(page.locator("#signoffs")).to_contain_text("medic_a1")
    expect(page.locator("#blockers")).not_to_contain_text("包保医务人员")
    expect(page.locator("#sign-medic")).to_have_count(0)
    look(page, "03-medic-signed")

    log_in(page, world, "grid_g1")
    page.goto(f"/quarantine/cases/{case.pk}/")
    expect(page.locator("#release-button")).to_be_disabled()
    page.click("#sign-cadre")
    expect(page.locator("#release-ready")).to_be_visible()
    expect(page.locator("#release-button")).to_be_enabled()
    look(page, "04-both-signed")
    page.click("#release-button")
    expect(page.locator("#case-status")).to_have_text(re.compile(r"\S"))
    assert Case.objects.get(pk=case.pk).status == CaseStatus.RELEASED
    assert len(asked) == 3 and all(case.resident.name in q for q in asked), asked
    look(page, "05-released")

    page.click("#release-notice-link")
    expect(page).to_have_url(re.compile(rf"/quarantine/cases/{case.pk}/release-notice/$"))
    expect(page.locator("#cadre-signer")).to_have_text("grid_g1")
    expect(page.locator("#medic-signer")).to_have_text("medic_a1")
    expect(page.locator("#release-notice")).to_contain_text(case.resident.name)
    look(page, "06-release-notice")
