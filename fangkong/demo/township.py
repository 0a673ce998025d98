"""The demo township: a fictional 街道 with two urban communities and a village, its staff,
and a few thousand residents who look like a real register.

`build_demo_township` is deterministic for a seed and a day: the same people, households and
accounts every time (ages are relative to `today`). Everything is written with bulk inserts
in one transaction; ~5,000 residents take a few seconds on SQLite.

The township, its communities and its people are invented. The division codes follow the
GB/T 2260 pattern under 武汉市黄陂区 (420116) but name no real place.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections import Counter
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.core import audit
from fangkong.core.models import (
    AuditAction,
    Building,
    Community,
    CommunityKind,
    Grid,
    Township,
    Unit,
    User,
)
from fangkong.core.roles import Role
from fangkong.people.actions import household_address
from fangkong.people.models import (
    DocumentType,
    Household,
    Relation,
    ResidenceType,
    Resident,
    ResidentTag,
)
from fangkong.people.romanization import romanize

from . import names
from .checkpoints import build_demo_checkpoints
from .closure import build_demo_closure
from .disinfection import build_demo_disinfection
from .epidemic import EpidemicSummary, build_demo_epidemic
from .households import MAX_MEMBERS, Member, compose
from .inspections import build_demo_inspections
from .lockdown import build_demo_lockdown
from .masstesting import build_demo_masstesting
from .notices import build_demo_notices
from .organisation import build_demo_organisation
from .reports import build_demo_reports
from .roster import build_demo_roster
from .supplies import build_demo_supplies
from .tasks import build_demo_tasks
from .urgent import build_demo_urgent

DEMO_PASSWORD = "fangkong2025"
DEFAULT_RESIDENTS = 5000
DEFAULT_SEED = 20250128
MIN_RESIDENTS = 60

TOWNSHIP_NAME = "文兴街道"
TOWNSHIP_CODE = "420116100"
TOWNSHIP_COUNTY = "湖北省武汉市黄陂区"

CN_NUMERALS = "一二三四五六七八九十"


@dataclass(frozen=True)
class CommunitySpec:
    name: str
    code: str
    kind: str
    grids: int
    share: float  # of the township's residents
    key: str  # for usernames


COMMUNITIES = (
    CommunitySpec("幸福社区", "420116100001", CommunityKind.COMMUNITY, 4, 0.44, "xf"),
    CommunitySpec("和平社区", "420116100002", CommunityKind.COMMUNITY, 3, 0.34, "hp"),
    CommunitySpec("柳湾村", "420116100201", CommunityKind.VILLAGE, 5, 0.22, "lw"),
)

FLOORS = 6
ROOMS_PER_FLOOR = 2
OCCUPANCY = 0.88

AWAY_PLACES = (
    "广东省深圳市宝安区",
    "广东省广州市白云区",
    "广东省东莞市长安镇",
    "浙江省杭州市萧山区",
    "浙江省宁波市鄞州区",
    "上海市浦东新区",
    "上海市闵行区",
    "江苏省苏州市工业园区",
    "北京市朝阳区",
    "福建省厦门市湖里区",
    "湖北省武汉市东西湖区",
    "湖北省宜昌市西陵区",
)
NO_DOCUMENT_REASONS = (
    "新生儿，尚未办理户口登记",
    "身份证遗失，正在补办",
    "户籍信息待派出所核实",
)


@dataclass(frozen=True)
class DemoLogin:
    username: str
    display_name: str
    role: str
    jurisdiction: str


@dataclass
class DemoSummary:
    township: Township
    communities: int = 0
    grids: int = 0
    buildings: int = 0
    units: int = 0
    households: int = 0
    residents: int = 0
    tags: int = 0
    tag_counts: dict[str, int] = field(default_factory=dict)
    works_away: int = 0
    party_members: int = 0
    without_document: int = 0
    logins: list[DemoLogin] = field(default_factory=list)
    other_logins: list[DemoLogin] = field(default_factory=list)
    password: str = DEMO_PASSWORD
    epidemic: EpidemicSummary | None = None
    #: issue 4: checklist items, gate entries, people in the lockdown, people in the rounds
    checklist_items: int = 0
    gate_entries: int = 0
    lockdown_members: int = 0
    round_members: int = 0
    #: issue 13: notices on the first community's public board
    published_notices: int = 0
    #: issue 13: urgent reports of the first community
    urgent_reports: int = 0
    #: issue 14: shifts on this week's duty roster
    roster_shifts: int = 0
    #: issue 14: the organisation of every community, volunteers, tasks of the first community
    organisations: int = 0
    volunteers: int = 0
    tasks: int = 0
    daily_reports: int = 0
    #: issue 14: findings of the first community's inspections
    inspection_findings: int = 0
    #: issue 14: stock movements and disinfection entries of every community
    stock_movements: int = 0
    disinfection_entries: int = 0


class DemoExists(Exception):
    """The demo township, or one of its accounts, is already in the database."""


@dataclass
class _Place:
    community: Community
    grid: Grid
    building: Building | None
    unit: Unit | None
    number: str


@dataclass(frozen=True)
class _Family:
    surname: str  # of the householder's line
    residence: str
    region: str  # where most of the family's ID numbers were issued
    away_place: str  # where its members working away work


class _Builder:
    def __init__(self, seed: int, today: dt.date) -> None:
        self.rng = random.Random(seed)
        self.today = today
        self.ids = names.IdNumbers()
        self.phones = names.Phones()
        self.password_hash = make_password(DEMO_PASSWORD)
        self.summary: DemoSummary

    # --- jurisdictions and staff ---------------------------------------------------------

    def jurisdictions(self) -> tuple[Township, dict[str, Community], dict[str, list[Grid]]]:
        township = Township.objects.create(
            name=TOWNSHIP_NAME, code=TOWNSHIP_CODE, county=TOWNSHIP_COUNTY
        )
        communities: dict[str, Community] = {}
        grids: dict[str, list[Grid]] = {}
        for spec in COMMUNITIES:
            community = Community.objects.create(
                township=township, name=spec.name, code=spec.code, kind=spec.kind
            )
            communities[spec.key] = community
            if spec.kind == CommunityKind.VILLAGE:
                grid_names = [f"{CN_NUMERALS[i]}组" for i in range(spec.grids)]
            else:
                grid_names = [f"第{CN_NUMERALS[i]}网格" for i in range(spec.grids)]
            grids[spec.key] = Grid.objects.bulk_create(
                [Grid(community=community, name=n) for n in grid_names]
            )
            for g in grids[spec.key]:
                g.community = community
        return township, communities, grids

    def staff_name(self) -> str:
        gender = self.rng.choice("MF")
        born = names.birth_date_for_age(self.rng, self.rng.randint(26, 55), self.today)
        return names.full_name(self.rng, gender, born)

    def user(
        self,
        username: str,
        role: str,
        township: Township,
        community: Community | None = None,
        grid: Grid | None = None,
    ) -> User:
        return User(
            username=username,
            password=self.password_hash,
            display_name=self.staff_name(),
            role=role,
            phone=self.phones.issue(self.rng),
            township=township,
            community=community,
            grid=grid,
        )

    def staff(
        self, township: Township, communities: dict[str, Community], grids: dict[str, list[Grid]]
    ) -> tuple[dict[int, User], dict[int, list[User]]]:
        """Create the staff; return the grid worker of each grid and the medics of each
        community. The headline accounts (one per role) are recorded for printing."""
        main = communities["xf"]
        headline: list[tuple[User, str]] = [
            (self.user("jiedao", Role.TOWNSHIP_ADMIN, township), township.name),
            (self.user("shuji", Role.COMMUNITY_LEADER, township, main), main.name),
            (self.user("bangong", Role.OFFICE_STAFF, township, main), main.name),
        ]
        others: list[tuple[User, str]] = []
        grid_workers: dict[int, User] = {}
        number = 0
        for spec in COMMUNITIES:
            for grid in grids[spec.key]:
                number += 1
                worker = self.user(
                    f"wangge{number}", Role.GRID_WORKER, township, communities[spec.key], grid
                )
                grid_workers[grid.pk] = worker
                where = f"{communities[spec.key].name} {grid.name}"
                (headline if number <= 2 else others).append((worker, where))
        medics: dict[int, list[User]] = {}
        for index, spec in enumerate(COMMUNITIES):
            community = communities[spec.key]
            suffix = "" if index == 0 else str(index + 1)
            medics[community.pk] = [
                self.user(f"yisheng{suffix}", Role.MEDICAL_WORKER, township, community)
            ]
            (headline if index == 0 else others).append((medics[community.pk][0], community.name))
        for username, role in (
            ("kakou", Role.CHECKPOINT_GUARD),
            ("zhiyuan", Role.VOLUNTEER),
            ("minjing", Role.POLICE_OFFICER),
        ):
            headline.append((self.user(username, role, township, main), main.name))
        for spec in COMMUNITIES[1:]:
            community = communities[spec.key]
            others.append(
                (
                    self.user(f"shuji_{spec.key}", Role.COMMUNITY_LEADER, township, community),
                    community.name,
                )
            )
        User.objects.bulk_create([u for u, _ in headline + others])
        role_order = list(Role.values)
        headline.sort(key=lambda pair: role_order.index(pair[0].role))
        self.summary.logins = [
            DemoLogin(u.username, u.display_name, u.role, where) for u, where in headline
        ]
        self.summary.other_logins = [
            DemoLogin(u.username, u.display_name, u.role, where) for u, where in others
        ]
        return grid_workers, medics

    # --- places ----------------------------------------------------------------------------

    def urban_places(
        self, community: Community, grids: list[Grid], households: int
    ) -> tuple[list[_Place], list[Building], list[Unit]]:
        """Rooms for `households` households in new buildings, numbered through the
        community (1栋, 2栋, …); a few rooms stay empty."""
        per_grid = _spread(households, len(grids))
        places: list[_Place] = []
        buildings: list[Building] = []
        units: list[Unit] = []
        building_no = 1
        for grid, count in zip(grids, per_grid, strict=True):
            rooms: list[tuple[Building, Unit, str]] = []
            while len(rooms) * OCCUPANCY < count or not rooms:
                building = Building(grid=grid, name=f"{building_no}栋")
                building_no += 1
                buildings.append(building)
                for u in range(self.rng.choice((2, 2, 3))):
                    unit = Unit(building=building, name=f"{u + 1}单元")
                    units.append(unit)
                    floors = self.rng.choice((FLOORS, FLOORS, FLOORS + 1))
                    for floor in range(1, floors + 1):
                        for room in range(1, ROOMS_PER_FLOOR + 1):
                            rooms.append((building, unit, f"{floor}{room:02d}"))
            chosen = sorted(self.rng.sample(range(len(rooms)), min(count, len(rooms))))
            for i in chosen:
                building, unit, number = rooms[i]
                places.append(_Place(community, grid, building, unit, number))
        return places, buildings, units

    def village_places(
        self, community: Community, grids: list[Grid], households: int
    ) -> list[_Place]:
        per_grid = _spread(households, len(grids))
        places = []
        for grid, count in zip(grids, per_grid, strict=True):
            house = 0
            for _plot in range(count):
                house += 1 + (self.rng.random() < 0.1)  # a few numbers are empty plots
                places.append(_Place(community, grid, None, None, f"{house}号"))
        return places

    # --- people ----------------------------------------------------------------------------

    def residence_type(self, village: bool) -> str:
        kinds = [
            ResidenceType.REGISTERED,
            ResidenceType.PERMANENT,
            ResidenceType.TENANT,
            ResidenceType.FLOATING,
        ]
        weights = (90, 4, 3, 3) if village else (62, 16, 14, 8)
        return self.rng.choices(kinds, weights=weights)[0]

    def phone_for(self, age: int) -> str:
        if age < 14:
            return ""
        chance = 0.97 if age < 70 else 0.75 if age < 80 else 0.45
        return self.phones.issue(self.rng) if self.rng.random() < chance else ""

    def party_member(self, member: Member) -> bool:
        if member.age < 18:
            return False
        rate = 0.05 if member.age < 35 else 0.08 if member.age < 60 else 0.12
        return self.rng.random() < rate * (1.3 if member.gender == "M" else 0.7)

    def resident(self, member: Member, place: _Place, family: _Family) -> tuple[Resident, set[str]]:
        rng = self.rng
        born = names.birth_date_for_age(rng, member.age, self.today)
        surname = family.surname if member.family == "head" else None
        name = names.full_name(rng, member.gender, born, surname)
        residence = family.residence
        pinyin, initials = romanize(name)
        fields: dict[str, object] = {}
        if member.age == 0 and rng.random() < 0.3:
            fields.update(doc_type=DocumentType.NONE, no_doc_reason=NO_DOCUMENT_REASONS[0])
        elif member.age >= 16 and rng.random() < 0.003:
            reason = rng.choice(NO_DOCUMENT_REASONS[1:])
            fields.update(doc_type=DocumentType.NONE, no_doc_reason=reason)
        elif residence in (ResidenceType.TENANT, ResidenceType.FLOATING) and rng.random() < 0.02:
            prefix = rng.choice("HM")
            fields.update(
                doc_type=DocumentType.HK_MACAU_PERMIT,
                doc_number=f"{prefix}{rng.randrange(10**8):08d}",
            )
        else:
            # Most of a family is registered where the family is; some were born elsewhere.
            region = family.region if rng.random() < 0.75 else names.region_code(rng)
            fields.update(
                doc_type=DocumentType.ID_CARD,
                doc_number=self.ids.issue(rng, region, born, member.gender),
            )
        phone = self.phone_for(member.age)
        works_away = member.works_away or (
            18 <= member.age <= 50
            and residence == ResidenceType.REGISTERED
            and rng.random() < (0.12 if place.community.kind == CommunityKind.VILLAGE else 0.04)
        )
        away_place = away_contact = ""
        if works_away:
            phone = phone or self.phones.issue(rng)
            away_place = family.away_place if member.works_away else rng.choice(AWAY_PLACES)
            away_contact = phone
        resident = Resident(
            township_id=place.community.township_id,
            community_id=place.community.pk,
            grid_id=place.grid.pk,
            relation=member.relation,
            name=name,
            name_pinyin=pinyin,
            name_initials=initials,
            gender=member.gender,
            birth_date=born,
            phone=phone,
            residence_type=residence,
            party_member=self.party_member(member),
            works_away=works_away,
            away_place=away_place,
            away_contact=away_contact,
            **fields,
        )
        return resident, set(member.tags)

    def build(self, residents: int) -> DemoSummary:
        township, communities, grids = self.jurisdictions()
        self.summary = DemoSummary(township=township)
        grid_workers, medics = self.staff(township, communities, grids)

        # Compose every household first, then give each community the rooms it needs.
        normal = residents - 2  # two more records are likely duplicates, added at the end
        targets = [math.floor(normal * spec.share) for spec in COMMUNITIES]
        targets[0] += normal - sum(targets)
        people: list[tuple[Resident, set[str], int]] = []  # (resident, tags, household index)
        households: list[Household] = []
        all_buildings: list[Building] = []
        all_units: list[Unit] = []
        for spec, target in zip(COMMUNITIES, targets, strict=True):
            village = spec.kind == CommunityKind.VILLAGE
            compositions: list[list[Member]] = []
            total = 0
            while total < target:
                members = compose(self.rng, village=village)[: target - total]
                compositions.append(members)
                total += len(members)
            community, community_grids = communities[spec.key], grids[spec.key]
            if village:
                places = self.village_places(community, community_grids, len(compositions))
            else:
                places, buildings, units = self.urban_places(
                    community, community_grids, len(compositions)
                )
                all_buildings += buildings
                all_units += units
            self.rng.shuffle(compositions)
            for members, place in zip(compositions, places, strict=True):
                residence = self.residence_type(village)
                far = residence in (ResidenceType.TENANT, ResidenceType.FLOATING)
                family = _Family(
                    surname=names.surname(self.rng),
                    residence=residence,
                    region=names.region_code(self.rng, far=far and self.rng.random() < 0.8),
                    away_place=self.rng.choice(AWAY_PLACES),
                )
                index = len(households)
                households.append(self.household(place, grid_workers, medics))
                for member in members:
                    resident, tags = self.resident(member, place, family)
                    people.append((resident, tags, index))

        for building in all_buildings:
            building.cadre = grid_workers[building.grid.pk]
            building.medic = medics[building.grid.community_id][0]
        # bulk_create takes the parents' new primary keys from the assigned objects.
        Building.objects.bulk_create(all_buildings, batch_size=500)
        Unit.objects.bulk_create(all_units, batch_size=500)
        Household.objects.bulk_create(households, batch_size=500)
        for resident, _tags, index in people:
            resident.household = households[index]
        self.add_likely_duplicates(people, households)
        Resident.objects.bulk_create([r for r, _, _ in people], batch_size=500)
        tag_rows = [ResidentTag(resident=r, tag=t) for r, tags, _ in people for t in sorted(tags)]
        ResidentTag.objects.bulk_create(tag_rows, batch_size=1000)

        s = self.summary
        s.communities, s.grids = len(communities), sum(len(g) for g in grids.values())
        s.buildings, s.units, s.households = len(all_buildings), len(all_units), len(households)
        s.residents, s.tags = len(people), len(tag_rows)
        for _resident, tags, _index in people:
            for tag in tags:
                s.tag_counts[tag] = s.tag_counts.get(tag, 0) + 1
        s.works_away = sum(r.works_away for r, _, _ in people)
        s.party_members = sum(r.party_member for r, _, _ in people)
        s.without_document = sum(r.doc_type == DocumentType.NONE for r, _, _ in people)
        audit.record(
            None,
            AuditAction.IMPORT,
            target_type="core.township",
            target_id=township.pk,
            target_repr=township.name,
            township=township,
            changes={
                "demo": True,
                "residents": s.residents,
                "households": s.households,
                "staff": len(s.logins) + len(s.other_logins),
            },
            reason=_("Demo township loaded (invented people, for trying Fangkong out)"),
        )
        return s

    def household(
        self, place: _Place, grid_workers: dict[int, User], medics: dict[int, list[User]]
    ) -> Household:
        return Household(
            township_id=place.community.township_id,
            community_id=place.community.pk,
            grid=place.grid,
            building=place.building,
            unit=place.unit,
            number=place.number,
            address=household_address(place.grid, place.building, place.unit, place.number),
            cadre=grid_workers[place.grid.pk],
            medic=self.rng.choice(medics[place.community.pk]),
        )

    def add_likely_duplicates(
        self, people: list[tuple[Resident, set[str], int]], households: list[Household]
    ) -> None:
        """Two people registered twice: once with their ID card, and once more by another
        worker, in another household, without a document. The workbench should flag them:
        both sit in the first community, where the printed leader and office work, and one
        in the first grid (wangge1)."""
        adults = [
            (r, index)
            for r, _tags, index in people
            if r.doc_type == DocumentType.ID_CARD and r.birth_date and r.relation == Relation.HEAD
        ]
        first_grid = min(r.grid_id for r, _index in adults)
        first_community = next(r.community_id for r, _index in adults if r.grid_id == first_grid)
        in_grid = [a for a in adults if a[0].grid_id == first_grid]
        in_community = [a for a in adults if a[0].community_id == first_community] or adults
        picks = [self.rng.choice(in_grid or adults)]
        picks.append(self.rng.choice([a for a in in_community if a is not picks[0]]))
        for original, home in picks:
            sizes = Counter(index for _r, _t, index in people)
            roomy = [i for i in range(len(households)) if sizes[i] < MAX_MEMBERS and i != home]
            same_grid = [i for i in roomy if households[i].grid_id == original.grid_id]
            chosen = self.rng.choice(same_grid or roomy)
            place = households[chosen]
            copy = Resident(
                township_id=place.township_id,
                community_id=place.community_id,
                grid_id=place.grid_id,
                household=place,
                relation=Relation.OTHER,
                name=original.name,
                name_pinyin=original.name_pinyin,
                name_initials=original.name_initials,
                doc_type=DocumentType.NONE,
                no_doc_reason="登记时未带证件",
                gender=original.gender,
                birth_date=original.birth_date,
                residence_type=ResidenceType.PERMANENT,
            )
            people.append((copy, set(), chosen))


def _spread(total: int, parts: int) -> list[int]:
    """`total` split into `parts` near-equal whole parts."""
    return [total // parts + (i < total % parts) for i in range(parts)]


def demo_usernames() -> list[str]:
    grids = sum(spec.grids for spec in COMMUNITIES)
    return [
        "jiedao",
        "shuji",
        "bangong",
        "kakou",
        "zhiyuan",
        "minjing",
        *(f"wangge{i + 1}" for i in range(grids)),
        *(f"yisheng{'' if i == 0 else i + 1}" for i in range(len(COMMUNITIES))),
        *(f"shuji_{spec.key}" for spec in COMMUNITIES[1:]),
    ]


def build_demo_township(
    *,
    residents: int = DEFAULT_RESIDENTS,
    seed: int = DEFAULT_SEED,
    today: dt.date | None = None,
) -> DemoSummary:
    """Create the demo township with `residents` people; DemoExists if it is already there."""
    if residents < MIN_RESIDENTS:
        raise ValueError(f"the demo needs at least {MIN_RESIDENTS} residents")
    with transaction.atomic():
        if Township.objects.filter(code=TOWNSHIP_CODE).exists():
            raise DemoExists(TOWNSHIP_CODE)
        taken = User.objects.filter(username__in=demo_usernames()).values_list(
            "username", flat=True
        )
        if taken:
            raise DemoExists(", ".join(sorted(taken)))
        today = today or timezone.localdate()
        summary = _Builder(seed, today).build(residents)
        summary.epidemic = build_demo_epidemic(summary.township, today=today)
        # Closed management first (it opens the gates the checkpoint demo uses), then the gate
        # log, the lockdown (which opens its own testing round), the community-wide rounds.
        summary.checklist_items = build_demo_closure(summary.township, today=today)
        summary.gate_entries = build_demo_checkpoints(summary.township, today=today)
        summary.lockdown_members = build_demo_lockdown(summary.township, today=today)
        summary.round_members = build_demo_masstesting(summary.township, today=today)
        summary.published_notices = build_demo_notices(summary.township, today=today)
        summary.urgent_reports = build_demo_urgent(summary.township, today=today)
        summary.inspection_findings = build_demo_inspections(summary.township, today=today)
        summary.roster_shifts = build_demo_roster(summary.township, today=today)
        organisation = build_demo_organisation(summary.township, today=today, seed=seed)
        summary.organisations = organisation.organisations
        summary.volunteers = organisation.volunteers
        summary.tasks = build_demo_tasks(summary.township, today=today)
        # The supplies before the disinfection log, whose entries take the agent from them.
        summary.stock_movements = build_demo_supplies(summary.township, today=today)
        summary.disinfection_entries = build_demo_disinfection(summary.township, today=today)
        # Last, the daily reports: computed from everything above.
        summary.daily_reports = build_demo_reports(summary.township, today=today)
        return summary
