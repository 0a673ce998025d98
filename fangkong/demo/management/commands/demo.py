"""`fangkong demo`: load the demo township and print its logins (in Chinese, for the people
who will try it). `make run` calls it with `--if-empty` on every start."""

from __future__ import annotations

import time
import unicodedata
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from fangkong.core.models import Township, User
from fangkong.core.roles import Role
from fangkong.demo.township import (
    DEFAULT_RESIDENTS,
    DEFAULT_SEED,
    DEMO_PASSWORD,
    MIN_RESIDENTS,
    TOWNSHIP_CODE,
    DemoExists,
    DemoLogin,
    DemoSummary,
    build_demo_township,
)
from fangkong.people.models import VulnerableTag


class Command(BaseCommand):
    help = _("Load the demo township (invented residents and one account per role).")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help=_("Do nothing when any township exists already."),
        )
        parser.add_argument(
            "--residents",
            type=int,
            default=DEFAULT_RESIDENTS,
            help=_("How many residents to create (default %(default)s)."),
        )
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=_("Random seed."))

    def handle(self, *args: Any, if_empty: bool, residents: int, seed: int, **opts: Any) -> None:
        if if_empty and Township.objects.exists():
            self.stdout.write("数据库中已有街道，跳过演示数据。")
            self.print_existing_logins()
            return
        if residents < MIN_RESIDENTS:
            raise CommandError(_("The demo needs at least %(n)s residents.") % {"n": MIN_RESIDENTS})
        started = time.perf_counter()
        try:
            summary = build_demo_township(residents=residents, seed=seed)
        except DemoExists as exc:
            raise CommandError(
                _("The demo township is already loaded (%(what)s).") % {"what": exc}
            ) from exc
        self.print_summary(summary, time.perf_counter() - started)

    def print_summary(self, s: DemoSummary, seconds: float) -> None:
        t = s.township
        out = self.stdout.write
        out(
            self.style.SUCCESS(
                f"已生成演示街道：{t.name}（区划代码 {t.code}，{t.county}），用时 {seconds:.1f} 秒"
            )
        )
        out(
            f"  社区/村 {s.communities} 个，网格/村民组 {s.grids} 个，楼栋 {s.buildings} 栋，"
            f"单元 {s.units} 个，住户 {s.households} 户，居民 {s.residents} 人"
        )
        groups = "，".join(f"{tag.label} {s.tag_counts.get(tag, 0)}" for tag in VulnerableTag)
        out(f"  重点人群：{groups}")
        out(
            f"  在外务工 {s.works_away} 人，党员 {s.party_members} 人，"
            f"无证件登记 {s.without_document} 人（含 2 条疑似重复记录，供工作台合并）"
        )
        if s.epidemic is not None:
            e = s.epidemic
            out(
                f"  中高风险地区 {e.risk_areas} 个，返乡登记 {e.registrations} 人"
                f"（另有 {e.pending} 人自助登记待确认），隔离对象 {e.cases} 人，"
                f"健康打卡 {e.checkins} 次，发热预警 {e.alerts} 条"
            )
        if s.checklist_items:
            out(
                f"  封闭管理“六个一”清单 {s.checklist_items} 项，卡口出入登记 {s.gate_entries} 条，"
                f"封控楼栋登记 {s.lockdown_members} 人，全员核酸名单 {s.round_members} 人"
            )
        if s.published_notices:
            out(f"  社区公告栏已发布公告 {s.published_notices} 则")
        if s.urgent_reports:
            out(f"  突发情况报告 {s.urgent_reports} 条（1 条已超时升级）")
        if s.inspection_findings:
            out(f"  督查检查发现问题 {s.inspection_findings} 个（1 个逾期未整改）")
        if s.roster_shifts:
            out(f"  本周值班表 {s.roster_shifts} 个班次（明天 1 个班次无人值守）")
        if s.organisations:
            out(
                f"  防控领导小组和七个工作组 {s.organisations} 个社区，志愿者 {s.volunteers} 名，"
                f"任务 {s.tasks} 项（1 项已逾期，含每日大清扫）"
            )
        if s.stock_movements:
            out(
                f"  物资出入库 {s.stock_movements} 笔（防护服低于预警线、抗原检测试剂临期），"
                f"消毒记录 {s.disinfection_entries} 条（每个社区昨日漏消 1 处）"
            )
        if s.daily_reports:
            out(f"  近 6 天社区疫情日报 {s.daily_reports} 份（昨日 1 份退回、1 个社区缺报）")
        out("")
        self.print_logins(s.logins, s.password)
        if s.other_logins:
            others = "、".join(f"{o.username}（{o.jurisdiction}）" for o in s.other_logins)
            out(f"  其他账号（密码相同）：{others}")
        out("  以上人员与数据均为虚构，仅供演示。")

    def print_existing_logins(self) -> None:
        """On later starts of `make run`: the demo accounts again, read from the database."""
        staff = (
            User.objects.filter(township__code=TOWNSHIP_CODE, is_active=True)
            .select_related("community", "grid")
            .order_by("id")
        )
        seen: set[str] = set()
        logins = []
        for u in staff:
            if u.role in seen:
                continue
            seen.add(u.role)
            where = u.grid or u.community or u.township
            logins.append(DemoLogin(u.username, u.display_name, u.role, str(where)))
        if logins:
            role_order = list(Role.values)
            logins.sort(key=lambda login: role_order.index(login.role))
            self.print_logins(logins, DEMO_PASSWORD)

    def print_logins(self, logins: list[DemoLogin], password: str) -> None:
        out = self.stdout.write
        out(self.style.SUCCESS(f"演示账号（密码均为 {password}，如未改过）："))
        rows = [("用户名", "姓名", "角色", "辖区")] + [
            (login.username, login.display_name, str(Role(login.role).label), login.jurisdiction)
            for login in logins
        ]
        widths = [max(_display_width(row[i]) for row in rows) + 2 for i in range(3)]
        for row in rows:
            cells = [_pad(cell, width) for cell, width in zip(row, widths, strict=False)]
            out("  " + "".join(cells) + row[3])
        out(
            "  街道管理员须双因素登录：首次登录后用手机身份验证器扫码绑定；没有手机时可在本机运行"
            " `DEBUG=1 .venv/bin/fangkong otp jiedao --enrol` 查看当前验证码。"
        )


def _display_width(text: str) -> int:
    """Columns the text takes in a terminal: Chinese characters are two wide."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _display_width(text))
