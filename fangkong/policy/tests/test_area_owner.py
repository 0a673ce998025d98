"""Issue 10 item 4: a risk area is ended only by the township that entered it (or a
superuser); every reader still sees all of them."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from fangkong.api.tests.client import ApiClient
from fangkong.core.models import AuditEntry
from fangkong.core.tests.factories import UserFactory
from fangkong.policy import actions
from fangkong.policy.models import RiskArea
from fangkong.policy.tests.factories import RiskAreaFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(dt.datetime(2026, 1, 20, 9, 0), tick=False):
        yield


@pytest.fixture
def area_a(world):
    return RiskAreaFactory.create(township=world.township_a)


def login(client, world, key):
    client.force_login(world.user(key))
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def test_a_new_area_records_the_township_that_entered_it(world):
    from fangkong.policy.divisions import resolve

    area = actions.add_area(
        world.user("admin_b"),
        place=resolve("北京市朝阳区"),
        level="high",
        start=dt.date(2026, 1, 10),
    )

    assert area.township == world.township_b


def test_the_owner_township_admin_ends_its_area_on_the_page(client, world, area_a):
    c = login(client, world, "admin_a")

    assert c.get(reverse("policy:area_end", args=[area_a.pk])).status_code == 200
    response = c.post(reverse("policy:area_end", args=[area_a.pk]), {"end": "2026-01-19"})
    assert response.status_code == 200 and 'id="confirmation"' in response.content.decode()
    area_a.refresh_from_db()
    assert area_a.end is None  # asked first, nothing changed
    response = c.post(
        reverse("policy:area_end", args=[area_a.pk]), {"end": "2026-01-19", "confirm": "1"}
    )

    assert response.status_code == 302
    area_a.refresh_from_db()
    assert area_a.end == dt.date(2026, 1, 19)


def test_another_townships_admin_is_refused_on_the_page(client, world, area_a):
    c = login(client, world, "admin_b")
    before = AuditEntry.objects.count()

    assert c.get(reverse("policy:area_end", args=[area_a.pk])).status_code == 403
    response = c.post(reverse("policy:area_end", args=[area_a.pk]), {"end": "2026-01-19"})

    assert response.status_code == 403
    area_a.refresh_from_db()
    assert area_a.end is None
    assert AuditEntry.objects.count() == before


def test_the_end_button_shows_only_to_the_owner(client, world, area_a):
    end_url = reverse("policy:area_end", args=[area_a.pk])

    own = login(client, world, "admin_a").get(reverse("policy:area_list"))
    assert end_url in own.content.decode()

    other = login(client, world, "admin_b").get(reverse("policy:area_list"))
    assert other.status_code == 200
    assert area_a in other.context["page"].items  # still seen by everyone
    assert end_url not in other.content.decode()


def test_the_owner_ends_its_area_through_the_api(world, area_a):
    response = ApiClient(world.user("admin_a")).post(
        f"/risk-areas/{area_a.pk}/end", {"end": "2026-01-19"}
    )

    assert response.status_code == 200
    assert response.json()["end"] == "2026-01-19"


def test_another_townships_admin_is_refused_through_the_api(world, area_a):
    client = ApiClient(world.user("admin_b"))

    assert client.get(f"/risk-areas/{area_a.pk}").status_code == 200
    response = client.post(f"/risk-areas/{area_a.pk}/end", {"end": "2026-01-19"})

    assert response.status_code == 403
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"]
    area_a.refresh_from_db()
    assert area_a.end is None


def test_an_area_of_no_township_is_ended_by_a_superuser_only(world):
    legacy = RiskAreaFactory.create(township=None)
    with pytest.raises(PermissionDenied):
        actions.end_area(world.user("admin_a"), legacy, end=dt.date(2026, 1, 19))
    legacy.refresh_from_db()
    assert legacy.end is None

    root = UserFactory.create(username="root", is_superuser=True, is_staff=True)
    actions.end_area(root, legacy, end=dt.date(2026, 1, 19))
    assert RiskArea.objects.get(pk=legacy.pk).end == dt.date(2026, 1, 19)


def test_the_migration_gives_old_areas_the_township_of_whoever_entered_them(world):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("fangkong.policy.migrations.0004_riskarea_township_from_entry")
    by_a = RiskAreaFactory.create(township=None, entered_by=world.user("admin_a"))
    unknown = RiskAreaFactory.create(township=None, entered_by=None)
    own_b = RiskAreaFactory.create(township=world.township_b, entered_by=world.user("admin_a"))

    migration.forwards(apps, None)

    by_a.refresh_from_db()
    unknown.refresh_from_db()
    own_b.refresh_from_db()
    assert by_a.township == world.township_a
    assert unknown.township is None
    assert own_b.township == world.township_b  # a recorded township is kept
