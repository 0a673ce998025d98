"""Staff pages: the quick-entry list, one person's check-in, the case page's panel, alerts and
their steps, personal report links. Access for every role and jurisdiction; forms that work
with htmx and without JavaScript."""

import re
from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

from fangkong.health import actions
from fangkong.health.models import Alert, AlertStatus, CheckIn, CheckInVia, ReportLink

from .conftest import at

pytestmark = pytest.mark.django_db

LIST = reverse("health:checkin_list")
ALERTS = reverse("health:alert_list")


def login(client, world, key):
    client.force_login(world.user(key))
    return client


def entry(case):
    return reverse("health:checkin_record", args=[case.pk])


def reading(case, temperature="36.6", symptoms=(), **extra):
    prefix = f"c{case.pk}-"
    return {
        prefix + "temperature": temperature,
        prefix + "symptoms": list(symptoms),
        prefix + "other_symptoms": "",
        prefix + "slot": "",
        **extra,
    }


def raise_alert(case, temperature="38.5"):
    return actions.record_checkin(case, case.resident, temperature, [], via=CheckInVia.LINK).alert


# ---- quick entry ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("user", "shown", "hidden"),
    [
        ("grid_g1", ["张三丰"], ["王二小"]),
        ("grid_g2", ["王二小"], ["张三丰"]),
        ("medic_a1", ["张三丰", "王二小"], []),
        ("leader_a1", ["张三丰", "王二小"], []),
        ("leader_a2", [], ["张三丰", "王二小"]),
        ("admin_a", ["张三丰", "王二小"], []),
        ("admin_b", [], ["张三丰", "王二小"]),
    ],
)
def test_the_quick_entry_list_shows_the_people_in_quarantine_of_the_jurisdiction(
    client, world, case_g1, case_g2, user, shown, hidden
):
    response = login(client, world, user).get(LIST)
    html = response.content.decode()

    assert response.status_code == 200
    for name in shown:
        assert name in html
    for name in hidden:
        assert name not in html


@pytest.mark.parametrize("user", ["police_a1", "guard_a1", "volunteer_a1"])
def test_roles_without_health_records_may_not_open_check_in_pages(client, world, case_g1, user):
    c = login(client, world, user)

    assert c.get(LIST).status_code == 403
    assert c.get(ALERTS).status_code == 403
    assert c.get(entry(case_g1)).status_code == 403
    assert c.post(entry(case_g1), reading(case_g1)).status_code == 403
    assert not CheckIn.objects.exists()


def test_the_list_shows_todays_checks_and_can_show_only_those_still_missing(
    client, world, case_g1, in_quarantine
):
    spouse = in_quarantine(world.resident_g1_spouse)
    for slot in (1, 2):
        actions.record_checkin(spouse, spouse.resident, "36.5", [], via=CheckInVia.STAFF, slot=slot)
    c = login(client, world, "grid_g1")

    everyone = c.get(LIST).content.decode()
    missing = c.get(LIST, {"missing": "1"}).content.decode()

    assert "张三丰" in everyone and "李秀英" in everyone
    assert "2 of 2 checks today" in everyone and "0 of 2 checks today" in everyone
    assert "张三丰" in missing and "李秀英" not in missing


def test_the_list_stays_within_its_query_budget(
    client, world, in_quarantine, django_assert_max_num_queries
):
    for resident in (world.resident_g1, world.resident_g1_spouse):
        case = in_quarantine(resident)
        actions.record_checkin(case, resident, "36.5", [], via=CheckInVia.STAFF)
    c = login(client, world, "grid_g1")
    c.get(LIST)

    with django_assert_max_num_queries(8):
        c.get(LIST)


def test_a_reading_entered_without_javascript_is_saved_and_the_worker_sent_back(
    client, world, case_g1
):
    c = login(client, world, "grid_g1")

    response = c.post(entry(case_g1), reading(case_g1, "36.8", ["乏力"], next=LIST))

    assert response.status_code == 302 and response["Location"] == LIST
    checkin = CheckIn.objects.get()
    assert checkin.reported_by == world.user("grid_g1") and checkin.via == CheckInVia.STAFF
    assert checkin.symptoms == ["乏力"] and checkin.alert is not None
    assert "It raised an alert" in c.get(LIST).content.decode()


def test_an_htmx_reading_from_the_list_swaps_the_persons_row(client, world, case_g1):
    c = login(client, world, "grid_g1")

    response = c.post(
        entry(case_g1),
        {**reading(case_g1, "36.4"), "origin": "list"},
        headers={"HX-Request": "true"},
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith(
        f'<section class="card checkin-row" id="checkin-case-{case_g1.pk}"'
    )
    assert "Recorded: 36.4 °C." in html and "<html" not in html


def test_entering_a_check_already_recorded_says_so_and_keeps_the_first(client, world, case_g1):
    c = login(client, world, "grid_g1")
    c.post(entry(case_g1), reading(case_g1, "36.4", next=LIST))
    c.get(LIST)

    plain = c.post(entry(case_g1), reading(case_g1, "38.8", next=LIST))
    htmx = c.post(
        entry(case_g1),
        {**reading(case_g1, "39.0"), "origin": "list"},
        headers={"HX-Request": "true"},
    )

    assert plain.status_code == 302
    assert "already recorded for 张三丰 (36.4 °C)" in c.get(LIST).content.decode()
    assert htmx.status_code == 200
    assert "already recorded (36.4 °C); nothing was changed" in htmx.content.decode()
    assert list(CheckIn.objects.values_list("temperature", flat=True)) == [Decimal("36.4")]
    assert not Alert.objects.exists()


def test_an_implausible_reading_shows_the_message_on_the_form_and_writes_nothing(
    client, world, case_g1
):
    c = login(client, world, "grid_g1")

    plain = c.post(entry(case_g1), reading(case_g1, "3.65"))
    htmx = c.post(
        entry(case_g1),
        {**reading(case_g1, "436"), "origin": "list"},
        headers={"HX-Request": "true"},
    )

    assert plain.status_code == 422 and htmx.status_code == 422
    assert "3.6 °C is not a plausible body temperature" not in plain.content.decode()
    assert "3.65 °C is not a plausible body temperature" in plain.content.decode()
    assert "436 °C is not a plausible body temperature" in htmx.content.decode()
    assert not CheckIn.objects.exists()


def test_a_worker_of_another_grid_cannot_record_for_the_person(client, world, case_g1):
    assert login(client, world, "grid_g2").post(entry(case_g1), reading(case_g1)).status_code == 404
    assert login(client, world, "admin_b").post(entry(case_g1), reading(case_g1)).status_code == 404
    assert (
        login(client, world, "medic_a1").post(entry(case_g1), reading(case_g1)).status_code == 302
    )
    assert CheckIn.objects.count() == 1


# ---- the case page's panel ------------------------------------------------------------------


def render_panel(world, case, user="grid_g1"):
    request = RequestFactory().get(f"/quarantine/cases/{case.pk}/")
    request.user = world.user(user)
    return render_to_string(
        "health/_case_checkins.html", {"case": case, "user": request.user}, request=request
    )


def test_the_case_panel_shows_recent_check_ins_the_active_alert_and_a_form(world, case_g1):
    actions.record_checkin(case_g1, case_g1.resident, "36.5", [], via=CheckInVia.STAFF, slot=2)
    alert = raise_alert(case_g1, "38.3")

    html = render_panel(world, case_g1)

    assert 'id="case-checkins"' in html
    assert "36.5 °C" in html and "38.3 °C" in html
    assert reverse("health:alert_detail", args=[alert.pk]) in html
    assert f'action="{entry(case_g1)}"' in html
    assert reverse("health:household_links", args=[world.household_g1.pk]) in html
    assert "2 of 2 checks today" in html


def test_the_case_panel_shows_nothing_to_a_role_without_health_records(world, case_g1):
    actions.record_checkin(case_g1, case_g1.resident, "36.5", [], via=CheckInVia.STAFF)

    assert render_panel(world, case_g1, "police_a1").strip() == ""
    assert "36.5 °C" in render_panel(world, case_g1, "medic_a1")


def test_a_reading_from_the_case_panel_with_htmx_swaps_the_panel(client, world, case_g1):
    c = login(client, world, "medic_a1")

    response = c.post(
        entry(case_g1),
        {**reading(case_g1, "37.6"), "origin": "case", "next": "/quarantine/cases/1/"},
        headers={"HX-Request": "true"},
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section class="card" id="case-checkins">')
    assert "It raised an alert." in html
    assert 'value="/quarantine/cases/1/"' in html


def test_an_unsafe_next_address_is_ignored(client, world, case_g1):
    response = login(client, world, "grid_g1").post(
        entry(case_g1), reading(case_g1, next="https://evil.example/")
    )

    assert response.status_code == 302 and response["Location"] == entry(case_g1)


# ---- alerts ----------------------------------------------------------------------------------


def test_the_alert_list_puts_escalated_alerts_first_and_highlights_them(
    client, world, case_g1, in_quarantine, clock
):
    first = raise_alert(case_g1)
    clock.move_to(at(minute=40))
    second = raise_alert(in_quarantine(world.resident_g1_spouse))

    html = login(client, world, "medic_a1").get(ALERTS).content.decode()

    assert html.index("张三丰") < html.index("李秀英")
    assert html.count('class="escalated"') == 1
    assert f"/health/alerts/{first.pk}/" in html and f"/health/alerts/{second.pk}/" in html


def test_the_alert_list_is_scoped_and_within_its_query_budget(
    client, world, case_g1, case_g2, django_assert_max_num_queries
):
    raise_alert(case_g1)
    raise_alert(case_g2)
    c = login(client, world, "grid_g1")
    c.get(ALERTS)

    with django_assert_max_num_queries(6):
        html = c.get(ALERTS).content.decode()
    assert "张三丰" in html and "王二小" not in html
    assert "张三丰" not in login(client, world, "admin_b").get(ALERTS).content.decode()


def test_the_alert_page_is_404_outside_the_jurisdiction(client, world, case_g1):
    alert = raise_alert(case_g1)
    url = reverse("health:alert_detail", args=[alert.pk])

    assert login(client, world, "grid_g1").get(url).status_code == 200
    assert login(client, world, "medic_a1").get(url).status_code == 200
    assert login(client, world, "grid_g2").get(url).status_code == 404
    assert login(client, world, "admin_b").get(url).status_code == 404
    assert login(client, world, "police_a1").get(url).status_code == 403


def test_the_team_works_an_alert_through_its_steps_from_the_page(client, world, case_g1):
    alert = raise_alert(case_g1)
    page = reverse("health:alert_detail", args=[alert.pk])
    c = login(client, world, "medic_a1")

    html = c.get(page).content.decode()
    assert "must never travel there on their own" in html
    assert 'id="acknowledge"' in html

    def step(name, data=None):
        response = c.post(reverse(f"health:alert_{name}", args=[alert.pk]), data or {})
        assert response.status_code == 302, response.content.decode()
        return c.get(page).content.decode()

    assert 'id="contact"' in step("acknowledge")
    assert 'id="collected"' in step("contact", {"institution": "江汉区人民医院"})
    assert 'id="close"' in step("collected")
    html = step("close", {"outcome": "hospitalised", "notes": "收治"})
    alert.refresh_from_db()
    assert alert.status == AlertStatus.CLOSED
    assert "江汉区人民医院" in html and 'id="close"' not in html


def test_a_second_acknowledgement_on_the_page_says_who_was_first(client, world, case_g1, clock):
    alert = raise_alert(case_g1)
    clock.move_to(at(minute=3))
    actions.acknowledge(alert, by=world.user("grid_g1"))

    response = login(client, world, "medic_a1").post(
        reverse("health:alert_acknowledge", args=[alert.pk])
    )

    assert response.status_code == 422
    assert "already acknowledged by grid_g1 at 08:03" in response.content.decode()


def test_a_step_with_a_missing_field_shows_it_on_the_form(client, world, case_g1):
    alert = raise_alert(case_g1)
    c = login(client, world, "medic_a1")

    response = c.post(reverse("health:alert_contact", args=[alert.pk]), {"institution": ""})

    assert response.status_code == 422
    assert "Name the medical institution" in response.content.decode()
    alert.refresh_from_db()
    assert alert.status == AlertStatus.OPEN


def test_only_holders_of_handle_alerts_see_and_use_the_steps(client, world, case_g1):
    from fangkong.core.roles import ROLE_CAPABILITIES, Role
    from fangkong.health.capabilities import HealthCapability

    assert HealthCapability.HANDLE_ALERTS in ROLE_CAPABILITIES[Role.OFFICE_STAFF]
    alert = raise_alert(case_g1)
    url = reverse("health:alert_acknowledge", args=[alert.pk])

    assert login(client, world, "grid_g2").post(url).status_code == 404
    assert login(client, world, "police_a1").post(url).status_code == 403
    assert Alert.objects.get().status == AlertStatus.OPEN


# ---- report links ----------------------------------------------------------------------------


def test_a_new_link_is_shown_once_with_a_qr_code_and_only_its_hash_is_kept(client, world, case_g1):
    c = login(client, world, "grid_g1")
    links = reverse("health:household_links", args=[world.household_g1.pk])
    assert 'id="make-link"' in c.get(links).content.decode()

    response = c.post(reverse("health:link_create", args=[world.household_g1.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    shown = re.search(r'value="http://testserver/health/h/([A-Za-z0-9_-]{43})/"', html)
    assert shown is not None
    token = shown.group(1)
    assert "<svg" in html  # the QR code, drawn in the page
    link = ReportLink.objects.get()
    assert actions.link_for_token(token) == link
    assert token not in c.get(links).content.decode()  # never shown again
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]
    assert client.get(reverse("health:report", args=[token])).status_code == 200


def test_links_are_made_and_revoked_only_inside_the_jurisdiction(client, world, case_g1):
    make = reverse("health:link_create", args=[world.household_g1.pk])

    assert login(client, world, "grid_g2").post(make).status_code == 404
    assert login(client, world, "police_a1").post(make).status_code == 403
    assert not ReportLink.objects.exists()

    login(client, world, "grid_g1").post(make)
    link = ReportLink.objects.get()
    revoke = reverse("health:link_revoke", args=[link.pk])
    assert login(client, world, "grid_g2").post(revoke).status_code == 404
    assert login(client, world, "medic_a1").post(revoke).status_code == 302
    link.refresh_from_db()
    assert link.revoked_at is not None and link.revoked_by == world.user("medic_a1")


def test_no_link_for_a_household_without_anyone_in_quarantine(client, world):
    c = login(client, world, "grid_g2")

    response = c.post(reverse("health:link_create", args=[world.household_g2.pk]), follow=True)

    assert "Nobody of this household is in quarantine" in response.content.decode()
    assert not ReportLink.objects.exists()


def test_the_quarantine_case_page_carries_the_health_panel(client, world, case_g1):
    actions.record_checkin(case_g1, case_g1.resident, "36.9", [], via=CheckInVia.STAFF)

    html = (
        login(client, world, "grid_g1")
        .get(reverse("quarantine:case_detail", args=[case_g1.pk]))
        .content.decode()
    )

    assert 'id="case-checkins"' in html and "36.9 °C" in html
