"""Demo data of urgent reports (issue 13 item 3): three reports of the first community to the
township, made through `fangkong.urgent.actions` as the staff would: a supplies shortage two
hours ago that nobody at the township has acknowledged (escalated), a fever cluster twenty
minutes ago (waiting, not yet escalated), and yesterday's refusal, acknowledged and closed.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from fangkong.core.models import CommunityKind, Township, User
from fangkong.core.roles import Role
from fangkong.demo.staff import first_staff
from fangkong.urgent import actions
from fangkong.urgent.models import Category


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


@transaction.atomic
def build_demo_urgent(township: Township, *, today: dt.date) -> int:
    """Urgent reports in `township` as of `today`; how many were made."""
    admin = (
        User.objects.filter(township=township, role=Role.TOWNSHIP_ADMIN, is_active=True)
        .order_by("id")
        .first()
    )
    first = township.communities.filter(kind=CommunityKind.COMMUNITY).order_by("code").first()
    if admin is None or first is None:
        raise ValueError("the demo township has no township admin or no community")
    leader = first_staff(first, Role.COMMUNITY_LEADER) or admin
    office = first_staff(first, Role.OFFICE_STAFF, Role.COMMUNITY_LEADER) or admin
    grid = first_staff(first, Role.GRID_WORKER, Role.OFFICE_STAFF) or office
    now = min(timezone.now(), _at(today, 16))

    yesterday = _at(today - dt.timedelta(days=1), 10)
    refusal = actions.report(
        leader,
        first,
        category=Category.CONFLICT,
        what="一名返乡人员拒绝居家隔离，与网格员发生争执，已劝回家中",
        place=f"{first.name} 3栋2单元",
        occurred_at=yesterday - dt.timedelta(minutes=20),
        people="返乡人员1名（男，40岁左右）、网格员1名",
        now=yesterday,
    )
    refusal = actions.acknowledge(
        admin, refusal, note="已联系派出所民警协助", now=yesterday + dt.timedelta(minutes=12)
    )
    actions.close(
        admin,
        refusal,
        outcome="民警上门宣传政策，本人同意居家隔离并签署承诺书",
        now=yesterday + dt.timedelta(hours=3),
    )
    shortage = now - dt.timedelta(hours=2)
    actions.report(
        office,
        first,
        category=Category.SUPPLIES,
        what="封闭管理后医用口罩和消毒液只够一天使用",
        place=f"{first.name} 居委会物资仓库",
        occurred_at=shortage - dt.timedelta(minutes=10),
        people="",
        now=shortage,
    )
    fever = now - dt.timedelta(minutes=20)
    actions.report(
        grid,
        first,
        category=Category.FEVER,
        what="同一楼栋两户居民先后出现发热、咳嗽，体温38.1 ℃和37.9 ℃，已要求居家等候",
        place=f"{first.name} 5栋",
        occurred_at=fever - dt.timedelta(minutes=15),
        people="两户共3人",
        now=fever,
    )
    return 3
