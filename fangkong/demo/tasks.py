"""Demo data of tasks: in the first community, the leadership group's tasks dated relative to
`today` (one overdue, assigned to the 环境治理组 yesterday; one from the escalated urgent
report; one for the gate guard; one done with its evidence), and the plan's recurring duties
(the daily 大清扫 and the weekly supply check) with today's occurrences made. Through
`fangkong.tasks.actions` as the staff would.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from fangkong.core.models import CommunityKind, Township
from fangkong.core.roles import Role
from fangkong.demo.staff import first_staff
from fangkong.organisation.models import WorkingGroup
from fangkong.tasks import actions
from fangkong.tasks.models import Priority, SourceKind
from fangkong.urgent.models import Category, UrgentReport


@transaction.atomic
def build_demo_tasks(township: Township, *, today: dt.date) -> int:
    """Tasks of the first community of `township`; how many there are."""
    first = township.communities.filter(kind=CommunityKind.COMMUNITY).order_by("code").first()
    if first is None:
        raise ValueError("the demo township has no community")
    leader = first_staff(first, Role.COMMUNITY_LEADER)
    if leader is None:
        raise ValueError("the demo community has no leader")
    groups = {g.key: g for g in WorkingGroup.objects.filter(organisation__community=first)}
    if not groups:
        raise ValueError("build the demo organisation before the tasks")
    # the demo's day may be another than the real one (a fixed seed day): its afternoon
    now = min(timezone.now(), timezone.make_aware(dt.datetime.combine(today, dt.time(16))))
    yesterday = today - dt.timedelta(days=1)
    made = [
        actions.create_task(
            leader,
            first,
            title="清理小区垃圾死角和楼道堆放物",
            description="按“一日一消毒”要求，清理后对垃圾收集点消毒并拍照留存。",
            group=groups["environment"],
            due_date=yesterday,
            priority=Priority.HIGH,
            now=now - dt.timedelta(days=2),
        ),
        actions.create_task(
            leader,
            first,
            title="制作并张贴春节防疫宣传横幅",
            group=groups["publicity"],
            due_date=today + dt.timedelta(days=2),
            now=now - dt.timedelta(hours=5),
        ),
    ]
    shortage = (
        UrgentReport.objects.filter(community=first, category=Category.SUPPLIES)
        .order_by("id")
        .first()
    )
    made.append(
        actions.create_task(
            leader,
            first,
            title="补充医用口罩和消毒液库存",
            group=groups["logistics"],
            due_date=today,
            priority=Priority.URGENT,
            source_kind=SourceKind.URGENT if shortage else "",
            source_id=shortage.pk if shortage else None,
            now=now - dt.timedelta(hours=1),
        )
    )
    guard = first_staff(first, Role.CHECKPOINT_GUARD)
    if guard is not None:
        made.append(
            actions.create_task(
                leader,
                first,
                title="南门卡口测温枪校准并登记",
                assignee=guard,
                due_date=today + dt.timedelta(days=1),
                now=now - dt.timedelta(hours=3),
            )
        )
    office = first_staff(first, Role.OFFICE_STAFF) or leader
    done = actions.create_task(
        leader,
        first,
        title="汇总昨日返乡人员名单报街道",
        assignee=office,
        due_date=yesterday,
        now=now - dt.timedelta(days=1, hours=3),
    )
    actions.comment(
        office,
        done,
        text="已通过系统报送街道，共 12 人。",
        evidence=True,
        now=now - dt.timedelta(days=1, hours=2),
    )
    actions.change_status(office, done, to="done", now=now - dt.timedelta(days=1, hours=1))
    made.append(done)
    actions.create_template(
        leader,
        first,
        title="大清扫",
        description="每日对公共区域、电梯、垃圾收集点清扫消毒（方案三(一)5）。",
        frequency="daily",
        starts_on=today - dt.timedelta(days=7),
        group=groups["environment"],
    )
    actions.create_template(
        leader,
        first,
        title="防控物资库存检查",
        description="清点口罩、消毒液、测温枪等物资，不足时及时申领。",
        frequency="weekly",
        weekday=today.weekday(),
        starts_on=today - dt.timedelta(days=14),
        group=groups["logistics"],
    )
    return len(made) + actions.generate_due(today, [first.pk])
