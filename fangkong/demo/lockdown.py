"""Demo data of a building/unit lockdown (F6): a confirmed case reported two days ago in the
first community, the unit the person lives in locked by the community leader, its testing
round under way (about half sampled in pooled tubes, those tubes negative in the lab's file),
today's disinfection partly done, and three supply requests: one delivered, one assigned,
one urgent and overdue.

Everything goes through the actions, as the staff would do it: `quarantine.actions` for the
index case, `lockdown.actions` for the lock, disinfections and deliveries,
`masstesting.actions.sample` for the sampling and `masstesting.results.RoundResults` (the
lab file's import) for the results.
"""

from __future__ import annotations

import csv
import datetime as dt
import tempfile
from pathlib import Path

from django.db.models import Count
from django.utils import timezone

from fangkong.core.models import Community, CommunityKind, Township, Unit, User
from fangkong.core.roles import Role
from fangkong.core.spreadsheets import read_table
from fangkong.demo.staff import first_staff
from fangkong.lockdown import actions
from fangkong.lockdown.models import DisinfectionTask, Lockdown
from fangkong.masstesting import actions as masstesting
from fangkong.masstesting.lockdowns import latest_round
from fangkong.masstesting.models import Round
from fangkong.masstesting.results import RoundResults
from fangkong.people.models import Household, Resident
from fangkong.quarantine import actions as quarantine
from fangkong.quarantine.models import IndexCaseKind

#: days before `today` the case was reported
REPORTED_DAYS_AGO = 2
#: the largest unit the demo locks (a demo, not a tower block)
MAX_PEOPLE = 60


def _unit_to_lock(community: Community) -> tuple[Unit, Resident]:
    """The unit of the community with the most people (at most MAX_PEOPLE), and its first
    resident, the index case."""
    counts = (
        Resident.objects.active()
        .filter(community=community, household__unit__isnull=False)
        .values("household__unit")
        .annotate(n=Count("pk"))
        .filter(n__gte=2, n__lte=MAX_PEOPLE)
        .order_by("-n", "household__unit")
    )
    first = counts.first()
    if first is None:
        raise ValueError("the demo community has no unit with residents")
    unit = Unit.objects.select_related("building").get(pk=first["household__unit"])
    household = Household.objects.filter(unit=unit).order_by("id").first()
    person = Resident.objects.active().filter(household=household).order_by("id").first()
    assert person is not None
    return unit, person


def _results(user: User, rnd_pk: int, tubes: list[str], when: dt.datetime) -> None:
    """The lab's file for `tubes` (all negative), imported like an uploaded one."""
    rnd = Round.objects.get(pk=rnd_pk)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "results.csv"
        with path.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(["试管编号", "证件号码", "检测结果", "检测时间"])
            for code in tubes:
                writer.writerow(
                    [code, "", "阴性", timezone.localtime(when).strftime("%Y-%m-%d %H:%M")]
                )
        table = read_table(path, filename="results.csv", max_bytes=10**7)
        check, summary = RoundResults(user, rnd).apply(table, filename="results.csv")
    if summary is None:  # pragma: no cover - the demo's own file
        raise ValueError(f"the demo's lab file was refused: {check}")


def build_demo_lockdown(township: Township, *, today: dt.date) -> int:
    """A lockdown in `township` as of `today`; the number of people on its register."""
    community = township.communities.filter(kind=CommunityKind.COMMUNITY).order_by("code").first()
    if community is None:
        raise ValueError("the demo township has no community")
    leader = first_staff(community, Role.COMMUNITY_LEADER)
    office = first_staff(community, Role.OFFICE_STAFF) or leader
    volunteer = first_staff(community, Role.VOLUNTEER)
    grid_worker = (
        User.objects.filter(grid__community=community, role=Role.GRID_WORKER, is_active=True)
        .order_by("id")
        .first()
    ) or leader
    medic = first_staff(community, Role.MEDICAL_WORKER) or leader
    if leader is None or volunteer is None:
        raise ValueError("the demo community needs a leader and a volunteer")
    assert office is not None and grid_worker is not None and medic is not None

    unit, person = _unit_to_lock(community)
    index = quarantine.register_index_case(
        leader,
        township=township,
        community=community,
        resident=person,
        name="本土确诊病例1号",
        kind=IndexCaseKind.CONFIRMED,
        reported_on=today - dt.timedelta(days=REPORTED_DAYS_AGO),
        notes="流调发现：发病前两天在单元内活动。",
    )
    lockdown = actions.lock(
        leader,
        building=unit.building,
        unit=unit,
        index_case=index,
        reason=f"{person.name}确诊，所住单元封闭管理（{index.name}）",
        areas=["单元门", "楼道", "电梯"],
    )
    members = list(lockdown.members.select_related("resident").order_by("household_id", "id"))

    # About half sampled, in pooled tubes; those tubes negative in the lab's file.
    rnd = latest_round(lockdown)
    assert rnd is not None
    sampled = members[: max(1, len(members) // 2)]
    tubes: list[str] = []
    for i, member in enumerate(sampled):
        code = f"LD{lockdown.pk:04d}{i // rnd.pool_size + 1:03d}"
        if code not in tubes:
            tubes.append(code)
        masstesting.sample(medic, rnd, tube_code=code, pooled=True, resident=member.resident)
    _results(medic, rnd.pk, tubes, timezone.now())

    # Today's first round of disinfection, all but the lift.
    for task in DisinfectionTask.objects.filter(
        lockdown=lockdown, date=timezone.localdate(), slot=1
    ).exclude(area="电梯"):
        actions.mark_disinfected(grid_worker, task, note="84消毒液喷洒")

    # Three requests: delivered, assigned, and an urgent one overdue (asked hours ago).
    households = sorted({m.household_id for m in members})
    by_id = Household.objects.in_bulk(households)
    first, second, third = (by_id[households[i % len(households)]] for i in range(3))
    now = timezone.now()
    rules = lockdown.policy.as_rules()
    done = actions.request_supplies(
        office, household=first, kind="food", details="大米5斤、青菜、鸡蛋一盒"
    )
    actions.assign(office, done, volunteer=volunteer)
    actions.mark_delivered(volunteer, done)
    waiting = actions.request_supplies(
        office, household=second, kind="medicine", details="降压药（硝苯地平）一盒"
    )
    actions.assign(office, waiting, volunteer=volunteer)
    actions.request_supplies(
        office,
        household=third,
        kind="other",
        urgency="urgent",
        details="婴儿奶粉、尿不湿",
        requested_at=now - dt.timedelta(hours=rules.urgent_delivery_limit_hours + 1),
    )
    return Lockdown.objects.get(pk=lockdown.pk).members.count()
