"""Helpers of the notices tests: a notice brought to a status through the actions."""

from __future__ import annotations

from fangkong.conftest import World
from fangkong.notices import actions, flow
from fangkong.notices.models import Notice

SAFE_TITLE = "春节期间疫情防控倡议书"
SAFE_BODY = "请大家戴口罩、勤洗手、勤通风、少聚集。咨询电话：027-85551234。"

#: the steps (and who takes them) from a draft to each status
_PATH = [
    (flow.SUBMIT, "office_a1", flow.SUBMITTED),
    (flow.REVIEW, "leader_a1", flow.REVIEWED),
    (flow.APPROVE, "admin_a", flow.APPROVED),
    (flow.PUBLISH, "office_a1", flow.PUBLISHED),
]


def notice_in(
    world: World, status: str = flow.DRAFT, *, title: str = SAFE_TITLE, body: str = SAFE_BODY
) -> Notice:
    """A notice of community A1 drafted by its office, taken along the path to `status`."""
    notice = actions.create_notice(
        world.user("office_a1"), world.community_a1, kind="proposal", title=title, body=body
    )
    if status == flow.DRAFT:
        return notice
    for step, who, reached in _PATH:
        notice = actions.take_step(world.user(who), notice, step)
        if reached == status:
            return notice
    if status == flow.WITHDRAWN:
        return actions.take_step(world.user("office_a1"), notice, flow.WITHDRAW, comment="过期")
    raise ValueError(status)
