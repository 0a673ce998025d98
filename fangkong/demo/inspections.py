"""Demo data of inspections (issue 14 item 7): in the first community, the township's round
three days ago with one finding rectified and verified and one still open past its deadline
(an overdue rectification on the leader's and the owner's workbench), today's round of the
community's own supervising team in progress, and a commendation. Made through
`fangkong.inspections.actions`, as the staff would."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from fangkong.core.models import CommunityKind, Township, User
from fangkong.core.roles import Role
from fangkong.demo.staff import first_staff
from fangkong.inspections import actions
from fangkong.inspections.models import CheckResult, InspectorKind, MeritKind, SubjectKind


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


@transaction.atomic
def build_demo_inspections(township: Township, *, today: dt.date) -> int:
    """Inspection rounds in `township` as of `today`; how many findings were recorded."""
    admin = (
        User.objects.filter(township=township, role=Role.TOWNSHIP_ADMIN, is_active=True)
        .order_by("id")
        .first()
    )
    first = township.communities.filter(kind=CommunityKind.COMMUNITY).order_by("code").first()
    if admin is None or first is None:
        raise ValueError("the demo township has no township admin or no community")
    leader = first_staff(first, Role.COMMUNITY_LEADER) or admin
    office = first_staff(first, Role.OFFICE_STAFF, Role.COMMUNITY_LEADER) or leader
    grid = first_staff(first, Role.GRID_WORKER, Role.OFFICE_STAFF) or office

    earlier = today - dt.timedelta(days=3)
    at = _at(earlier, 9)
    round_ = actions.start(
        admin,
        first,
        kind=InspectorKind.TOWNSHIP,
        on=earlier,
        inspectors="街道督查组 王建国、刘芳",
        note="春节前封闭管理落实情况专项督查",
        now=at,
    )
    for check in round_.checks.all():
        if check.item not in ("publicity", "equipment"):
            actions.record_check(admin, round_, item=check.item, result=CheckResult.MET)
    sprayers = actions.add_finding(
        admin,
        round_,
        item="equipment",
        what="卡口未配备喷洒设备，消毒液仅剩半桶",
        place=f"{first.name} 南门卡口",
        owner=office,
        deadline=earlier + dt.timedelta(days=1),
        now=at + dt.timedelta(minutes=30),
    )
    actions.add_finding(
        admin,
        round_,
        item="publicity",
        what="宣传台未张贴最新通告和《致在省外务工人员的一封信》",
        place=f"{first.name} 北门宣传台",
        owner=grid,
        deadline=today - dt.timedelta(days=1),
        now=at + dt.timedelta(minutes=40),
    )
    actions.finish(admin, round_, now=at + dt.timedelta(hours=1))
    actions.rectify(
        office,
        sprayers,
        evidence="已从街道调拨喷洒设备1台、消毒液2桶，放置于南门卡口",
        now=_at(earlier + dt.timedelta(days=1), 11),
    )
    actions.verify(
        admin,
        sprayers,
        accepted=True,
        note="现场复查已配备",
        now=_at(today - dt.timedelta(days=1), 15),
    )

    today_round = actions.start(
        leader,
        first,
        kind=InspectorKind.COMMUNITY,
        on=today,
        inspectors="社区督查队伍 张伟、陈静",
        now=min(timezone.now(), _at(today, 8)),
    )
    actions.record_check(leader, today_round, item="entrance", result=CheckResult.MET)
    actions.record_check(leader, today_round, item="team", result=CheckResult.MET)

    actions.record_merit(
        admin,
        township_id=township.pk,
        community=first,
        kind=MeritKind.COMMENDATION,
        subject_kind=SubjectKind.ORGANISATION,
        subject="交通管控组",
        reason="卡口24小时值守到位，出入登记完整",
        decision="通报表扬",
        decided_on=today - dt.timedelta(days=1),
    )
    return 2
