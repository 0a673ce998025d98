"""The organisation and task demo on the `world` fixture."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from fangkong.demo.organisation import build_demo_organisation
from fangkong.demo.tasks import build_demo_tasks
from fangkong.demo.urgent import build_demo_urgent
from fangkong.organisation.models import (
    Assignment,
    GroupMember,
    Organisation,
    PartyBranch,
    Post,
    Volunteer,
)
from fangkong.tasks import actions
from fangkong.tasks.models import Status, Task

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 1, 20)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(
        dt.datetime(2026, 1, 20, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False
    ):
        yield


def test_every_community_gets_the_plans_structure_with_people(world):
    summary = build_demo_organisation(world.township_a, today=TODAY)
    assert summary.organisations == 2 == Organisation.objects.count()
    assert not Post.objects.filter(user__isnull=True, name="").exists()
    assert GroupMember.objects.filter(is_head=True).count() == 14
    leader = world.user("leader_a1")
    assert Post.objects.get(organisation__community=world.community_a1, title="书记").user == leader
    assert PartyBranch.objects.count() == 2
    assert summary.volunteers == Volunteer.objects.count() >= 1
    assert Assignment.objects.count() == summary.assignments == 4


def test_the_demo_tasks_include_an_overdue_group_task_and_a_daily_clean_up(world):
    build_demo_urgent(world.township_a, today=TODAY)
    build_demo_organisation(world.township_a, today=TODAY)
    count = build_demo_tasks(world.township_a, today=TODAY)
    assert count == Task.objects.count()
    overdue = Task.objects.overdue(timezone.localdate())
    assert overdue.filter(group__key="environment", assignee__isnull=True).exists()
    assert Task.objects.filter(title="大清扫", due_date=TODAY, template__frequency="daily").exists()
    assert Task.objects.filter(status=Status.DONE).count() == 1
    assert Task.objects.filter(source_kind="urgent").exists()
    assert actions.generate_due(TODAY) == 0
