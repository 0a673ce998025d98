"""The demo township's epidemic work, dated relative to today (issue 3).

Everything goes through the same actions the pages use, so the demo is also a smoke test of
them: risk areas, a centralised site, returnees of every measure (registered by the grid
worker, two self-registrations waiting for confirmation), quarantine cases at every stage
(one ready for release with the medical worker's signature, one with a test overdue), a
close contact of a confirmed case, twice-daily check-ins with today's still partly missing,
a fever alert past its escalation time, and a refusal on the police officer's list.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from fangkong.core.models import Grid, Township, User
from fangkong.health import actions as health
from fangkong.health.models import CheckInVia
from fangkong.people.identity import check_digit
from fangkong.people.models import Resident
from fangkong.policy import actions as policy_actions
from fangkong.policy.divisions import resolve
from fangkong.quarantine import actions as quarantine
from fangkong.quarantine.models import Case, CaseStatus, IndexCaseKind, Room, ScheduledTest
from fangkong.screening import actions as screening
from fangkong.screening.actions import Arrival, CertificateInput, StayInput
from fangkong.screening.models import RefusalKind, TestResult


@dataclass
class EpidemicSummary:
    risk_areas: int = 0
    registrations: int = 0
    pending: int = 0
    cases: int = 0
    checkins: int = 0
    alerts: int = 0


def _day(today: dt.date, offset: int) -> dt.date:
    return today + dt.timedelta(days=offset)


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


class _Epidemic:
    def __init__(self, township: Township, today: dt.date, now: dt.datetime):
        self.township = township
        self.today = today
        self.now = now
        self.summary = EpidemicSummary()
        self.admin = User.objects.get(username="jiedao")
        self.leader = User.objects.get(username="shuji")
        self.medic = User.objects.get(username="yisheng")
        self.police = User.objects.get(username="minjing")
        self.grids = list(
            Grid.objects.filter(community__township=township).order_by("community_id", "id")
        )
        self.workers = {
            u.grid_id: u
            for u in User.objects.filter(username__startswith="wangge", grid__isnull=False)
        }
        self.used: set[int] = set()

    def person(self, grid: Grid) -> Resident:
        """An adult of `grid`, living in a household, not used yet by the demo."""
        resident = (
            Resident.objects.filter(
                grid=grid, household__isnull=False, merged_into__isnull=True, doc_type="id_card"
            )
            .exclude(pk__in=self.used)
            .filter(birth_date__lte=_day(self.today, -18 * 366))
            .order_by("id")
            .first()
        )
        assert resident is not None, f"no adult left in {grid}"
        self.used.add(resident.pk)
        return resident

    def worker(self, grid: Grid) -> User:
        return self.workers[grid.pk]

    # --- the parts ---------------------------------------------------------------------

    def risk_areas(self) -> None:
        t = self.today
        for text, level, start, end in (
            ("河北省石家庄市藁城区增村镇", "high", _day(t, -20), None),
            ("北京市朝阳区将台乡", "medium", _day(t, -12), None),
            ("黑龙江省哈尔滨市南岗区和兴路街道", "high", _day(t, -8), None),
            ("广东省广州市白云区京溪街道", "medium", _day(t, -30), _day(t, -10)),
        ):
            policy_actions.add_area(
                self.admin,
                place=resolve(text),
                level=level,
                start=start,
                end=end,
                source="国务院联防联控机制公布的中高风险地区（演示）",
            )
            self.summary.risk_areas += 1

    def site(self) -> list[Room]:
        site = quarantine.create_site(
            self.admin,
            township=self.township,
            name="文兴街道集中隔离点",
            address="文兴街道文兴大道88号（原文兴宾馆）",
            phone="027-61234567",
        )
        return [
            quarantine.create_room(self.admin, site=site, number=f"{n}", capacity=1)
            for n in range(201, 213)
        ]

    def register(
        self, grid: Grid, place: str, stay: tuple[int, int], arrival: int, **extra: object
    ) -> Case | None:
        t = self.today
        reg = screening.register_returnee(
            self.worker(grid),
            Arrival(
                arrival_date=_day(t, arrival),
                stays=[StayInput(place, _day(t, stay[0]), _day(t, stay[1]))],
                arrival_place="汉口火车站",
                transport="train",
                transport_number="G" + str(500 + len(self.used)),
                reason="返乡过年",
                **extra,  # type: ignore[arg-type]
            ),
            resident=self.person(grid),
            now=_at(_day(t, arrival), 10),
        )
        self.summary.registrations += 1
        case = reg.cases.first()
        if case is not None:
            self.summary.cases += 1
        return case

    def start(self, case: Case, room: Room | None = None) -> Case:
        return quarantine.start_quarantine(case, by=self.worker(case.grid), room=room)

    def negative(self, case: Case, *days: int) -> None:
        for item in ScheduledTest.objects.filter(case=case, day__in=days):
            quarantine.record_test_result(
                item,
                by=self.medic,
                result="negative",
                sampled_on=item.due_date,
                lab="黄陂区疾控中心",
            )

    def checkins(self, case: Case, *, through: dt.date, today_slots: int) -> None:
        """Normal readings twice a day from the start, and `today_slots` of today's."""
        day = case.start_date
        n = 0
        while day <= through:
            slots = today_slots if day == self.today else 2
            for slot in range(1, slots + 1):
                health.record_checkin(
                    case,
                    case.resident,
                    Decimal("36.2") + Decimal(n % 6) / 10,
                    [],
                    by=self.worker(case.grid),
                    via=CheckInVia.STAFF,
                    slot=slot,
                    now=_at(day, 8 if slot == 1 else 18),
                )
                n += 1
            day += dt.timedelta(days=1)
        self.summary.checkins += n

    def build(self) -> EpidemicSummary:
        t = self.today
        g1, g2 = self.grids[0], self.grids[1]
        self.risk_areas()
        rooms = self.site()

        # High risk (exact place): centralised, day-1 test negative, in room 201.
        case = self.register(g1, "河北省石家庄市藁城区增村镇", (-10, -4), -3)
        assert case is not None
        self.start(case, rooms[0])
        self.negative(case, 1)
        self.checkins(case, through=t, today_slots=1)

        # High risk by the county rule (only the district known): day-1 test overdue.
        case = self.register(g2, "黑龙江省哈尔滨市南岗区", (-6, -2), -1)
        assert case is not None
        self.start(case, rooms[1])
        self.checkins(case, through=_day(t, -1), today_slots=0)

        # Medium risk: home quarantine, a fever this morning, unacknowledged past escalation.
        case = self.register(g1, "北京市朝阳区将台乡", (-9, -6), -5)
        assert case is not None
        self.start(case)
        self.negative(case, 1)
        self.checkins(case, through=_day(t, -1), today_slots=0)
        health.record_checkin(
            case,
            case.resident,
            Decimal("38.1"),
            ["咳嗽"],
            by=self.worker(case.grid),
            via=CheckInVia.STAFF,
            slot=1,
            # 50 minutes ago (past the 30-minute escalation), but today
            now=max(self.now - dt.timedelta(minutes=50), _at(t, 0, 1)),
        )
        self.summary.checkins += 1
        self.summary.alerts += 1

        # Medium risk, period served, both tests negative, the doctor has signed: the cadre
        # signs and releases it from the case page.
        case = self.register(g2, "广东省广州市白云区京溪街道", (-20, -16), -15)
        assert case is not None
        self.start(case)
        self.negative(case, 1, 14)
        self.checkins(case, through=_day(t, -1), today_slots=0)
        case = quarantine.request_release_review(case, by=self.worker(case.grid))
        # Signed by the case's own 包保 medical worker (the household's), as the rule asks.
        quarantine.sign(case, by=case.medic or self.medic, role="medic")

        # Low risk: a certificate within 7 days is accepted; without one, a 24-hour test.
        self.register(
            g1,
            "上海市浦东新区",
            (-8, -2),
            -1,
            certificate=CertificateInput(_day(t, -2), TestResult.NEGATIVE, "浦东新区人民医院"),
        )
        self.register(g2, "江苏省南京市玄武区", (-6, -1), 0)

        # A confirmed case's close contact: centralised, first test at once (negative).
        index = quarantine.register_index_case(
            self.admin,
            township=self.township,
            name="本土确诊病例1",
            kind=IndexCaseKind.CONFIRMED,
            reported_on=_day(t, -2),
            community=g1.community,
            notes="外地确诊，协查通报（演示）",
        )
        contact = quarantine.register_close_contact(
            self.leader,
            index_case=index,
            resident=self.person(g1),
            start_date=_day(t, -2),
            room=rooms[2],
            note="同乘一辆网约车",
        )
        self.summary.cases += 1
        self.start(contact, rooms[2])
        self.negative(contact, 1)
        self.checkins(contact, through=t, today_slots=1)

        # Two returnees registered themselves from the grid's QR code this morning.
        for grid, place, name, first17 in (
            (g1, "浙江省杭州市西湖区", "周小梅", "42011619950312002"),
            (g2, "四川省成都市武侯区", "吴建国", "42011619880706003"),
        ):
            link = screening.live_link(self.worker(grid), grid)
            screening.self_register(
                link,
                Arrival(arrival_date=t, stays=[StayInput(place, _day(t, -7), t)]),
                name=name,
                id_number=first17 + check_digit(first17),
                phone="13972000" + first17[-3:],
                address=f"{grid.community.name}{grid.name}",
                submitted_from="demo",
                now=_at(t, 7, 30),
            )
            self.summary.pending += 1

        # A returnee who refused the test: on the police officer's list.
        refuser = self.person(g2)
        screening.record_refusal(
            self.worker(g2),
            refuser,
            kind=RefusalKind.TEST,
            details="拒绝前往乡镇采样点做核酸检测，经两次劝导无效。",
        )
        assert Case.objects.filter(status=CaseStatus.IN_QUARANTINE).exists()
        return self.summary


def build_demo_epidemic(
    township: Township, *, today: dt.date | None = None, now: dt.datetime | None = None
) -> EpidemicSummary:
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    if timezone.localdate(now) != today:  # a demo built for another day: its noon
        now = _at(today, 12)
    return _Epidemic(township, today, now).build()
