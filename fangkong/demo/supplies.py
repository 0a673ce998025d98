"""Demo data of the supplies (issue 14 item 5, plan 二(二)3 后勤保障组): the township's item
kinds (测温枪, 口罩, 84消毒液, 喷雾器, 防护服, 抗原检测试剂) and, in every community, stock received
a week ago, some handed out to the gate, one item below its threshold (防护服) and one batch
expiring within ten days (抗原检测试剂); a named money donation with its use and an anonymous
donation of masks, both published, and one donation not published. Made through
`fangkong.supplies.actions` as the staff would; dates relative to `today`.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from fangkong.checkpoints.models import Gate
from fangkong.core.models import Community, Township, User
from fangkong.core.roles import Role
from fangkong.demo.staff import first_staff
from fangkong.supplies import actions
from fangkong.supplies.models import ItemKind

#: name, unit, low-stock threshold, 六个一 equipment key, disinfection agent
KINDS = (
    ("测温枪", "把", 2, "thermometers", False),
    ("医用外科口罩", "个", 500, "masks", False),
    ("84消毒液", "升", 20, "disinfectant", True),
    ("电动喷雾器", "台", 1, "sprayers", False),
    ("防护服", "套", 30, "", False),
    ("抗原检测试剂", "盒", 50, "", False),
)


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def ensure_kinds(township: Township, by: User) -> dict[str, ItemKind]:
    """The township's item kinds of the demo (made when missing)."""
    have = {k.name: k for k in ItemKind.objects.filter(township=township)}
    for name, unit, threshold, key, agent in KINDS:
        if name not in have:
            have[name] = actions.save_kind(
                by,
                township,
                name=name,
                unit=unit,
                low_threshold=threshold,
                equipment_key=key,
                is_agent=agent,
            )
    return have


def stock_equipment(community: Community, by: User, *, today: dt.date) -> None:
    """The "六个一" equipment set of `community` received from the township (the closure demo
    marks it in place from this stock)."""
    kinds = ensure_kinds(community.township, by)
    now = min(timezone.now(), _at(today, 16))
    when = min(_at(today - dt.timedelta(days=8), 9), now)
    for name, quantity in (
        ("测温枪", 4),
        ("医用外科口罩", 2000),
        ("84消毒液", 40),
        ("电动喷雾器", 2),
    ):
        actions.stock_in(
            by,
            community,
            kinds[name],
            quantity=quantity,
            source="allocation",
            supplier="街道防控物资储备",
            batch="六个一",
            location="社区物资仓库",
            at=when,
            now=now,
        )


@transaction.atomic
def build_demo_supplies(township: Township, *, today: dt.date) -> int:
    """Supplies and donations in every community of `township`; how many movements."""
    admin = (
        User.objects.filter(township=township, role=Role.TOWNSHIP_ADMIN, is_active=True)
        .order_by("id")
        .first()
    )
    if admin is None:
        raise ValueError("the demo township has no township admin")
    # the demo's "now": the real one, or the end of an earlier `today`'s office hours
    now = min(timezone.now(), _at(today, 16))
    week_ago = _at(today - dt.timedelta(days=7), 9)
    kinds = ensure_kinds(township, admin)
    made = 0
    for community in township.communities.order_by("code"):
        office = first_staff(community, Role.OFFICE_STAFF, Role.COMMUNITY_LEADER) or admin
        hands = first_staff(community, Role.VOLUNTEER, Role.CHECKPOINT_GUARD) or office
        leader = first_staff(community, Role.COMMUNITY_LEADER) or admin
        stock = {
            "测温枪": (6, "T2026", None, "allocation"),
            "医用外科口罩": (3000, "M2026-01", today + dt.timedelta(days=700), "purchase"),
            "84消毒液": (60, "X2026", today + dt.timedelta(days=300), "purchase"),
            "电动喷雾器": (3, "", None, "allocation"),
            # below its threshold of 30
            "防护服": (40, "F2025", today + dt.timedelta(days=400), "allocation"),
            # expires within the warning window
            "抗原检测试剂": (200, "K2025-12", today + dt.timedelta(days=10), "purchase"),
        }
        lots = {}
        for name, (quantity, batch, expires_on, source) in stock.items():
            move = actions.stock_in(
                office,
                community,
                kinds[name],
                quantity=quantity,
                source=source,
                supplier="县卫健局" if source == "allocation" else "县医药公司",
                batch=batch,
                expires_on=expires_on,
                location="社区物资仓库",
                at=week_ago,
                now=now,
            )
            lots[name] = move.lot
            made += 1
        gate = Gate.objects.filter(community=community).order_by("id").first()
        handed = (
            ("医用外科口罩", 400, "卡口值守人员"),
            ("防护服", 15, "卡口值守人员"),
            ("抗原检测试剂", 20, "社区卫生室"),
        )
        for i, (name, quantity, to) in enumerate(handed):
            actions.stock_out(
                hands,
                lots[name],
                quantity=quantity,
                purpose="gate" if gate is not None and i < 2 else "staff",
                gate_id=gate.pk if gate is not None and i < 2 else None,
                received_by=to,
                at=_at(today - dt.timedelta(days=3 - i), 8),
                now=now,
            )
            made += 1
        money = actions.record_donation(
            leader,
            community,
            donor="爱心超市",
            donor_named=True,
            kind="money",
            amount=5000,
            received_on=today - dt.timedelta(days=6),
            receipt=f"JZ{community.code[-4:]}01",
            publishable=True,
        )
        actions.use_donation(
            leader,
            money,
            amount=1800,
            purpose="购买测温枪2把、口罩500个",
            used_on=today - dt.timedelta(days=5),
        )
        goods = actions.record_donation(
            leader,
            community,
            donor="居民王女士",
            kind="goods",
            amount=500,
            unit="个",
            description="医用外科口罩",
            received_on=today - dt.timedelta(days=4),
            receipt=f"JZ{community.code[-4:]}02",
            publishable=True,
        )
        actions.stock_in(
            office,
            community,
            kinds["医用外科口罩"],
            quantity=500,
            source="donation",
            donation=goods,
            batch="M-捐赠",
            location="社区物资仓库",
            at=_at(today - dt.timedelta(days=4), 15),
            now=now,
        )
        made += 1
        actions.use_donation(
            leader,
            goods,
            amount=200,
            purpose="发放给卡口值守人员",
            used_on=today - dt.timedelta(days=2),
        )
        actions.record_donation(
            leader,
            community,
            donor="辖区企业（未公示）",
            kind="money",
            amount=2000,
            received_on=today - dt.timedelta(days=1),
        )
    return made
