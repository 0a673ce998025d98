"""Inspections in a real browser (Chromium, phone-sized, in Chinese): the leader starts a
round, marks an item not met and records the finding for a grid worker; the grid worker,
whose rectification is overdue, finds it on the workbench, is refused without evidence, and
records what was done; the leader verifies it and the finding is closed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from fangkong.browser import PHONE, log_in, phone_problems, screenshot
from fangkong.conftest import World
from fangkong.inspections.models import Finding, FindingStatus

pytestmark = pytest.mark.browser


@pytest.fixture
def clock() -> Iterator[None]:
    yield None


def look(page: Page, step: str) -> None:
    screenshot(page, f"inspections-{step}")
    assert phone_problems(page) == [], step


def new_phone(chromium: Browser, live_server) -> Page:
    context = chromium.new_context(
        viewport=PHONE,  # type: ignore[arg-type]
        is_mobile=True,
        has_touch=True,
        base_url=live_server.url,
        locale="zh-CN",
    )
    context.set_default_timeout(10_000)
    return context.new_page()


def test_a_finding_goes_from_the_round_to_an_overdue_rectification_to_closed(
    phone: Page, chromium: Browser, live_server, world: World
) -> None:
    leader = phone
    log_in(leader, world, "leader_a1")
    leader.goto("/inspections/")
    look(leader, "01-list")
    leader.click("#new-inspection")
    leader.fill("#id_inspectors", "王督查、李督查")
    leader.click("#inspection-form button[type=submit]")
    expect(leader.locator("#inspection-status")).to_have_text("进行中")
    leader.check("#checks-form li[data-item=publicity] input[value=unmet]")
    leader.click("#checks-form button[type=submit]")
    look(leader, "02-round")
    leader.select_option("#finding-form #id_item", "publicity")
    leader.fill("#finding-form #id_what", "宣传台未张贴最新通告")
    leader.select_option("#finding-form #id_owner", label="grid_g1")
    leader.fill("#finding-form #id_deadline", timezone.localdate().isoformat())
    leader.click("#finding-form button[type=submit]")
    expect(leader.locator("#findings li")).to_have_count(1)
    leader.once("dialog", lambda dialog: dialog.accept())
    leader.click("#finish")
    expect(leader.locator("#inspection-status")).to_have_text("已结束")
    look(leader, "03-finished")

    # a day later nothing was done: the rectification is overdue
    finding = Finding.objects.get()
    Finding.objects.filter(pk=finding.pk).update(
        deadline=timezone.localdate() - dt.timedelta(days=1)
    )
    worker = new_phone(chromium, live_server)
    log_in(worker, world, "grid_g1")
    worker.goto("/")
    panel = worker.locator("#inspections-panel")
    expect(panel.locator("li.escalated")).to_have_count(1)
    look(worker, "04-workbench")
    panel.locator("li a").click()
    expect(worker.locator("#overdue")).to_be_visible()
    worker.click("#rectify-form button[type=submit]")
    expect(worker.locator("#rectify-form .errors, #rectify-form .errorlist")).to_contain_text(
        "整改证据"
    )
    worker.fill("#rectify-form #id_evidence", "已张贴最新通告和一封信")
    worker.click("#rectify-form button[type=submit]")
    expect(worker.locator("#finding-status")).to_have_text("已整改，待复查")
    look(worker, "05-rectified")

    leader.goto(f"/inspections/findings/{finding.pk}/")
    leader.check("#verify-form input[value='1']")
    leader.click("#verify-form button[type=submit]")
    expect(leader.locator("#finding-status")).to_have_text("复查通过，已销号")
    look(leader, "06-closed")
    finding.refresh_from_db()
    assert finding.status == FindingStatus.CLOSED and finding.rectified_by == world.user("grid_g1")
