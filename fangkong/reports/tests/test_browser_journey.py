"""The daily report in a real browser (Chromium, phone-sized), the issue's journey: one
community's office submits a zero report; another corrects one figure and submits; a third
reported late and a fourth not at all; the township sees the completeness (one missing, one
late), returns one report, approves the consolidated report and downloads the .xlsx."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from fangkong.browser import PHONE, log_in, phone_problems, screenshot
from fangkong.conftest import World
from fangkong.core.roles import Role
from fangkong.core.spreadsheets import read_xlsx_bytes
from fangkong.core.tests.factories import CommunityFactory, UserFactory
from fangkong.reports import actions
from fangkong.reports.models import DailyReport, ReportStatus, TownshipReport

pytestmark = pytest.mark.browser


def look(page: Page, step: str) -> None:
    screenshot(page, f"reports-{step}")
    assert phone_problems(page) == [], step


def new_phone(chromium: Browser, live_server) -> Page:
    context = chromium.new_context(
        viewport=PHONE,  # type: ignore[arg-type]
        is_mobile=True,
        has_touch=True,
        base_url=live_server.url,
        locale="en-US",
        extra_http_headers={"Accept-Language": "en"},
        accept_downloads=True,
    )
    return context.new_page()


def test_communities_report_and_the_township_reviews_them(
    phone: Page, chromium: Browser, live_server, world: World
) -> None:
    day = timezone.localdate()
    late = CommunityFactory.create(township=world.township_a, name="长丰社区")
    CommunityFactory.create(township=world.township_a, name="唐家墩社区")  # never reports
    late_office = UserFactory.create(
        username="office_late", role=Role.OFFICE_STAFF, township=world.township_a, community=late
    )
    tz = timezone.get_current_timezone()
    # a day's report sent after the policy's 16:00
    actions.submit(
        late_office,
        late,
        day,
        zero_report=True,
        now=dt.datetime.combine(day, dt.time(17, 30), tzinfo=tz),
    )

    # 1. the office of 民族社区: nothing happened today, a zero report
    office = phone
    office.on("dialog", lambda dialog: dialog.accept())
    log_in(office, world, "office_a1")
    office.goto("/daily/")
    expect(office.locator("#status")).to_be_visible()
    look(office, "01-community-draft")
    office.check("#id_zero_report")
    office.click("#submit-report")
    expect(office.locator("#zero-tag")).to_be_visible()
    look(office, "02-zero-report-submitted")

    # 2. the leader of 新河村 corrects one figure, with a reason, and submits
    leader = new_phone(chromium, live_server)
    leader.on("dialog", lambda dialog: dialog.accept())
    log_in(leader, world, "leader_a2")
    leader.goto("/daily/")
    leader.locator("#figure-screeningreturnees a", has_text="Correct").click()
    leader.fill("#id_value", "2")
    leader.click("button.primary")  # no reason: refused on the form
    expect(leader.locator("#field-reason .errors, .has-error")).to_have_count(1)
    leader.fill("#id_reason", "两人夜间到达，电话登记未录入")
    leader.click("button.primary")
    expect(leader.locator("#figure-screeningreturnees")).to_contain_text("两人夜间到达")
    look(leader, "03-corrected")
    leader.check("#id_zero_report")
    leader.click("#submit-report")
    expect(leader.locator("#status")).to_have_text("Submitted")

    # 3. the township: completeness, return one, approve, download
    admin = new_phone(chromium, live_server)
    admin.on("dialog", lambda dialog: dialog.accept())
    log_in(admin, world, "admin_a")
    admin.goto("/daily/")
    expect(admin.locator("#completeness")).to_contain_text("3 of 4")
    expect(admin.locator("#communities .state-missing")).to_have_count(1)
    expect(admin.locator("#communities .state-late")).to_have_count(1)
    look(admin, "04-township-day")
    admin.locator(f"#community-{world.community_a2.pk} a.return").click()
    admin.fill("#id_comment", "返乡人数请与台账核对后重报")
    admin.click("#return-report")
    expect(admin.locator(f"#community-{world.community_a2.pk}")).to_have_class("state-returned")
    assert DailyReport.objects.get(community=world.community_a2).status == ReportStatus.RETURNED

    admin.click("#approve")  # missing communities and no remark: refused
    expect(admin.locator(".messages, .message, [role=alert]").first).to_be_visible()
    assert not TownshipReport.objects.exists()
    admin.fill("#id_note", "新河村退回重报，唐家墩社区电话催报")
    admin.click("#approve")
    expect(admin.locator("#approved")).to_be_visible()
    look(admin, "05-approved")
    with admin.expect_download() as info:
        admin.click("#township-xlsx")
    rows = read_xlsx_bytes(Path(info.value.path()).read_bytes())
    names = [r[0] for r in rows[3:]]
    assert names[-1] and len(names) == 5  # four communities and the totals row
    assert set(TownshipReport.objects.get().missing) == {"新河村", "唐家墩社区"}
