"""Demo data of the testing rounds (全员核酸): a community-wide round of the township's second
community opened this morning, a third of its people sampled in 10-in-1 pooled tubes; and
yesterday's round of the first community's first grid, sampled, closed and its lab file
imported — all negative but one positive pool, whose members await their single-tube retest.

Everything goes through `masstesting.rounds`, `.actions` and `.results`, as the staff would do
it; the times are then moved to this morning and yesterday (the actions stamp "now").
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from fangkong.core.errors import DomainError
from fangkong.core.models import Community, Grid, Township, User
from fangkong.core.roles import Role
from fangkong.core.spreadsheets import Table
from fangkong.demo.staff import first_staff
from fangkong.masstesting import actions
from fangkong.masstesting.models import Round, RoundMember, Tube
from fangkong.masstesting.results import RoundResults
from fangkong.masstesting.rounds import open_round

#: who samples in the demo's rounds, by preference
_SAMPLERS = (Role.MEDICAL_WORKER, Role.COMMUNITY_LEADER, Role.OFFICE_STAFF)


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _sample(by: User | None, rnd: Round, members: list[RoundMember], prefix: str) -> list[str]:
    """Sample `members` ten to a tube; the tube numbers used."""
    codes: list[str] = []
    for i, member in enumerate(members):
        code = f"{prefix}{i // rnd.pool_size + 1:05d}"
        if not codes or codes[-1] != code:
            codes.append(code)
        actions.sample(by, rnd, tube_code=code, pooled=True, resident=member.resident)
    return codes


def build_demo_masstesting(township: Township, *, today: dt.date) -> int:
    """Make the two rounds; returns the number of people expected in them."""
    communities = list(Community.objects.filter(township=township).order_by("code", "id")[:2])
    if not communities:
        return 0
    total = 0
    yesterday = today - dt.timedelta(days=1)

    # Yesterday: the first grid of the first community, closed, results in.
    first = communities[0]
    grid = Grid.objects.filter(community=first).order_by("id").first()
    staff = first_staff(first, *_SAMPLERS)
    if grid is not None:
        try:
            rnd = open_round(staff, scope=grid, name=f"{grid.name}全员核酸（{yesterday:%m月%d日}）")
        except DomainError:  # nobody lives there
            rnd = None
        if rnd is not None:
            members = list(rnd.members.select_related("resident").order_by("building_id", "id"))
            codes = _sample(staff, rnd, members, f"G{yesterday:%m%d}")
            actions.close_round(staff, rnd)
            positive = codes[len(codes) // 2]
            table = Table(
                headers=["试管编号", "检测结果", "检测时间"],
                rows=iter(
                    [
                        [code, "阳性" if code == positive else "阴性", f"{yesterday} 22:30"]
                        for code in codes
                    ]
                ),
                row_count=len(codes),
            )
            RoundResults(staff, rnd).apply(table, filename="区疾控中心-核酸结果.xlsx")  # type: ignore[arg-type]
            Round.objects.filter(pk=rnd.pk).update(
                opened_at=_at(yesterday, 7), closed_at=_at(yesterday, 12)
            )
            RoundMember.objects.filter(round=rnd).update(
                sampled_at=_at(yesterday, 9), result_at=_at(yesterday, 22, 30)
            )
            Tube.objects.filter(round=rnd).update(created_at=_at(yesterday, 8, 30))
            total += len(members)

    # This morning: the whole second community, a third sampled so far.
    second = communities[-1] if len(communities) > 1 else communities[0]
    staff = first_staff(second, *_SAMPLERS) or staff
    try:
        rnd = open_round(staff, scope=second, name=f"{second.name}全员核酸（{today:%m月%d日}）")
    except DomainError:  # nobody lives there
        return total
    members = list(rnd.members.select_related("resident").order_by("building_id", "id"))
    _sample(staff, rnd, members[: len(members) // 3], f"C{today:%m%d}")
    Round.objects.filter(pk=rnd.pk).update(opened_at=_at(today, 7))
    RoundMember.objects.filter(round=rnd, tube__isnull=False).update(sampled_at=_at(today, 8, 15))
    Tube.objects.filter(round=rnd).update(created_at=_at(today, 8))
    return total + len(members)
