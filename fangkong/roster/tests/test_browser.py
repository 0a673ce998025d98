"""The duty roster in a real browser (Chromium, phone-sized, in Chinese): the guard on the
gate opens "my shifts" near the end of their shift, sees it and writes the handover; the
volunteer of the next shift opens theirs, reads the handover and acknowledges it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from fangkong.browser import PHONE, log_in, phone_problems, screenshot
from fangkong.conftest import World
from fangkong.roster.models import Duty

from .factories import posts

pytestmark = pytest.mark.browser


@pytest.fixture
def clock() -> Iterator[None]:
    """Real time here: the browser and the live server keep their own clocks."""
    yield None


@pytest.fixture
def in_english() -> Iterator[None]:
    """The pages in Chinese, as the staff see them."""
    yield None


def look(page: Page, step: str) -> None:
    screenshot(page, f"roster-{step}")
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


def test_a_guard_writes_the_handover_and_the_next_person_reads_it(
    phone: Page, chromium: Browser, live_server, world: World
) -> None:
    gate = posts(world)["gate"]
    now = timezone.now().replace(second=0, microsecond=0)
    change = now + dt.timedelta(minutes=20)  # the guard's shift ends in twenty minutes
    common = {"township": world.township_a, "community": world.community_a1, "post": gate}
    guards = Duty.objects.create(
        **common,
        day=timezone.localdate(change - dt.timedelta(hours=8)),
        slot=0,
        start=change - dt.timedelta(hours=8),
        end=change,
        person=world.user("guard_a1"),
    )
    nexts = Duty.objects.create(
        **common,
        day=timezone.localdate(change),
        slot=1,
        start=change,
        end=change + dt.timedelta(hours=8),
        person=world.user("volunteer_a1"),
    )

    guard = phone
    log_in(guard, world, "guard_a1")
    guard.goto("/roster/mine/")
    current = guard.locator("#current-shift")
    expect(current).to_contain_text("当前值班")
    expect(current).to_contain_text("南门")
    look(guard, "01-my-shift")
    guard.fill(f"#note-{guards.pk}", "北侧围挡松动，已报物业；测温枪备用电池在抽屉")
    guard.click("#write-handover")
    expect(guard.locator(".messages")).to_contain_text("交接班记录已填写")
    look(guard, "02-written")
    guards.refresh_from_db()
    assert guards.handover.startswith("北侧围挡") and guards.handover_at is not None

    volunteer = new_phone(chromium, live_server)
    log_in(volunteer, world, "volunteer_a1")
    volunteer.goto("/roster/mine/")
    soon = volunteer.locator("#soon-shift")
    expect(soon).to_contain_text("北侧围挡松动")
    look(volunteer, "03-to-read")
    volunteer.click("#acknowledge-handover")
    expect(volunteer.locator("#read-at")).to_be_visible()
    look(volunteer, "04-read")
    nexts.refresh_from_db()
    assert nexts.handover_read_at is not None

    # the guard sees that it was read
    guard.goto("/roster/mine/")
    expect(guard.locator(f"#handover-{guards.pk}")).to_contain_text("volunteer_a1")

    # the leader's week on a phone: one day at a time, the posts as cards
    leader = new_phone(chromium, live_server)
    log_in(leader, world, "leader_a1")
    leader.goto(f"/roster/?community={world.community_a1.pk}")
    expect(leader.locator("#roster-grid")).to_contain_text("南门")
    look(leader, "05-week")
    leader.goto("/")
    expect(leader.locator("#roster-panel")).to_contain_text("南门")
    look(leader, "06-workbench")
