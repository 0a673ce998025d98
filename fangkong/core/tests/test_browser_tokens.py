"""My API tokens on a phone (375 px): reached from the menu, revoked after confirming."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from fangkong.browser import phone_problems, screenshot
from fangkong.conftest import PASSWORD, World
from fangkong.core.models import ApiToken

pytestmark = pytest.mark.browser


def test_a_staff_member_revokes_a_token_from_the_menu_on_a_phone(
    phone: Page, live_server, world: World
) -> None:
    me = world.user("grid_g1")
    kept, lost = ApiToken.issue(me), ApiToken.issue(me)
    lost_id = ApiToken.objects.get(digest=ApiToken.digest_of(lost)).pk
    ApiToken.issue(world.user("grid_g2"))

    phone.goto("/login/")
    phone.fill("#id_username", me.username)
    phone.fill("#id_password", PASSWORD)
    phone.click("form button[type=submit]")
    expect(phone).not_to_have_url(re.compile(r"/login/"))
    phone.click("label.navbutton")
    phone.click("nav.mainnav details:has(a[href='/account/tokens/']) > summary")  # 管理
    phone.click("nav.mainnav a[href='/account/tokens/']")
    expect(phone.locator("#my-tokens tbody tr")).to_have_count(2)
    screenshot(phone, "core-tokens-01-list")
    assert phone_problems(phone) == []

    row = phone.locator(f"#token-{lost_id}")
    confirm = row.locator("button[type=submit]")
    expect(confirm).to_be_hidden()  # asks first
    row.locator("summary").click()
    expect(confirm).to_be_visible()
    screenshot(phone, "core-tokens-02-confirm")
    assert phone_problems(phone) == []
    confirm.click()

    expect(phone.locator("#my-tokens tbody tr")).to_have_count(1)
    expect(phone.locator(".messages")).to_be_visible()
    assert ApiToken.objects.authenticate(lost) is None
    assert ApiToken.objects.authenticate(kept) is not None
