"""Issue 10 item 1: an index case's identity (name, resident, notes) is seen by whoever may
see the person's own record; the rest of the township sees a reference and the community,
enough to register a close contact, never the name, the building or the notes."""

from __future__ import annotations

import pytest
from django.urls import reverse

from fangkong.api.tests.client import ApiClient
from fangkong.quarantine import actions
from fangkong.quarantine.models import Case, IndexCase

from .cases import START, on

pytestmark = pytest.mark.django_db

NAME = "王二小"  # world.resident_g2: grid G2, community 民族社区 (A1), township A
NOTES = "在2栋202室隔离前曾去菜市场"

SEES_NAME = ["grid_g2", "leader_a1", "office_a1", "medic_a1", "admin_a"]
SEES_REFERENCE = ["grid_g1", "leader_a2"]  # other grid; other community of the township


@pytest.fixture
def index(world) -> IndexCase:
    with on(START):
        return actions.register_index_case(
            world.user("admin_a"),
            township=world.township_a,
            name=NAME,
            kind="confirmed",
            reported_on=START,
            community=world.community_a1,
            resident=world.resident_g2,
            notes=NOTES,
        )


def api(world, key):
    client = ApiClient(world.user(key))
    client.headers["Accept-Language"] = "en"
    return client


def login(client, world, key):
    client.force_login(world.user(key))
    return client


def _leaks(text: str) -> list[str]:
    return [s for s in (NAME, NOTES, "2栋", "第二网格") if s in text]


@pytest.mark.parametrize("key", SEES_NAME)
def test_who_sees_the_person_sees_the_name(world, index, client, key):
    [row] = api(world, key).get("/index-cases").json()
    assert (row["name"], row["resident"], row["notes"]) == (NAME, world.resident_g2.pk, NOTES)
    assert row["identity_visible"] is True

    page = login(client, world, key).get(reverse("quarantine:index_detail", args=[index.pk]))
    assert page.status_code == 200
    assert NAME in page.content.decode() and NOTES in page.content.decode()


@pytest.mark.parametrize("key", SEES_REFERENCE)
def test_the_rest_of_the_township_sees_a_reference_and_the_community(world, index, client, key):
    # the person's own record is not theirs to see
    assert api(world, key).get(f"/residents/{world.resident_g2.pk}").status_code == 404

    response = api(world, key).get("/index-cases")
    assert response.status_code == 200
    [row] = response.json()
    assert row["id"] == index.pk
    assert row["identity_visible"] is False
    assert row["name"] == row["reference"] == f"Index case #{index.pk}"
    assert row["resident"] is None and row["notes"] == ""
    assert row["place"] == "民族社区"
    assert _leaks(response.content.decode()) == []

    c = login(client, world, key)
    listing = c.get(reverse("quarantine:index_list")).content.decode()
    assert f"Index case #{index.pk}" in listing and "民族社区" in listing
    assert _leaks(listing) == []
    page = c.get(reverse("quarantine:index_detail", args=[index.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert f"Index case #{index.pk}" in body and "民族社区" in body
    assert _leaks(body) == []


def test_another_township_gets_nothing(world, index, client):
    assert api(world, "admin_b").get("/index-cases").json() == []
    c = login(client, world, "admin_b")
    assert c.get(reverse("quarantine:index_detail", args=[index.pk])).status_code == 404
    assert NAME not in c.get(reverse("quarantine:index_list")).content.decode()


def test_a_close_contact_is_registered_by_reference_through_the_api(world, index):
    client = api(world, "grid_g1")
    with on(START):
        response = client.post(
            "/close-contacts", {"index_case_id": index.pk, "resident_id": world.resident_g1.pk}
        )
    assert response.status_code == 201, response.json()
    assert response.json()["index_case"] == index.pk
    assert _leaks(response.content.decode()) == []
    case = Case.objects.get(index_case=index)
    assert all(NAME not in e.reason for e in case.events.all())


def test_a_close_contact_is_registered_by_reference_on_the_page(world, index, client):
    c = login(client, world, "grid_g1")
    with on(START):
        found = c.get(reverse("quarantine:index_detail", args=[index.pk]), {"q": "张三丰"})
        assert world.resident_g1.name in found.content.decode()
        response = c.post(
            reverse("quarantine:index_contact", args=[index.pk]),
            {"resident": world.resident_g1.pk, "start_date": START.isoformat()},
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    case = Case.objects.get(index_case=index)
    page = c.get(reverse("quarantine:case_detail", args=[case.pk])).content.decode()
    assert f"Index case #{index.pk}" in page
    assert _leaks(page) == []
    # the contacts listed on the index case's page are those of the user's own jurisdiction
    detail = c.get(reverse("quarantine:index_detail", args=[index.pk])).content.decode()
    assert world.resident_g1.name in detail and _leaks(detail) == []


def test_an_index_case_without_a_resident_is_named_within_its_community(world, client):
    with on(START):
        index = actions.register_index_case(
            world.user("leader_a1"),
            township=world.township_a,
            name="外来病例甲",
            kind="asymptomatic",
            reported_on=START,
            community=world.community_a1,
        )
    names = {
        key: api(world, key).get("/index-cases").json()[0]["name"]
        for key in ("leader_a1", "medic_a1", "admin_a", "leader_a2", "grid_g1")
    }
    assert names == {
        "leader_a1": "外来病例甲",
        "medic_a1": "外来病例甲",
        "admin_a": "外来病例甲",
        "leader_a2": f"Index case #{index.pk}",
        "grid_g1": f"Index case #{index.pk}",  # a grid's record would need a grid
    }


def test_the_lockdown_form_offered_from_an_index_case_names_it_only_to_whom_may(
    world, index, client
):
    url = reverse("lockdown:lock") + f"?index={index.pk}"

    own = login(client, world, "leader_a1").get(url)
    assert own.status_code == 200
    assert NAME in own.content.decode()
    assert own.context["form"].initial.get("building") == world.building_g2.pk

    other = login(client, world, "leader_a2").get(url)
    assert other.status_code == 200
    body = other.content.decode()
    assert f"Index case #{index.pk}" in body
    assert _leaks(body) == []
    assert "building" not in other.context["form"].initial
