"""Task pages for every distance of the `world` fixture, tasks made from other apps' records
(and the "create a task" button on their pages), the workbench panel and the daily report."""

import datetime as dt
import io
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation
from PIL import Image

from fangkong.checkpoints.models import GateEntry
from fangkong.checkpoints.tests.conftest import make_gate
from fangkong.core.models import AuditEntry
from fangkong.organisation import actions as organisation
from fangkong.tasks import actions, daily_report
from fangkong.tasks.models import Comment, Status, Task
from fangkong.urgent.tests.helpers import escalated_alert, report

from .factories import group, task

pytestmark = pytest.mark.django_db

SEE_A1 = ["admin_a", "leader_a1", "office_a1", "grid_g1", "guard_a1", "volunteer_a1"]
NOT_A1 = ["leader_a2", "admin_b"]


@pytest.fixture(autouse=True)
def in_english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield


def login(client, world, key):
    client.force_login(world.user(key))
    return client


@pytest.mark.parametrize("key", SEE_A1)
def test_who_sees_a_task(client, world, key) -> None:
    made = task(world)
    response = login(client, world, key).get(reverse("tasks:detail", args=[made.pk]))
    assert response.status_code == 200
    assert made.title in response.content.decode()


@pytest.mark.parametrize("key", NOT_A1)
def test_other_communities_get_404(client, world, key) -> None:
    made = task(world)
    login(client, world, key)
    assert client.get(reverse("tasks:detail", args=[made.pk])).status_code == 404
    response = client.post(reverse("tasks:status", args=[made.pk]), {"status": "in_progress"})
    assert response.status_code == 404
    made.refresh_from_db()
    assert made.status == Status.OPEN


def test_the_leader_assigns_through_the_page(client, world) -> None:
    env = group(world)
    login(client, world, "leader_a1")
    assert client.get(reverse("tasks:new")).status_code == 200
    response = client.post(
        reverse("tasks:new"),
        {
            "community": world.community_a1.pk,
            "title": "全面大清扫",
            "group": env.pk,
            "due_date": timezone.localdate().isoformat(),
            "priority": "high",
        },
    )
    made = Task.objects.get()
    assert response.status_code == 302
    assert (made.group, made.priority, made.created_by) == (env, "high", world.user("leader_a1"))


@pytest.mark.parametrize("key", ["grid_g1", "guard_a1", "volunteer_a1"])
def test_workers_may_not_assign(client, world, key) -> None:
    login(client, world, key)
    assert client.get(reverse("tasks:new")).status_code == 403
    assert not Task.objects.exists()


def test_the_assignee_works_on_a_task_from_the_phone_page(client, world) -> None:
    made = task(world, assignee=world.user("guard_a1"))
    login(client, world, "guard_a1")
    html = client.get(reverse("tasks:list")).content.decode()
    assert made.title in html  # "my tasks"
    client.post(reverse("tasks:status", args=[made.pk]), {"status": "in_progress"})
    out = io.BytesIO()
    Image.new("RGB", (4, 4), "blue").save(out, format="JPEG")
    response = client.post(
        reverse("tasks:comment", args=[made.pk]),
        {"text": "已清理", "file": SimpleUploadedFile("done.jpg", out.getvalue(), "image/jpeg")},
    )
    assert response.status_code == 302
    photo = Comment.objects.get()
    assert photo.file_kind == "photo"
    response = client.get(reverse("tasks:file", args=[photo.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"\xff\xd8")
    client.post(reverse("tasks:status", args=[made.pk]), {"status": "done", "confirm": "1"})
    made.refresh_from_db()
    assert made.status == Status.DONE
    login(client, world, "leader_a2")
    assert client.get(reverse("tasks:file", args=[photo.pk])).status_code == 404


def test_finishing_asks_for_confirmation_first(client, world) -> None:
    made = task(world, assignee=world.user("grid_g1"))
    login(client, world, "grid_g1")
    response = client.post(reverse("tasks:status", args=[made.pk]), {"status": "done"})
    assert response.status_code == 200
    assert "cannot be changed afterwards" in response.content.decode()
    made.refresh_from_db()
    assert made.status == Status.OPEN


def test_cancelling_without_a_reason_on_the_page_changes_nothing(client, world) -> None:
    made = task(world)
    login(client, world, "leader_a1")
    response = client.post(
        reverse("tasks:status", args=[made.pk]), {"status": "cancelled", "confirm": "1"}
    )
    assert response.status_code == 422
    made.refresh_from_db()
    assert made.status == Status.OPEN


def test_a_task_from_an_alert_links_back_and_the_alert_offers_it(client, world) -> None:
    alert = escalated_alert(world)
    login(client, world, "leader_a1")
    html = client.get(reverse("health:alert_detail", args=[alert.pk])).content.decode()
    new_url = f"{reverse('tasks:new')}?source=alert&amp;id={alert.pk}"
    assert new_url in html
    url = f"{reverse('tasks:new')}?source=alert&id={alert.pk}"
    assert client.get(url).status_code == 200
    client.post(
        url,
        {
            "community": world.community_a1.pk,
            "title": "联系卫生院接诊",
            "assignee": world.user("medic_a1").pk,
            "due_date": timezone.localdate().isoformat(),
            "priority": "urgent",
        },
    )
    made = Task.objects.get()
    assert (made.source_kind, made.source_id) == ("alert", alert.pk)
    detail = client.get(reverse("tasks:detail", args=[made.pk])).content.decode()
    assert reverse("health:alert_detail", args=[alert.pk]) in detail
    # a worker who does not assign sees no button; another community cannot start from it
    login(client, world, "grid_g1")
    html = client.get(reverse("health:alert_detail", args=[alert.pk])).content.decode()
    assert new_url not in html
    login(client, world, "leader_a2")
    assert client.get(url).status_code == 404


def test_the_urgent_report_and_the_gate_stop_offer_a_task(client, world) -> None:
    item = report(world)
    gate = make_gate(world)
    stop = GateEntry.objects.create(
        township=gate.township,
        community=gate.community,
        gate=gate,
        at=timezone.now(),
        direction="in",
        kind="visitor",
        name="访客",
        verdict="stop",
        reasons=["fever"],
        client_key=uuid.uuid4(),
    )
    login(client, world, "leader_a1")
    html = client.get(reverse("urgent:detail", args=[item.pk])).content.decode()
    assert f"?source=urgent&amp;id={item.pk}" in html
    log = client.get(reverse("checkpoints:log") + "?verdict=stop").content.decode()
    assert f"?source=gate_stop&amp;id={stop.pk}" in log
    response = client.get(f"{reverse('tasks:new')}?source=gate_stop&id={stop.pk}")
    assert response.status_code == 200
    assert "南门" in response.content.decode()


def test_the_workbench_shows_overdue_tasks_to_the_assignee_and_the_leader(client, world) -> None:
    env = group(world)
    organisation.add_group_member(world.user("leader_a1"), env, user=world.user("grid_g1"))
    late = task(world, group=env, due_date=timezone.localdate() - dt.timedelta(days=1))
    ontime = task(world, title="明天的任务", assignee=world.user("grid_g2"))
    html = login(client, world, "leader_a1").get(reverse("core:workbench")).content.decode()
    assert 'id="overdue-tasks"' in html and late.title in html
    html = login(client, world, "grid_g1").get(reverse("core:workbench")).content.decode()
    assert late.title in html and "Overdue" in html
    assert ontime.title not in html
    html = login(client, world, "grid_g2").get(reverse("core:workbench")).content.decode()
    assert ontime.title in html and late.title not in html


def test_the_workbench_makes_todays_recurring_duties_once(client, world) -> None:
    actions.create_template(
        world.user("leader_a1"),
        world.community_a1,
        title="大清扫",
        frequency="daily",
        starts_on=timezone.localdate(),
        group=group(world),
    )
    login(client, world, "office_a1")
    client.get(reverse("core:workbench"))
    client.get(reverse("core:workbench"))
    assert Task.objects.filter(title="大清扫").count() == 1
    assert AuditEntry.objects.filter(target_type="tasks.task", changes__generated=1).count() == 1


def test_the_daily_report_counts_due_done_and_overdue(world) -> None:
    today = timezone.localdate()
    task(world, due_date=today)
    late = task(world, due_date=today - dt.timedelta(days=2), assignee=world.user("grid_g1"))
    done = task(world, due_date=today, assignee=world.user("grid_g1"))
    actions.change_status(world.user("grid_g1"), done, to="done")
    figures = daily_report.compute(today, [world.community_a1.pk, world.community_a2.pk])
    assert figures[world.community_a1.pk] == {
        daily_report.DUE: 2,
        daily_report.DONE: 1,
        daily_report.OVERDUE: 1,
    }
    assert figures[world.community_a2.pk][daily_report.DUE] == 0
    assert late.is_overdue()


def test_recurring_duties_page(client, world) -> None:
    group(world)
    login(client, world, "leader_a1")
    assert client.get(reverse("tasks:templates")).status_code == 200
    login(client, world, "volunteer_a1")
    assert client.get(reverse("tasks:templates")).status_code == 200
    assert client.post(reverse("tasks:templates"), {"title": "x"}).status_code in (403, 404)


def test_the_tasks_line_list_exports_the_users_tasks(client, world) -> None:
    from fangkong.core.spreadsheets import read_xlsx_bytes

    made = task(world, due_date=timezone.localdate())
    actions.change_status(world.user("leader_a1"), made, to="cancelled", reason="重复派发")
    login(client, world, "leader_a1")
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"
    today = timezone.localdate()
    response = client.post(
        reverse("reports:line_lists"),
        {"name": "tasks", "start": (today - dt.timedelta(days=1)).isoformat(), "end": today},
    )
    assert response.status_code == 200
    rows = read_xlsx_bytes(b"".join(response.streaming_content))
    assert all(not cell.isascii() for cell in rows[0] if cell)
    assert len(rows) == 2 and "清理3栋楼道杂物" in rows[1] and "已取消" in rows[1]
    login(client, world, "leader_a2")
    response = client.post(
        reverse("reports:line_lists"),
        {"name": "tasks", "start": (today - dt.timedelta(days=1)).isoformat(), "end": today},
    )
    assert len(read_xlsx_bytes(b"".join(response.streaming_content))) == 1


def test_only_who_assigns_may_change_a_task_and_never_a_done_one(client, world) -> None:
    made = task(world, assignee=world.user("grid_g1"))
    login(client, world, "grid_g1")
    assert client.get(reverse("tasks:edit", args=[made.pk])).status_code == 403
    actions.change_status(world.user("grid_g1"), made, to="done")
    login(client, world, "leader_a1")
    response = client.post(
        reverse("tasks:edit", args=[made.pk]),
        {
            "title": "改个标题",
            "assignee": world.user("grid_g1").pk,
            "due_date": timezone.localdate().isoformat(),
            "priority": "normal",
        },
    )
    assert response.status_code == 422
    made.refresh_from_db()
    assert made.title == "清理3栋楼道杂物"
