"""The quarantine verbs: each moves a case only forward, writes its event and audit entry, and
refuses with a readable reason (writing nothing) when a rule says no."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from fangkong.core.errors import DomainError
from fangkong.core.models import AuditEntry
from fangkong.core.roles import Role
from fangkong.core.tests.factories import UserFactory
from fangkong.health.models import CheckIn
from fangkong.policy.models import Policy, PolicyStatus
from fangkong.policy.rules import DEFAULT_RULES, Measure, MeasureKind
from fangkong.quarantine import actions
from fangkong.quarantine.blockers import verdict_for
from fangkong.quarantine.models import (
    Case,
    CaseEvent,
    CaseKind,
    CaseReason,
    CaseStatus,
    CounsellingNote,
    EventAction,
    IndexCaseKind,
    SignOff,
    SignRole,
)
from fangkong.quarantine.models import ScheduledTest as Item
from fangkong.quarantine.models import TestItemResult as Result
from fangkong.quarantine.release import BlockerCode

from .cases import SERVED, START, all_negative, in_review, on, open_case, signed, started
from .factories import IndexCaseFactory, RoomFactory, SiteFactory


def events(case: Case) -> list[str]:
    return list(CaseEvent.objects.filter(case=case).values_list("action", flat=True))


def status_of(case: Case) -> str:
    return Case.objects.get(pk=case.pk).status


# --- opening ---------------------------------------------------------------------------------


def test_a_case_opens_registered_with_the_schedule_of_its_policy(world):
    case = open_case(world)
    assert case.status == CaseStatus.REGISTERED and case.kind == CaseKind.HOME
    assert case.planned_end == dt.date(2026, 1, 23)
    assert list(case.tests.values_list("day", "due_date")) == [
        (1, START),
        (14, dt.date(2026, 1, 23)),
    ]
    assert case.address == world.household_g1.address
    assert events(case) == [EventAction.OPEN]
    assert AuditEntry.objects.filter(target_type="quarantine.case", action="create").count() == 1


def test_a_second_open_case_for_the_same_person_is_refused(world):
    open_case(world)
    with pytest.raises(DomainError, match="already has an open quarantine case"):
        open_case(world)


# --- start -----------------------------------------------------------------------------------


def test_starting_a_home_case_moves_it_into_quarantine_with_who_did_it(world):
    case = started(world, open_case(world))
    assert case.status == CaseStatus.IN_QUARANTINE
    event = CaseEvent.objects.get(case=case, action=EventAction.START)
    assert (event.from_status, event.to_status, event.by) == (
        CaseStatus.REGISTERED,
        CaseStatus.IN_QUARANTINE,
        world.user("grid_g1"),
    )
    assert AuditEntry.objects.filter(action="transition", target_id=str(case.pk)).exists()


def test_a_centralised_case_cannot_start_without_a_room(world):
    case = open_case(world, measure=DEFAULT_RULES.high)
    with pytest.raises(DomainError, match="Choose the room") as exc:
        started(world, case)
    assert "room" in exc.value.errors
    assert status_of(case) == CaseStatus.REGISTERED


def test_a_centralised_case_starts_in_a_room_with_a_free_bed(world, room_a):
    case = started(world, open_case(world, measure=DEFAULT_RULES.high), room=room_a)
    assert case.status == CaseStatus.IN_QUARANTINE
    assert case.room == room_a and case.address == "江汉隔离酒店 801"


def test_a_full_room_refuses_another_person(world, room_a):
    started(world, open_case(world, measure=DEFAULT_RULES.high), room=room_a)
    other = open_case(world, world.resident_g1_spouse, measure=DEFAULT_RULES.high)
    with pytest.raises(DomainError, match=r"Room 江汉隔离酒店 801 is full \(1 of 1 beds taken\)"):
        started(world, other, room=room_a)
    assert status_of(other) == CaseStatus.REGISTERED


def test_a_person_opened_in_a_room_keeps_their_own_bed_when_starting(world, room_a):
    case = open_case(world, measure=DEFAULT_RULES.high, room=room_a)
    assert started(world, case).room == room_a


def test_a_room_of_another_township_is_refused(world):
    room_b = RoomFactory.create(site=SiteFactory.create(township=world.township_b))
    case = open_case(world, measure=DEFAULT_RULES.high)
    with pytest.raises(DomainError, match="another township"):
        started(world, case, room=room_b)


def test_a_home_case_takes_no_room(world, room_a):
    with pytest.raises(DomainError, match="Only centralised quarantine takes a room"):
        started(world, open_case(world), room=room_a)


# --- status only forward ---------------------------------------------------------------------


def case_in(world, status: str) -> Case:
    if status == CaseStatus.REGISTERED:
        return open_case(world)
    if status == CaseStatus.IN_QUARANTINE:
        return started(world, open_case(world))
    case = in_review(world)
    if status == CaseStatus.RELEASE_REVIEW:
        return case
    if status == CaseStatus.RELEASED:
        signed(world, case)
        with on(SERVED):
            return actions.release(case, by=world.user("grid_g1"))
    with on(SERVED):
        return actions.refer_to_hospital(
            case, by=world.user("medic_a1"), hospital="市第一医院", reason="发热"
        )


VERBS = {
    "start": lambda w, c: actions.start_quarantine(c, by=w.user("grid_g1")),
    "review": lambda w, c: actions.request_release_review(c, by=w.user("grid_g1")),
    "release": lambda w, c: actions.release(c, by=w.user("grid_g1")),
    "refer": lambda w, c: actions.refer_to_hospital(
        c, by=w.user("medic_a1"), hospital="市第一医院", reason="发热"
    ),
    "sign": lambda w, c: actions.sign(c, by=w.user("medic_a1"), role=SignRole.MEDIC),
    "extend": lambda w, c: actions.extend(c, by=w.user("grid_g1"), days=3, reason="复查"),
}
#: (status, verb) pairs that are allowed; every other pair must be refused
ALLOWED = {
    (CaseStatus.REGISTERED, "start"),
    (CaseStatus.REGISTERED, "refer"),
    (CaseStatus.REGISTERED, "extend"),
    (CaseStatus.IN_QUARANTINE, "review"),
    (CaseStatus.IN_QUARANTINE, "refer"),
    (CaseStatus.IN_QUARANTINE, "extend"),
    (CaseStatus.RELEASE_REVIEW, "refer"),
    (CaseStatus.RELEASE_REVIEW, "sign"),
}


@pytest.mark.parametrize(
    ("status", "verb"),
    [(s, v) for s in CaseStatus.values for v in sorted(VERBS) if (s, v) not in ALLOWED],
)
def test_a_verb_out_of_turn_is_refused_and_leaves_the_case_as_it_was(world, status, verb):
    case = case_in(world, status)
    before = (status_of(case), events(case), SignOff.objects.count(), case.planned_end)
    with on(SERVED + dt.timedelta(days=1)), pytest.raises(DomainError):
        VERBS[verb](world, Case.objects.get(pk=case.pk))
    after = Case.objects.get(pk=case.pk)
    assert (after.status, events(case), SignOff.objects.count(), after.planned_end) == before


# --- release review --------------------------------------------------------------------------


def test_review_is_refused_before_the_period_is_served_naming_what_blocks(world):
    case = started(world, open_case(world))
    with on(dt.date(2026, 1, 20)), pytest.raises(DomainError) as exc:
        actions.request_release_review(case, by=world.user("grid_g1"))
    messages = exc.value.errors[""]
    assert messages[0] == "The case cannot go to release review yet:"
    assert (
        "The quarantine period is not yet served: 4 days left (release from 2026-01-24)."
        in messages
    )
    assert "There is no result yet for the test of day 1 (due 2026-01-10)." in messages
    assert not any("signed" in m for m in messages), "signatures come after the review starts"
    assert status_of(case) == CaseStatus.IN_QUARANTINE


def test_review_is_refused_while_a_test_result_is_missing(world):
    case = started(world, open_case(world))
    first = case.tests.get(day=1)
    with on(START):
        actions.record_test_result(
            first, by=world.user("medic_a1"), result="negative", sampled_on=START
        )
    with on(SERVED), pytest.raises(DomainError, match="day 14"):
        actions.request_release_review(case, by=world.user("grid_g1"))


def test_review_starts_once_the_period_is_served_and_every_test_is_negative(world):
    case = in_review(world)
    assert case.status == CaseStatus.RELEASE_REVIEW
    assert events(case)[-1] == EventAction.REVIEW


# --- signatures ------------------------------------------------------------------------------


def test_the_medical_worker_and_the_grid_worker_sign_and_the_case_is_released(world):
    case = signed(world, in_review(world))
    assert sorted(case.signoffs.values_list("role", "user__username")) == [
        ("cadre", "grid_g1"),
        ("medic", "medic_a1"),
    ]
    with on(SERVED):
        released = actions.release(case, by=world.user("grid_g1"), reason="期满解除")
    assert released.status == CaseStatus.RELEASED and released.closed_at is not None
    assert events(case)[-3:] == [EventAction.SIGN, EventAction.SIGN, EventAction.RELEASE]
    assert AuditEntry.objects.filter(action="sign", target_id=str(case.pk)).count() == 2


def test_release_without_the_signatures_is_refused_naming_both(world):
    case = in_review(world)
    with on(SERVED), pytest.raises(DomainError) as exc:
        actions.release(case, by=world.user("grid_g1"))
    assert exc.value.errors[""][1:] == [
        "The responsible cadre (包保干部) has not signed yet.",
        "The responsible medical worker (包保医务人员) has not signed yet.",
    ]
    assert status_of(case) == CaseStatus.RELEASE_REVIEW


def test_a_medical_worker_cannot_sign_as_the_cadre(world):
    case = in_review(world)
    with on(SERVED), pytest.raises(DomainError, match="Only a responsible cadre"):
        actions.sign(case, by=world.user("medic_a1"), role=SignRole.CADRE)
    assert not SignOff.objects.exists()


@pytest.mark.parametrize("key", ["office_a1", "admin_a", "police_a1"])
def test_staff_without_the_signing_role_cannot_sign(world, key):
    case = in_review(world)
    for role in SignRole.values:
        with on(SERVED), pytest.raises(DomainError, match="Only a responsible"):
            actions.sign(case, by=world.user(key), role=role)
    assert not SignOff.objects.exists()


def test_one_person_can_never_sign_for_both_roles(world):
    both = UserFactory.create(username="root", is_superuser=True, township=world.township_a)
    case = in_review(world)
    # Assigned to both roles (no assignment action allows it: the rule holds even then).
    Case.objects.filter(pk=case.pk).update(cadre=both, medic=both)
    with on(SERVED):
        actions.sign(case, by=both, role=SignRole.CADRE)
        with pytest.raises(DomainError, match="other signature must come from someone else"):
            actions.sign(case, by=both, role=SignRole.MEDIC)
    assert SignOff.objects.filter(case=case).count() == 1


def test_the_database_itself_refuses_one_person_signing_twice(world):
    case = in_review(world)
    SignOff.objects.create(case=case, role=SignRole.CADRE, user=world.user("grid_g1"))
    with pytest.raises(IntegrityError), transaction.atomic():
        SignOff.objects.create(case=case, role=SignRole.MEDIC, user=world.user("grid_g1"))
    with pytest.raises(IntegrityError), transaction.atomic():
        SignOff.objects.create(case=case, role=SignRole.CADRE, user=world.user("leader_a1"))


def test_a_role_signed_once_cannot_be_signed_again_by_someone_else(world):
    case = in_review(world)
    with on(SERVED):
        actions.sign(case, by=world.user("grid_g1"), role=SignRole.CADRE)
        with pytest.raises(DomainError, match="has already signed: grid_g1"):
            actions.sign(case, by=world.user("leader_a1"), role=SignRole.CADRE)


def test_a_fever_recorded_during_the_review_blocks_signing_and_release(world):
    case = in_review(world)
    CheckIn.objects.create(
        township=case.township,
        community=case.community,
        grid=case.grid,
        case=case,
        resident=case.resident,
        date=SERVED,
        slot=1,
        temperature=Decimal("37.8"),
        fever=True,
        via="staff",
        policy=case.policy,
    )
    with on(SERVED), pytest.raises(DomainError, match="A fever or a symptom is recorded"):
        actions.sign(case, by=world.user("medic_a1"), role=SignRole.MEDIC)
    with on(SERVED):
        assert BlockerCode.FEVER_OR_SYMPTOM in verdict_for(case, today=SERVED).codes


def test_a_symptom_without_fever_blocks_release_too(world):
    case = in_review(world)
    CheckIn.objects.create(
        township=case.township,
        community=case.community,
        grid=case.grid,
        case=case,
        resident=case.resident,
        date=SERVED,
        slot=1,
        temperature=Decimal("36.5"),
        symptoms=["干咳"],
        via="staff",
        policy=case.policy,
    )
    assert BlockerCode.FEVER_OR_SYMPTOM in verdict_for(case, today=SERVED).codes


def test_a_normal_check_in_does_not_block(world):
    case = in_review(world)
    CheckIn.objects.create(
        township=case.township,
        community=case.community,
        grid=case.grid,
        case=case,
        resident=case.resident,
        date=SERVED,
        slot=1,
        temperature=Decimal("36.5"),
        via="staff",
        policy=case.policy,
    )
    assert BlockerCode.FEVER_OR_SYMPTOM not in verdict_for(case, today=SERVED).codes


def test_release_follows_the_criteria_of_the_case_s_own_policy_version(world):
    lenient = Policy.objects.create(
        township=world.township_a,
        version=2,
        name="只需医务人员签字",
        status=PolicyStatus.ACTIVE,
        effective_from=dt.date(2025, 1, 1),
        source_title="test",
        rules=replace(
            DEFAULT_RULES, release=replace(DEFAULT_RULES.release, cadre_signoff=False)
        ).to_data(),
    )
    case = in_review(world)
    Case.objects.filter(pk=case.pk).update(policy=lenient)
    case.refresh_from_db()
    with on(SERVED):
        actions.sign(case, by=world.user("medic_a1"), role=SignRole.MEDIC)
        assert actions.release(case, by=world.user("grid_g1")).status == CaseStatus.RELEASED


# --- referral --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "status", [CaseStatus.REGISTERED, CaseStatus.IN_QUARANTINE, CaseStatus.RELEASE_REVIEW]
)
def test_an_open_case_can_be_referred_to_hospital_with_the_hospital_and_why(world, status):
    case = case_in(world, status)
    with on(SERVED):
        referred = actions.refer_to_hospital(
            case, by=world.user("medic_a1"), hospital=" 市第一医院 ", reason="发热 38.5℃"
        )
    assert referred.status == CaseStatus.REFERRED and referred.hospital == "市第一医院"
    assert referred.closed_at is not None
    event = CaseEvent.objects.get(case=case, action=EventAction.REFER)
    assert (event.reason, event.from_status) == ("发热 38.5℃", status)


def test_a_referral_needs_the_hospital_and_the_reason(world):
    case = open_case(world)
    with pytest.raises(DomainError, match="Name the hospital"):
        actions.refer_to_hospital(case, by=None, hospital=" ", reason="发热")
    with pytest.raises(DomainError, match="Say why"):
        actions.refer_to_hospital(case, by=None, hospital="市第一医院", reason="")
    assert status_of(case) == CaseStatus.REGISTERED


# --- extension -------------------------------------------------------------------------------


def test_extending_moves_the_end_and_adds_a_test_on_the_new_last_day(world):
    case = started(world, open_case(world))
    with on(dt.date(2026, 1, 20)):
        extended = actions.extend(case, by=world.user("grid_g1"), days=7, reason="同住人阳性")
    assert (extended.days, extended.planned_end) == (21, dt.date(2026, 1, 30))
    assert extended.test_days == [1, 14, 21]
    assert list(case.tests.values_list("day", "due_date")) == [
        (1, START),
        (14, dt.date(2026, 1, 23)),
        (21, dt.date(2026, 1, 30)),
    ]
    event = CaseEvent.objects.get(case=case, action=EventAction.EXTEND)
    assert event.reason == "同住人阳性" and event.data["test_added"] == 21
    assert BlockerCode.PERIOD_NOT_SERVED in verdict_for(extended, today=SERVED).codes


def test_extending_a_schedule_without_a_last_day_test_adds_no_test(world):
    measure = Measure(MeasureKind.HOME_QUARANTINE, 14, (1, 7))
    case = open_case(world, measure=measure)
    actions.extend(case, by=None, days=3, reason="复查")
    assert list(case.tests.values_list("day", flat=True)) == [1, 7]


def test_an_extension_needs_a_reason_and_at_least_a_day(world):
    case = open_case(world)
    with pytest.raises(DomainError, match="at least one day"):
        actions.extend(case, by=None, days=0, reason="x")
    with pytest.raises(DomainError, match="Say why the quarantine is extended"):
        actions.extend(case, by=None, days=3, reason="  ")
    assert Case.objects.get(pk=case.pk).days == 14


# --- responsible staff -----------------------------------------------------------------------


def test_the_responsible_cadre_and_medical_worker_can_be_changed_with_a_record(world):
    case = open_case(world)
    actions.change_responsible(
        case,
        by=world.user("leader_a1"),
        cadre=world.user("grid_g1"),
        medic=world.user("medic_a1"),
        reason="包保分工",
    )
    case.refresh_from_db()
    assert (case.cadre, case.medic) == (world.user("grid_g1"), world.user("medic_a1"))
    event = CaseEvent.objects.get(case=case, action=EventAction.CHANGE_RESPONSIBLE)
    assert event.data == {"cadre": ["", "grid_g1"], "medic": ["", "medic_a1"]}


@pytest.mark.parametrize(
    ("kind", "key", "message"),
    [
        ("cadre", "grid_g2", "does not work in this grid"),
        ("cadre", "leader_a2", "does not work in this grid"),
        ("cadre", "office_a1", "may sign as the cadre"),
        ("cadre", "medic_a1", "must be an active grid worker"),
        ("medic", "grid_g1", "must be an active medical worker"),
    ],
)
def test_a_responsible_person_must_hold_the_role_and_work_in_the_grid(world, kind, key, message):
    case = open_case(world)
    people = {"cadre": None, "medic": None, kind: world.user(key)}
    with pytest.raises(DomainError, match=message) as exc:
        actions.change_responsible(case, by=None, reason="包保分工", **people)
    assert kind in exc.value.errors
    case.refresh_from_db()
    assert case.cadre is None and case.medic is None


# --- tests -----------------------------------------------------------------------------------


def record(world, item, result, sampled_on, *, on_day=None, by="medic_a1"):
    with on(on_day or sampled_on):
        return actions.record_test_result(
            item, by=world.user(by), result=result, sampled_on=sampled_on, lab="区疾控中心"
        )


def test_a_negative_result_is_recorded_with_who_and_when(world):
    case = open_case(world)
    item = record(world, case.tests.get(day=1), "negative", START)
    item.refresh_from_db()
    assert (item.result, item.sampled_on, item.recorded_by, item.lab) == (
        Result.NEGATIVE,
        START,
        world.user("medic_a1"),
        "区疾控中心",
    )
    assert events(case)[-1] == EventAction.TEST_RESULT


def test_a_positive_result_is_flagged_loudly_and_blocks_release(world):
    case = started(world, open_case(world))
    record(world, case.tests.get(day=1), "positive", START)
    assert events(case)[-2:] == [EventAction.TEST_RESULT, EventAction.POSITIVE_RESULT]
    assert BlockerCode.TEST_NOT_NEGATIVE in verdict_for(case, today=SERVED).codes


def test_an_invalid_result_schedules_a_retest_that_stands_in_for_it(world):
    case = started(world, open_case(world))
    invalid = record(world, case.tests.get(day=1), "invalid", START, on_day=dt.date(2026, 1, 11))
    retest = Item.objects.get(retest_of=invalid)
    assert (retest.day, retest.due_date, retest.result) == (2, dt.date(2026, 1, 11), "")
    blockers = verdict_for(case, today=SERVED).reasons
    assert [(b.code, b.day) for b in blockers if b.code.startswith("test")] == [
        (BlockerCode.TEST_PENDING, 2),
        (BlockerCode.TEST_PENDING, 14),
    ]
    record(world, retest, "negative", dt.date(2026, 1, 11))
    record(world, case.tests.get(day=14), "negative", dt.date(2026, 1, 23))
    assert not [b for b in verdict_for(case, today=SERVED).reasons if b.code.startswith("test")]


def test_a_result_is_recorded_only_once(world):
    case = open_case(world)
    item = record(world, case.tests.get(day=1), "negative", START)
    with pytest.raises(DomainError, match="already recorded"):
        record(world, item, "positive", START)
    assert Item.objects.get(pk=item.pk).result == Result.NEGATIVE


@pytest.mark.parametrize(
    ("sampled_on", "message"),
    [
        (dt.date(2026, 1, 12), "in the future"),
        (dt.date(2026, 1, 9), "before the quarantine began"),
    ],
)
def test_a_sample_date_in_the_future_or_before_the_quarantine_is_refused(
    world, sampled_on, message
):
    case = open_case(world)
    item = case.tests.get(day=1)
    with on(dt.date(2026, 1, 11)), pytest.raises(DomainError, match=message):
        actions.record_test_result(item, by=None, result="negative", sampled_on=sampled_on)
    assert Item.objects.get(pk=item.pk).result == ""


def test_an_unknown_result_is_refused(world):
    case = open_case(world)
    with pytest.raises(DomainError, match="negative, positive or invalid"):
        record(world, case.tests.get(day=1), "unclear", START)


def test_no_result_is_recorded_on_a_closed_case(world):
    case = case_in(world, CaseStatus.RELEASED)
    extra = Item.objects.create(case=case, day=14, due_date=SERVED)
    with pytest.raises(DomainError, match="closed"):
        record(world, extra, "negative", SERVED)


# --- close contacts --------------------------------------------------------------------------


def test_a_close_contact_goes_to_centralised_quarantine_with_the_first_test_today(world, room_a):
    index = actions.register_index_case(
        world.user("leader_a1"),
        township=world.township_a,
        name="病例1",
        kind=IndexCaseKind.CONFIRMED,
        reported_on=dt.date(2026, 1, 9),
    )
    today = dt.date(2026, 1, 10)
    with on(today):
        case = actions.register_close_contact(
            world.user("grid_g1"), index_case=index, resident=world.resident_g1, room=room_a
        )
    assert (case.kind, case.reason, case.index_case, case.room) == (
        CaseKind.CENTRALISED,
        CaseReason.CLOSE_CONTACT,
        index,
        room_a,
    )
    first = case.tests.order_by("due_date").first()
    assert first is not None and first.due_date == today
    assert list(case.tests.values_list("day", flat=True)) == [1, 7, 14]
    # the contact's history names the index case by its reference, never its name
    assert (
        CaseEvent.objects.get(case=case).reason
        == f"Close contact of Index case #{index.pk}（Confirmed case）"
    )


def test_a_close_contact_gets_a_test_at_once_even_when_day_one_has_none(world):
    ensure = Policy.objects.create(
        township=world.township_a,
        version=5,
        name="密接首日不检",
        status=PolicyStatus.ACTIVE,
        effective_from=dt.date(2025, 1, 1),
        source_title="test",
        rules=replace(
            DEFAULT_RULES, close_contact=Measure(MeasureKind.CENTRALISED_QUARANTINE, 14, (7, 14))
        ).to_data(),
    )
    index = IndexCaseFactory.create(township=world.township_a)
    with on(dt.date(2026, 1, 10)):
        case = actions.register_close_contact(None, index_case=index, resident=world.resident_g1)
    assert case.policy == ensure
    assert list(case.tests.values_list("day", "due_date")) == [
        (0, dt.date(2026, 1, 10)),
        (7, dt.date(2026, 1, 16)),
        (14, dt.date(2026, 1, 23)),
    ]


def test_a_close_contact_of_another_township_is_refused(world):
    index = IndexCaseFactory.create(township=world.township_a)
    with pytest.raises(DomainError, match="lives in another township"):
        actions.register_close_contact(None, index_case=index, resident=world.resident_b)
    assert not Case.objects.exists()


def test_the_index_case_is_not_their_own_close_contact(world):
    index = IndexCaseFactory.create(township=world.township_a, resident=world.resident_g1)
    with pytest.raises(DomainError, match="index case itself"):
        actions.register_close_contact(None, index_case=index, resident=world.resident_g1)


def test_an_index_case_needs_a_name_and_a_date_not_in_the_future(world):
    with pytest.raises(DomainError, match="name or the case number"):
        actions.register_index_case(
            None, township=world.township_a, name=" ", kind="confirmed", reported_on=START
        )
    with on(START), pytest.raises(DomainError, match="future"):
        actions.register_index_case(
            None,
            township=world.township_a,
            name="病例",
            kind="confirmed",
            reported_on=dt.date(2026, 2, 1),
        )


# --- counselling, sites and rooms ------------------------------------------------------------


def test_a_counselling_note_is_kept_with_who_wrote_it(world):
    case = open_case(world)
    note = actions.add_counselling_note(case, by=world.user("medic_a1"), text=" 情绪稳定 ")
    assert (note.text, note.by) == ("情绪稳定", world.user("medic_a1"))
    with pytest.raises(DomainError, match="Write the note"):
        actions.add_counselling_note(case, by=None, text="")
    assert CounsellingNote.objects.count() == 1


def test_a_room_cannot_shrink_below_the_people_in_it(world, site_a):
    room = actions.create_room(None, site=site_a, number="802", capacity=2)
    started(world, open_case(world, measure=DEFAULT_RULES.high), room=room)
    started(
        world, open_case(world, world.resident_g1_spouse, measure=DEFAULT_RULES.high), room=room
    )
    with pytest.raises(DomainError, match="2 people stay in this room"):
        actions.update_room(None, room, number="802", capacity=1)
    with pytest.raises(DomainError, match="already has a room 802"):
        actions.create_room(None, site=site_a, number="802", capacity=1)


def test_renaming_a_site_or_room_follows_on_the_open_cases(world, room_a):
    case = started(world, open_case(world, measure=DEFAULT_RULES.high), room=room_a)
    actions.update_site(None, room_a.site, name="江汉宾馆", address="解放大道1号")
    actions.update_room(None, room_a, number="901", capacity=1)
    assert Case.objects.get(pk=case.pk).address == "江汉宾馆 901"


def test_two_sites_of_a_township_cannot_share_a_name(world, site_a):
    with pytest.raises(DomainError, match="already has a site named 江汉隔离酒店"):
        actions.create_site(None, township=world.township_a, name="江汉隔离酒店", address="x")
    other = actions.create_site(None, township=world.township_b, name="江汉隔离酒店", address="x")
    assert other.pk


def test_only_township_admins_and_community_leaders_manage_sites(world):
    managers = {k for k, u in world.users.items() if actions.may_manage_sites(u)}
    assert managers == {"admin_a", "admin_b", "leader_a1", "leader_a2"}
    assert Role.GRID_WORKER not in {world.user(k).role for k in managers}


def test_moving_a_case_to_another_room_frees_the_old_bed(world, site_a, room_a):
    other_room = RoomFactory.create(site=site_a, number="802")
    case = started(world, open_case(world, measure=DEFAULT_RULES.high), room=room_a)
    actions.assign_room(case, by=world.user("grid_g1"), room=other_room, reason="换房")
    newcomer = open_case(world, world.resident_g1_spouse, measure=DEFAULT_RULES.high)
    assert started(world, newcomer, room=room_a).room == room_a
    assert events(case)[-1] == EventAction.ASSIGN_ROOM


def test_all_negative_helper_really_records_results(world):
    # The helpers other tests rely on do what they say.
    case = open_case(world)
    all_negative(world, case)
    assert set(case.tests.values_list("result", flat=True)) == {"negative"}


def _reading(case, day, **values):
    with on(day):
        CheckIn.objects.create(
            township=case.township,
            community=case.community,
            grid=case.grid,
            case=case,
            resident=case.resident,
            date=day,
            slot=1,
            via="staff",
            policy=case.policy,
            **values,
        )


def test_a_fever_ruled_out_before_an_extension_no_longer_blocks_release(world):
    case = started(world, open_case(world))
    _reading(case, START + dt.timedelta(days=3), temperature=Decimal("38.0"), fever=True)
    later = SERVED + dt.timedelta(days=3)
    assert BlockerCode.FEVER_OR_SYMPTOM in verdict_for(case, today=later).codes

    with on(START + dt.timedelta(days=4)):
        actions.extend(case, by=world.user("grid_g1"), days=3, reason="发热经医院排除，延长观察")
    assert BlockerCode.FEVER_OR_SYMPTOM not in verdict_for(case, today=later).codes

    # a symptom after the extension blocks again
    _reading(case, START + dt.timedelta(days=5), temperature=Decimal("36.6"), symptoms=["干咳"])
    assert BlockerCode.FEVER_OR_SYMPTOM in verdict_for(case, today=later).codes
