"""Tasks in a real browser (Chromium, phone-sized, in Chinese): the community leader assigns a
task to a working group with a due day in the past, and sees it overdue on the workbench; a
member of the group sees it on theirs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from fangkong.browser import PHONE, log_in, phone_problems, screenshot
from fangkong.conftest import World
from fangkong.organisation import actions as organisation
from fangkong.organisation.models import WorkingGroup
from fangkong.tasks.models import Task

pytestmark = pytest.mark.browser


@pytest.fixture
def clock() -> Iterator[None]:
    """Real time here: the browser and the live server keep their own clocks."""
    yield None


def look(page: Page, step: str) -> None:
    screenshot(page, f"tasks-{step}")
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


def test_the_leader_assigns_a_task_to_a_group_and_sees_it_overdue(
    phone: Page, chromium: Browser, live_server, world: World
) -> None:
    org = organisation.create_default_structure(world.user("leader_a1"), world.community_a1)
    env = WorkingGroup.objects.get(organisation=org, key="environment")
    organisation.add_group_member(world.user("leader_a1"), env, user=world.user("grid_g1"))
    yesterday = timezone.localdate() - dt.timedelta(days=1)

    leader = phone
    log_in(leader, world, "leader_a1")
    # the organisation the task goes to: the plan's groups, on a phone
    leader.goto("/organisation/")
    expect(leader.locator(f"#group-{env.pk}")).to_contain_text("环境治理组")
    look(leader, "00-organisation")
    leader.goto("/tasks/new/")
    look(leader, "01-new")
    leader.fill("#id_title", "清理3栋楼道堆放物")
    leader.select_option("#id_group", label="环境治理组")
    leader.fill("#id_due_date", yesterday.isoformat())
    leader.select_option("#id_priority", "high")
    leader.click("#save-task")
    expect(leader.locator("#task-status")).to_have_text("待办")
    expect(leader.locator("#task-overdue")).to_be_visible()
    look(leader, "02-detail")
    made = Task.objects.get()
    assert (made.group, made.due_date, made.created_by) == (env, yesterday, world.user("leader_a1"))

    leader.goto("/")
    overdue = leader.locator("#overdue-tasks")
    expect(overdue).to_contain_text("清理3栋楼道堆放物")
    expect(overdue).to_contain_text("已逾期")
    look(leader, "03-workbench")

    worker = new_phone(chromium, live_server)
    log_in(worker, world, "grid_g1")
    worker.goto("/")
    expect(worker.locator("#my-tasks")).to_contain_text("清理3栋楼道堆放物")
    worker.goto("/tasks/")
    expect(worker.locator(f"#task-{made.pk}")).to_contain_text("已逾期")
    look(worker, "04-my-tasks")
