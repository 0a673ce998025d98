"""Tasks for the tests, made through the actions (the community A1's default organisation)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from fangkong.conftest import World
from fangkong.organisation import actions as organisation
from fangkong.organisation.models import WorkingGroup
from fangkong.tasks import actions
from fangkong.tasks.models import Task


def group(world: World, key: str = "environment") -> WorkingGroup:
    org = organisation.create_default_structure(world.user("leader_a1"), world.community_a1)
    return WorkingGroup.objects.get(organisation=org, key=key)


def task(world: World, *, by: str = "leader_a1", **kw: Any) -> Task:
    fields: dict[str, Any] = {
        "title": "清理3栋楼道杂物",
        "due_date": timezone.localdate() + dt.timedelta(days=1),
    }
    if "group" not in kw and "assignee" not in kw:
        fields["group"] = group(world)
    fields.update(kw)
    return actions.create_task(world.user(by), world.community_a1, **fields)
