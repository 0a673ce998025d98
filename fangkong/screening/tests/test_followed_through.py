"""Returnees followed through (issue 12 item 5): an overdue 24-hour test (三(二)2) is on the
grid worker's and the office's worklists; a positive result of that test, or a positive
certificate, opens the case path (index case, an alert for the team to have the person
collected, close contacts from the index case's page); symptoms given at registration
raise an alert."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from fangkong.health.models import Alert, AlertSource, SymptomReview
from fangkong.health.worklists import worklists_for
from fangkong.quarantine.models import IndexCase
from fangkong.screening import actions
from fangkong.screening.actions import Arrival, CertificateInput, StayInput
from fangkong.screening.models import ArrivalTest, RegistrationLink

from .conftest import NOW

pytestmark = pytest.mark.usefixtures("frozen")

D = dt.date
LOW_RISK = ("北京市朝阳区", D(2024, 1, 10), D(2024, 1, 20))


def arrival(**kw) -> Arrival:
    return Arrival(arrival_date=D(2024, 1, 21), stays=[StayInput(*LOW_RISK)], **kw)


def register(world, **kw):
    return actions.register_returnee(
        world.user("grid_g1"), arrival(**kw), resident=world.resident_g1
    )


def lists(world, key, now=None):
    return {w.key: w for w in worklists_for(world.user(key), now=now)}


# ---- the overdue 24-hour test -------------------------------------------------------------


def test_an_overdue_24_hour_test_is_on_the_grid_workers_and_the_offices_worklists(
    world, areas, frozen
):
    reg = register(world)
    task = ArrivalTest.objects.get(registration=reg)
    assert task.due_at == NOW + dt.timedelta(hours=24)
    for key in ("grid_g1", "office_a1", "leader_a1"):
        assert lists(world, key)["arrival-tests-overdue"].count == 0
    later = NOW + dt.timedelta(hours=25)
    for key in ("grid_g1", "office_a1", "leader_a1"):
        overdue = lists(world, key, now=later)["arrival-tests-overdue"]
        assert overdue.count == 1, key
        row = overdue.rows[0]
        assert (row.label, row.flag) == (world.resident_g1.name, "overdue")
        assert row.url == reverse("screening:registration_detail", args=[reg.pk])
    # another grid, another community: not theirs
    assert lists(world, "grid_g2", now=later)["arrival-tests-overdue"].count == 0
    assert lists(world, "leader_a2", now=later)["arrival-tests-overdue"].count == 0
    # no screening work: not on their lists
    assert "arrival-tests-overdue" not in lists(world, "medic_a1", now=later)
    assert "arrival-tests-overdue" not in lists(world, "guard_a1", now=later)


def test_a_recorded_result_takes_the_test_off_the_worklist(world, areas):
    reg = register(world)
    actions.record_test_task_result(
        world.user("medic_a1"), ArrivalTest.objects.get(registration=reg), result="negative"
    )
    later = NOW + dt.timedelta(hours=25)
    assert lists(world, "grid_g1", now=later)["arrival-tests-overdue"].count == 0


def test_the_registration_list_filters_the_overdue_tests(client, world, areas, frozen):
    reg = register(world)
    client.force_login(world.user("grid_g1"))
    url = reverse("screening:registration_list")
    assert f"/{reg.pk}/" not in client.get(url, {"test": "overdue"}).content.decode()
    frozen.move_to(NOW + dt.timedelta(hours=25))
    client.force_login(world.user("grid_g1"))  # the session of yesterday has expired
    assert f"/{reg.pk}/" in client.get(url, {"test": "overdue"}).content.decode()


# ---- a positive result --------------------------------------------------------------------


def test_a_positive_24_hour_test_opens_the_case_path(world, areas):
    reg = register(world)
    medic = world.user("medic_a1")
    actions.record_test_task_result(
        medic, ArrivalTest.objects.get(registration=reg), result="positive"
    )
    index = IndexCase.objects.get()
    assert (index.resident, index.kind, index.community) == (
        world.resident_g1,
        "confirmed",
        world.community_a1,
    )
    alert = Alert.objects.get()
    assert (alert.resident, alert.source, alert.status) == (world.resident_g1, "positive", "open")
    assert "24-hour test" in alert.report_notes
    assert lists(world, "grid_g1")["alerts"].count == 1


def test_a_negative_24_hour_test_opens_nothing(world, areas):
    reg = register(world)
    actions.record_test_task_result(
        world.user("medic_a1"), ArrivalTest.objects.get(registration=reg), result="negative"
    )
    assert not IndexCase.objects.exists() and not Alert.objects.exists()


def test_a_positive_certificate_is_registered_and_opens_the_case_path(world, areas):
    reg = register(world, certificate=CertificateInput(D(2024, 1, 19), "positive"))
    assert reg.status == "confirmed" and reg.cert_result == "positive"
    assert IndexCase.objects.get().resident == world.resident_g1
    alert = Alert.objects.get()
    assert (alert.resident, alert.source) == (world.resident_g1, AlertSource.POSITIVE)
    assert "Positive test certificate" in alert.report_notes


def self_registration(world, **kw):
    link = RegistrationLink.objects.create(grid=world.grid_g1, token="t" * 20)
    return actions.self_register(
        link,
        arrival(**kw),
        name="钱返乡",
        id_number="110101199003074514",
        phone="13700001111",
        address="3栋1单元101",
        submitted_from="x",
    )


def test_a_self_registration_with_a_positive_certificate_alerts_at_once_and_once(world, areas):
    reg = self_registration(world, certificate=CertificateInput(D(2024, 1, 19), "positive"))
    alert = Alert.objects.get()
    assert (alert.resident, alert.person_name, alert.place, alert.grid) == (
        None,
        "钱返乡",
        "3栋1单元101",
        world.grid_g1,
    )
    household = world.household_g1
    actions.confirm_registration(world.user("grid_g1"), reg, household=household)
    assert IndexCase.objects.get().name == "钱返乡"
    assert Alert.objects.count() == 1  # the alert of the submission, not a second one


# ---- symptoms at registration -------------------------------------------------------------


def test_symptoms_given_at_registration_raise_an_alert(world, areas):
    register(world, symptoms=["腹泻", "头晕"])
    alert = Alert.objects.get()
    assert (alert.resident, alert.source) == (world.resident_g1, "registration")
    assert alert.symptoms == ["腹泻", "头晕"]
    review = SymptomReview.objects.get()  # 头晕 is on no list: a medical worker reviews it
    assert (review.symptoms, review.alert) == (["头晕"], alert)


def test_a_self_registrations_symptoms_alert_the_team_before_confirmation(world, areas):
    self_registration(world, symptoms=["发热"])
    alert = Alert.objects.get()
    assert (alert.person_name, alert.person_phone, alert.source) == (
        "钱返乡",
        "13700001111",
        "registration",
    )
    assert lists(world, "grid_g1")["alerts"].count == 1


def test_no_symptoms_no_alert(world, areas):
    register(world)
    assert not Alert.objects.exists() and not SymptomReview.objects.exists()


def test_the_medical_worker_records_a_positive_and_lands_on_the_index_case(client, world, areas):
    reg = register(world)
    client.force_login(world.user("medic_a1"))
    response = client.post(reverse("screening:test_result", args=[reg.pk]), {"result": "positive"})
    index = IndexCase.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("quarantine:index_detail", args=[index.pk])
    assert Alert.objects.get().source == "positive"
