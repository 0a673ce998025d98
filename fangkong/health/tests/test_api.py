"""The health endpoints: the check-in contract of the issue (201 `{alert}`, 422 for an
implausible temperature), check-in and alert lists, the alert steps, report links."""

from decimal import Decimal

import pytest

from fangkong.api.tests.client import ApiClient
from fangkong.health import actions
from fangkong.health.models import Alert, AlertStatus, CheckIn, CheckInVia, ReportLink

from .conftest import TODAY, at

pytestmark = pytest.mark.django_db


def api(world, key):
    client = ApiClient(world.user(key))
    client.client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def raise_alert(case, temperature="38.5"):
    return actions.record_checkin(case, case.resident, temperature, [], via=CheckInVia.LINK).alert


# ---- POST /checkins ---------------------------------------------------------------------------


def test_a_normal_reading_is_created_without_an_alert(world, case_g1):
    response = api(world, "grid_g1").post(
        "/checkins", {"case_id": case_g1.pk, "temperature": 36.6, "symptoms": []}
    )

    assert response.status_code == 201
    body = response.json()
    assert body["alert"] is False and body["alert_id"] is None
    assert body["slot"] == 1 and body["date"] == TODAY.isoformat()
    checkin = CheckIn.objects.get(pk=body["id"])
    assert checkin.via == CheckInVia.API and checkin.reported_by == world.user("grid_g1")


def test_a_resubmitted_check_in_answers_200_with_the_stored_one(world, case_g1):
    client = api(world, "grid_g1")
    first = client.post("/checkins", {"case_id": case_g1.pk, "temperature": 36.6})
    again = client.post("/checkins", {"case_id": case_g1.pk, "temperature": 38.9})
    chosen = client.post("/checkins", {"case_id": case_g1.pk, "temperature": 37.0, "slot": 1})

    assert first.status_code == 201
    assert again.status_code == 200 and again.json() == first.json()
    assert chosen.status_code == 200 and chosen.json()["id"] == first.json()["id"]
    assert CheckIn.objects.get().temperature == Decimal("36.6")
    assert not Alert.objects.exists()


def test_without_a_slot_the_api_takes_the_check_of_the_time_of_day(world, case_g1, clock):
    clock.move_to(at(hour=18))
    response = api(world, "grid_g1").post("/checkins", {"case_id": case_g1.pk, "temperature": 36.6})

    assert response.status_code == 201 and response.json()["slot"] == 2


def test_a_slot_beyond_the_days_checks_is_422(world, case_g1):
    response = api(world, "grid_g1").post(
        "/checkins", {"case_id": case_g1.pk, "temperature": 36.6, "slot": 3}
    )

    assert response.status_code == 422 and not CheckIn.objects.exists()


@pytest.mark.parametrize(
    ("temperature", "symptoms"), [(37.3, []), ("36.5", ["干咳"]), (39.2, ["腹泻", "头痛"])]
)
def test_a_fever_or_a_listed_symptom_answers_alert_true(world, case_g1, temperature, symptoms):
    response = api(world, "medic_a1").post(
        "/checkins", {"case_id": case_g1.pk, "temperature": temperature, "symptoms": symptoms}
    )

    assert response.status_code == 201
    assert response.json()["alert"] is True
    assert response.json()["alert_id"] == Alert.objects.get().pk


@pytest.mark.parametrize("temperature", [33.9, 43.1, "98.6", -1])
def test_an_implausible_temperature_is_422_and_nothing_is_written(world, case_g1, temperature):
    response = api(world, "grid_g1").post(
        "/checkins", {"case_id": case_g1.pk, "temperature": temperature, "symptoms": ["发热"]}
    )

    assert response.status_code == 422
    errors = response.json()["errors"]
    assert list(errors) == ["temperature"]
    assert "not a plausible body temperature" in errors["temperature"][0]
    assert not CheckIn.objects.exists() and not Alert.objects.exists()


@pytest.mark.parametrize("body", [{"temperature": 36.5}, {"case_id": 1, "temperature": "hot"}])
def test_a_malformed_body_is_422_naming_the_field(world, case_g1, body):
    response = api(world, "grid_g1").post("/checkins", body)

    assert response.status_code == 422
    assert set(response.json()["errors"]) <= {"case_id", "temperature"}


@pytest.mark.parametrize(
    ("user", "status"), [("grid_g2", 422), ("admin_b", 422), ("police_a1", 403), ("guard_a1", 403)]
)
def test_a_case_outside_the_jurisdiction_or_a_role_without_health_records_is_refused(
    world, case_g1, user, status
):
    response = api(world, user).post("/checkins", {"case_id": case_g1.pk, "temperature": 36.5})

    assert response.status_code == status
    assert not CheckIn.objects.exists()


def test_without_a_token_the_api_answers_401(world, case_g1):
    response = ApiClient().post("/checkins", {"case_id": case_g1.pk, "temperature": 36.5})

    assert response.status_code == 401


# ---- GET /checkins ----------------------------------------------------------------------------


def test_check_ins_are_listed_by_case_and_day_within_the_jurisdiction(world, case_g1, case_g2):
    for case, slot in ((case_g1, 1), (case_g1, 2), (case_g2, 1)):
        actions.record_checkin(case, case.resident, "36.5", [], via=CheckInVia.STAFF, slot=slot)

    mine = api(world, "grid_g1").get("/checkins").json()
    community = api(world, "medic_a1").get("/checkins", case_id=case_g2.pk, date=TODAY).json()

    assert mine["count"] == 2
    assert {i["case"] for i in mine["items"]} == {case_g1.pk}
    assert mine["items"][0]["temperature"] == 36.5 and mine["items"][0]["slot"] == 2
    assert community["count"] == 1 and community["items"][0]["resident"] == world.resident_g2.pk
    assert api(world, "medic_a1").get("/checkins", date="2026-01-19").json()["count"] == 0
    assert api(world, "grid_g1").get("/checkins", case_id=case_g2.pk).status_code == 422
    assert api(world, "admin_b").get("/checkins").json()["count"] == 0
    assert api(world, "police_a1").get("/checkins").status_code == 403


# ---- alerts -----------------------------------------------------------------------------------


def test_active_alerts_are_listed_escalated_first_and_scoped(
    world, case_g1, case_g2, in_quarantine, clock
):
    first = raise_alert(case_g1)
    clock.move_to(at(minute=45))
    second = raise_alert(in_quarantine(world.resident_g1_spouse))
    raise_alert(case_g2)

    body = api(world, "grid_g1").get("/alerts").json()

    assert [(a["id"], a["escalated"]) for a in body["items"]] == [
        (first.pk, True),
        (second.pk, False),
    ]
    assert body["items"][0]["status"] == "open" and body["items"][0]["temperature"] == 38.5
    assert api(world, "grid_g1").get("/alerts", status="escalated").json()["count"] == 1
    assert api(world, "medic_a1").get("/alerts").json()["count"] == 3
    assert api(world, "admin_b").get("/alerts").json()["count"] == 0
    assert api(world, "police_a1").get("/alerts").status_code == 403


def test_one_alert_is_read_within_the_jurisdiction_only(world, case_g1):
    alert = raise_alert(case_g1)

    assert api(world, "grid_g1").get(f"/alerts/{alert.pk}").json()["resident"] == (
        world.resident_g1.pk
    )
    assert api(world, "grid_g2").get(f"/alerts/{alert.pk}").status_code == 404
    assert api(world, "admin_b").get(f"/alerts/{alert.pk}").status_code == 404


def test_the_alert_steps_through_the_api(world, case_g1):
    alert = raise_alert(case_g1)
    medic = api(world, "medic_a1")

    acknowledged = medic.post(f"/alerts/{alert.pk}/acknowledge")
    again = api(world, "grid_g1").post(f"/alerts/{alert.pk}/acknowledge")
    contacted = medic.post(f"/alerts/{alert.pk}/contact", {"institution": "江汉区人民医院"})
    collected = medic.post(f"/alerts/{alert.pk}/collected")
    closed = medic.post(f"/alerts/{alert.pk}/close", {"outcome": "ruled_out", "notes": "排除"})

    assert acknowledged.status_code == 200
    assert acknowledged.json()["acknowledged_by"] == world.user("medic_a1").pk
    assert again.status_code == 422
    assert "already acknowledged by medic_a1 at 08:00" in again.json()["errors"][""][0]
    assert contacted.json()["status"] == "contacted"
    assert contacted.json()["institution"] == "江汉区人民医院"
    assert collected.json()["status"] == "collected"
    assert closed.status_code == 200
    assert closed.json()["status"] == "closed" and closed.json()["outcome"] == "ruled_out"
    assert Alert.objects.get().status == AlertStatus.CLOSED


def test_alert_steps_are_refused_outside_the_jurisdiction_and_without_the_capability(
    world, case_g1
):
    alert = raise_alert(case_g1)

    assert api(world, "grid_g2").post(f"/alerts/{alert.pk}/acknowledge").status_code == 404
    assert api(world, "police_a1").post(f"/alerts/{alert.pk}/acknowledge").status_code == 403
    bad = api(world, "medic_a1").post(f"/alerts/{alert.pk}/close", {"outcome": "cured"})
    assert bad.status_code == 422 and "outcome" in bad.json()["errors"]
    assert Alert.objects.get().status == AlertStatus.OPEN


# ---- report links -----------------------------------------------------------------------------


def test_a_report_link_is_made_through_the_api_and_its_url_works_once_shown(client, world, case_g1):
    response = api(world, "grid_g1").post("/report-links", {"household_id": world.household_g1.pk})

    assert response.status_code == 201
    url = response.json()["url"]
    assert url.startswith("http://testserver/health/h/")
    assert client.get(url.removeprefix("http://testserver")).status_code == 200
    link = ReportLink.objects.get()
    assert link.token_hash == actions.token_hash(url.rsplit("/", 2)[1])  # the hash, not the token

    revoked = api(world, "grid_g1").post(f"/report-links/{link.pk}/revoke")
    assert revoked.status_code == 200
    assert client.get(url.removeprefix("http://testserver")).status_code == 404


def test_report_links_are_only_for_households_in_the_jurisdiction(world, case_g1):
    body = {"household_id": world.household_g1.pk}

    assert api(world, "grid_g2").post("/report-links", body).status_code == 422
    assert api(world, "admin_b").post("/report-links", body).status_code == 422
    assert api(world, "police_a1").post("/report-links", body).status_code == 403
    empty = api(world, "grid_g2").post("/report-links", {"household_id": world.household_g2.pk})
    assert empty.status_code == 422
    assert "Nobody of this household is in quarantine" in empty.json()["errors"][""][0]
    assert not ReportLink.objects.exists()
