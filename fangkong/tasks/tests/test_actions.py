"""Task writes: who assigns, who works on a task, the refusals (with a Chinese message and
nothing written), comments and evidence, recurring duties made once."""

import datetime as dt
import io

import pytest
from django.utils import timezone, translation
from PIL import Image

from fangkong.core.errors import DomainError
from fangkong.core.models import AuditEntry
from fangkong.organisation import actions as organisation
from fangkong.tasks import actions
from fangkong.tasks.models import Comment, Status, Task, TaskTemplate

from .factories import group, task

pytestmark = pytest.mark.django_db


def chinese(exc: DomainError) -> str:
    with translation.override("zh-hans"):
        return str(exc.message)


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(out, format="PNG")
    return out.getvalue()


def test_the_leader_assigns_a_task_to_a_working_group(world) -> None:
    made = task(world)
    assert made.status == Status.OPEN
    assert made.group is not None and made.group.name == "环境治理组"
    assert AuditEntry.objects.filter(target_type="tasks.task", target_id=str(made.pk)).exists()


def test_a_task_for_another_community_is_refused(world) -> None:
    leader = world.user("leader_a1")
    with pytest.raises(DomainError) as exc:
        actions.create_task(
            leader,
            world.community_a2,
            title="别的村的任务",
            due_date=timezone.localdate(),
            assignee=world.user("leader_a2"),
        )
    assert "本社区" in chinese(exc.value)
    with pytest.raises(DomainError) as exc:
        actions.create_task(
            leader,
            world.community_a1,
            title="派给外社区的人",
            due_date=timezone.localdate(),
            assignee=world.user("leader_a2"),
        )
    assert "本社区" in chinese(exc.value)
    assert not Task.objects.exists()


def test_the_township_assigns_in_its_own_communities_only(world) -> None:
    made = task(world, by="admin_a", assignee=world.user("grid_g1"))
    assert made.community == world.community_a1 and made.assignee == world.user("grid_g1")
    assert actions.may_assign(world.user("admin_a"), made)
    with pytest.raises(DomainError):
        task(world, by="admin_b", assignee=world.user("grid_g1"))
    assert Task.objects.count() == 1


def test_a_group_of_another_community_is_refused(world) -> None:
    org2 = organisation.create_default_structure(world.user("leader_a2"), world.community_a2)
    with pytest.raises(DomainError):
        actions.create_task(
            world.user("leader_a1"),
            world.community_a1,
            title="x",
            due_date=timezone.localdate(),
            group=org2.groups.first(),
        )
    assert not Task.objects.exists()


@pytest.mark.parametrize("key", ["grid_g1", "guard_a1", "volunteer_a1"])
def test_roles_that_do_not_assign_may_not_create(world, key) -> None:
    with pytest.raises(DomainError):
        task(world, by=key)
    assert not Task.objects.exists()


def test_cancelling_without_a_reason_is_refused(world) -> None:
    made = task(world)
    with pytest.raises(DomainError) as exc:
        actions.change_status(world.user("leader_a1"), made, to="cancelled", reason="  ")
    assert "原因" in chinese(exc.value)
    made.refresh_from_db()
    assert made.status == Status.OPEN and made.cancel_reason == ""
    actions.change_status(world.user("leader_a1"), made, to="cancelled", reason="重复派发")
    made.refresh_from_db()
    assert made.status == Status.CANCELLED and made.cancel_reason == "重复派发"


def test_a_done_task_cannot_be_changed(world) -> None:
    made = task(world, assignee=world.user("grid_g1"))
    actions.change_status(world.user("grid_g1"), made, to="done")
    before = AuditEntry.objects.count()
    with pytest.raises(DomainError) as exc:
        actions.edit_task(
            world.user("leader_a1"),
            made,
            title="改标题",
            due_date=made.due_date,
            group=None,
            assignee=world.user("grid_g1"),
        )
    assert "已完成" in chinese(exc.value)
    with pytest.raises(DomainError):
        actions.change_status(world.user("leader_a1"), made, to="open")
    with pytest.raises(DomainError):
        actions.comment(world.user("grid_g1"), made, text="补充")
    made.refresh_from_db()
    assert made.title == "清理3栋楼道杂物" and made.status == Status.DONE
    assert AuditEntry.objects.count() == before
    assert not Comment.objects.exists()


def test_who_works_on_a_task(world) -> None:
    env = group(world)
    organisation.add_group_member(world.user("leader_a1"), env, user=world.user("guard_a1"))
    made = task(world, group=env)
    # a member of the group starts it; a worker outside the group may not
    actions.change_status(world.user("guard_a1"), made, to="in_progress")
    with pytest.raises(DomainError):
        actions.change_status(world.user("grid_g1"), made, to="done")
    # only who assigns cancels
    with pytest.raises(DomainError):
        actions.change_status(world.user("guard_a1"), made, to="cancelled", reason="不做了")
    made.refresh_from_db()
    assert made.status == Status.IN_PROGRESS


def test_comments_and_evidence(world) -> None:
    made = task(world, assignee=world.user("grid_g1"))
    grid = world.user("grid_g1")
    actions.comment(grid, made, text="已开始清理")
    photo = actions.comment(grid, made, text="清理后", data=png(), file_name="after.png")
    assert photo.is_evidence and photo.file_kind == "photo"
    doc = actions.comment(grid, made, data=b"%PDF-1.4 test", file_name="记录.pdf")
    assert doc.file_kind == "file" and doc.file_name == "记录.pdf"
    assert Comment.objects.filter(task=made).count() == 3


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"not a photo", "x.jpg"),
        (b"MZ\x90\x00", "x.exe"),
        (b"plain text", "x.pdf"),
        (b"\xff\xfe\x00bad", "x.txt"),
        (b"%PDF" + b"0" * (10 * 1024 * 1024), "big.pdf"),
    ],
)
def test_a_bad_upload_is_refused(world, data, name) -> None:
    made = task(world, assignee=world.user("grid_g1"))
    with pytest.raises(DomainError):
        actions.comment(world.user("grid_g1"), made, data=data, file_name=name)
    assert not Comment.objects.exists()


def test_a_recurring_duty_is_made_once_a_day(world) -> None:
    today = timezone.localdate()
    template = actions.create_template(
        world.user("leader_a1"),
        world.community_a1,
        title="大清扫",
        frequency="daily",
        starts_on=today - dt.timedelta(days=2),
        group=group(world),
    )
    assert actions.generate_due(today) == 1
    assert actions.generate_due(today) == 0
    assert actions.generate_due(today, [world.community_a1.pk]) == 0
    assert actions.generate_due(today + dt.timedelta(days=1)) == 1
    made = Task.objects.filter(template=template).order_by("due_date")
    assert [t.occurrence for t in made] == [today, today + dt.timedelta(days=1)]
    assert actions.generate_due(today, [world.community_a2.pk]) == 0
    actions.stop_template(world.user("leader_a1"), template)
    assert actions.generate_due(today + dt.timedelta(days=2)) == 0


def test_a_weekly_duty_without_its_weekday_is_refused(world) -> None:
    with pytest.raises(DomainError):
        actions.create_template(
            world.user("leader_a1"),
            world.community_a1,
            title="物资检查",
            frequency="weekly",
            starts_on=timezone.localdate(),
            group=group(world, "logistics"),
        )
    assert not TaskTemplate.objects.exists()


def test_my_tasks_count_each_task_once(world) -> None:
    env = group(world)
    for key in ("grid_g1", "grid_g2", "guard_a1"):
        organisation.add_group_member(world.user("leader_a1"), env, user=world.user(key))
    task(world, group=env, assignee=world.user("grid_g1"))
    task(world, group=env, title="第二项")
    mine = Task.objects.of(world.user("grid_g1"))
    assert mine.count() == 2 == len(list(mine))
    assert Task.objects.of(world.user("office_a1")).count() == 0
