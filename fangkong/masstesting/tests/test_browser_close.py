"""Closing a round in Chromium (issue 12 item 8): the close button asks first, saying how
many people are unsampled; dismissing keeps the round open; agreeing closes it; the leader
then reopens it with a reason."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Dialog, Page, expect

from fangkong.browser import phone_problems, screenshot
from fangkong.conftest import PASSWORD, World
from fangkong.masstesting import actions
from fangkong.masstesting.models import Round, RoundStatus

from .helpers import community_round

pytestmark = pytest.mark.browser


@pytest.fixture
def clock() -> Iterator[None]:
    """Real time here: the browser and the live server keep their own clocks."""
    yield None


def test_closing_early_asks_with_the_unsampled_count_and_a_leader_reopens(
    phone: Page, world: World
) -> None:
    rnd = community_round(world, extra=3)
    actions.sample(None, rnd, tube_code="P1", pooled=True, resident=world.resident_g1)
    expected = rnd.members.count()
    page = phone
    page.goto("/login/")
    page.fill("#id_username", "leader_a1")
    page.fill("#id_password", PASSWORD)
    page.click("form button[type=submit]")
    expect(page).not_to_have_url(re.compile(r"/login/"))

    page.goto(f"/rounds/{rnd.pk}/")
    asked: list[str] = []

    def dismiss(dialog: Dialog) -> None:
        asked.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", dismiss)
    page.click("#close-button")
    page.wait_for_timeout(300)
    # "应采 5 人，其中 4 人尚未采样…" (the page is in Chinese): both numbers are stated
    both = rf"(?<!\d){expected}(?!\d).*(?<!\d){expected - 1}(?!\d)"
    assert asked and re.search(both, asked[0]), asked
    assert Round.objects.get(pk=rnd.pk).status == RoundStatus.OPEN

    def accept(dialog: Dialog) -> None:
        asked.append(dialog.message)
        dialog.accept()

    page.once("dialog", accept)
    page.click("#close-button")
    expect(page.locator("#reopen-form")).to_be_visible()
    assert Round.objects.get(pk=rnd.pk).status == RoundStatus.CLOSED
    screenshot(page, "masstesting-05-closed")
    assert phone_problems(page) == []

    page.fill("#id_reason", "3号楼漏采")
    page.click("#reopen-button")
    expect(page.locator("#reopened")).to_contain_text("3号楼漏采")
    expect(page.locator("#close-button")).to_be_visible()
    assert Round.objects.get(pk=rnd.pk).status == RoundStatus.OPEN


def test_without_scripts_the_server_asks_on_a_page(chromium, live_server, world: World) -> None:
    rnd = community_round(world)
    context = chromium.new_context(java_script_enabled=False, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        page.goto(f"{live_server.url}/login/")
        page.fill("#id_username", "leader_a1")
        page.fill("#id_password", PASSWORD)
        page.click("form button[type=submit]")
        page.goto(f"{live_server.url}/rounds/{rnd.pk}/")
        page.click("#close-button")
        expect(page.locator("#confirmation .confirm-says")).to_contain_text(
            re.compile(r"(?<!\d)3(?!\d).*(?<!\d)3(?!\d)")
        )
        assert Round.objects.get(pk=rnd.pk).status == RoundStatus.OPEN
        page.click("#confirm-button")
        expect(page.locator("#reopen-form")).to_be_visible()
        assert Round.objects.get(pk=rnd.pk).status == RoundStatus.CLOSED
    finally:
        context.close()
