"""Demo data of closed management (F2): the first community of the township set to medium
risk by the township admin a few days ago, under closed management with its "六个一" partly
in place; the village follows the county.

Everything goes through `fangkong.closure.actions`, as the staff would do it: the level, the
gates (南门 open, 北门 and 东门 sealed), the management team, and four of the six checklist
items in place; the publicity desk and the inspection team are still missing, each with an
owner.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from fangkong.checkpoints.models import GateState
from fangkong.closure import actions
from fangkong.closure.equipment import counted_from_stock
from fangkong.closure.models import ChecklistItem, ChecklistKind, ItemState
from fangkong.core.models import CommunityKind, Township, User
from fangkong.core.roles import Role
from fangkong.demo.staff import first_staff
from fangkong.demo.supplies import stock_equipment

#: days before `today` the township closed the first community
CLOSED_DAYS_AGO = 3


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


@transaction.atomic
def build_demo_closure(township: Township, *, today: dt.date) -> int:
    """Closed management in `township` as of `today`; the number of checklist items made."""
    admin = (
        User.objects.filter(township=township, role=Role.TOWNSHIP_ADMIN, is_active=True)
        .order_by("id")
        .first()
    )
    if admin is None:
        raise ValueError("the demo township has no township admin")
    communities = list(township.communities.order_by("code"))
    first = next((c for c in communities if c.kind == CommunityKind.COMMUNITY), None)
    village = next((c for c in communities if c.kind == CommunityKind.VILLAGE), None)
    if first is None:
        raise ValueError("the demo township has no community")
    before = ChecklistItem.objects.filter(township=township).count()
    now = timezone.now()
    closed_at = min(_at(today - dt.timedelta(days=CLOSED_DAYS_AGO), 9), now)

    if village is not None:
        actions.follow_county(
            admin,
            village,
            reason="村级风险等级随县（区）风险等级调整",
            at=min(_at(today - dt.timedelta(days=CLOSED_DAYS_AGO + 2), 9), closed_at),
        )
    actions.set_level(
        admin,
        first,
        level="medium",
        reason="辖区内出现确诊病例，经街道研究，调整为中风险并实行封闭式管理",
        at=closed_at,
    )

    leader = first_staff(first, Role.COMMUNITY_LEADER) or admin
    office = first_staff(first, Role.OFFICE_STAFF, Role.COMMUNITY_LEADER) or admin
    grid = first_staff(first, Role.GRID_WORKER, Role.OFFICE_STAFF) or office

    # 一个出入口: 南门 stays open, 北门 and 东门 are sealed
    south = actions.add_gate(leader, first, name="南门", note="设测温登记点")
    actions.add_gate(leader, first, name="北门", state=GateState.OPEN)
    actions.add_gate(leader, first, name="东门", state=GateState.OPEN)
    actions.keep_open(leader, south, note="铁马围挡封闭，张贴封闭告示")

    # 一支管理队伍
    for name, duty, phone in (
        ("刘建国", "物业", "13871230001"),
        ("陈德胜", "保安", "13871230002"),
        ("周勇", "协警", "13871230003"),
        ("吴晓燕", "志愿者", "13871230004"),
    ):
        actions.add_member(
            leader, first, team=ChecklistKind.TEAM, name=name, duty=duty, phone=phone
        )
    actions.add_member(leader, first, team=ChecklistKind.TEAM, user=office, duty="值班")

    items = {i.kind: i for i in ChecklistItem.objects.filter(community=first)}
    actions.update_item(
        office,
        items[ChecklistKind.ENTRANCE],
        state=ItemState.DONE,
        owner=leader,
        note="仅保留南门出入，其余出入口封闭",
    )
    actions.update_item(office, items[ChecklistKind.TEAM], state=ItemState.DONE, owner=leader)
    if counted_from_stock():
        # the counts come from the supplies' stock: the equipment set is received there
        stock_equipment(first, admin, today=today)
        actions.update_item(
            office, items[ChecklistKind.EQUIPMENT], state=ItemState.DONE, owner=office
        )
    else:
        actions.update_item(
            office,
            items[ChecklistKind.EQUIPMENT],
            details={"thermometers": 6, "masks": 2000, "disinfectant": 40, "sprayers": 4},
            state=ItemState.DONE,
            owner=office,
        )
    actions.update_item(
        office,
        items[ChecklistKind.RULES],
        details={"duty_24h": True, "daily_disinfection": True, "entry_registration": True},
        state=ItemState.DONE,
        owner=office,
        note="24小时值守、每日消杀、出入登记制度已上墙",
    )
    # still missing, each with an owner
    actions.update_item(
        office,
        items[ChecklistKind.PUBLICITY],
        state=ItemState.IN_PROGRESS,
        owner=office,
        note="宣传栏在制作中，预计明日张贴",
    )
    actions.update_item(
        office,
        items[ChecklistKind.INSPECTION],
        owner=grid,
        note="待确定巡查人员和路线",
    )
    return ChecklistItem.objects.filter(township=township).count() - before
