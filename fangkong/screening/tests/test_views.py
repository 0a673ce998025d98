"""The staff pages: who sees which registration, registering, confirming, refusals, QR codes.

Permissions are asserted for the same grid, another grid, another community, another
township and roles without the capability; lists have a query budget."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from fangkong.core.models import AuditAction, AuditEntry
from fangkong.quarantine.models import Case
from fangkong.screening import actions
from fangkong.screening.actions import Arrival, StayInput
from fangkong.screening.models import ArrivalTest as DayTest
from fangkong.screening.models import Refusal, Registration, RegistrationLink, Stay

from .factories import RegistrationFactory, StayFactory

pytestmark = pytest.mark.usefixtures("frozen")

D = dt.date
LIST = reverse("screening:registration_list")
NEW = reverse("screening:registration_create")


def detail(reg: Registration) -> str:
    return reverse("screening:registration_detail", args=[reg.pk])


def login(client, world, key):
    client.force_login(world.user(key))
    return client


def pending(world, grid_key: str = "grid_g1", **kw) -> Registration:
    reg = RegistrationFactory.create(grid=getattr(world, grid_key), **kw)
    StayFactory.create(registration=reg)
    return reg


def decided(world, resident_key: str = "resident_g1", place: str = "北京市朝阳区") -> Registration:
    resident = getattr(world, resident_key)
    by = (
        world.user("admin_a")
        if resident.township_id == world.township_a.pk
        else world.user("admin_b")
    )
    return actions.register_returnee(
        by,
        Arrival(
            arrival_date=D(2024, 1, 21), stays=[StayInput(place, D(2024, 1, 10), D(2024, 1, 20))]
        ),
        resident=resident,
    )


def travel_post(**overrides) -> dict[str, str]:
    data = {
        "arrival_date": "2024-01-21",
        "arrival_place": "汉口站",
        "transport": "train",
        "transport_number": "G1234",
        "reason": "回家过年",
        "cert_date": "",
        "cert_result": "",
        "cert_institution": "",
        "health_code": "green",
        "trip_card": "未带星号",
        "other_symptoms": "",
        "contact_name": "",
        "contact_phone": "",
        "stays-TOTAL_FORMS": "5",
        "stays-INITIAL_FORMS": "0",
        "stays-MIN_NUM_FORMS": "0",
        "stays-MAX_NUM_FORMS": "20",
        "stays-0-place": "湖北省武汉市江汉区民族街道",
        "stays-0-start": "2024-01-15",
        "stays-0-end": "2024-01-20",
    }
    data.update(overrides)
    return data


# --- the list ---------------------------------------------------------------------------


def test_the_grid_worker_sees_the_registrations_of_their_grid_only(client, world):
    mine = pending(world, "grid_g1", claimed_name="甲返乡")
    other_grid = pending(world, "grid_g2", claimed_name="乙返乡")
    other_community = pending(world, "village_group", claimed_name="丙返乡")
    other_township = pending(world, "grid_b", claimed_name="丁返乡")
    html = login(client, world, "grid_g1").get(LIST).content.decode()
    assert mine.claimed_name in html
    for other in (other_grid, other_community, other_township):
        assert other.claimed_name not in html
    html = login(client, world, "leader_a1").get(LIST).content.decode()
    assert mine.claimed_name in html and other_grid.claimed_name in html
    assert other_community.claimed_name not in html
    html = login(client, world, "admin_b").get(LIST).content.decode()
    assert other_township.claimed_name in html
    assert not any(r.claimed_name in html for r in (mine, other_grid, other_community))


@pytest.mark.parametrize("key", ["police_a1", "guard_a1", "volunteer_a1"])
def test_roles_without_case_work_cannot_open_the_list(client, world, key):
    assert login(client, world, key).get(LIST).status_code == 403


def test_the_list_needs_a_login(client, world):
    response = client.get(LIST)
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_waiting_self_registrations_come_first_and_id_numbers_are_masked(client, world, areas):
    old_decided = decided(world)
    waiting = pending(world, arrival_date=D(2024, 1, 2))
    html = login(client, world, "grid_g1").get(LIST).content.decode()
    assert html.index(waiting.claimed_name) < html.index(world.resident_g1.name)
    assert waiting.claimed_doc_number not in html
    assert waiting.masked_claimed_doc_number in html
    assert world.resident_g1.doc_number not in html
    assert old_decided.pk


@pytest.mark.parametrize(
    ("query", "shown"),
    [
        ({"status": "pending"}, {"waiting"}),
        ({"status": "confirmed"}, {"low", "high"}),
        ({"level": "high"}, {"high"}),
        ({"measure": "test_within_24h"}, {"low"}),
        ({"arrival_from": "2024-01-20"}, {"low", "high"}),
        ({"arrival_to": "2024-01-05"}, {"waiting"}),
        ({"grid": "G2"}, {"high"}),
    ],
)
def test_the_list_filters(client, world, areas, query, shown):
    decided(world, "resident_g1")
    decided(world, "resident_g2", "湖北省武汉市江汉区民族街道")
    names = {
        "waiting": pending(world, arrival_date=D(2024, 1, 2), claimed_name="等待者").claimed_name,
        "low": world.resident_g1.name,
        "high": world.resident_g2.name,
    }
    if query.get("grid") == "G2":
        query = {"grid": str(world.grid_g2.pk)}
    html = login(client, world, "leader_a1").get(LIST, query).content.decode()
    for key, name in names.items():
        assert (name in html) is (key in shown), key


def test_the_list_reads_a_bounded_number_of_queries(client, world, django_assert_max_num_queries):
    for i in range(30):
        reg = pending(world, claimed_name=f"返乡{i}")
        StayFactory.create(registration=reg, start=D(2024, 1, 10), end=D(2024, 1, 14))
    login(client, world, "grid_g1")
    with django_assert_max_num_queries(8):
        response = client.get(LIST, {"status": "pending"})
    assert response.content.decode().count("registration-link") == 30


# --- one registration --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "status"),
    [
        ("grid_g1", 200),
        ("leader_a1", 200),
        ("medic_a1", 200),
        ("admin_a", 200),
        ("grid_g2", 404),
        ("leader_a2", 404),
        ("admin_b", 404),
        ("police_a1", 403),
        ("guard_a1", 403),
    ],
)
def test_a_registration_is_seen_within_its_jurisdiction_only(client, world, key, status):
    reg = pending(world)
    assert login(client, world, key).get(detail(reg)).status_code == status


def test_the_detail_shows_the_decision_its_reason_policy_version_and_case(client, world, areas):
    reg = decided(world, place="湖北省武汉市江汉区民族街道")
    case = Case.objects.get(registration=reg)
    html = login(client, world, "grid_g1").get(detail(reg)).content.decode()
    assert "default-v1" in html
    assert reg.decision_reason in html
    assert f'href="/quarantine/cases/{case.pk}/"' in html
    assert "湖北省武汉市江汉区民族街道" in html


def test_a_full_id_number_is_shown_only_after_a_recorded_reason(client, world):
    reg = pending(world)
    c = login(client, world, "grid_g1")
    assert reg.claimed_doc_number not in c.get(detail(reg)).content.decode()
    url = reverse("screening:registration_reveal", args=[reg.pk])
    refused = c.post(url, {"field": "claimed_doc_number", "reason": ""})
    assert refused.status_code == 422 and reg.claimed_doc_number not in refused.content.decode()
    shown = c.post(url, {"field": "claimed_doc_number", "reason": "打电话核实"})
    assert reg.claimed_doc_number in shown.content.decode()
    assert AuditEntry.objects.filter(action=AuditAction.REVEAL, target_id=str(reg.pk)).count() == 1
    assert (
        login(client, world, "grid_g2")
        .post(url, {"field": "claimed_phone", "reason": "x"})
        .status_code
        == 404
    )


# --- registering an arrival -------------------------------------------------------------


def test_the_register_page_finds_the_resident_first(client, world):
    html = login(client, world, "grid_g1").get(NEW, {"q": "zsf"}).content.decode()
    assert f"?resident={world.resident_g1.pk}" in html
    html = client.get(NEW, {"q": "wex"}).content.decode()
    assert world.resident_g2.name not in html


def test_a_grid_worker_registers_an_arrival_and_sees_the_decision(client, world, areas):
    c = login(client, world, "grid_g1")
    page = c.get(NEW, {"resident": world.resident_g1.pk}).content.decode()
    assert page.count('name="stays-') >= 15  # five rows of place, from, to
    response = c.post(NEW, travel_post(resident=str(world.resident_g1.pk)))
    reg = Registration.objects.get()
    assert response.status_code == 302 and response["Location"] == detail(reg)
    assert (reg.level, reg.measure, reg.source) == ("high", "centralised_quarantine", "staff")
    assert list(reg.observations.values_list("kind", "value", "source")) == [
        ("health_code", "green", "shown"),
        ("trip_card", "未带星号", "shown"),
    ]


def test_a_bad_registration_is_shown_again_with_the_problems_and_nothing_is_written(
    client, world, areas
):
    c = login(client, world, "grid_g1")
    response = c.post(
        NEW,
        travel_post(
            resident=str(world.resident_g1.pk),
            **{
                "stays-0-place": "火星省",
                "stays-1-place": "北京市朝阳区",
                "stays-1-start": "2024-01-20",
                "stays-1-end": "2024-01-10",
            },
        ),
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "火星省" in html and "Place 2: the last day is before the first day." in html
    assert not Registration.objects.exists() and not Stay.objects.exists()


def test_another_row_can_be_added_without_javascript(client, world):
    c = login(client, world, "grid_g1")
    response = c.post(NEW, travel_post(resident=str(world.resident_g1.pk), add_row="1"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="stays-5-place"' in html and "湖北省武汉市江汉区民族街道" in html
    assert not Registration.objects.exists()


@pytest.mark.parametrize(("key", "status"), [("grid_g2", 404), ("admin_b", 404), ("medic_a1", 403)])
def test_an_arrival_cannot_be_registered_for_someone_outside_the_jurisdiction(
    client, world, key, status
):
    response = login(client, world, key).post(NEW, travel_post(resident=str(world.resident_g1.pk)))
    assert response.status_code == status
    assert not Registration.objects.exists()


# --- confirming a self-registration ----------------------------------------------------------


def test_the_grid_worker_confirms_a_self_registration_against_the_resident(client, world, areas):
    reg = pending(world, claimed_name="张三丰", claimed_doc_number=world.resident_g1.doc_number)
    url = reverse("screening:registration_confirm", args=[reg.pk])
    c = login(client, world, "grid_g1")
    page = c.get(url).content.decode()
    assert f'value="{world.resident_g1.pk}"' in page
    assert world.resident_g1.doc_number not in page
    response = c.post(url, {"resident": world.resident_g1.pk, "relation": "other"})
    assert response.status_code == 302
    reg.refresh_from_db()
    assert (reg.status, reg.resident_id, reg.level) == ("confirmed", world.resident_g1.pk, "high")
    assert Case.objects.filter(registration=reg).exists()


def test_confirming_needs_a_resident_or_a_household(client, world, areas):
    reg = pending(world)
    url = reverse("screening:registration_confirm", args=[reg.pk])
    response = login(client, world, "grid_g1").post(url, {"relation": "other"})
    assert response.status_code == 422
    reg.refresh_from_db()
    assert reg.status == "pending"


def test_a_new_person_is_added_to_a_household_of_the_grid_on_confirmation(client, world, areas):
    reg = pending(world, claimed_name="新来者", claimed_doc_number="110105199003030015")
    url = reverse("screening:registration_confirm", args=[reg.pk])
    response = login(client, world, "grid_g1").post(
        url, {"household": world.household_g1.pk, "relation": "child"}
    )
    assert response.status_code == 302
    reg.refresh_from_db()
    assert reg.resident is not None and reg.resident.household_id == world.household_g1.pk


@pytest.mark.parametrize(("key", "status"), [("grid_g2", 404), ("admin_b", 404), ("medic_a1", 403)])
def test_only_the_jurisdiction_confirms(client, world, areas, key, status):
    reg = pending(world)
    url = reverse("screening:registration_confirm", args=[reg.pk])
    assert (
        login(client, world, key).post(url, {"resident": world.resident_g1.pk}).status_code
        == status
    )
    reg.refresh_from_db()
    assert reg.status == "pending"


def test_a_self_registration_can_be_rejected_with_a_reason(client, world):
    reg = pending(world)
    url = reverse("screening:registration_reject", args=[reg.pk])
    c = login(client, world, "grid_g1")
    assert c.post(url, {"reason": ""}).status_code == 422
    assert c.post(url, {"reason": "重复提交"}).status_code == 302
    reg.refresh_from_db()
    assert (reg.status, reg.rejection_reason) == ("rejected", "重复提交")


# --- the 24-hour test and refusals -----------------------------------------------------------


def test_the_medical_worker_records_the_24_hour_test_and_the_grid_worker_may_not(
    client, world, areas
):
    reg = decided(world)
    url = reverse("screening:test_result", args=[reg.pk])
    assert login(client, world, "grid_g1").post(url, {"result": "negative"}).status_code == 403
    assert login(client, world, "medic_a1").post(url, {"result": "negative"}).status_code == 302
    assert DayTest.objects.get(registration=reg).result == "negative"
    assert login(client, world, "medic_a1").post(url, {"result": "positive"}).status_code == 422


def test_a_refusal_goes_to_the_police_officers_worklist_only(client, world, areas):
    reg = decided(world)
    url = reverse("screening:refusal_create", args=[reg.pk])
    assert (
        login(client, world, "grid_g1")
        .post(url, {"kind": "test", "details": "拒绝采样"})
        .status_code
        == 302
    )
    refusal = Refusal.objects.get()
    refusals = reverse("screening:refusal_list")
    assert (
        world.resident_g1.name in login(client, world, "police_a1").get(refusals).content.decode()
    )
    assert (
        world.resident_g1.name in login(client, world, "leader_a1").get(refusals).content.decode()
    )
    assert login(client, world, "grid_g1").get(refusals).status_code == 403
    assert (
        login(client, world, "admin_b")
        .get(reverse("screening:refusal_detail", args=[refusal.pk]))
        .status_code
        == 404
    )
    # The police officer sees the referral, not the health record behind it.
    assert login(client, world, "police_a1").get(detail(reg)).status_code == 403
    handled = client.post(
        reverse("screening:refusal_detail", args=[refusal.pk]), {"notes": "已上门劝导"}
    )
    assert handled.status_code == 302
    refusal.refresh_from_db()
    assert refusal.status == "handled"
    assert world.resident_g1.name not in client.get(refusals).content.decode()


# --- QR codes ---------------------------------------------------------------------------


def test_the_grid_worker_prints_the_qr_code_of_their_grid(client, world):
    html = login(client, world, "grid_g1").get(reverse("screening:qr_codes")).content.decode()
    link = RegistrationLink.objects.get(grid=world.grid_g1, revoked_at__isnull=True)
    assert "<svg" in html and f"/screening/r/{link.token}/" in html
    assert not RegistrationLink.objects.filter(grid=world.grid_g2).exists()


def test_a_new_qr_code_revokes_the_old_one(client, world):
    c = login(client, world, "grid_g1")
    c.get(reverse("screening:qr_codes"))
    old = RegistrationLink.objects.get(grid=world.grid_g1)
    response = c.post(reverse("screening:qr_rotate", args=[world.grid_g1.pk]))
    assert response.status_code == 302
    assert client.get(reverse("screening:public_register", args=[old.token])).status_code == 404
    assert (
        login(client, world, "grid_g2")
        .post(reverse("screening:qr_rotate", args=[world.grid_g1.pk]))
        .status_code
        == 404
    )
    assert login(client, world, "guard_a1").get(reverse("screening:qr_codes")).status_code == 403
