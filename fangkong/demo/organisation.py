"""Demo data of the organisation (plan 二、组织领导 and 三(九)): every demo community gets the
plan's structure (the leadership group, the office in the 卫生室, the seven working groups with
their duties) with people filling the posts and heading the groups, a temporary party branch
of the community's party members, and, in the first community, volunteers with assignments
at the gate, deliveries, sampling and duty shifts. Made through `fangkong.organisation.actions`
as the system (no account acts), in a handful of queries per community.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from fangkong.core.models import Community, CommunityKind, Township, User
from fangkong.core.roles import Role
from fangkong.demo.names import Phones, full_name
from fangkong.demo.staff import first_staff
from fangkong.organisation import actions
from fangkong.organisation.models import Post, WorkingGroup
from fangkong.people.models import Resident

#: party members of a community put in its branch
BRANCH_MEMBERS = 8
#: who heads each working group: a role of the community's staff (else a named person)
HEADS = {
    "coordination": Role.OFFICE_STAFF,
    "medical": Role.MEDICAL_WORKER,
    "logistics": Role.OFFICE_STAFF,
    "traffic": Role.CHECKPOINT_GUARD,
    "security": Role.POLICE_OFFICER,
    "environment": Role.GRID_WORKER,
    "publicity": Role.VOLUNTEER,
}


@dataclass
class DemoOrganisation:
    organisations: int = 0
    party_members: int = 0
    volunteers: int = 0
    assignments: int = 0


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _name(rng: random.Random) -> str:
    return full_name(rng, rng.choice("MF"), dt.date(1975, 1, 1))


def _structure(
    community: Community, rng: random.Random, phones: Phones, first: bool
) -> tuple[int, int]:
    org = actions.create_default_structure(None, community)
    leader = first_staff(community, Role.COMMUNITY_LEADER)
    office = first_staff(community, Role.OFFICE_STAFF)
    for post in Post.objects.filter(organisation=org).order_by("order"):
        account: User | None = None
        if post.title == "书记":
            account = leader
        elif post.title == "主任":
            account = office
        elif post.title == "驻片民警":
            account = first_staff(community, Role.POLICE_OFFICER)
        elif post.title == "社区卫生室医师":
            account = first_staff(community, Role.MEDICAL_WORKER)
        name = "" if account else _name(rng)
        actions.save_post(
            None,
            org,
            post=post,
            kind=post.kind,
            title=post.title,
            user=account,
            name=name,
            phone="" if account and account.phone else phones.issue(rng),
        )
    grid_workers = list(
        User.objects.filter(community=community, role=Role.GRID_WORKER, is_active=True).order_by(
            "id"
        )
    )
    for group in WorkingGroup.objects.filter(organisation=org).order_by("order"):
        head = first_staff(community, HEADS.get(group.key, Role.OFFICE_STAFF))
        actions.add_group_member(
            None,
            group,
            user=head,
            name="" if head else _name(rng),
            phone=phones.issue(rng) if not head else "",
            is_head=True,
        )
        for _ in range(2):
            actions.add_group_member(None, group, name=_name(rng), phone=phones.issue(rng))
        if group.key == "environment":
            for worker in grid_workers[1:]:
                actions.add_group_member(None, group, user=worker, duty="网格清扫")
    # the temporary party branch: the community's secretary and its party members
    branch = actions.set_branch(
        None,
        community,
        user=leader,
        name="" if leader else _name(rng),
        phone="" if leader else phones.issue(rng),
        founded_on=timezone.localdate() - dt.timedelta(days=10),
    )
    members = list(
        Resident.objects.filter(household__grid__community=community, party_member=True).order_by(
            "id"
        )[:BRANCH_MEMBERS]
    )
    for i, resident in enumerate(members):
        actions.add_party_member(None, branch, resident=resident, duty="组织委员" if i == 0 else "")
    return 1, len(members)


def _volunteers(
    community: Community, today: dt.date, rng: random.Random, phones: Phones
) -> tuple[int, int]:
    account = first_staff(community, Role.VOLUNTEER)
    residents = list(
        Resident.objects.filter(household__grid__community=community, party_member=False).order_by(
            "id"
        )[10:13]
    )
    made = []
    if account is not None:
        made.append(
            actions.add_volunteer(
                None, community, user=account, skills="驾驶、物资配送", availability="每天全天"
            )
        )
    skills = ("医护、采样", "宣传、摄影", "搬运")
    availability = ("每天上午", "周末", "每天下午")
    for resident, skill, when in zip(residents, skills, availability, strict=False):
        made.append(
            actions.add_volunteer(
                None,
                community,
                resident=resident,
                phone="" if resident.phone else phones.issue(rng),
                skills=skill,
                availability=when,
            )
        )
    yesterday = today - dt.timedelta(days=1)
    plan = [
        ("gate", "南门卡口", _at(yesterday, 8), _at(yesterday, 12)),
        ("delivery", "封控楼栋 3栋", _at(yesterday, 14), _at(yesterday, 17)),
        ("sampling", "社区广场采样点", _at(today, 7), None),
        ("duty", "社区值班室", _at(yesterday, 20), _at(today, 8)),
    ]
    count = 0
    for i, (kind, place, start, end) in enumerate(plan):
        if not made:
            break
        actions.add_assignment(
            None, made[i % len(made)], kind=kind, place=place, starts_at=start, ends_at=end
        )
        count += 1
    return len(made), count


@transaction.atomic
def build_demo_organisation(
    township: Township, *, today: dt.date, seed: int = 20260120
) -> DemoOrganisation:
    """The organisation of every community of `township` as of `today`."""
    rng = random.Random(seed)
    phones = Phones()
    summary = DemoOrganisation()
    communities = list(township.communities.order_by("kind", "code"))
    for index, community in enumerate(communities):
        first = index == 0 and community.kind == CommunityKind.COMMUNITY
        made, members = _structure(community, rng, phones, first)
        summary.organisations += made
        summary.party_members += members
        if first:
            summary.volunteers, summary.assignments = _volunteers(community, today, rng, phones)
    return summary
