"""The place a centralised quarantine notice names (issue 12 item 6): the site and room, or,
printed before a room is assigned, that the site is still to be assigned (待分配), never the
home flat."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from fangkong.api.tests.client import ApiClient
from fangkong.policy.rules import DEFAULT_RULES
from fangkong.quarantine import actions

from .cases import START, on, open_case, started

HOME = "民族社区 第一网格 1栋 1单元 101"


@pytest.fixture
def centralised(world):
    return open_case(world, measure=DEFAULT_RULES.high)


def notice(client, world, case, key="grid_g1"):
    client.force_login(world.user(key))
    return client.get(reverse("quarantine:case_notice", args=[case.pk])).content.decode()


def test_a_notice_printed_before_a_room_is_assigned_says_the_site_is_still_to_be_assigned(
    client, world, centralised
):
    html = notice(client, world, centralised)
    assert "Notice of centralised quarantine" in html
    assert "The quarantine site and room are still to be assigned" in html
    assert HOME not in html


def test_a_notice_printed_after_the_room_is_assigned_names_the_site_room_and_address(
    client, world, centralised, room_a
):
    with on(START):
        actions.assign_room(centralised, by=world.user("grid_g1"), room=room_a)
    html = notice(client, world, centralised)
    assert "at the quarantine site 江汉隔离酒店, room 801 (" in html
    assert room_a.site.address in html
    assert "still to be assigned" not in html and HOME not in html


def test_the_notice_says_to_be_assigned_in_chinese(world, centralised):
    from django.test import Client

    html = notice(Client(HTTP_ACCEPT_LANGUAGE="zh-hans"), world, centralised)
    assert "待分配" in html and HOME not in html


def test_the_case_page_and_list_name_no_home_flat_for_a_centralised_case_without_a_room(
    client, world, centralised
):
    client.force_login(world.user("grid_g1"))
    page = client.get(reverse("quarantine:case_detail", args=[centralised.pk])).content.decode()
    assert 'id="case-place">Quarantine site to be assigned<' in page
    listing = client.get(reverse("quarantine:case_list")).content.decode()
    assert "Quarantine site to be assigned" in listing and HOME not in listing
    with translation.override("zh-hans"):
        assert "待分配" in centralised.place


def test_a_home_case_s_place_is_its_home(world):
    assert open_case(world).place == HOME


def test_the_api_says_the_site_is_pending_and_gives_no_home_address(world, centralised):
    body = ApiClient(world.user("grid_g1")).get(f"/cases/{centralised.pk}").json()
    assert (body["site_pending"], body["address"], body["room"]) == (True, "", None)


def test_the_check_in_page_and_release_notice_name_the_room_of_a_centralised_case(
    client, world, centralised, room_a
):
    """Where the person stays, on the check-in form and the release notice: the room, never
    the home flat."""
    case = started(world, centralised, room=room_a)
    client.force_login(world.user("grid_g1"))
    with on(START):
        page = client.get(reverse("health:checkin_record", args=[case.pk])).content.decode()
    assert str(room_a) in page and HOME not in page
    case.status = "released"
    case.save(update_fields=["status"])
    notice = client.get(reverse("quarantine:release_notice", args=[case.pk])).content.decode()
    assert str(room_a) in notice and HOME not in notice
