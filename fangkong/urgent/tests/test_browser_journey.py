"""Urgent reports in a real browser (Chromium, phone-sized, in Chinese): a grid worker opens
the page of a new positive case, reports it to the township from there (the form comes
filled in), and the township administrator sees it waiting on the workbench and
acknowledges it."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from fangkong.browser import PHONE, log_in, phone_problems, screenshot
from fangkong.conftest import World
from fangkong.urgent.models import SourceKind, Status, UrgentReport

from .helpers import index_case

pytestmark = pytest.mark.browser


@pytest.fixture
def clock() -> Iterator[None]:
    """Real time here: the browser and the live server keep their own clocks."""
    yield None


def look(page: Page, step: str) -> None:
    screenshot(page, f"urgent-{step}")
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


def test_a_grid_worker_reports_a_positive_case_and_the_township_acknowledges(
    phone: Page, chromium: Browser, live_server, world: World
) -> None:
    index = index_case(world)

    worker = phone
    log_in(worker, world, "grid_g1")
    worker.goto(f"/quarantine/index-cases/{index.pk}/")
    offer = worker.locator("#urgent-offer a")
    expect(offer).to_have_text("报告突发情况")
    look(worker, "01-case")
    offer.click()
    expect(worker.locator("#report-source")).to_be_visible()
    # the case by its number, never its name: the whole community reads the report
    assert f"#{index.pk}" in worker.locator("#id_what").input_value()
    assert "张三丰" not in worker.locator("#id_what").input_value()
    expect(worker.locator("#id_category")).to_have_value("new_case")
    expect(worker.locator("#id_people")).to_have_value(re.compile(rf"#{index.pk}"))
    look(worker, "02-form")
    worker.fill("#id_what", worker.locator("#id_what").input_value() + " 已通知家属居家等候。")
    worker.click("#report-form button[type=submit]")
    expect(worker.locator("#report-status")).to_have_text("已报告")
    look(worker, "03-sent")
    made = UrgentReport.objects.get()
    assert (made.source_kind, made.source_id, made.reported_by) == (
        SourceKind.INDEX,
        index.pk,
        world.user("grid_g1"),
    )

    admin = new_phone(chromium, live_server)
    log_in(admin, world, "admin_a")
    admin.goto("/")
    panel = admin.locator("#urgent-panel")
    expect(panel).to_be_visible()
    expect(panel.locator("#urgent-rows li")).to_have_count(1)
    look(admin, "04-workbench")
    panel.locator("#urgent-rows li a").click()
    admin.fill("#acknowledge-form #id_note", "已派流调队伍")
    admin.once("dialog", lambda dialog: dialog.accept())
    admin.click("#acknowledge")
    expect(admin.locator("#report-status")).to_have_text("已确认")
    expect(admin.locator("#close-form")).to_be_visible()
    look(admin, "05-acknowledged")
    admin.goto("/urgent/")
    expect(admin.locator("#urgent-reports li[data-status=acknowledged]")).to_have_count(1)
    look(admin, "06-list")
    made.refresh_from_db()
    assert (made.status, made.acknowledged_by, made.acknowledgement) == (
        Status.ACKNOWLEDGED,
        world.user("admin_a"),
        "已派流调队伍",
    )
