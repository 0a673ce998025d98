"""Notices in a real browser (Chromium, phone-sized): the office drafts a notice from the
plan's text, is refused while it holds a resident's phone, takes the phone out and submits;
the leader reviews, the township approves, the office publishes (confirming), and the notice
is on the public board, which a resident opens without an account."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Dialog, Page, expect

from fangkong.browser import PHONE, log_in, phone_problems, screenshot
from fangkong.conftest import World
from fangkong.notices.models import Notice

pytestmark = pytest.mark.browser


@pytest.fixture
def clock() -> Iterator[None]:
    """Real time here: the browser and the live server keep their own clocks."""
    yield None


def look(page: Page, step: str) -> None:
    screenshot(page, f"notices-{step}")
    assert phone_problems(page) == [], step


def new_phone(chromium: Browser, live_server) -> Page:
    context = chromium.new_context(
        viewport=PHONE,  # type: ignore[arg-type]
        is_mobile=True,
        has_touch=True,
        base_url=live_server.url,
        locale="en-US",
        extra_http_headers={"Accept-Language": "en"},
    )
    return context.new_page()


def test_a_notice_goes_from_draft_to_the_public_board_and_is_refused_while_it_holds_a_phone(
    phone: Page, chromium: Browser, live_server, world: World
) -> None:
    resident_phone = world.resident_g1.phone
    assert resident_phone

    office = phone
    log_in(office, world, "office_a1")
    office.goto("/notices/")
    office.click("#new-notice")
    office.click("#draft-protection")
    expect(office.locator("#id_title")).to_have_value("做好个人防护，养成良好卫生习惯")
    body = office.locator("#id_body").input_value()
    office.fill("#id_body", f"{body}\n联系电话：{resident_phone}")
    look(office, "01-draft")
    office.click("#notice-form button[type=submit]")
    expect(office.locator("#notice-status")).to_have_attribute("data-status", "draft")
    # the office's phone speaks Chinese (fangkong.browser.phone): the refusal is in Chinese
    expect(office.locator("#findings")).to_contain_text(f"居民的电话号码“{resident_phone}”")
    office.click("#do-submit")
    expect(office.locator("#step-submit .errors")).to_contain_text("文中似乎含有个人信息")
    expect(office.locator("#notice-status")).to_have_attribute("data-status", "draft")
    look(office, "02-refused")
    notice = Notice.objects.get()
    assert notice.status == "draft"

    office.goto(f"/notices/{notice.pk}/edit/")
    office.fill("#id_body", f"{body}\n联系电话：027-85551234")
    office.click("#notice-form button[type=submit]")
    expect(office.locator("#findings")).to_have_count(0)
    office.click("#do-submit")
    expect(office.locator("#notice-status")).to_have_attribute("data-status", "submitted")

    leader = new_phone(chromium, live_server)
    log_in(leader, world, "leader_a1")
    leader.goto("/")
    leader.click("#panel-review")
    leader.click(f"#notice-{notice.pk} a")
    leader.click("#do-review")
    expect(leader.locator("#notice-status")).to_have_attribute("data-status", "reviewed")

    admin = new_phone(chromium, live_server)
    log_in(admin, world, "admin_a")
    admin.goto(f"/notices/{notice.pk}/")
    look(admin, "03-to-approve")
    admin.click("#do-approve")
    expect(admin.locator("#notice-status")).to_have_attribute("data-status", "approved")

    office.goto(f"/notices/{notice.pk}/")
    questions: list[str] = []

    def accept(dialog: Dialog) -> None:
        questions.append(dialog.message)
        dialog.accept()

    office.once("dialog", accept)
    office.click("#do-publish")
    expect(office.locator("#notice-status")).to_have_attribute("data-status", "published")
    assert "民族社区公告栏" in questions[0]
    look(office, "04-published")

    resident = new_phone(chromium, live_server)
    resident.goto(f"/n/{world.community_a1.code}/")
    expect(resident.locator(f"#board-{notice.pk}")).to_contain_text("做好个人防护")
    look(resident, "05-board")
    resident.click(f"#board-{notice.pk} a")
    expect(resident.locator("#board-notice")).to_contain_text("027-85551234")
    expect(resident.locator("#board-notice")).not_to_contain_text(resident_phone)
    look(resident, "06-board-notice")
