"""The task endpoints under /api/v1/: the pages' rules."""

import datetime as dt

import pytest
from django.utils import timezone

from fangkong.api.tests.client import ApiClient
from fangkong.tasks.models import Comment, Status, Task

from .factories import group, task

pytestmark = pytest.mark.django_db


def api(world, key, language="en"):
    client = ApiClient(world.user(key))
    client.headers["Accept-Language"] = language
    return client


def test_the_leader_creates_and_the_assignee_lists_finishes_and_comments(world) -> None:
    env = group(world)
    response = api(world, "leader_a1").post(
        "/tasks",
        {
            "community": world.community_a1.pk,
            "title": "检查物资储备",
            "assignee": world.user("grid_g1").pk,
            "due_date": (timezone.localdate() - dt.timedelta(days=1)).isoformat(),
            "priority": "high",
        },
    )
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["overdue"] is True and data["status"] == "open"
    grid = api(world, "grid_g1")
    mine = grid.get("/tasks").json()
    assert [t["id"] for t in mine["items"]] == [data["id"]]
    assert grid.get("/tasks?show=overdue").json()["count"] == 1
    assert grid.post(f"/tasks/{data['id']}/comments", {"text": "已清点"}).status_code == 201
    response = grid.post(f"/tasks/{data['id']}/status", {"status": "done"})
    assert response.status_code == 200 and response.json()["status"] == "done"
    detail = grid.get(f"/tasks/{data['id']}").json()
    assert detail["comments"][0]["text"] == "已清点"
    assert env.pk  # the community has its groups


def test_refusals_change_nothing(world) -> None:
    made = task(world)
    leader = api(world, "leader_a1", language="zh-hans")
    response = leader.post(
        "/tasks",
        {
            "community": world.community_a2.pk,
            "title": "外村任务",
            "assignee": world.user("leader_a2").pk,
            "due_date": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 422
    assert "本社区" in str(response.json())
    response = leader.post(f"/tasks/{made.pk}/status", {"status": "cancelled"})
    assert response.status_code == 422
    assert "原因" in str(response.json())
    assert Task.objects.count() == 1
    made.refresh_from_db()
    assert made.status == Status.OPEN


def test_other_communities_get_404_and_workers_may_not_create(world) -> None:
    made = task(world)
    assert api(world, "leader_a2").get(f"/tasks/{made.pk}").status_code == 404
    response = api(world, "admin_b").post(f"/tasks/{made.pk}/comments", {"text": "x"})
    assert response.status_code == 404
    response = api(world, "grid_g1").post(
        "/tasks",
        {
            "community": world.community_a1.pk,
            "title": "x",
            "assignee": world.user("grid_g1").pk,
            "due_date": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 403
    assert Task.objects.count() == 1 and not Comment.objects.exists()
