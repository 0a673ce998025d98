"""Closed management in a real browser (Chromium, phone-sized): the township admin sets a
community to medium risk; its leader records the gates and keeps one open; the office adds a
photo of the publicity desk and marks it in place; the workbench panel follows."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from fangkong.browser import PHONE, log_in, phone_problems, screenshot
from fangkong.checkpoints.models import Gate
from fangkong.closure.models import ChecklistItem, Evidence
from fangkong.conftest import World

from .factories import photo_bytes

pytestmark = pytest.mark.browser


@pytest.fixture
def clock() -> Iterator[None]:
    """Real time here: the browser and the live server keep their own clocks."""
    yield None


def look(page: Page, step: str) -> None:
    screenshot(page, f"closure-{step}")
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


def test_the_township_closes_a_community_and_its_staff_set_up_the_checklist(
    phone: Page, chromium: Browser, live_server, world: World, tmp_path
) -> None:
    admin = phone
    log_in(admin, world, "admin_a")
    admin.goto("/closure/")
    expect(admin.locator("#communities")).to_be_visible()
    look(admin, "01-list")
    admin.click(f"text={world.community_a1.name}")
    admin.click("#level summary")
    admin.check("input[name=level][value=medium]")
    admin.fill("#id_reason", "辖区出现确诊病例")
    admin.click("#level-form button[type=submit]")
    expect(admin.locator("#level-now [data-closed=on]")).to_be_visible()
    expect(admin.locator("#checklist-items tbody tr")).to_have_count(6)
    look(admin, "02-closed")

    leader = new_phone(chromium, live_server)
    log_in(leader, world, "leader_a1")
    leader.goto(f"/closure/communities/{world.community_a1.pk}/")
    for name in ("南门", "北门", "东门"):
        leader.click("#gates summary")
        leader.fill("#gate-form #id_name", name)
        leader.click("#gate-form button[type=submit]")
        expect(leader.locator("#gate-list li")).to_have_count(
            Gate.objects.filter(community=world.community_a1).count()
        )
    north = Gate.objects.get(community=world.community_a1, name="北门")
    leader.select_option("#keep-open-form select[name=gate]", str(north.pk))
    leader.fill("#keep-open-form #id_note", "铁马封堵")
    leader.click("#keep-open-form button[type=submit]")
    expect(leader.locator(f"#gate-{north.pk}")).to_have_attribute("data-state", "open")
    expect(leader.locator("#gate-list [data-state=sealed]")).to_have_count(2)
    look(leader, "03-gates")

    office = new_phone(chromium, live_server)
    log_in(office, world, "office_a1")
    publicity = ChecklistItem.objects.get(community=world.community_a1, kind="publicity")
    office.goto(f"/closure/items/{publicity.pk}/")
    photo = tmp_path / "desk.png"
    photo.write_bytes(photo_bytes(size=(300, 200)))
    office.set_input_files("#photo-form input[type=file]", str(photo))
    office.fill("#photo-form #id_caption", "宣传栏")
    office.click("#photo-form button[type=submit]")
    expect(office.locator(".photo-list img")).to_have_count(1)
    # The photo comes back through the permission-checked view: wait for it to load (a
    # property read, not a string evaluated in the page: the CSP allows no eval).
    expect(office.locator(".photo-list img")).to_have_js_property("naturalWidth", 300)
    office.select_option("#item-form select[name=state]", "done")
    office.click("#item-form button[type=submit]")
    expect(office.locator("#in-place")).to_be_visible()
    look(office, "04-publicity")
    assert Evidence.objects.count() == 1

    office.goto("/")
    expect(office.locator("#closure-panel")).to_be_visible()
    expect(office.locator("#closure-missing li")).to_have_count(5)
    look(office, "05-panel")
