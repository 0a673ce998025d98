"""The actions of notices: the way to the board, who may take each step (same community,
other community, other township), the personal-data refusal, media requests, the audit."""

from __future__ import annotations

import pytest

from fangkong.core.errors import DomainError
from fangkong.core.models import AuditEntry
from fangkong.notices import actions, flow
from fangkong.notices.models import MediaRequest, MediaStatus, Notice, NoticeStep
from fangkong.people.tests.factories import ResidentFactory
from fangkong.quarantine.tests.factories import CaseFactory

from .factories import SAFE_BODY, notice_in

pytestmark = pytest.mark.django_db


def _state(notice: Notice) -> tuple:
    notice.refresh_from_db()
    return (
        notice.status,
        notice.title,
        notice.body,
        notice.approved_body,
        NoticeStep.objects.filter(notice=notice).count(),
        AuditEntry.objects.count(),
    )


def test_a_notice_goes_from_draft_to_the_board_and_every_step_is_recorded(world) -> None:
    notice = notice_in(world, flow.PUBLISHED)
    assert notice.status == flow.PUBLISHED
    assert notice.approved_by == world.user("admin_a")
    assert notice.published_by == world.user("office_a1")
    assert notice.approved_body == SAFE_BODY
    steps = list(notice.steps.order_by("at", "id").values_list("kind", "by__username"))
    assert steps == [
        ("create", "office_a1"),
        ("submit", "office_a1"),
        ("review", "leader_a1"),
        ("approve", "admin_a"),
        ("publish", "office_a1"),
    ]
    audited = AuditEntry.objects.filter(target_type="notices.notice", target_id=str(notice.pk))
    assert audited.count() == 5
    assert {e.actor_name for e in audited} == {"office_a1", "leader_a1", "admin_a"}


def test_the_leader_or_the_township_returns_with_a_comment_and_the_community_edits(world) -> None:
    notice = notice_in(world, flow.SUBMITTED)
    with pytest.raises(DomainError):
        actions.take_step(world.user("leader_a1"), notice, flow.RETURN, comment="")
    notice = actions.take_step(world.user("leader_a1"), notice, flow.RETURN, comment="改标题")
    assert notice.status == flow.RETURNED
    notice = actions.edit_notice(
        world.user("office_a1"), notice, kind="notice", title="新标题", body=SAFE_BODY
    )
    assert notice.title == "新标题"
    notice = actions.take_step(world.user("office_a1"), notice, flow.SUBMIT)
    notice = actions.take_step(world.user("leader_a1"), notice, flow.REVIEW)
    notice = actions.take_step(world.user("admin_a"), notice, flow.RETURN, comment="再核实")
    assert notice.status == flow.RETURNED
    assert notice.steps.filter(kind="return").count() == 2


@pytest.mark.parametrize("status", [flow.SUBMITTED, flow.REVIEWED, flow.APPROVED, flow.PUBLISHED])
def test_the_text_cannot_change_once_submitted(world, status) -> None:
    notice = notice_in(world, status)
    before = _state(notice)
    with pytest.raises(DomainError, match="Only a draft or a returned notice"):
        actions.edit_notice(world.user("office_a1"), notice, kind="notice", title="x", body="y")
    assert _state(notice) == before


@pytest.mark.parametrize(
    ("status", "step", "allowed", "denied"),
    [
        (flow.DRAFT, flow.SUBMIT, ["office_a1", "leader_a1"], ["leader_a2", "admin_b", "grid_g1"]),
        (
            flow.SUBMITTED,
            flow.REVIEW,
            ["leader_a1"],
            ["office_a1", "leader_a2", "admin_a", "admin_b", "grid_g1"],
        ),
        (
            flow.REVIEWED,
            flow.APPROVE,
            ["admin_a"],
            ["leader_a1", "office_a1", "leader_a2", "admin_b"],
        ),
        (flow.APPROVED, flow.PUBLISH, ["office_a1", "leader_a1"], ["leader_a2", "admin_b"]),
        (
            flow.PUBLISHED,
            flow.WITHDRAW,
            ["office_a1", "admin_a"],
            ["leader_a2", "admin_b", "grid_g1"],
        ),
    ],
)
def test_who_may_take_each_step(world, status, step, allowed, denied) -> None:
    for key in denied:
        notice = notice_in(world, status)
        before = _state(notice)
        with pytest.raises(DomainError):
            actions.take_step(world.user(key), notice, step, comment="理由")
        assert _state(notice) == before, key
    for key in allowed:
        notice = notice_in(world, status)
        assert actions.take_step(world.user(key), notice, step, comment="理由").status != status


def test_an_approval_from_another_township_is_refused_in_words(world) -> None:
    notice = notice_in(world, flow.REVIEWED)
    with pytest.raises(DomainError, match="Only the township of this community"):
        actions.take_step(world.user("admin_b"), notice, flow.APPROVE)


def test_a_step_out_of_order_is_refused(world) -> None:
    notice = notice_in(world)
    before = _state(notice)
    with pytest.raises(DomainError, match="that step is not possible now"):
        actions.take_step(world.user("admin_a"), notice, flow.APPROVE)
    with pytest.raises(DomainError, match="that step is not possible now"):
        actions.take_step(world.user("office_a1"), notice, flow.PUBLISH)
    assert _state(notice) == before


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ("请联系居民张三丰了解情况。", "a resident's name “张三丰”"),
        ("如有疑问请拨打 13712345678。", "a mobile phone number “13712345678”"),
        ("住户：民族社区 第一网格 1栋 1单元 101", "a resident's home address"),
        ("证件号 11010119900307123X", "an identity card number “11010119900307123X”"),
    ],
)
def test_submission_is_refused_while_the_text_holds_personal_data(world, body, says) -> None:
    notice = notice_in(world, body=body)
    before = _state(notice)
    with pytest.raises(DomainError) as refused:
        actions.take_step(world.user("office_a1"), notice, flow.SUBMIT)
    assert says in refused.value.message
    assert refused.value.errors.keys() == {"body"}
    assert _state(notice) == before


def test_a_case_is_named_as_a_case_and_its_phone_is_found_through_the_sealed_index(
    world,
) -> None:
    case = CaseFactory.create(resident=world.resident_g2)
    phone = case.resident.phone
    assert phone
    notice = notice_in(
        world, body=f"{world.resident_g2.name}，电话 {phone[:3]} {phone[3:7]} {phone[7:]}"
    )
    with pytest.raises(DomainError) as refused:
        actions.take_step(world.user("office_a1"), notice, flow.SUBMIT)
    assert "a case's name “王二小”" in refused.value.message
    assert "a case's phone number" in refused.value.message
    # nothing else of the case is echoed
    assert case.resident.doc_number not in refused.value.message


def test_a_resident_of_another_township_is_not_looked_up_but_a_mobile_is_still_found(
    world,
) -> None:
    phone = world.resident_b.phone
    notice = notice_in(world, body=f"孙外人 {phone}")
    with pytest.raises(DomainError) as refused:
        actions.take_step(world.user("office_a1"), notice, flow.SUBMIT)
    assert "孙外人" not in refused.value.message.replace(f"“{phone}”", "")
    assert "resident's" not in refused.value.message


def test_a_case_registered_after_submission_stops_the_approval(world) -> None:
    """赵大山 lives in the other community of the township: named freely until he is a case."""
    notice = notice_in(world, flow.REVIEWED, body="感谢赵大山的配合。")
    CaseFactory.create(resident=world.resident_village)
    before = _state(notice)
    with pytest.raises(DomainError, match="a case's name"):
        actions.take_step(world.user("admin_a"), notice, flow.APPROVE)
    assert _state(notice) == before


def test_withdrawal_keeps_who_when_and_why(world) -> None:
    notice = notice_in(world, flow.PUBLISHED)
    with pytest.raises(DomainError, match="Say why"):
        actions.take_step(world.user("admin_a"), notice, flow.WITHDRAW)
    notice = actions.take_step(world.user("admin_a"), notice, flow.WITHDRAW, comment="内容过期")
    assert notice.status == flow.WITHDRAWN
    assert notice.withdrawn_by == world.user("admin_a")
    assert notice.withdrawn_reason == "内容过期"
    assert notice.withdrawn_at is not None
    with pytest.raises(DomainError):
        actions.take_step(world.user("office_a1"), notice, flow.PUBLISH)


def test_drafting_is_for_the_community_staff(world) -> None:
    for key in ("grid_g1", "medic_a1", "leader_a2", "admin_b"):
        with pytest.raises(DomainError):
            actions.create_notice(
                world.user(key), world.community_a1, kind="notice", title="t", body="b"
            )
    assert not Notice.objects.exists()
    with pytest.raises(DomainError) as refused:
        actions.create_notice(
            world.user("office_a1"), world.community_a1, kind="notice", title="", body=""
        )
    assert set(refused.value.errors) == {"title", "body"}


def test_media_requests_are_recorded_by_the_community_and_decided_by_its_township(world) -> None:
    def record():
        return actions.record_media_request(
            world.user("office_a1"),
            world.community_a1,
            outlet="长江日报",
            reporter="记者甲",
            contact="",
            topic="社区防控",
            requested_for=None,
        )

    found = record()
    for key in ("leader_a1", "admin_b", "office_a1"):
        with pytest.raises(DomainError):
            actions.decide_media_request(world.user(key), found, approve=True)
    found.refresh_from_db()
    assert found.status == MediaStatus.REQUESTED
    with pytest.raises(DomainError, match="Say why"):
        actions.decide_media_request(world.user("admin_a"), found, approve=False)
    found = actions.decide_media_request(world.user("admin_a"), found, approve=False, note="暂缓")
    assert (found.status, found.decided_by, found.decision_note) == (
        MediaStatus.REFUSED,
        world.user("admin_a"),
        "暂缓",
    )
    with pytest.raises(DomainError, match="already decided"):
        actions.decide_media_request(world.user("admin_a"), found, approve=True)
    assert (
        actions.decide_media_request(world.user("admin_a"), record(), approve=True).status
        == MediaStatus.APPROVED
    )
    with pytest.raises(DomainError):
        actions.record_media_request(
            world.user("leader_a2"),
            world.community_a1,
            outlet="x",
            reporter="y",
            contact="",
            topic="z",
            requested_for=None,
        )
    assert MediaRequest.objects.count() == 2
    assert AuditEntry.objects.filter(target_type="notices.mediarequest").count() == 4


def test_the_drafter_may_say_a_word_found_as_a_name_is_no_ones_name(world) -> None:
    ResidentFactory.create(household=world.household_g1, name="高风")
    notice = notice_in(world, body="中高风险地区返乡人员请主动报备。")
    with pytest.raises(DomainError, match="a resident's name “高风”"):
        actions.take_step(world.user("office_a1"), notice, flow.SUBMIT)
    for word in ("中高风险", "13712345678"):
        with pytest.raises(DomainError, match="Only a word found as a name"):
            actions.mark_not_a_name(world.user("office_a1"), notice, word)
    with pytest.raises(DomainError):
        actions.mark_not_a_name(world.user("leader_a2"), notice, "高风")
    notice = actions.mark_not_a_name(world.user("office_a1"), notice, "高风")
    assert notice.not_names == ["高风"]
    assert notice.steps.filter(kind="not_name", comment="高风").exists()
    notice = actions.take_step(world.user("office_a1"), notice, flow.SUBMIT)
    assert notice.status == flow.SUBMITTED
    with pytest.raises(DomainError, match="Only a draft or a returned notice"):
        actions.mark_not_a_name(world.user("office_a1"), notice, "高风")
