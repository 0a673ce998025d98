"""The grid worker's journey in a real browser (Chromium, phone-sized): log in, find a
resident by pinyin initials, open the resident and the household — and never see anyone
from another grid, another community or another township."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from fangkong.browser import phone_problems, screenshot
from fangkong.conftest import PASSWORD, World

pytestmark = pytest.mark.browser


def test_grid_worker_finds_a_resident_by_initials_and_opens_the_household_seeing_no_other_grid(
    phone: Page, world: World
) -> None:
    page = phone
    mine = world.resident_g1  # 张三丰, initials zsf, grid G1
    spouse = world.resident_g1_spouse  # 李秀英, same household
    strangers = [world.resident_g2, world.resident_village, world.resident_b]
    assert mine.name_initials == "zsf"

    def look(step: str, *, phone_ready: bool = True) -> None:
        screenshot(page, f"journey-{step}")
        text = page.content()
        for other in strangers:
            assert other.name not in text, f"{other.name} (another grid) shown on {step}"
        if phone_ready:
            assert phone_problems(page) == [], step

    page.goto("/login/")
    look("01-login")
    page.fill("#id_username", world.user("grid_g1").username)
    page.fill("#id_password", PASSWORD)
    page.click("form button[type=submit]")
    expect(page).not_to_have_url(re.compile(r"/login/"))
    look("02-workbench")

    page.goto("/people/")
    expect(page.locator("input[name=q]")).to_be_visible()
    look("03-resident-list")

    page.locator("input[name=q]").press_sequentially("zsf", delay=50)
    results = page.locator("#resident-results")
    expect(results).to_contain_text(mine.name)
    expect(results.locator("a", has_text=spouse.name)).to_have_count(0)
    look("04-search-zsf")

    # The other grid's resident is not found by their initials either.
    page.locator("input[name=q]").fill("wex")
    expect(page.locator("#results")).not_to_contain_text(mine.name)
    look("05-search-other-grid")

    page.locator("input[name=q]").fill("zsf")
    results.get_by_role("link", name=mine.name).click()
    expect(page).to_have_url(re.compile(rf"/people/{mine.pk}/$"))
    expect(page.locator("#household-link")).to_be_visible()
    look("06-resident")

    page.click("#household-link")
    expect(page).to_have_url(re.compile(rf"/people/households/{mine.household_id}/$"))
    members = page.locator("#household-members")
    expect(members).to_contain_text(mine.name)
    expect(members).to_contain_text(spouse.name)
    look("07-household")

    for url in (
        f"/people/{world.resident_g2.pk}/",
        f"/people/households/{world.household_g2.pk}/",
        f"/people/{world.resident_b.pk}/",
    ):
        response = page.goto(url)
        assert response is not None and response.status == 404, url
        look(f"08-not-found-{url.strip('/').replace('/', '-')}", phone_ready=False)
