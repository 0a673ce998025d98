"""The notices pages: who sees and acts (same community, other community, other township),
refusals shown in words with nothing changed, the confirmation of publishing and withdrawing,
and the public board (no account, published notices only)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from fangkong.notices import flow
from fangkong.notices.models import MediaRequest, Notice, NoticeStep
from fangkong.people.tests.factories import ResidentFactory

from .factories import SAFE_TITLE, notice_in

pytestmark = pytest.mark.django_db


def _as(client, world, key):
    client.force_login(world.user(key))
    return client


def test_the_list_and_a_notice_are_seen_in_the_jurisdiction_only(client, world) -> None:
    notice = notice_in(world)
    detail = reverse("notices:notice_detail", args=[notice.pk])
    for key in ("office_a1", "leader_a1", "grid_g1", "admin_a"):
        _as(client, world, key)
        assert SAFE_TITLE in client.get(reverse("notices:notice_list")).content.decode(), key
        assert client.get(detail).status_code == 200, key
    for key in ("leader_a2", "admin_b"):
        _as(client, world, key)
        assert SAFE_TITLE not in client.get(reverse("notices:notice_list")).content.decode()
        assert client.get(detail).status_code == 404, key
    for key in ("medic_a1", "guard_a1", "volunteer_a1"):
        _as(client, world, key)
        assert client.get(reverse("notices:notice_list")).status_code == 403, key
    client.logout()
    assert client.get(detail).status_code == 302


def test_a_new_notice_starts_from_the_plan_text(client, world) -> None:
    _as(client, world, "office_a1")
    page = client.get(reverse("notices:notice_new") + "?from=cold_chain").content.decode()
    assert "“四证”" in page
    response = client.post(
        reverse("notices:notice_new") + "?from=cold_chain",
        {
            "community": world.community_a1.pk,
            "kind": "guidance",
            "title": "冷链食品提示",
            "body": "不购买无合格证的进口冷链食品。",
        },
    )
    notice = Notice.objects.get()
    assert response.status_code == 302
    assert (notice.template, notice.community, notice.status) == (
        "cold_chain",
        world.community_a1,
        flow.DRAFT,
    )


def test_the_office_cannot_draft_for_another_community(client, world) -> None:
    _as(client, world, "office_a1")
    response = client.post(
        reverse("notices:notice_new"),
        {"community": world.community_a2.pk, "kind": "notice", "title": "t", "body": "b"},
    )
    assert response.status_code == 422
    assert not Notice.objects.exists()
    _as(client, world, "grid_g1")
    assert client.get(reverse("notices:notice_new")).status_code == 403


def test_a_draft_holding_a_phone_shows_the_finding_and_cannot_be_submitted(client, world) -> None:
    notice = notice_in(world, body="有事请找 13712345678")
    _as(client, world, "office_a1")
    detail = reverse("notices:notice_detail", args=[notice.pk])
    assert "a mobile phone number “13712345678”" in client.get(detail).content.decode()
    steps = NoticeStep.objects.count()
    response = client.post(reverse("notices:notice_step", args=[notice.pk, flow.SUBMIT]))
    assert response.status_code == 422
    assert "a mobile phone number" in response.content.decode()
    notice.refresh_from_db()
    assert notice.status == flow.DRAFT
    assert NoticeStep.objects.count() == steps


def test_the_page_offers_each_user_only_their_step(client, world) -> None:
    notice = notice_in(world, flow.REVIEWED)
    detail = reverse("notices:notice_detail", args=[notice.pk])
    _as(client, world, "admin_a")
    page = client.get(detail).content.decode()
    assert 'id="do-approve"' in page and 'id="do-return"' in page
    _as(client, world, "leader_a1")
    page = client.get(detail).content.decode()
    assert 'id="do-approve"' not in page and 'id="waiting"' in page
    # a step posted anyway is refused in words, nothing changed
    response = client.post(reverse("notices:notice_step", args=[notice.pk, flow.APPROVE]))
    assert response.status_code == 422
    assert "Only the township of this community" in response.content.decode()
    notice.refresh_from_db()
    assert notice.status == flow.REVIEWED
    _as(client, world, "admin_b")
    response = client.post(reverse("notices:notice_step", args=[notice.pk, flow.APPROVE]))
    assert response.status_code == 404
    notice.refresh_from_db()
    assert notice.status == flow.REVIEWED


def test_publishing_and_withdrawing_ask_first(client, world) -> None:
    notice = notice_in(world, flow.APPROVED)
    _as(client, world, "office_a1")
    url = reverse("notices:notice_step", args=[notice.pk, flow.PUBLISH])
    asked = client.post(url)
    assert asked.status_code == 200
    assert "public board of 民族社区" in asked.content.decode()
    notice.refresh_from_db()
    assert notice.status == flow.APPROVED
    assert client.post(url, {"confirm": "1"}).status_code == 302
    notice.refresh_from_db()
    assert notice.status == flow.PUBLISHED

    url = reverse("notices:notice_step", args=[notice.pk, flow.WITHDRAW])
    refused = client.post(url, {"withdraw-comment": "", "confirm": "1"})
    assert refused.status_code == 422
    client.post(url, {"withdraw-comment": "过期"})
    notice.refresh_from_db()
    assert notice.status == flow.PUBLISHED
    client.post(url, {"withdraw-comment": "过期", "confirm": "1"})
    notice.refresh_from_db()
    assert (notice.status, notice.withdrawn_reason) == (flow.WITHDRAWN, "过期")


def test_the_public_board_shows_published_notices_only_without_an_account(client, world) -> None:
    draft = notice_in(world, title="草稿标题")
    approved = notice_in(world, flow.APPROVED, title="已批未发")
    published = notice_in(world, flow.PUBLISHED, title="已发布的倡议书")
    withdrawn = notice_in(world, flow.WITHDRAWN, title="已撤回")
    board = reverse("board:board", args=[world.community_a1.code])
    page = client.get(board).content.decode()
    assert "已发布的倡议书" in page
    for hidden in ("草稿标题", "已批未发", "已撤回"):
        assert hidden not in page
    code = world.community_a1.code
    assert client.get(reverse("board:board_notice", args=[code, published.pk])).status_code == 200
    for notice in (draft, approved, withdrawn):
        assert client.get(reverse("board:board_notice", args=[code, notice.pk])).status_code == 404
    # another community's board does not show it
    other = reverse("board:board_notice", args=[world.community_a2.code, published.pk])
    assert client.get(other).status_code == 404
    assert (
        "已发布的倡议书"
        not in client.get(reverse("board:board", args=[world.community_a2.code])).content.decode()
    )
    assert client.get(reverse("board:board", args=["999999999999"])).status_code == 404


def test_the_board_shows_the_approved_text(client, world) -> None:
    published = notice_in(world, flow.PUBLISHED)
    Notice.objects.filter(pk=published.pk).update(body="改过的文字")
    page = client.get(
        reverse("board:board_notice", args=[world.community_a1.code, published.pk])
    ).content.decode()
    assert "咨询电话" in page and "改过的文字" not in page


def test_the_qr_code_of_the_board(client, world) -> None:
    url = reverse("notices:board_code", args=[world.community_a1.pk])
    _as(client, world, "office_a1")
    page = client.get(url).content.decode()
    assert "<svg" in page and f"/n/{world.community_a1.code}/" in page
    _as(client, world, "leader_a2")
    assert client.get(url).status_code == 404
    _as(client, world, "admin_b")
    assert client.get(url).status_code == 404


def test_media_requests_through_the_pages(client, world) -> None:
    _as(client, world, "office_a1")
    response = client.post(
        reverse("notices:media_new"),
        {
            "community": world.community_a1.pk,
            "outlet": "长江日报",
            "reporter": "记者甲",
            "topic": "社区防控",
            "requested_for": "2026-01-21T10:00",
        },
    )
    found = MediaRequest.objects.get()
    assert response.status_code == 302
    detail = reverse("notices:media_detail", args=[found.pk])
    assert 'id="decision-form"' not in client.get(detail).content.decode()
    assert client.post(detail, {"decision": "approve"}).status_code == 403
    _as(client, world, "admin_b")
    assert client.get(detail).status_code == 404
    _as(client, world, "admin_a")
    assert 'id="decision-form"' in client.get(detail).content.decode()
    refused = client.post(detail, {"decision": "refuse", "note": ""})
    assert refused.status_code == 422
    found.refresh_from_db()
    assert found.status == "requested"
    assert client.post(detail, {"decision": "approve"}).status_code == 302
    found.refresh_from_db()
    assert found.status == "approved"


def test_the_workbench_panel_counts_what_waits(client, world) -> None:
    notice_in(world, flow.SUBMITTED)
    notice_in(world, flow.REVIEWED)
    _as(client, world, "leader_a1")
    page = client.get(reverse("core:workbench")).content.decode()
    assert 'id="panel-review"' in page and 'id="panel-approve"' not in page
    _as(client, world, "admin_a")
    page = client.get(reverse("core:workbench")).content.decode()
    assert 'id="panel-approve"' in page and 'id="panel-review"' not in page
    _as(client, world, "admin_b")
    page = client.get(reverse("core:workbench")).content.decode()
    assert 'id="panel-approve"' not in page


def test_the_refusal_is_in_chinese_and_nothing_changes(client, world) -> None:
    phone = world.resident_g1.phone
    notice = notice_in(world, body=f"请联系 {phone}")
    _as(client, world, "office_a1")
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"
    with translation.override("zh-hans"):
        response = client.post(reverse("notices:notice_step", args=[notice.pk, flow.SUBMIT]))
    page = response.content.decode()
    assert response.status_code == 422
    assert f"文中似乎含有个人信息：居民的电话号码“{phone}”" in page
    notice.refresh_from_db()
    assert notice.status == flow.DRAFT


def test_the_list_and_the_board_stay_within_their_query_budget(
    client, world, django_assert_max_num_queries
) -> None:
    for _ in range(5):
        notice_in(world, flow.PUBLISHED)
    board = reverse("board:board", args=[world.community_a1.code])
    with django_assert_max_num_queries(2):
        assert client.get(board).status_code == 200
    _as(client, world, "office_a1")
    client.get(reverse("notices:notice_list"))
    with django_assert_max_num_queries(8):
        assert client.get(reverse("notices:notice_list")).status_code == 200


def test_the_drafter_clears_a_word_from_the_page_and_the_reviewers_see_it(client, world) -> None:
    ResidentFactory.create(household=world.household_g1, name="高风")
    notice = notice_in(world, body="中高风险地区返乡人员请主动报备。")
    _as(client, world, "office_a1")
    detail = reverse("notices:notice_detail", args=[notice.pk])
    assert 'id="not-a-name-1"' in client.get(detail).content.decode()
    client.post(reverse("notices:notice_not_name", args=[notice.pk]), {"word": "高风"})
    page = client.get(detail).content.decode()
    assert 'id="findings"' not in page and 'id="not-names"' in page
    _as(client, world, "leader_a2")
    response = client.post(reverse("notices:notice_not_name", args=[notice.pk]), {"word": "x"})
    assert response.status_code == 404
