"""The people every permission test is built around.

Two townships. In township A, community A1 has grids G1 and G2 (a building with a unit in
each); community A2 is a village whose households hang off village groups. Township B has one
community. One staff user per role sits in grid G1 / community A1 / township A, plus a grid
worker of G2, a leader of A2 and a township admin of B: "same grid", "other grid of the same
community", "other community" and "other township" for every assertion.
"""

import datetime as dt
from dataclasses import dataclass, field

import pytest
from django.db import connection

# The browser (Chromium on Django's live server) for every app's journeys. Defined once here:
# a session fixture imported into several conftests would start Playwright once per app,
# and the second start fails inside the first one's event loop.
from fangkong.browser import chromium, phone
from fangkong.core.models import Building, Community, Grid, Township, Unit, User
from fangkong.core.roles import Role
from fangkong.core.tests.factories import (
    BuildingFactory,
    CommunityFactory,
    GridFactory,
    TownshipFactory,
    UnitFactory,
    UserFactory,
)
from fangkong.people.models import Household, Resident
from fangkong.people.tests.factories import HouseholdFactory, ResidentFactory
from fangkong.policy.models import Policy, PolicyStatus
from fangkong.policy.rules import DEFAULT_RULES

__all__ = ["PASSWORD", "World", "chromium", "ensure_default_policy", "phone", "world"]

PASSWORD = "correct-horse-42"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database as the migrations leave it, but with the general version 1 only:
    later general versions added by data migrations (e.g. the plan's symptom list) take effect
    on the day the migrations run, so a test frozen on another day would see one or the
    other. Their own tests run those migrations' functions (policy 0005: the health tests)."""
    with django_db_blocker.unblock():
        Policy.objects.filter(township__isnull=True, version__gt=1).delete()
    yield
    # The browser journeys' live server serves each keep-alive connection on a thread of its
    # own, which closes its database connection only once Chromium's socket is closed; at the
    # end of the session one may not be yet, and PostgreSQL refuses to drop a database that is
    # in use ("being accessed by other users"). Close what is left before the drop.
    if connection.vendor == "postgresql":
        with django_db_blocker.unblock(), connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )


def ensure_default_policy() -> Policy:
    """The general version 1 the migration creates (a transactional test's flush removes it)."""
    policy, _ = Policy.objects.get_or_create(
        township=None,
        version=1,
        defaults={
            "name": "春节期间社区（街道）疫情防控工作方案",
            "status": PolicyStatus.ACTIVE,
            "effective_from": dt.date(2024, 1, 1),
            "source_title": "春节期间社区（街道）疫情防控工作方案",
            "rules": DEFAULT_RULES.to_data(),
        },
    )
    return policy


@dataclass
class World:
    township_a: Township
    township_b: Township
    community_a1: Community
    community_a2: Community
    community_b1: Community
    grid_g1: Grid
    grid_g2: Grid
    village_group: Grid
    grid_b: Grid
    building_g1: Building
    unit_g1: Unit
    building_g2: Building
    household_g1: Household
    household_g2: Household
    household_village: Household
    household_b: Household
    resident_g1: Resident
    resident_g1_spouse: Resident
    resident_g2: Resident
    resident_village: Resident
    resident_b: Resident
    users: dict[str, User] = field(default_factory=dict)

    def user(self, key: str) -> User:
        return self.users[key]


def _user(key: str, role: str, **where) -> User:
    return UserFactory.create(username=key, display_name=key, role=role, **where)


@pytest.fixture
def world(db) -> World:
    ta = TownshipFactory.create(name="江汉街道", code="420103001")
    tb = TownshipFactory.create(name="外镇", code="420104002")
    a1 = CommunityFactory.create(township=ta, name="民族社区", code="420103001001")
    a2 = CommunityFactory.create(township=ta, name="新河村", code="420103001201", kind="village")
    b1 = CommunityFactory.create(township=tb, name="外镇社区", code="420104002001")
    g1 = GridFactory.create(community=a1, name="第一网格")
    g2 = GridFactory.create(community=a1, name="第二网格")
    vg = GridFactory.create(community=a2, name="一组")
    gb = GridFactory.create(community=b1, name="外网格")
    bg1 = BuildingFactory.create(grid=g1, name="1栋")
    ug1 = UnitFactory.create(building=bg1, name="1单元")
    bg2 = BuildingFactory.create(grid=g2, name="2栋")
    bb = BuildingFactory.create(grid=gb, name="9栋")
    h1 = HouseholdFactory.create(
        grid=g1, building=bg1, unit=ug1, number="101", address="民族社区 第一网格 1栋 1单元 101"
    )
    h2 = HouseholdFactory.create(
        grid=g2, building=bg2, number="202", address="民族社区 第二网格 2栋 202"
    )
    hv = HouseholdFactory.create(grid=vg, number="8号", address="新河村 一组 8号")
    hb = HouseholdFactory.create(
        grid=gb, building=bb, number="909", address="外镇社区 外网格 9栋 909"
    )
    ensure_default_policy()
    w = World(
        township_a=ta,
        township_b=tb,
        community_a1=a1,
        community_a2=a2,
        community_b1=b1,
        grid_g1=g1,
        grid_g2=g2,
        village_group=vg,
        grid_b=gb,
        building_g1=bg1,
        unit_g1=ug1,
        building_g2=bg2,
        household_g1=h1,
        household_g2=h2,
        household_village=hv,
        household_b=hb,
        resident_g1=ResidentFactory.create(household=h1, name="张三丰"),
        resident_g1_spouse=ResidentFactory.create(
            household=h1, name="李秀英", relation="spouse", gender="F"
        ),
        resident_g2=ResidentFactory.create(household=h2, name="王二小"),
        resident_village=ResidentFactory.create(household=hv, name="赵大山"),
        resident_b=ResidentFactory.create(household=hb, name="孙外人"),
    )
    u = w.users
    u["admin_a"] = _user("admin_a", Role.TOWNSHIP_ADMIN, township=ta)
    u["admin_b"] = _user("admin_b", Role.TOWNSHIP_ADMIN, township=tb)
    u["leader_a1"] = _user("leader_a1", Role.COMMUNITY_LEADER, township=ta, community=a1)
    u["leader_a2"] = _user("leader_a2", Role.COMMUNITY_LEADER, township=ta, community=a2)
    u["office_a1"] = _user("office_a1", Role.OFFICE_STAFF, township=ta, community=a1)
    u["grid_g1"] = _user("grid_g1", Role.GRID_WORKER, township=ta, community=a1, grid=g1)
    u["grid_g2"] = _user("grid_g2", Role.GRID_WORKER, township=ta, community=a1, grid=g2)
    u["medic_a1"] = _user("medic_a1", Role.MEDICAL_WORKER, township=ta, community=a1)
    u["guard_a1"] = _user("guard_a1", Role.CHECKPOINT_GUARD, township=ta, community=a1)
    u["volunteer_a1"] = _user("volunteer_a1", Role.VOLUNTEER, township=ta, community=a1)
    u["police_a1"] = _user("police_a1", Role.POLICE_OFFICER, township=ta, community=a1)
    return w


# --- two-factor sign-in (core.twofactor) -----------------------------------------------------


def verify_session(client, user: User):
    """Mark `client`'s session as past the second factor for `user`, as entering a code does:
    `user` gets a confirmed authenticator device (if none) and the session holds it."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device


@pytest.fixture(autouse=True)
def force_login_passes_the_second_factor(request, monkeypatch):
    """`client.force_login` is the tests' shortcut past the login page; for a township admin it
    also marks the session verified (`verify_session`), as if the code had been entered. Logins
    with a password (`client.login`, the login page, browser journeys) still meet the check; a
    test marked `real_second_factor` gets the unpatched `force_login`."""
    if request.node.get_closest_marker("real_second_factor"):
        return
    from django.test import Client

    from fangkong.core import twofactor

    original = Client.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        if twofactor.required_for(user):
            verify_session(self, user)

    monkeypatch.setattr(Client, "force_login", force_login)
