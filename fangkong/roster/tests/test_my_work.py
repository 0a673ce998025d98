"""A guard's and a volunteer's own work on their phone pages (issue 14 item 8): the current or
next shift (roster) and the unfinished tasks (tasks), registered as "my work" lines, so the
gate page (checkpoints) and the deliveries page (lockdown) show them without importing either."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from fangkong.core.registry import my_work_of
from fangkong.tasks import actions as tasks

from .conftest import TODAY
from .factories import on, posts

pytestmark = pytest.mark.django_db


def _task(world, key: str, due: dt.date) -> None:
    tasks.create_task(
        world.user("leader_a1"),
        world.community_a1,
        title="检查南门测温枪电池",
        due_date=due,
        assignee=world.user(key),
        now=dt.datetime.combine(due, dt.time(8), dt.UTC) if due < TODAY else None,
    )


def test_the_guard_sees_the_shift_and_tasks_on_the_gate_page(client, world) -> None:
    p = posts(world)
    on(world, p["gate"], "guard_a1", slot=1)  # 08:00–16:00, it is 10:00
    _task(world, "guard_a1", TODAY + dt.timedelta(days=1))
    client.force_login(world.user("guard_a1"))
    first = client.get(reverse("checkpoints:gate")).content.decode()  # which gate?
    client.post(reverse("checkpoints:gate_choose"), {"gate": p["gate"].gate_id})
    page = client.get(reverse("checkpoints:gate")).content.decode()  # the scan screen
    for html in (first, page):
        mine = html.split('id="my-work"')[1].split("</ul>")[0]
        assert "On duty now: " in mine and "until 16:00" in mine
        assert "My tasks: 1 not finished" in mine
        assert reverse("roster:mine") in mine and reverse("tasks:list") in mine


def test_a_next_shift_and_an_overdue_task_read_as_such(world) -> None:
    p = posts(world)
    on(world, p["gate"], "volunteer_a1", day=TODAY + dt.timedelta(days=1), slot=0)
    _task(world, "volunteer_a1", TODAY - dt.timedelta(days=1))
    lines = my_work_of(world.user("volunteer_a1"))
    assert [line.text.split(":")[0] for line in lines] == ["My next shift", "My tasks"]
    assert "1 of them overdue" in lines[1].text and lines[1].late


def test_the_volunteer_sees_their_work_on_the_deliveries_page(client, world) -> None:
    _task(world, "volunteer_a1", TODAY)
    client.force_login(world.user("volunteer_a1"))
    page = client.get(reverse("lockdown:my_deliveries")).content.decode()
    assert 'id="my-work"' in page and "My tasks: 1 not finished" in page


def test_nothing_to_do_shows_no_lines(client, world) -> None:
    assert my_work_of(world.user("grid_g2")) == []
    client.force_login(world.user("guard_a1"))
    assert 'id="my-work"' not in client.get(reverse("checkpoints:gate")).content.decode()
