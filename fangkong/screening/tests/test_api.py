"""The screening API: POST /returnees decides at once; lists and records are scoped like the
pages; bad input is a 422 naming the problem, with nothing written."""

from __future__ import annotations

from typing import Any

import pytest

from fangkong.api.tests.client import ApiClient
from fangkong.people.models import Resident
from fangkong.quarantine.models import Case
from fangkong.screening.models import Refusal, Registration, Stay

from .factories import RegistrationFactory, StayFactory

pytestmark = pytest.mark.usefixtures("frozen")


def api(world, key) -> ApiClient:
    client = ApiClient(world.user(key))
    client.client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def body(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "arrival_date": "2024-01-21",
        "stays": [
            {"place": "湖北省武汉市江汉区民族街道", "start": "2024-01-15", "end": "2024-01-20"}
        ],
        "certificate": None,
        "transport": "train",
        "transport_number": "G1234",
    }
    data.update(overrides)
    return data


def test_registering_a_resident_returns_the_decision_with_its_policy_version(world, areas):
    response = api(world, "grid_g1").post("/returnees", body(resident_id=world.resident_g1.pk))
    assert response.status_code == 201, response.json()
    data = response.json()
    decision = data["decision"]
    assert (decision["level"], decision["measure"], decision["days"], decision["test_days"]) == (
        "high",
        "centralised_quarantine",
        14,
        [1, 7, 14],
    )
    assert decision["policy_version"] == "default-v1"
    assert "湖北省武汉市江汉区民族街道" in decision["reason"]
    reg = Registration.objects.get(pk=data["id"])
    assert data["case_id"] == Case.objects.get(registration=reg).pk
    assert data["stays"][0]["code"] == "420103"


def test_a_low_risk_arrival_with_an_old_certificate_gets_a_test_due(world, areas):
    response = api(world, "grid_g1").post(
        "/returnees",
        body(
            resident_id=world.resident_g1.pk,
            stays=[{"place": "北京市朝阳区", "start": "2024-01-10", "end": "2024-01-20"}],
            certificate={"date": "2024-01-10", "result": "negative"},
        ),
    )
    assert response.status_code == 201
    data = response.json()
    assert data["decision"]["measure"] == "test_within_24h"
    assert data["test_due_at"].startswith("2024-01-23T")  # 24 hours after 1/22 09:30 (+08:00)
    assert data["case_id"] is None


def test_a_person_is_found_by_their_whole_id_number_in_the_jurisdiction(world, areas):
    person = {"name": world.resident_g1.name, "id_number": world.resident_g1.doc_number.lower()}
    response = api(world, "grid_g1").post("/returnees", body(person=person))
    assert response.status_code == 201
    assert response.json()["resident_id"] == world.resident_g1.pk


def test_a_person_found_under_another_name_is_refused(world, areas):
    person = {"name": "别人", "id_number": world.resident_g1.doc_number}
    response = api(world, "grid_g1").post("/returnees", body(person=person))
    assert response.status_code == 422
    assert "person" in response.json()["errors"]
    assert not Registration.objects.exists()


def test_a_new_person_is_created_in_the_household_given(world, areas):
    person = {"name": "周新来", "id_number": "110105199003030015", "phone": "13900001111"}
    client = api(world, "grid_g1")
    missing = client.post("/returnees", body(person=person))
    assert missing.status_code == 422 and "household_id" in missing.json()["errors"]
    response = client.post("/returnees", body(person=person, household_id=world.household_g1.pk))
    assert response.status_code == 201
    resident = Resident.objects.get(doc_number="110105199003030015")
    assert resident.household_id == world.household_g1.pk
    assert response.json()["resident_id"] == resident.pk


def test_a_new_person_with_a_bad_id_number_is_a_422_on_person(world, areas):
    person = {"name": "周新来", "id_number": "110105199003030014"}
    response = api(world, "grid_g1").post(
        "/returnees", body(person=person, household_id=world.household_g1.pk)
    )
    assert response.status_code == 422
    assert "check digit" in " ".join(response.json()["errors"]["person"])
    assert not Resident.objects.filter(name="周新来").exists()


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        (
            {"stays": [{"place": "火星省奥林匹斯市", "start": "2024-01-15", "end": "2024-01-20"}]},
            "stays",
            "火星省奥林匹斯市",
        ),
        (
            {"stays": [{"place": "北京市朝阳区", "start": "2024-01-20", "end": "2024-01-15"}]},
            "stays",
            "the last day is before the first day",
        ),
        (
            {
                "stays": [
                    {"place": "北京市朝阳区", "start": "2024-01-05", "end": "2024-01-15"},
                    {"place": "北京市海淀区", "start": "2024-01-10", "end": "2024-01-20"},
                ]
            },
            "stays",
            "overlap",
        ),
        ({"arrival_date": "2024-02-01"}, "arrival_date", "in the future"),
        (
            {
                "arrival_date": "2019-11-20",
                "stays": [{"place": "北京市朝阳区", "start": "2019-11-01", "end": "2019-11-19"}],
            },
            "arrival_date",
            "The arrival date cannot be before 2019-12-01",
        ),
        (
            {"stays": [{"place": "北京市朝阳区", "start": "1999-01-15", "end": "2024-01-20"}]},
            "stays",
            "Place 1: the start date cannot be before 2019-12-01",
        ),
        (
            {"certificate": {"date": "2024-01-22", "result": "negative"}},
            "certificate",
            "after the arrival date",
        ),
        ({"stays": []}, "stays", "at least one place"),
        ({"arrival_date": "21/01/2024"}, "arrival_date", "YYYY-MM-DD"),
        ({"transport": "rocket"}, "transport", "train"),
    ],
)
def test_bad_input_is_a_422_naming_the_problem_and_nothing_is_written(
    world, areas, overrides, field, words
):
    response = api(world, "grid_g1").post(
        "/returnees", body(resident_id=world.resident_g1.pk, **overrides)
    )
    assert response.status_code == 422
    assert words in " ".join(response.json()["errors"][field])
    assert not Registration.objects.exists() and not Stay.objects.exists()


def test_resident_and_person_are_exclusive(world, areas):
    response = api(world, "grid_g1").post(
        "/returnees",
        body(resident_id=world.resident_g1.pk, person={"name": "x", "id_number": "y"}),
    )
    assert response.status_code == 422


@pytest.mark.parametrize(
    ("key", "status"),
    [("grid_g2", 422), ("admin_b", 422), ("medic_a1", 403), ("police_a1", 403), ("guard_a1", 403)],
)
def test_a_resident_outside_the_jurisdiction_cannot_be_registered(world, areas, key, status):
    response = api(world, key).post("/returnees", body(resident_id=world.resident_g1.pk))
    assert response.status_code == status
    assert not Registration.objects.exists()


# --- reading ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("grid_g1", {"甲"}),
        ("grid_g2", {"乙"}),
        ("leader_a1", {"甲", "乙"}),
        ("admin_a", {"甲", "乙", "丙"}),
        ("admin_b", {"丁"}),
    ],
)
def test_the_list_holds_exactly_the_callers_jurisdiction(world, key, expected):
    for name, grid in (
        ("甲", "grid_g1"),
        ("乙", "grid_g2"),
        ("丙", "village_group"),
        ("丁", "grid_b"),
    ):
        StayFactory.create(
            registration=RegistrationFactory.create(grid=getattr(world, grid), claimed_name=name)
        )
    response = api(world, key).get("/returnees")
    assert response.status_code == 200
    assert {item["name"] for item in response.json()["items"]} == expected
    assert response.json()["count"] == len(expected)


@pytest.mark.parametrize("key", ["police_a1", "guard_a1"])
def test_roles_without_case_work_cannot_list_returnees(world, key):
    assert api(world, key).get("/returnees").status_code == 403


def test_the_list_filters_and_masks(world, areas):
    client = api(world, "grid_g1")
    client.post("/returnees", body(resident_id=world.resident_g1.pk))
    waiting = RegistrationFactory.create(grid=world.grid_g1)
    pending = client.get("/returnees", status="pending").json()["items"]
    assert [i["id"] for i in pending] == [waiting.pk]
    assert pending[0]["masked_id_number"] == waiting.masked_claimed_doc_number
    assert pending[0]["decision"] is None
    high = client.get("/returnees", level="high").json()["items"]
    assert [i["resident_id"] for i in high] == [world.resident_g1.pk]
    assert client.get("/returnees", arrival_to="2024-01-20").json()["count"] == 0


def test_the_list_reads_a_bounded_number_of_queries(world, django_assert_max_num_queries):
    for _ in range(20):
        StayFactory.create(registration=RegistrationFactory.create(grid=world.grid_g1))
    client = api(world, "grid_g1")
    with django_assert_max_num_queries(10):
        response = client.get("/returnees")
    assert response.json()["count"] == 20


def test_one_registration_is_404_outside_the_jurisdiction(world):
    reg = RegistrationFactory.create(grid=world.grid_g1)
    assert api(world, "grid_g1").get(f"/returnees/{reg.pk}").status_code == 200
    assert api(world, "grid_g2").get(f"/returnees/{reg.pk}").status_code == 404
    assert api(world, "admin_b").get(f"/returnees/{reg.pk}").status_code == 404


# --- confirming, rejecting, tests, refusals ---------------------------------------------------


def test_a_self_registration_is_confirmed_through_the_api(world, areas):
    reg = RegistrationFactory.create(
        grid=world.grid_g1, claimed_doc_number=world.resident_g1.doc_number
    )
    StayFactory.create(registration=reg)
    client = api(world, "grid_g1")
    assert client.post(f"/returnees/{reg.pk}/confirm", {}).status_code == 422
    response = client.post(f"/returnees/{reg.pk}/confirm", {"resident_id": world.resident_g1.pk})
    assert response.status_code == 200
    assert response.json()["decision"]["level"] == "high"
    again = client.post(f"/returnees/{reg.pk}/confirm", {"resident_id": world.resident_g1.pk})
    assert again.status_code == 422
    assert (
        api(world, "grid_g2").post(f"/returnees/{reg.pk}/reject", {"reason": "x"}).status_code
        == 404
    )


def test_a_self_registration_is_rejected_with_a_reason(world):
    reg = RegistrationFactory.create(grid=world.grid_g1)
    response = api(world, "grid_g1").post(f"/returnees/{reg.pk}/reject", {"reason": "重复"})
    assert response.status_code == 200 and response.json()["status"] == "rejected"


def test_the_24_hour_test_result_is_recorded_by_the_medical_worker(world, areas):
    created = (
        api(world, "grid_g1")
        .post(
            "/returnees",
            body(
                resident_id=world.resident_g1.pk,
                stays=[{"place": "北京市朝阳区", "start": "2024-01-10", "end": "2024-01-20"}],
            ),
        )
        .json()
    )
    url = f"/returnees/{created['id']}/test-result"
    assert api(world, "grid_g1").post(url, {"result": "negative"}).status_code == 403
    assert api(world, "medic_a1").post(url, {"result": "negative"}).status_code == 200
    assert api(world, "medic_a1").post(url, {"result": "negative"}).status_code == 422


def test_a_refusal_is_recorded_and_handled_by_the_police_officer(world):
    client = api(world, "grid_g1")
    response = client.post(
        "/refusals", {"resident_id": world.resident_g1.pk, "kind": "test", "details": "拒绝采样"}
    )
    assert response.status_code == 201 and response.json()["status"] == "referred"
    refusal_id = response.json()["id"]
    assert client.get("/refusals").status_code == 403
    police = api(world, "police_a1")
    listed = police.get("/refusals", status="referred").json()
    assert [i["id"] for i in listed["items"]] == [refusal_id]
    assert world.resident_g1.doc_number not in str(listed)
    assert (
        api(world, "leader_a1").post(f"/refusals/{refusal_id}/handle", {"notes": "x"}).status_code
        == 422
    )
    handled = police.post(f"/refusals/{refusal_id}/handle", {"notes": "已劝导"})
    assert handled.status_code == 200 and handled.json()["status"] == "handled"
    assert api(world, "admin_b").get("/refusals").json()["count"] == 0


def test_a_refusal_for_someone_outside_the_jurisdiction_is_refused(world):
    response = api(world, "grid_g2").post(
        "/refusals", {"resident_id": world.resident_g1.pk, "kind": "test", "details": "x y"}
    )
    assert response.status_code == 422 and "resident_id" in response.json()["errors"]
    assert (
        api(world, "guard_a1")
        .post("/refusals", {"resident_id": world.resident_g1.pk, "kind": "test", "details": "x y"})
        .status_code
        == 403
    )
    assert not Refusal.objects.exists()


def test_the_openapi_document_lists_the_screening_endpoints(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert {
        "/api/v1/returnees",
        "/api/v1/returnees/{registration_id}/confirm",
        "/api/v1/refusals",
    } <= set(paths)


def test_a_number_held_outside_the_jurisdiction_is_refused_without_naming_the_record(world):
    """Issue 10 item 10a: the number is registered in grid G2; a G1 worker registering a new
    person with it learns that it is taken, not by whom, which record or where."""
    holder = world.resident_g2
    person = {"name": "冒名者", "id_number": holder.doc_number}
    response = api(world, "grid_g1").post(
        "/returnees", body(person=person, household_id=world.household_g1.pk)
    )
    assert response.status_code == 422
    text = response.content.decode()
    assert "outside your jurisdiction" in text
    assert holder.name not in text and f"record {holder.pk}" not in text
    assert "第二网格" not in text and "2栋" not in text
