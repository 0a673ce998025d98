"""A township admin's journey on a phone (Chromium, 375 px): paste an announcement, fix the
line that cannot be read, confirm; see the county's level on the workbench; copy the version
in force, lengthen a quarantine, preview and activate it — while an open case keeps its days."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import Page, expect

from fangkong.browser import enter_second_factor, phone_problems, screenshot
from fangkong.conftest import PASSWORD, World
from fangkong.policy.models import Policy, PolicyStatus, RiskArea
from fangkong.policy.tests.test_actions_versions import returnee_case
from fangkong.quarantine.models import Case

pytestmark = pytest.mark.browser

# The page is in Chinese; strings not yet in the catalogue still show their English source.

ANNOUNCEMENT = """关于调整中高风险地区的公告
高风险地区（1个）：
1. 湖北省武汉市江汉区民族街道
中风险地区（2个）：
2. 河北省石家庄市藁城区增村镇、廉州镇
3. 火星省奥林匹斯山
"""


def test_admin_registers_an_announcement_and_activates_a_longer_quarantine_on_a_phone(
    transactional_db: None, phone: Page, world: World
) -> None:
    page = phone
    case = returnee_case(world, world.resident_g1, "high")
    today = dt.date.today()

    def look(step: str) -> None:
        screenshot(page, f"policy-journey-{step}")
        assert phone_problems(page) == [], step

    page.goto("/login/")
    page.fill("#id_username", world.user("admin_a").username)
    page.fill("#id_password", PASSWORD)
    page.click("form button[type=submit]")
    expect(page).not_to_have_url(re.compile(r"/login/"))
    enter_second_factor(page, world.user("admin_a"))
    expect(page.locator("#county-risk-level")).to_have_text(re.compile("低风险|Low risk"))
    look("01-workbench-low")

    # Paste the announcement: the unknown place blocks confirmation.
    page.goto("/policy/risk-areas/")
    page.click("#paste-announcement")
    page.fill("#id_text", ANNOUNCEMENT)
    page.fill("#id_start", today.isoformat())
    page.click("button[name=read]")
    expect(page.locator("#problems")).to_contain_text("火星省奥林匹斯山")
    expect(page.locator("#confirm")).to_have_count(0)
    expect(page.locator("#parsed-places")).to_contain_text("420103")
    look("02-paste-unresolved")

    # Remove the bad line, read again, confirm.
    page.fill("#id_text", ANNOUNCEMENT.replace("3. 火星省奥林匹斯山\n", ""))
    page.click("button[name=read]")
    expect(page.locator("#parsed-places tbody tr")).to_have_count(3)
    expect(page.locator("#parsed-places")).to_contain_text("130109")
    look("03-paste-ready")
    page.click("#confirm")
    expect(page).to_have_url(re.compile(r"/policy/risk-areas/$"))
    expect(page.locator("#areas")).to_contain_text("民族街道")
    assert RiskArea.objects.count() == 3
    look("04-register")

    page.goto("/")
    expect(page.locator("#county-risk-level")).to_have_text(re.compile("高风险|High risk"))
    expect(page.locator("#county-risk")).to_contain_text("民族街道")
    look("05-workbench-high")

    # A new version: 21 days for arrivals from high-risk areas.
    page.goto("/policy/")
    look("06-versions")
    page.click("#copy-current")
    expect(page).to_have_url(re.compile(r"/policy/\d+/edit/$"))
    look("07-edit")
    page.fill("#id_high_days", "21")
    page.fill("#id_high_test_days", "1,7,14,25")
    page.click("#policy-form button[type=submit]")
    expect(page.locator("#field-high_test_days .errorlist")).to_contain_text("1")
    look("08-edit-error")
    page.fill("#id_high_test_days", "1,7,14,21")
    page.click("#policy-form button[type=submit]")
    expect(page).to_have_url(re.compile(r"/policy/\d+/$"))
    expect(page.locator("#rule-changes")).to_contain_text("21")
    expect(page.locator("#affected-cases")).to_contain_text(world.resident_g1.name)
    look("09-preview")

    page.click("#activate button[type=submit]")
    expect(page.locator("#status")).to_have_attribute("data-status", "active")
    look("10-activated")

    draft = Policy.objects.get(township=world.township_a)
    assert draft.status == PolicyStatus.ACTIVE
    assert draft.as_rules().high.days == 21
    case = Case.objects.get(pk=case.pk)
    assert (case.days, case.test_days) == (14, [1, 7, 14])
