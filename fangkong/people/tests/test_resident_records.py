"""The resident page shows the person's epidemic-prevention records that the viewer may see
(capability and jurisdiction), newest first: the registration, the case, its tests, alerts,
check-ins, the pass, the lockdown, the testing round. `people` imports none of those apps:
each registers its records through `core.registry` (issue 12 item 10)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from fangkong.checkpoints.models import Pass
from fangkong.checkpoints.tests.helpers import lock_building
from fangkong.core.registry import records_of
from fangkong.health.tests.factories import AlertFactory, CheckInFactory
from fangkong.masstesting.models import Round
from fangkong.masstesting.rounds import open_round
from fangkong.quarantine.models import CaseStatus
from fangkong.quarantine.tests.factories import CaseFactory, ScheduledTestFactory
from fangkong.screening.models import RegistrationStatus
from fangkong.screening.tests.factories import RegistrationFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 1, 20, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False), translation.override("en"):
        yield


@pytest.fixture
def history(world):
    """张三丰 came back, is in home quarantine with an escalated fever alert, has a pass, is
    on a lockdown's register and on a testing round."""
    person = world.resident_g1
    reg = RegistrationFactory.create(
        grid=world.grid_g1,
        resident=person,
        status=RegistrationStatus.CONFIRMED,
        measure="home_quarantine",
        level="medium",
        decided_at=NOW - dt.timedelta(days=10),
        created_at=NOW - dt.timedelta(days=11),
    )
    case = CaseFactory.create(resident=person, status=CaseStatus.IN_QUARANTINE, registration=reg)
    ScheduledTestFactory.create(
        case=case, day=1, result="negative", result_at=NOW - dt.timedelta(days=10)
    )
    CheckInFactory.create(
        case=case,
        slot=1,
        temperature=Decimal("38.4"),
        fever=True,
        created_at=NOW - dt.timedelta(hours=2),
    )
    AlertFactory.create(case=case, raised_at=NOW - dt.timedelta(hours=1))
    Pass.objects.create(
        township=world.township_a,
        community=world.community_a1,
        grid=world.grid_g1,
        resident=person,
        number="A1-000001",
        issued_at=NOW - dt.timedelta(days=20),
    )
    lockdown = lock_building(world, person)
    lockdown.members.update(added_at=NOW - dt.timedelta(days=3))
    rnd = open_round(world.user("leader_a1"), scope=world.community_a1, name="全员核酸第一轮")
    Round.objects.filter(pk=rnd.pk).update(opened_at=NOW - dt.timedelta(days=2))
    return {"case": case, "registration": reg, "round": rnd}


ALL = {
    "Returnee registration",
    "Quarantine case",
    "Test",
    "Check-in",
    "Health alert",
    "Pass",
    "Lockdown",
    "Testing round",
}


@pytest.mark.parametrize(
    ("key", "kinds"),
    [
        ("grid_g1", ALL),
        ("leader_a1", ALL),
        ("admin_a", ALL),
        # the clinic: cases, health and tests, not the passes (it issues none)
        ("medic_a1", ALL - {"Pass"}),
        # the police reads the registry but no health records
        ("police_a1", set()),
    ],
)
def test_each_role_sees_the_records_it_may(world, history, key, kinds):
    records = records_of(world.user(key), world.resident_g1)
    assert {r.kind for r in records} == kinds


def test_records_are_newest_first_with_the_escalated_alert_on_top(world, history):
    records = records_of(world.user("grid_g1"), world.resident_g1)
    assert [r.sort_key for r in records] == sorted((r.sort_key for r in records), reverse=True)
    assert [r.kind for r in records[:2]] == ["Health alert", "Check-in"]
    alert = records[0]
    assert alert.alarm and "escalated" in alert.text


def test_the_resident_page_links_each_record(client, world, history):
    client.force_login(world.user("grid_g1"))
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    page = client.get(reverse("people:resident_detail", args=[world.resident_g1.pk]))
    html = page.content.decode()
    section = html.split('id="epidemic-records"')[1].split("</section>")[0]
    case = history["case"]
    for url in (
        reverse("quarantine:case_detail", args=[case.pk]),
        reverse("screening:registration_detail", args=[history["registration"].pk]),
        reverse("masstesting:round_detail", args=[history["round"].pk]),
        reverse("checkpoints:pass_building", args=[world.building_g1.pk]),
    ):
        assert f'href="{url}"' in section, url
    assert "/health/alerts/" in section and "/lockdown/" in section
    assert section.index("Health alert") < section.index("Quarantine case")
    assert 'class="record escalated"' in section
    # times in local time
    assert "2026-01-20 09:00" in section


def test_the_police_sees_the_resident_page_without_the_section(client, world, history):
    client.force_login(world.user("police_a1"))
    page = client.get(reverse("people:resident_detail", args=[world.resident_g1.pk]))
    assert page.status_code == 200
    assert 'id="epidemic-records"' not in page.content.decode()


@pytest.mark.parametrize("key", ["grid_g2", "leader_a2", "admin_b"])
def test_outside_the_jurisdiction_neither_the_page_nor_the_records(client, world, history, key):
    client.force_login(world.user(key))
    page = client.get(reverse("people:resident_detail", args=[world.resident_g1.pk]))
    assert page.status_code == 404
    assert records_of(world.user(key), world.resident_g1) == []


def test_a_person_without_records_has_no_section(client, world):
    client.force_login(world.user("grid_g1"))
    page = client.get(reverse("people:resident_detail", args=[world.resident_g1_spouse.pk]))
    assert 'id="epidemic-records"' not in page.content.decode()
