"""The grouped main menu in Chromium (issue 12 item 15): at 1366 px no label wraps and each
role sees a short top row whose groups open by mouse, keyboard and touch; at 375 px the menu
is collapsed behind ☰ and its groups open in place. The favicon is served from our files."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from fangkong.browser import log_in as sign_in
from fangkong.browser import phone_problems, screenshot
from fangkong.conftest import World

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1366, "height": 768}
ROLES = [
    "admin_a",
    "leader_a1",
    "office_a1",
    "grid_g1",
    "medic_a1",
    "guard_a1",
    "volunteer_a1",
    "police_a1",
]
#: the top row: each link outside a group, each group's summary, the log-out button
TOP = "nav.mainnav > a, nav.mainnav > details > summary, nav.mainnav > form button"

#: per element: how many lines its text takes (distinct tops of the text's line boxes), its
#: bounding rectangle, and whether it is visible
MEASURE = """(selector) => Array.from(document.querySelectorAll(selector)).map(el => {
  const range = document.createRange();
  range.selectNodeContents(el);
  const tops = new Set(Array.from(range.getClientRects())
    .filter(r => r.width > 0).map(r => Math.round(r.top)));
  const box = el.getBoundingClientRect();
  return {text: el.textContent.trim(), lines: tops.size, top: Math.round(box.top),
          height: box.height, visible: box.width > 0 && box.height > 0};
})"""


def log_in(page: Page, world: World, key: str) -> None:
    sign_in(page, world, key)
    page.goto("/")


@pytest.fixture
def desktop(chromium: Browser, live_server) -> Iterator[Page]:
    context = chromium.new_context(
        viewport=DESKTOP,  # type: ignore[arg-type]
        locale="zh-CN",
        base_url=live_server.url,
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.mark.parametrize("key", ROLES)
def test_at_1366_px_the_menu_is_one_short_row_without_wrapped_labels(
    desktop: Page, world: World, key: str
) -> None:
    log_in(desktop, world, key)
    top = desktop.evaluate(MEASURE, TOP)
    screenshot(desktop, f"menu-1366-{key}")

    # eight places (with 报送, issue 13) and log out, on one row without a wrapped label
    assert 3 <= len(top) <= 9, [t["text"] for t in top]
    assert all(t["visible"] for t in top)
    wrapped = [t["text"] for t in top if t["lines"] != 1]
    assert wrapped == [], f"labels wrapped at 1366 px: {wrapped}"
    assert len({t["top"] for t in top}) == 1, "the menu takes more than one row"
    single = min(t["height"] for t in top)
    assert max(t["height"] for t in top) < 1.5 * single

    # each group opens by a click, shows its links on one line each, and closes the others
    summaries = desktop.locator("nav.mainnav > details > summary")
    for i in range(summaries.count()):
        summaries.nth(i).click()
        group = desktop.locator("nav.mainnav > details").nth(i)
        expect(group).to_have_attribute("open", "")
        links = desktop.evaluate(MEASURE, f"nav.mainnav > details:nth-of-type({i + 1}) a")
        assert links and all(link["visible"] and link["lines"] == 1 for link in links), links
        # the others close on the toggle event, which comes after the click: wait for it
        expect(desktop.locator("nav.mainnav > details[open]")).to_have_count(1)
    if summaries.count():
        desktop.mouse.click(700, 600)  # elsewhere on the page
        expect(desktop.locator("nav.mainnav > details[open]")).to_have_count(0)


def test_a_group_opens_and_closes_by_keyboard_and_its_links_are_reachable(
    desktop: Page, world: World
) -> None:
    log_in(desktop, world, "leader_a1")
    people = desktop.locator("nav.mainnav > details:has(> summary:text-is('人员'))")
    people.locator("summary").focus()
    desktop.keyboard.press("Enter")
    expect(people).to_have_attribute("open", "")
    expect(people.locator("a", has_text="居民")).to_be_visible()
    desktop.keyboard.press("Tab")
    focused = desktop.evaluate("() => document.activeElement.getAttribute('href')")
    assert focused == "/people/"
    desktop.keyboard.press("Escape")
    expect(desktop.locator("nav.mainnav > details[open]")).to_have_count(0)
    assert desktop.evaluate("() => document.activeElement.tagName") == "SUMMARY"
    desktop.keyboard.press("Space")
    expect(people).to_have_attribute("open", "")
    desktop.keyboard.press("Tab")
    desktop.keyboard.press("Enter")
    expect(desktop).to_have_url(re.compile(r"/people/$"))


def test_on_a_phone_the_menu_is_collapsed_and_its_groups_open_by_touch(
    phone: Page, world: World
) -> None:
    log_in(phone, world, "leader_a1")
    nav = phone.locator("nav.mainnav")
    expect(nav).to_be_hidden()
    phone.tap("label.navbutton")
    expect(nav).to_be_visible()
    gates = nav.locator("details:has(> summary:text-is('卡口与封控'))")
    gates.locator("summary").tap()
    expect(gates).to_have_attribute("open", "")
    link = gates.locator("a", has_text="封控")
    expect(link.first).to_be_visible()
    screenshot(phone, "menu-375-open")
    assert phone_problems(phone) == []
    link.first.tap()
    expect(phone).to_have_url(re.compile(r"/lockdown/"))


def test_the_favicon_is_linked_and_served_from_our_own_files(desktop: Page, world: World) -> None:
    log_in(desktop, world, "grid_g1")
    href = desktop.locator("link[rel=icon]").get_attribute("href")
    assert href and href.startswith("/static/")
    response = desktop.request.get(href)
    assert response.status == 200
    assert response.headers["content-type"].startswith("image/svg+xml")
