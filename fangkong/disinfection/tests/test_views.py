"""The disinfection pages: who sees and records, other communities 404, the forms' refusals."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from fangkong.conftest import ensure_default_policy
from fangkong.disinfection import actions
from fangkong.disinfection.models import Entry, Place
from fangkong.supplies.models import Movement
from fangkong.supplies.tests.helpers import balance, kind, lot

pytestmark = pytest.mark.django_db


@pytest.fixture
def lift(world):
    ensure_default_policy()
    return actions.save_place(world.user("leader_a1"), world.community_a1, name="电梯", kind="lift")


def login(client, world, key):
    client.force_login(world.user(key))
    return client


@pytest.mark.parametrize(
    "key", ["leader_a1", "office_a1", "grid_g1", "grid_g2", "medic_a1", "volunteer_a1"]
)
def test_the_day_page_for_those_who_see_the_log(client, world, lift, key):
    page = login(client, world, key).get(reverse("disinfection:today"))
    assert page.status_code == 200
    assert "电梯" in page.content.decode()


def test_the_day_page_is_refused_to_the_police(client, world, lift):
    assert login(client, world, "police_a1").get(reverse("disinfection:today")).status_code == 403


@pytest.mark.parametrize("key", ["leader_a2", "admin_b"])
def test_another_communitys_places_are_404(client, world, lift, key):
    c = login(client, world, key)
    assert (
        c.get(reverse("disinfection:today") + f"?community={world.community_a1.pk}").status_code
        == 404
    )
    if key == "admin_b":
        assert c.get(reverse("disinfection:record", args=[lift.pk])).status_code == 404


def test_a_volunteer_records_with_the_agent_from_the_stock(client, world, lift):
    agent = lot(world, 5, item=kind(world, "84消毒液", unit="升", is_agent=True), batch="D")
    c = login(client, world, "volunteer_a1")
    when = timezone.localtime().replace(second=0, microsecond=0) - dt.timedelta(minutes=30)
    response = c.post(
        reverse("disinfection:record", args=[lift.pk]),
        {"done_at": when.strftime("%Y-%m-%dT%H:%M"), "agent": agent.pk, "amount": "0.5"},
    )
    assert response.status_code == 302
    assert Entry.objects.get().movement == Movement.objects.get(direction="out")
    assert balance(agent) == 4.5


def test_an_entry_in_the_future_on_the_form_writes_nothing(client, world, lift):
    c = login(client, world, "guard_a1")
    when = timezone.localtime() + dt.timedelta(hours=3)
    response = c.post(
        reverse("disinfection:record", args=[lift.pk]), {"done_at": when.strftime("%Y-%m-%dT%H:%M")}
    )
    assert response.status_code == 422
    assert "cannot be recorded in the future" in response.content.decode()
    assert not Entry.objects.exists()


def test_only_managers_add_places_and_retiring_asks_first(client, world, lift):
    c = login(client, world, "volunteer_a1")
    assert (
        c.post(reverse("disinfection:places"), {"name": "东门", "kind": "gate"}).status_code == 403
    )
    c = login(client, world, "leader_a1")
    assert (
        c.post(reverse("disinfection:places"), {"name": "东门", "kind": "gate"}).status_code == 302
    )
    assert Place.objects.get(name="东门").category == "key"
    url = reverse("disinfection:retire", args=[lift.pk])
    assert c.post(url).status_code == 200
    assert Place.objects.active().filter(pk=lift.pk).exists()
    assert c.post(url, {"confirm": "1"}).status_code == 302
    assert not Place.objects.active().filter(pk=lift.pk).exists()
