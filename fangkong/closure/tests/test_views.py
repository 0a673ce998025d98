"""The closure pages for every role of the `world` fixture: who sees, who changes, what is
refused (and changes nothing)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from fangkong.checkpoints.models import Gate
from fangkong.closure import actions
from fangkong.closure.models import (
    ChecklistItem,
    CommunityLevel,
    Cordon,
    Evidence,
    TeamMember,
)

from .factories import photo_bytes

pytestmark = pytest.mark.django_db

VIEWERS = ["admin_a", "leader_a1", "office_a1", "grid_g1"]
MANAGERS = ["admin_a", "leader_a1", "office_a1"]
NOBODY = ["medic_a1", "guard_a1", "volunteer_a1", "police_a1"]


def login(client, world, key):
    client.force_login(world.user(key))
    return client


@pytest.fixture
def closed(world):
    """Community A1 set to medium by the township: closed management on, items made."""
    actions.set_level(world.user("admin_a"), world.community_a1, level="medium", reason="病例")
    return world.community_a1


def item(community, kind):
    return ChecklistItem.objects.get(community=community, kind=kind)


@pytest.mark.parametrize("user", VIEWERS)
def test_viewers_see_the_list_and_the_community(client, world, closed, user):
    c = login(client, world, user)
    html = c.get(reverse("closure:community_list")).content.decode()
    assert world.community_a1.name in html
    assert 'data-closed="on"' in html
    page = c.get(reverse("closure:community_detail", args=[closed.pk]))
    assert page.status_code == 200
    assert "病例" in page.content.decode()


def test_the_township_admin_lists_every_community_of_the_township(client, world, closed):
    html = login(client, world, "admin_a").get(reverse("closure:community_list")).content.decode()
    assert world.community_a1.name in html and world.community_a2.name in html
    assert world.community_b1.name not in html
    assert "0 / 6" in html


@pytest.mark.parametrize("user", NOBODY)
def test_other_roles_get_403(client, world, closed, user):
    c = login(client, world, user)
    assert c.get(reverse("closure:community_list")).status_code == 403
    assert c.get(reverse("closure:community_detail", args=[closed.pk])).status_code == 403
    assert c.get(reverse("closure:item_detail", args=[item(closed, "rules").pk])).status_code == 403


def test_another_townships_community_is_404(client, world, closed):
    c = login(client, world, "admin_b")
    assert c.get(reverse("closure:community_detail", args=[closed.pk])).status_code == 404
    assert c.get(reverse("closure:item_detail", args=[item(closed, "rules").pk])).status_code == 404
    response = c.post(
        reverse("closure:set_level", args=[closed.pk]), {"level": "low", "reason": "x"}
    )
    assert response.status_code == 404
    assert CommunityLevel.objects.count() == 1


def test_the_township_admin_sets_the_level_on_the_page(client, world):
    c = login(client, world, "admin_a")
    page = c.get(reverse("closure:community_detail", args=[world.community_a2.pk]))
    assert 'id="level-form"' in page.content.decode()

    response = c.post(
        reverse("closure:set_level", args=[world.community_a2.pk]),
        {"level": "high", "reason": "村内聚集性疫情"},
    )

    assert response.status_code == 302
    html = c.get(response.url).content.decode()
    assert 'data-level="high"' in html
    assert "村内聚集性疫情" in html
    assert ChecklistItem.objects.filter(community=world.community_a2).count() == 6

    response = c.post(
        reverse("closure:set_level", args=[world.community_a2.pk]),
        {"level": "county", "reason": "随县"},
    )
    assert response.status_code == 302
    assert CommunityLevel.objects.filter(community=world.community_a2).count() == 2


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"level": "medium", "reason": ""}, "required"),
        ({"level": "severe", "reason": "x"}, "valid choice"),
    ],
)
def test_a_bad_level_is_refused_on_the_page_and_nothing_written(client, world, data, message):
    response = login(client, world, "admin_a").post(
        reverse("closure:set_level", args=[world.community_a1.pk]), data
    )
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not CommunityLevel.objects.exists()


@pytest.mark.parametrize("user", ["leader_a1", "office_a1", "grid_g1"])
def test_community_staff_may_not_set_the_level(client, world, user):
    c = login(client, world, user)
    page = c.get(reverse("closure:community_detail", args=[world.community_a1.pk]))
    assert 'id="level-form"' not in page.content.decode()
    response = c.post(
        reverse("closure:set_level", args=[world.community_a1.pk]),
        {"level": "medium", "reason": "x"},
    )
    assert response.status_code == 403
    assert not CommunityLevel.objects.exists()


# --- gates, one open and the others sealed -----------------------------------------------------


def test_gates_are_added_and_one_is_kept_open(client, world, closed):
    c = login(client, world, "leader_a1")
    for name in ("南门", "北门", "东门"):
        response = c.post(reverse("closure:add_gate", args=[closed.pk]), {"name": name})
        assert response.status_code == 302
    gates = {g.name: g for g in Gate.objects.filter(community=closed)}
    # the first gate added serves as the entrance; later ones are recorded sealed
    assert [gates[n].state for n in ("南门", "北门", "东门")] == ["open", "sealed", "sealed"]

    response = c.post(
        reverse("closure:keep_open", args=[closed.pk]),
        {"gate": gates["北门"].pk, "note": "铁马封堵"},
    )

    assert response.status_code == 302
    states = dict(Gate.objects.filter(community=closed).values_list("name", "state"))
    assert states == {"南门": "sealed", "北门": "open", "东门": "sealed"}
    south = Gate.objects.get(community=closed, name="南门")
    assert (south.changed_by, south.note) == (world.user("leader_a1"), "铁马封堵")
    entrance = item(closed, "entrance")
    assert c.post(
        reverse("closure:item_detail", args=[entrance.pk]), {"state": "done"}
    ).status_code == (302)
    assert item(closed, "entrance").state == "done"


def test_another_communitys_gate_cannot_be_kept_open(client, world, closed):
    other = actions.add_gate(world.user("leader_a2"), world.community_a2, name="村口")
    response = login(client, world, "leader_a1").post(
        reverse("closure:keep_open", args=[closed.pk]), {"gate": other.pk}
    )
    assert response.status_code == 422
    assert Gate.objects.get(pk=other.pk).state == "open"


@pytest.mark.parametrize("user", ["grid_g1"])
def test_a_grid_worker_views_but_does_not_manage(client, world, closed, user):
    c = login(client, world, user)
    page = c.get(reverse("closure:community_detail", args=[closed.pk])).content.decode()
    assert 'id="gate-form"' not in page
    assert c.post(reverse("closure:add_gate", args=[closed.pk]), {"name": "西门"}).status_code == (
        403
    )
    rules = item(closed, "rules")
    assert c.post(
        reverse("closure:item_detail", args=[rules.pk]), {"state": "in_progress"}
    ).status_code == (403)
    assert not Gate.objects.exists()
    assert item(closed, "rules").state == "missing"


# --- items -----------------------------------------------------------------------------------


def test_equipment_with_a_zero_quantity_cannot_be_in_place(
    client, world, closed, nobody_keeps_stock
):
    equipment = item(closed, "equipment")
    c = login(client, world, "office_a1")
    data = {"state": "done", "thermometers": 4, "masks": 500, "disinfectant": 0, "sprayers": 2}

    response = c.post(reverse("closure:item_detail", args=[equipment.pk]), data)

    assert response.status_code == 422
    assert "None on hand: disinfectant." in response.content.decode()
    assert item(closed, "equipment").state == "missing"
    assert item(closed, "equipment").details == {}

    data["disinfectant"] = 20
    assert c.post(reverse("closure:item_detail", args=[equipment.pk]), data).status_code == 302
    saved = item(closed, "equipment")
    assert saved.state == "done"
    assert saved.details == {"thermometers": 4, "masks": 500, "disinfectant": 20, "sprayers": 2}


def test_rules_are_in_place_only_with_the_three_switches_on(client, world, closed):
    rules = item(closed, "rules")
    c = login(client, world, "leader_a1")
    url = reverse("closure:item_detail", args=[rules.pk])
    response = c.post(url, {"state": "done", "duty_24h": "on", "daily_disinfection": "on"})
    assert response.status_code == 422
    assert "entry registration" in response.content.decode()
    assert item(closed, "rules").state == "missing"

    response = c.post(
        url,
        {
            "state": "done",
            "duty_24h": "on",
            "daily_disinfection": "on",
            "entry_registration": "on",
            "owner": world.user("office_a1").pk,
        },
    )
    assert response.status_code == 302
    assert item(closed, "rules").owner == world.user("office_a1")


def test_an_owner_from_elsewhere_is_refused(client, world, closed):
    rules = item(closed, "rules")
    response = login(client, world, "admin_a").post(
        reverse("closure:item_detail", args=[rules.pk]),
        {"state": "in_progress", "owner": world.user("leader_a2").pk},
    )
    assert response.status_code == 422
    assert item(closed, "rules").owner is None


# --- photos ----------------------------------------------------------------------------------


def test_a_photo_is_stored_and_served_only_to_those_who_may_see_it(client, world, closed, media):
    publicity = item(closed, "publicity")
    c = login(client, world, "office_a1")
    upload = SimpleUploadedFile("desk.png", photo_bytes(), content_type="image/png")

    response = c.post(
        reverse("closure:add_photo", args=[publicity.pk]), {"file": upload, "caption": "宣传栏"}
    )

    assert response.status_code == 302
    evidence = Evidence.objects.get()
    name = evidence.file.name or ""
    assert name.endswith(".png") and "desk" not in name
    assert (media / name).exists()
    url = reverse("closure:evidence_file", args=[evidence.pk])
    got = c.get(url)
    assert got.status_code == 200 and got["Content-Type"] == "image/png"
    assert b"".join(got.streaming_content) == photo_bytes()
    shown = login(client, world, "grid_g1").get(url)
    assert shown.status_code == 200
    assert b"".join(shown.streaming_content) == photo_bytes()  # read to the end: the file closes
    assert login(client, world, "guard_a1").get(url).status_code == 403
    assert login(client, world, "admin_b").get(url).status_code == 404
    # the publicity item may now be in place
    c = login(client, world, "office_a1")
    assert c.post(
        reverse("closure:item_detail", args=[publicity.pk]), {"state": "done"}
    ).status_code == (302)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("desk.png", b"not an image at all"),
        ("desk.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 50),
        ("desk.bmp", None),
    ],
)
def test_a_file_that_is_not_a_photo_is_refused(client, world, closed, media, name, content):
    if content is None:
        import io

        from PIL import Image

        buffer = io.BytesIO()
        Image.new("RGB", (4, 4)).save(buffer, format="BMP")
        content = buffer.getvalue()
    publicity = item(closed, "publicity")
    response = login(client, world, "office_a1").post(
        reverse("closure:add_photo", args=[publicity.pk]),
        {"file": SimpleUploadedFile(name, content)},
    )
    assert response.status_code == 422
    assert not Evidence.objects.exists()
    assert not (media / "closure").exists()


def test_a_photo_too_large_is_refused(client, world, closed, media, monkeypatch):
    monkeypatch.setattr(actions, "MAX_PHOTO_BYTES", 100)
    publicity = item(closed, "publicity")
    response = login(client, world, "office_a1").post(
        reverse("closure:add_photo", args=[publicity.pk]),
        {"file": SimpleUploadedFile("big.png", photo_bytes(size=(64, 64)))},
    )
    assert response.status_code == 422
    assert "larger than" in response.content.decode()
    assert not Evidence.objects.exists()


# --- teams and cordons ------------------------------------------------------------------------


def test_team_members_are_added_with_masked_phones(client, world, closed):
    c = login(client, world, "leader_a1")
    response = c.post(
        reverse("closure:add_member", args=[closed.pk]),
        {"team": "team", "name": "王保安", "duty": "保安", "phone": "13812345678"},
    )
    assert response.status_code == 302
    response = c.post(
        reverse("closure:add_member", args=[closed.pk]),
        {"team": "inspection", "user": world.user("grid_g1").pk},
    )
    assert response.status_code == 302
    html = c.get(reverse("closure:community_detail", args=[closed.pk])).content.decode()
    assert "138****5678" in html and "13812345678" not in html
    assert TeamMember.objects.get(user=world.user("grid_g1")).name == "grid_g1"


def test_a_member_without_a_name_or_with_a_bad_phone_is_refused(client, world, closed):
    c = login(client, world, "leader_a1")
    for data in (
        {"team": "team", "duty": "保安"},
        {"team": "team", "name": "王", "phone": "abc"},
        {"team": "team", "user": world.user("leader_a2").pk},
    ):
        assert c.post(reverse("closure:add_member", args=[closed.pk]), data).status_code == 422
    assert not TeamMember.objects.exists()


def test_a_cordon_is_recorded_listed_and_removed(client, world):
    c = login(client, world, "leader_a2")
    response = c.post(
        reverse("closure:add_cordon", args=[world.community_a2.pk]),
        {"grid": world.village_group.pk, "description": "一组路口至河堤"},
    )
    assert response.status_code == 302
    html = c.get(reverse("closure:community_detail", args=[world.community_a2.pk]))
    assert "一组路口至河堤" in html.content.decode()
    cordon = Cordon.objects.get()
    assert c.post(reverse("closure:remove_cordon", args=[cordon.pk])).status_code == 302
    assert Cordon.objects.get().removed_by == world.user("leader_a2")
    html = c.get(reverse("closure:community_detail", args=[world.community_a2.pk]))
    assert "一组路口至河堤" not in html.content.decode()


def test_a_cordon_on_another_communitys_grid_is_refused(client, world):
    response = login(client, world, "leader_a2").post(
        reverse("closure:add_cordon", args=[world.community_a2.pk]),
        {"grid": world.grid_g1.pk, "description": "x"},
    )
    assert response.status_code == 422
    assert not Cordon.objects.exists()


def test_removing_a_team_member_asks_first_saying_who_and_what(client, world, closed):
    """Issue 12 item 8: the button carries the question; without scripts the server asks on a
    page; only a confirmed post removes; who may not manage is refused."""
    member = actions.add_member(world.user("leader_a1"), closed, team="team", name="王保安")
    c = login(client, world, "leader_a1")
    html = c.get(reverse("closure:community_detail", args=[closed.pk])).content.decode()
    assert f'data-confirm="Remove 王保安 (One management team, {closed})?' in html
    url = reverse("closure:remove_member", args=[member.pk])
    asked = c.post(url)
    assert asked.status_code == 200 and 'id="confirmation"' in asked.content.decode()
    assert f"Remove 王保安 (One management team, {closed})?" in asked.content.decode()
    assert TeamMember.objects.filter(pk=member.pk).exists()
    assert login(client, world, "grid_g1").post(url, {"confirm": "1"}).status_code == 403
    assert login(client, world, "leader_a2").post(url, {"confirm": "1"}).status_code == 404
    assert TeamMember.objects.filter(pk=member.pk).exists()
    assert login(client, world, "leader_a1").post(url, {"confirm": "1"}).status_code == 302
    assert not TeamMember.objects.filter(pk=member.pk).exists()
