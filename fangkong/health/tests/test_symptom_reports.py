"""Symptom reports for anyone (plan 三(五)4, issue 12 item 2): a resident who is not in
quarantine, or someone without a resident record, reported by staff or through a grid's
public page; every report raises an alert that goes through the alert's steps."""

from __future__ import annotations

import pytest
from django.urls import reverse

from fangkong.api.tests.client import ApiClient
from fangkong.core.errors import DomainError
from fangkong.core.models import AuditAction, AuditEntry
from fangkong.health import actions
from fangkong.health.actions import Person
from fangkong.health.models import Alert, AlertSource, AlertStatus, SymptomReview
from fangkong.health.worklists import worklists_for
from fangkong.screening.actions import live_link

from .conftest import at

pytestmark = pytest.mark.django_db


def resident_report(resident, **kw):
    return actions.report_symptoms(
        Person.of_resident(resident),
        temperature=kw.pop("temperature", "38.4"),
        symptoms=kw.pop("symptoms", ["腹泻"]),
        source=kw.pop("source", AlertSource.STAFF),
        **kw,
    )


def visitor(world, grid=True, **kw):
    a1 = world.community_a1
    return Person(
        a1.township_id,
        a1.pk,
        world.grid_g1.pk if grid else None,
        None,
        kw.get("name", "李访客"),
        kw.get("phone", "13912345678"),
        kw.get("place", "1栋2单元301 亲戚家"),
    )


def test_a_resident_not_in_quarantine_gets_an_alert_that_goes_all_the_way_to_collection(
    world, clock
):
    grid, medic = world.user("grid_g1"), world.user("medic_a1")
    reported = resident_report(world.resident_g1, by=grid)
    alert = reported.alert
    assert alert is not None and reported.review is None
    assert (alert.resident, alert.case, alert.source) == (world.resident_g1, None, "staff")
    assert alert.temperature is not None and str(alert.temperature) == "38.4"
    assert alert.symptoms == ["腹泻"] and alert.reported_by == grid
    assert alert.escalate_at == at(minute=30)  # the policy's 30 minutes
    clock.move_to(at(minute=5))
    actions.acknowledge(alert, by=medic)
    actions.record_contact(alert, by=medic, institution="江汉区人民医院")
    clock.move_to(at(minute=40))
    actions.record_collected(alert, by=grid)
    alert.refresh_from_db()
    assert alert.status == AlertStatus.COLLECTED


def test_a_second_report_for_the_same_resident_is_added_to_the_active_alert(world):
    first = resident_report(world.resident_g1, temperature="37.8").alert
    second = resident_report(world.resident_g1, temperature="39.1", symptoms=["发热"]).alert
    assert first == second
    second.refresh_from_db()
    assert (second.readings, str(second.temperature)) == (2, "39.1")
    assert Alert.objects.filter(resident=world.resident_g1).count() == 1


def test_someone_without_a_resident_record_is_named_with_phone_and_place(world):
    alert = actions.report_symptoms(
        visitor(world), temperature="38.0", symptoms=[], source=AlertSource.STAFF
    ).alert
    assert alert is not None and alert.resident is None
    assert (alert.name, alert.place) == ("李访客", "1栋2单元301 亲戚家")
    assert alert.person_phone == "13912345678"
    assert alert.masked_person_phone == "139****5678"


@pytest.mark.parametrize(
    ("kw", "field"),
    [({"name": " "}, "name"), ({"place": ""}, "place")],
)
def test_a_visitor_report_without_name_or_place_is_refused_and_writes_nothing(world, kw, field):
    with pytest.raises(DomainError) as refused:
        actions.report_symptoms(
            visitor(world, **kw), temperature="38.5", symptoms=[], source=AlertSource.STAFF
        )
    assert field in refused.value.errors
    assert not Alert.objects.exists()


@pytest.mark.parametrize(
    ("temperature", "symptoms"), [(None, []), ("36.6", []), ("", [" "]), ("45.5", ["腹泻"])]
)
def test_a_report_without_fever_or_symptom_or_with_an_implausible_reading_raises_nothing(
    world, temperature, symptoms
):
    with pytest.raises(DomainError):
        resident_report(world.resident_g1, temperature=temperature, symptoms=symptoms)
    assert not Alert.objects.exists() and not SymptomReview.objects.exists()


def test_alerts_are_seen_in_their_jurisdiction_only(world):
    in_g1 = resident_report(world.resident_g1).alert
    no_grid = actions.report_symptoms(
        visitor(world, grid=False), temperature="38.2", symptoms=[], source=AlertSource.GATE
    ).alert
    assert in_g1 is not None and no_grid is not None
    seen = {
        key: set(Alert.objects.visible_to(world.user(key)).values_list("pk", flat=True))
        for key in ("grid_g1", "grid_g2", "medic_a1", "office_a1", "leader_a2", "admin_b")
    }
    assert seen["grid_g1"] == {in_g1.pk}
    assert seen["grid_g2"] == set()
    assert seen["medic_a1"] == seen["office_a1"] == {in_g1.pk, no_grid.pk}
    assert seen["leader_a2"] == seen["admin_b"] == set()


def test_an_unacknowledged_report_is_escalated_to_the_community_leader(world, clock):
    resident_report(world.resident_g1)
    clock.move_to(at(minute=31))
    lists = {w.key: w for w in worklists_for(world.user("leader_a1"))}
    assert lists["escalated-alerts"].count == 1
    assert lists["escalated-alerts"].rows[0].label == world.resident_g1.name
    grid_lists = {w.key: w for w in worklists_for(world.user("grid_g1"))}
    assert grid_lists["alerts"].count == 1


def test_a_visitors_alert_shows_on_the_worklist_by_name(world):
    actions.report_symptoms(
        visitor(world), temperature="38.2", symptoms=[], source=AlertSource.STAFF
    )
    lists = {w.key: w for w in worklists_for(world.user("medic_a1"))}
    assert [r.label for r in lists["alerts"].rows] == ["李访客"]


# ---- the staff page -------------------------------------------------------------------------


URL = "health:symptom_report"


@pytest.mark.parametrize("key", ["grid_g1", "medic_a1", "office_a1", "leader_a1"])
def test_staff_who_handle_alerts_report_for_a_resident_not_in_quarantine(client, world, key):
    client.force_login(world.user(key))
    url = reverse(URL) + f"?resident={world.resident_g1.pk}"
    assert client.get(url).status_code == 200
    response = client.post(
        reverse(URL),
        {"resident": world.resident_g1.pk, "temperature": "38.6", "symptoms": ["腹泻"]},
    )
    alert = Alert.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("health:alert_detail", args=[alert.pk])
    assert (alert.resident, alert.source, alert.reported_by) == (
        world.resident_g1,
        "staff",
        world.user(key),
    )


@pytest.mark.parametrize("key", ["guard_a1", "volunteer_a1", "police_a1"])
def test_roles_that_handle_no_alerts_cannot_open_the_report_page(client, world, key):
    client.force_login(world.user(key))
    assert client.get(reverse(URL)).status_code == 403
    response = client.post(reverse(URL), {"resident": world.resident_g1.pk, "temperature": "38.6"})
    assert response.status_code == 403
    assert not Alert.objects.exists()


@pytest.mark.parametrize(
    ("key", "resident"),
    [("grid_g2", "resident_g1"), ("leader_a2", "resident_g1"), ("admin_b", "resident_g1")],
)
def test_a_resident_outside_the_jurisdiction_is_not_found(client, world, key, resident):
    client.force_login(world.user(key))
    person = getattr(world, resident)
    assert client.get(reverse(URL) + f"?resident={person.pk}").status_code == 404
    response = client.post(reverse(URL), {"resident": person.pk, "temperature": "38.6"})
    assert response.status_code == 404
    assert not Alert.objects.exists()


def test_the_page_finds_residents_by_name_in_the_jurisdiction(client, world):
    client.force_login(world.user("grid_g1"))
    html = client.get(reverse(URL), {"q": world.resident_g1.name[:1]}).content.decode()
    assert f"?resident={world.resident_g1.pk}" in html
    assert f"?resident={world.resident_g2.pk}" not in html  # another grid


def test_staff_report_a_visitor_with_name_phone_and_place(client, world):
    client.force_login(world.user("grid_g1"))
    response = client.post(
        reverse(URL),
        {
            "visitor": "1",
            "name": "李访客",
            "phone": "139 1234 5678",
            "place": "1栋2单元301",
            "temperature": "38.9",
        },
    )
    alert = Alert.objects.get()
    assert response.status_code == 302
    assert (alert.resident, alert.person_name, alert.person_phone) == (
        None,
        "李访客",
        "13912345678",
    )
    assert alert.grid == world.grid_g1  # the grid worker's own grid


def test_a_visitor_report_missing_the_phone_is_shown_again_and_writes_nothing(client, world):
    client.force_login(world.user("medic_a1"))
    response = client.post(
        reverse(URL), {"visitor": "1", "name": "李访客", "place": "门口", "temperature": "38.9"}
    )
    assert response.status_code == 422
    assert "Enter a phone number the team can call." in response.content.decode()
    assert not Alert.objects.exists()


def test_the_visitors_phone_is_masked_until_revealed_and_the_reveal_is_audited(client, world):
    alert = actions.report_symptoms(
        visitor(world), temperature="38.2", symptoms=[], source=AlertSource.STAFF
    ).alert
    assert alert is not None
    client.force_login(world.user("medic_a1"))
    page = client.get(reverse("health:alert_detail", args=[alert.pk])).content.decode()
    assert "139****5678" in page and "13912345678" not in page
    revealed = client.post(reverse("health:alert_reveal", args=[alert.pk])).content.decode()
    assert "13912345678" in revealed
    assert AuditEntry.objects.filter(
        action=AuditAction.REVEAL, target_type="health.alert", target_id=str(alert.pk)
    ).exists()
    client.force_login(world.user("guard_a1"))
    assert client.post(reverse("health:alert_reveal", args=[alert.pk])).status_code == 403


# ---- the public page ------------------------------------------------------------------------


@pytest.fixture
def public_url(world) -> str:
    return reverse("health:public_symptoms", args=[live_link(None, world.grid_g1).token])


def public_post(**overrides: str) -> dict[str, str]:
    return {
        "name": "赵居民",
        "phone": "13800001111",
        "place": "2栋1单元502",
        "temperature": "38.3",
        "other_symptoms": "",
        **overrides,
    }


def test_anyone_reports_through_the_grids_public_page_without_an_account(client, world, public_url):
    assert client.get(public_url).status_code == 200
    response = client.post(public_url, public_post(symptoms="腹泻"))
    assert response.status_code == 302
    alert = Alert.objects.get()
    assert (alert.source, alert.grid, alert.community) == (
        "public",
        world.grid_g1,
        world.community_a1,
    )
    assert alert.reported_by is None and alert.person_name == "赵居民"
    page = client.get(public_url).content.decode()
    assert "Do not go to hospital on your own" in page


def test_an_unknown_public_link_is_not_found(client, world):
    assert client.get(reverse("health:public_symptoms", args=["nope"])).status_code == 404


def test_only_accepted_public_reports_count_against_the_address(
    client, world, public_url, settings
):
    settings.FANGKONG_SELF_REGISTRATION_RATE = "2/h"
    for _ in range(4):  # typos: refused, not counted
        assert client.post(public_url, public_post(phone="123")).status_code == 422
    assert client.post(public_url, public_post()).status_code == 302
    assert client.post(public_url, public_post(name="钱二")).status_code == 302
    assert client.post(public_url, public_post(name="孙三")).status_code == 429
    assert Alert.objects.count() == 2


def test_guessing_public_links_is_refused_from_that_address(client, world, settings):
    settings.FANGKONG_REPORT_RATE = "2/min"
    for n in range(2):
        assert client.get(reverse("health:public_symptoms", args=[f"x{n}"])).status_code == 404
    assert client.get(reverse("health:public_symptoms", args=["x9"])).status_code == 429


# ---- the API --------------------------------------------------------------------------------


def api(world, key):
    client = ApiClient(world.user(key))
    client.client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def test_the_api_reports_for_a_resident_not_in_quarantine(world):
    response = api(world, "medic_a1").post(
        "/alerts/report",
        {"resident_id": world.resident_g1.pk, "temperature": 38.2, "symptoms": ["头晕"]},
    )
    assert response.status_code == 201
    body = response.json()
    alert = Alert.objects.get(pk=body["alert_id"])
    assert (alert.resident, alert.source) == (world.resident_g1, "staff")
    assert SymptomReview.objects.get(pk=body["review_id"]).symptoms == ["头晕"]
    shown = api(world, "medic_a1").get(f"/alerts/{alert.pk}").json()
    assert (shown["resident"], shown["source"], shown["case"]) == (
        world.resident_g1.pk,
        "staff",
        None,
    )


def test_the_api_reports_a_visitor_in_a_grid_of_the_jurisdiction(world):
    response = api(world, "office_a1").post(
        "/alerts/report",
        {
            "name": "李访客",
            "phone": "139-1234-5678",
            "place": "2栋",
            "grid_id": world.grid_g2.pk,
            "temperature": 38.9,
        },
    )
    assert response.status_code == 201
    alert = Alert.objects.get()
    assert (alert.grid, alert.person_phone, alert.resident) == (world.grid_g2, "13912345678", None)
    assert api(world, "office_a1").get(f"/alerts/{alert.pk}").json()["resident"] is None


@pytest.mark.parametrize(
    ("key", "payload", "status"),
    [
        ("guard_a1", {"resident_id": "g1", "temperature": 38.5}, 403),
        ("police_a1", {"resident_id": "g1", "temperature": 38.5}, 403),
        ("grid_g2", {"resident_id": "g1", "temperature": 38.5}, 422),  # not in their grid
        ("admin_b", {"resident_id": "g1", "temperature": 38.5}, 422),
        ("medic_a1", {"resident_id": "g1", "temperature": 36.5}, 422),  # nothing to report
        ("medic_a1", {"name": "甲", "place": "门口", "temperature": 38.5}, 422),  # no phone
        (
            "leader_a2",
            {
                "name": "甲",
                "phone": "13912345678",
                "place": "门口",
                "grid_id": "g1",
                "temperature": 38.5,
            },
            422,
        ),
    ],
)
def test_the_api_refuses_without_writing(world, key, payload, status):
    ids = {"g1": world.resident_g1.pk}
    body = dict(payload)
    if body.get("resident_id") == "g1":
        body["resident_id"] = ids["g1"]
    if body.get("grid_id") == "g1":
        body["grid_id"] = world.grid_g1.pk
    response = api(world, key).post("/alerts/report", body)
    assert response.status_code == status
    assert not Alert.objects.exists() and not SymptomReview.objects.exists()
