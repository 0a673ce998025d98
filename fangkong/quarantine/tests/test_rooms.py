"""Rooms over the API and on the case page (issue 12 item 19): the sites and rooms of the
township with their free beds, scoped like everything else, and a room assigned or changed on
a case, recorded in its history and the audit log; a full room or a room outside the user's
jurisdiction refused with a clear message."""

from __future__ import annotations

import pytest
from django.urls import reverse

from fangkong.api.tests.client import ApiClient
from fangkong.core.models import AuditEntry
from fangkong.policy.rules import DEFAULT_RULES
from fangkong.quarantine.models import Case, CaseEvent, EventAction

from .cases import open_case
from .factories import RoomFactory, SiteFactory

pytestmark = pytest.mark.django_db


def api(world, key):
    client = ApiClient(world.user(key))
    client.headers["Accept-Language"] = "en"
    return client


@pytest.fixture
def rooms(world, site_a, room_a):
    """Site A: room 801 (1 bed, taken by a centralised case of grid G2), 802 (2 beds, free)."""
    open_case(world, world.resident_g2, measure=DEFAULT_RULES.high, room=room_a, by="grid_g2")
    return {"801": room_a, "802": RoomFactory.create(site=site_a, number="802", capacity=2)}


@pytest.fixture
def room_b(world):
    return RoomFactory.create(site=SiteFactory.create(township=world.township_b), number="101")


@pytest.fixture
def centralised(world):
    """A centralised case of grid G1, registered, its room still to be assigned."""
    return open_case(world, measure=DEFAULT_RULES.high)


# --- listing ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "sees"),
    [
        ("grid_g1", True),  # same grid as the case
        ("grid_g2", True),  # other grid: the sites are the township's
        ("leader_a2", True),  # other community of the township
        ("admin_b", False),  # other township
    ],
)
def test_the_sites_and_rooms_are_listed_with_free_beds_within_the_township(
    world, rooms, site_a, key, sees
):
    sites = api(world, key).get("/quarantine-sites")
    assert sites.status_code == 200
    if not sees:
        assert sites.json() == []
        assert api(world, key).get("/quarantine-rooms").json()["count"] == 0
        missing = api(world, key).get(f"/quarantine-rooms?site={site_a.pk}")
        assert missing.status_code == 404 and missing.json()["detail"]
        return
    assert [
        {k: s[k] for k in ("id", "name", "room_count", "beds", "occupied", "free")}
        for s in sites.json()
    ] == [
        {
            "id": site_a.pk,
            "name": "江汉隔离酒店",
            "room_count": 2,
            "beds": 3,
            "occupied": 1,
            "free": 2,
        }
    ]
    listed = api(world, key).get(f"/quarantine-rooms?site={site_a.pk}").json()
    assert [(r["number"], r["capacity"], r["occupied"], r["free"]) for r in listed["items"]] == [
        ("801", 1, 1, 0),
        ("802", 2, 0, 2),
    ]
    free = api(world, key).get("/quarantine-rooms?free_only=true").json()
    assert [(r["id"], r["site_name"]) for r in free["items"]] == [(rooms["802"].pk, "江汉隔离酒店")]


@pytest.mark.parametrize("key", ["guard_a1", "volunteer_a1", "police_a1"])
def test_roles_without_case_work_get_403_for_sites_and_rooms(world, rooms, centralised, key):
    client = api(world, key)
    assert client.get("/quarantine-sites").status_code == 403
    assert client.get("/quarantine-rooms").status_code == 403
    response = client.post(f"/cases/{centralised.pk}/room", {"room": rooms["802"].pk})
    assert response.status_code == 403 and response.json()["detail"]


def test_a_bad_filter_is_a_422_naming_it(world):
    response = api(world, "grid_g1").get("/quarantine-rooms?site=0")
    assert response.status_code == 422 and "site" in response.json()["errors"]


# --- assigning over the API ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "status"),
    [("grid_g1", 200), ("grid_g2", 404), ("leader_a2", 404), ("admin_b", 404)],
)
def test_a_room_is_assigned_over_the_api_by_staff_of_the_case_only(
    world, rooms, centralised, key, status
):
    response = api(world, key).post(
        f"/cases/{centralised.pk}/room", {"room": rooms["802"].pk, "reason": "到达隔离点"}
    )
    assert response.status_code == status
    case = Case.objects.get(pk=centralised.pk)
    if status != 200:
        assert case.room is None and response.json()["detail"]
        return
    body = response.json()
    assert (body["room"], body["site_pending"], body["address"]) == (
        rooms["802"].pk,
        False,
        "江汉隔离酒店 802",
    )
    event = CaseEvent.objects.get(case=case, action=EventAction.ASSIGN_ROOM)
    assert (event.by, event.reason, event.data) == (
        world.user("grid_g1"),
        "到达隔离点",
        {"from": "", "to": "江汉隔离酒店 802"},
    )
    entry = AuditEntry.objects.filter(action="update", target_id=str(case.pk)).latest("id")
    assert entry.changes["room"] == [None, rooms["802"].pk]


def test_a_full_room_is_refused_over_the_api_with_a_clear_message(world, rooms, centralised):
    response = api(world, "grid_g1").post(
        f"/cases/{centralised.pk}/room", {"room": rooms["801"].pk}
    )
    assert response.status_code == 422
    assert response.json()["errors"]["room"] == [
        "Room 江汉隔离酒店 801 is full (1 of 1 beds taken)."
    ]
    assert Case.objects.get(pk=centralised.pk).room is None


def test_a_room_of_another_township_is_refused_over_the_api(world, centralised, room_b):
    response = api(world, "grid_g1").post(f"/cases/{centralised.pk}/room", {"room": room_b.pk})
    assert response.status_code == 422
    assert response.json()["errors"]["room"] == ["There is no room with this id in your township."]
    assert Case.objects.get(pk=centralised.pk).room is None


def test_a_room_is_changed_over_the_api_and_the_history_says_from_where(world, rooms, centralised):
    client = api(world, "grid_g1")
    other = RoomFactory.create(site=rooms["802"].site, number="803", capacity=1)
    client.post(f"/cases/{centralised.pk}/room", {"room": rooms["802"].pk})
    moved = client.post(f"/cases/{centralised.pk}/room", {"room": other.pk, "reason": "调房"})
    assert moved.status_code == 200 and moved.json()["room"] == other.pk
    last = CaseEvent.objects.filter(case=centralised, action=EventAction.ASSIGN_ROOM).latest("id")
    assert last.data == {"from": "江汉隔离酒店 802", "to": "江汉隔离酒店 803"}


def test_a_home_case_takes_no_room_over_the_api(world, rooms):
    case = open_case(world)
    response = api(world, "grid_g1").post(f"/cases/{case.pk}/room", {"room": rooms["802"].pk})
    assert response.status_code == 422 and "Only centralised quarantine" in str(response.json())


def test_the_new_endpoints_are_documented_with_their_answers(db):
    doc = ApiClient().get("/openapi.json").json()
    paths, schemas = doc["paths"], doc["components"]["schemas"]
    sites = paths["/api/v1/quarantine-sites"]["get"]["responses"]
    assert sites["200"]["content"]["application/json"]["schema"]["items"]["$ref"].endswith(
        "/SiteOut"
    )
    assert {"free", "beds", "occupied"} <= set(schemas["SiteOut"]["properties"])
    rooms = paths["/api/v1/quarantine-rooms"]["get"]["responses"]
    assert rooms["200"]["content"]["application/json"]["schema"]["$ref"].endswith("/RoomPage")
    assert "free" in schemas["RoomOut"]["properties"]
    room = paths["/api/v1/cases/{case_id}/room"]["post"]["responses"]
    assert {"200", "403", "404", "422"} <= set(room)
    assert room["422"]["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorOut")


# --- assigning on the page -------------------------------------------------------------------


def test_a_room_is_assigned_on_the_page_before_the_quarantine_starts(
    client, world, rooms, centralised
):
    client.force_login(world.user("grid_g1"))
    url = reverse("quarantine:case_room", args=[centralised.pk])
    page = client.get(reverse("quarantine:case_detail", args=[centralised.pk])).content.decode()
    assert 'id="room-form"' in page and "江汉隔离酒店 801 (1/1, full)" in page
    full = client.post(url, {"room": rooms["801"].pk})
    assert full.status_code == 422
    assert "Room 江汉隔离酒店 801 is full (1 of 1 beds taken)." in full.content.decode()
    assert client.post(url, {"room": rooms["802"].pk, "reason": "到达"}).status_code == 302
    page = client.get(reverse("quarantine:case_detail", args=[centralised.pk])).content.decode()
    assert 'id="case-place">江汉隔离酒店 802<' in page
    history = page[page.index('id="history"') :]
    assert "江汉隔离酒店 802" in history and "到达" in history


def test_a_room_of_another_township_is_refused_on_the_page(client, world, centralised, room_b):
    client.force_login(world.user("grid_g1"))
    response = client.post(
        reverse("quarantine:case_room", args=[centralised.pk]), {"room": room_b.pk}
    )
    assert response.status_code == 422
    assert (
        "Choose one of the rooms of this township&#x27;s quarantine sites from the list."
        in response.content.decode()
    )
    assert Case.objects.get(pk=centralised.pk).room is None


@pytest.mark.parametrize("key", ["grid_g2", "leader_a2", "admin_b"])
def test_staff_outside_the_case_cannot_assign_its_room_on_the_page(
    client, world, rooms, centralised, key
):
    client.force_login(world.user(key))
    response = client.post(
        reverse("quarantine:case_room", args=[centralised.pk]), {"room": rooms["802"].pk}
    )
    assert response.status_code == 404
    assert Case.objects.get(pk=centralised.pk).room is None


def test_rooms_are_listed_in_natural_order_on_the_page_and_over_the_api(world, site_a):
    """Room 801 before 1001 and 九号 before 十一号, by value (issue 12 item 14: places sort
    naturally)."""
    for number in ("1001", "九号", "801", "十一号", "90"):
        RoomFactory.create(site=site_a, number=number)
    expected = ["九号", "十一号", "90", "801", "1001"]  # by value: 9, 11, 90, 801, 1001
    assert [r.number for r in site_a.rooms.all()] == expected
    listed = api(world, "grid_g1").get(f"/quarantine-rooms?site={site_a.pk}").json()
    assert [r["number"] for r in listed["items"]] == expected
