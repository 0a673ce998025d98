"""The public self-registration page behind a grid's QR code: no account, rate-limited per
client address, lands PENDING in the grid."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from fangkong.core.models import AuditEntry
from fangkong.health.models import Alert
from fangkong.screening import actions
from fangkong.screening.models import Observation, Registration, Stay

from .test_views import travel_post

pytestmark = pytest.mark.usefixtures("frozen")


@pytest.fixture
def link(world):
    return actions.live_link(world.user("grid_g1"), world.grid_g1)


def url(link) -> str:
    return reverse("screening:public_register", args=[link.token])


def person_post(**overrides) -> dict[str, str]:
    data = travel_post(
        name="赵返乡",
        id_number="110105199003030015",
        phone="13900001111",
        address="1栋1单元101",
        symptoms="干咳",
    )
    data.update(overrides)
    return data


def written() -> tuple[int, int, int, int]:
    return (
        Registration.objects.count(),
        Stay.objects.count(),
        Observation.objects.count(),
        AuditEntry.objects.count(),
    )


def test_the_page_opens_without_an_account_and_offers_five_travel_rows(client, link):
    response = client.get(url(link))
    assert response.status_code == 200
    html = response.content.decode()
    for i in range(5):
        assert f'name="stays-{i}-place"' in html
    assert "干咳" in html  # the policy's symptom list
    assert str(link.grid.name) in html


def test_an_unknown_or_revoked_code_is_not_found(client, world, link):
    assert client.get(reverse("screening:public_register", args=["nope"])).status_code == 404
    actions.rotate_link(world.user("grid_g1"), world.grid_g1)
    assert client.get(url(link)).status_code == 404


def test_a_returnee_registers_and_lands_pending_in_the_grid(client, world, link, areas):
    response = client.post(url(link), person_post(), REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 302
    assert response["Location"] == reverse("screening:public_thanks", args=[link.token])
    reg = Registration.objects.get()
    assert (reg.status, reg.source, reg.grid_id, reg.link_id) == (
        "pending",
        "self",
        world.grid_g1.pk,
        link.pk,
    )
    assert reg.level == "" and reg.symptoms == ["干咳"]
    assert len(reg.submitted_from) == 64 and "10.1.2.3" not in reg.submitted_from
    assert list(reg.observations.values_list("kind", "source")) == [
        ("health_code", "self"),
        ("trip_card", "self"),
    ]
    thanks = client.get(response["Location"]).content.decode()
    assert "grid worker will call you" in thanks


def test_the_same_address_hashes_alike_and_different_addresses_differ(client, link, areas):
    client.post(url(link), person_post(), REMOTE_ADDR="10.1.2.3")
    client.post(url(link), person_post(id_number="110105199003030023"), REMOTE_ADDR="10.1.2.3")
    client.post(url(link), person_post(id_number="110105199003030031"), REMOTE_ADDR="10.9.9.9")
    hashes = list(Registration.objects.order_by("id").values_list("submitted_from", flat=True))
    assert hashes[0] == hashes[1] != hashes[2]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"stays-0-place": "火星省奥林匹斯市"}, "火星省奥林匹斯市"),
        ({"id_number": "110105199003030014"}, "check digit"),
        ({"arrival_date": "2024-01-30"}, "in the future"),
        ({"cert_date": "2024-01-22", "cert_result": "negative"}, "dated after the arrival date"),
        (
            {
                "stays-1-place": "北京市朝阳区",
                "stays-1-start": "2024-01-16",
                "stays-1-end": "2024-01-18",
            },
            "overlap",
        ),
        ({"stays-0-end": ""}, "Give the last day there."),
        ({"address": ""}, "This field is required."),
    ],
)
def test_bad_input_is_shown_again_with_a_message_and_nothing_is_written(
    client, link, areas, overrides, message
):
    before = written()
    response = client.post(url(link), person_post(**overrides))
    assert response.status_code == 422
    assert message in response.content.decode()
    assert written() == before


def test_a_flood_from_one_address_is_refused_with_429_and_nothing_written(
    client, link, areas, settings
):
    settings.FANGKONG_SELF_REGISTRATION_RATE = "3/h"
    for n in ("110105199003030015", "110105199003030023", "110105199003030031"):
        assert (
            client.post(url(link), person_post(id_number=n), REMOTE_ADDR="10.0.0.7").status_code
            == 302
        )
    before = written()
    flood = client.post(
        url(link), person_post(id_number="11010519900303004X"), REMOTE_ADDR="10.0.0.7"
    )
    assert flood.status_code == 429
    html = flood.content.decode()
    assert "Too many registrations" in html
    # The window is the clock hour: at 09:30 local the address may send again at 10:00.
    assert "after 10:00 (in about 30 minutes)" in html
    # What was typed stays on the page, ready to be sent again.
    assert 'value="11010519900303004X"' in html and 'value="赵返乡"' in html
    assert written() == before
    # Another address is not held back by it.
    other = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert (
        other.post(
            url(link), person_post(id_number="11010519900303004X"), REMOTE_ADDR="10.0.0.8"
        ).status_code
        == 302
    )


def test_only_accepted_registrations_count_against_the_address(client, link, areas, settings):
    # A shared connection (a station, village Wi-Fi): typos and refused submissions must not
    # use up the allowance, or a few mistakes would lock everyone behind it out.
    settings.FANGKONG_SELF_REGISTRATION_RATE = "2/h"
    for _ in range(5):
        typo = client.post(url(link), person_post(id_number="110105199003030014"))
        assert typo.status_code == 422
        added = client.post(url(link), person_post(add_row="1"))
        assert added.status_code == 200
    first = client.post(url(link), person_post())
    assert first.status_code == 302
    # One refused by the action (a place it cannot find) gives its use back.
    refused = client.post(url(link), person_post(**{"stays-0-place": "火星省奥林匹斯市"}))
    assert refused.status_code == 422
    second = client.post(url(link), person_post(id_number="110105199003030023"))
    assert second.status_code == 302
    third = client.post(url(link), person_post(id_number="110105199003030031"))
    assert third.status_code == 429
    assert Registration.objects.count() == 2


def test_the_allowance_comes_back_when_the_hour_is_over(client, link, areas, settings, frozen):
    settings.FANGKONG_SELF_REGISTRATION_RATE = "1/h"
    assert client.post(url(link), person_post()).status_code == 302
    again = person_post(id_number="110105199003030023")
    assert client.post(url(link), again).status_code == 429
    frozen.shift(dt.timedelta(minutes=31))
    assert client.post(url(link), again).status_code == 302


def test_another_travel_row_can_be_added_on_the_phone_without_javascript(client, link):
    response = client.post(url(link), person_post(add_row="1"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="stays-5-place"' in html and 'value="赵返乡"' in html
    assert not Registration.objects.exists()


def test_guessing_registration_links_is_refused_from_that_address_but_not_the_genuine_one(
    client, link, settings
):
    settings.FANGKONG_REPORT_RATE = "3/min"
    guesses = [
        client.get(reverse("screening:public_register", args=[f"guess{i}"])).status_code
        for i in range(5)
    ]
    assert guesses == [404, 404, 404, 429, 429]
    assert client.get(url(link)).status_code == 200
    thanks = reverse("screening:public_thanks", args=[link.token])
    assert client.get(thanks).status_code == 200


def test_a_positive_certificate_is_taken_and_the_team_alerted(client, link, areas):
    response = client.post(url(link), person_post(cert_date="2024-01-20", cert_result="positive"))
    assert response.status_code == 302
    alert = Alert.objects.get()
    assert (alert.source, alert.grid_id) == ("positive", link.grid_id)
