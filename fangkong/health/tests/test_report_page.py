"""The personal report link: made by staff (the token shown once, only its hash kept), and
the public page a household opens with it — no account, any phone, no JavaScript."""

import hashlib
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from fangkong.core.errors import DomainError
from fangkong.core.models import AuditEntry
from fangkong.health import actions
from fangkong.health.models import Alert, CheckIn, CheckInVia, ReportLink

from .conftest import TODAY, quarantine_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def link_g1(world, case_g1) -> tuple[ReportLink, str]:
    return actions.create_report_link(world.user("grid_g1"), world.household_g1)


def page(token):
    return reverse("health:report", args=[token])


def report(client, token, case, temperature="36.6", symptoms=(), other=""):
    prefix = f"c{case.pk}-"
    return client.post(
        page(token),
        {
            "case": case.pk,
            prefix + "temperature": temperature,
            prefix + "symptoms": list(symptoms),
            prefix + "other_symptoms": other,
        },
    )


# ---- making and revoking links ---------------------------------------------------------------


def test_only_the_hash_of_the_token_is_stored(world, link_g1):
    link, token = link_g1

    assert len(token) >= 43  # 32 random bytes
    assert link.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(ReportLink.objects.values_list().get())
    assert token not in str(list(AuditEntry.objects.values_list("changes", "target_repr")))
    assert actions.link_for_token(token) == link


def test_tokens_are_unguessable_and_different_each_time(world, case_g1):
    tokens = {
        actions.create_report_link(world.user("grid_g1"), world.household_g1)[1] for _ in "ab"
    }

    assert len(tokens) == 2


def test_no_link_is_made_for_a_household_with_nobody_in_quarantine(world):
    with pytest.raises(DomainError, match="Nobody of this household is in quarantine"):
        actions.create_report_link(world.user("grid_g2"), world.household_g2)
    assert not ReportLink.objects.exists()


def test_a_revoked_link_opens_nothing_and_cannot_be_revoked_twice(world, link_g1):
    link, token = link_g1

    actions.revoke_report_link(world.user("grid_g1"), link)

    assert actions.link_for_token(token) is None
    with pytest.raises(DomainError, match="already revoked"):
        actions.revoke_report_link(world.user("grid_g1"), link)


# ---- the public page -------------------------------------------------------------------------


def test_the_page_lists_the_households_people_in_quarantine_with_masked_names(
    client, world, in_quarantine, link_g1
):
    _link, token = link_g1
    in_quarantine(world.resident_g1_spouse)

    response = client.get(page(token))
    html = response.content.decode()

    assert response.status_code == 200
    assert "张**" in html and "李**" in html
    assert "张三丰" not in html and "李秀英" not in html
    assert world.resident_g1.doc_number not in html and world.resident_g1.phone not in html
    assert html.count('name="case"') == 2
    assert "<script" not in html.split("</head>")[1]  # works without JavaScript
    assert response["Referrer-Policy"] == "same-origin"
    assert "no-store" in response["Cache-Control"]


def test_a_person_of_the_household_reports_and_the_page_shows_the_check_as_done(
    client, world, case_g1, link_g1
):
    link, token = link_g1

    response = report(client, token, case_g1, "36.7", other="头痛")

    assert response.status_code == 302 and response["Location"] == page(token)
    checkin = CheckIn.objects.get()
    assert (checkin.case, checkin.slot, checkin.date) == (case_g1, 1, TODAY)
    assert checkin.via == CheckInVia.LINK and checkin.link == link
    assert checkin.reported_by is None
    assert checkin.symptoms == ["头痛"]
    html = client.get(page(token)).content.decode()
    assert "Reported for 张**" in html
    assert "36.7 °C" in html
    link.refresh_from_db()
    assert link.last_used_at is not None


def test_reporting_the_same_check_again_says_it_was_already_recorded_and_keeps_the_first(
    client, world, case_g1, link_g1
):
    _link, token = link_g1
    report(client, token, case_g1, "36.7")
    client.get(page(token))  # the first answer read

    again = report(client, token, case_g1, "38.6", symptoms=["干咳"])

    assert again.status_code == 302
    html = client.get(page(token)).content.decode()
    assert "already recorded for 张**" in html and "Reported for" not in html
    assert list(CheckIn.objects.values_list("temperature", flat=True)) == [Decimal("36.7")]
    assert not Alert.objects.exists()


def test_the_head_of_the_household_reports_for_a_dependant(client, world, in_quarantine, link_g1):
    _link, token = link_g1
    spouse_case = in_quarantine(world.resident_g1_spouse)

    report(client, token, spouse_case, "38.1", symptoms=["干咳"])

    assert CheckIn.objects.get().resident == world.resident_g1_spouse
    alert = Alert.objects.get()
    assert alert.resident == world.resident_g1_spouse
    html = client.get(page(token)).content.decode()
    assert "Do not go to the hospital on your own" in html


def test_another_households_case_is_refused_on_the_page(client, world, case_g1, case_g2, link_g1):
    _link, token = link_g1

    response = report(client, token, case_g2, "36.5")

    assert response.status_code == 302
    assert not CheckIn.objects.exists()
    assert "王**" not in client.get(page(token)).content.decode()


def test_the_action_refuses_a_link_of_another_household(world, case_g1, case_g2, link_g1):
    link, _token = link_g1

    with pytest.raises(DomainError, match="does not belong to the household"):
        actions.record_checkin(
            case_g2, case_g2.resident, "36.5", [], link=link, via=CheckInVia.LINK
        )
    assert not CheckIn.objects.exists()


def test_an_implausible_temperature_gets_a_clear_message_and_nothing_is_written(
    client, case_g1, link_g1
):
    _link, token = link_g1

    response = report(client, token, case_g1, "98.6")

    assert response.status_code == 422
    html = response.content.decode()
    assert "98.6 °C is not a plausible body temperature" in html
    assert not CheckIn.objects.exists()
    response = report(client, token, case_g1, "高烧")
    assert response.status_code == 422
    assert "Enter the temperature as a number" in response.content.decode()


@pytest.mark.parametrize("token", ["not-a-token", "x" * 43, "a" * 300])
def test_an_unknown_token_is_not_found(client, world, case_g1, token):
    assert client.get(page(token)).status_code == 404


def test_a_revoked_link_is_not_found(client, world, link_g1):
    link, token = link_g1
    actions.revoke_report_link(world.user("grid_g1"), link)

    assert client.get(page(token)).status_code == 404
    assert client.post(page(token), {}).status_code == 404


def test_a_flood_on_one_genuine_link_is_stopped_with_429(client, world, link_g1, settings):
    settings.FANGKONG_LINK_RATE = "5/min"
    _link, token = link_g1

    codes = [client.get(page(token)).status_code for _ in range(7)]

    assert codes == [200] * 5 + [429] * 2
    assert "Too many reports came from your connection" in client.get(page(token)).content.decode()


def test_guessing_tokens_counts_against_the_address(client, world, settings):
    settings.FANGKONG_REPORT_RATE = "3/min"

    codes = [client.get(page(f"guess{i}")).status_code for i in range(5)]

    assert codes == [404, 404, 404, 429, 429]
    assert client.get(page("guess9"), REMOTE_ADDR="10.0.0.9").status_code == 404  # others not


def test_guessing_from_one_address_does_not_lock_the_household_out_of_its_link(
    client, world, case_g1, link_g1, settings
):
    settings.FANGKONG_REPORT_RATE = "3/min"
    _link, token = link_g1

    guesses = [client.get(page(f"guess{i}")).status_code for i in range(10)]
    genuine = client.get(page(token))
    posted = report(client, token, case_g1)

    assert guesses[-1] == 429
    assert genuine.status_code == 200 and "Too many" not in genuine.content.decode()
    assert posted.status_code == 302 and CheckIn.objects.filter(case=case_g1).count() == 1
    assert client.get(page("guess-again")).status_code == 429  # still refused further guesses


def test_the_page_shows_todays_reported_checks(client, world, case_g1, link_g1):
    _link, token = link_g1
    actions.record_checkin(
        case_g1, case_g1.resident, "36.4", [], by=world.user("grid_g1"), via=CheckInVia.STAFF
    )

    html = client.get(page(token)).content.decode()

    assert re.search(r'class="slot done">Morning\s*<b>36.4 °C</b>', html)
    assert re.search(r'class="slot missing">Evening', html)


def test_the_page_says_so_when_nobody_is_in_quarantine_any_more(client, world, case_g1, link_g1):
    from fangkong.quarantine import actions as quarantine

    _link, token = link_g1
    quarantine.refer_to_hospital(
        case_g1, by=world.user("medic_a1"), hospital="市第一医院", reason="转诊"
    )

    html = client.get(page(token)).content.decode()

    assert "Nobody of this household is in quarantine now" in html
    assert 'name="case"' not in html


def test_a_household_in_another_township_is_just_as_separate(client, world, link_g1):
    case_b = quarantine_case(world, world.resident_b, by="admin_b")
    _link, token = link_g1

    report(client, token, case_b, "36.5")

    assert not CheckIn.objects.exists()


def test_a_link_revoked_after_the_page_was_opened_takes_no_report(world, case_g1, link_g1):
    link, _token = link_g1
    stale = ReportLink.objects.get(pk=link.pk)  # as the page loaded it
    actions.revoke_report_link(world.user("grid_g1"), link)

    with pytest.raises(DomainError, match="revoked"):
        actions.record_checkin(
            case_g1, case_g1.resident, "36.5", [], link=stale, via=CheckInVia.LINK
        )
    assert not CheckIn.objects.exists()
