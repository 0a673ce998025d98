"""Locking, adding people, lifting, disinfections: what each action writes and refuses."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from fangkong.core.errors import DomainError
from fangkong.core.models import AuditEntry
from fangkong.health.tests.conftest import quarantine_case
from fangkong.lockdown import actions
from fangkong.lockdown.models import DisinfectionTask, Lockdown, LockdownMember, LockdownStatus
from fangkong.masstesting.models import MemberResult, Round, RoundMember
from fangkong.people.tests.factories import ResidentFactory
from fangkong.quarantine.models import Case, CaseEvent, CaseKind, CaseReason, CaseStatus

from .conftest import TODAY, at


def _lock_building(world, **kw):
    return actions.lock(
        world.user("leader_a1"), building=world.building_g1, reason="确诊病例", **kw
    )


def _complete_round(lockdown, result=MemberResult.NEGATIVE):
    RoundMember.objects.filter(round__lockdown=lockdown).update(
        sampled_at=timezone.now(), result=result
    )


def test_locking_a_building_writes_exactly_its_register_cases_round_and_schedule(world, neighbours):
    lockdown = _lock_building(world)
    people = {world.resident_g1.pk, world.resident_g1_spouse.pk, neighbours.resident2.pk}
    assert set(lockdown.members.values_list("resident_id", flat=True)) == people
    cases = Case.objects.filter(kind=CaseKind.LOCKDOWN)
    assert set(cases.values_list("resident_id", flat=True)) == people
    assert set(cases.values_list("status", flat=True)) == {CaseStatus.IN_QUARANTINE}
    assert set(cases.values_list("reason", flat=True)) == {CaseReason.LOCKDOWN}
    assert {c.days for c in cases} == {lockdown.policy.as_rules().lockdown.days}
    rnd = Round.objects.get(lockdown=lockdown)
    assert rnd.scope == "building" and rnd.building_id == world.building_g1.pk
    assert set(rnd.members.values_list("resident_id", flat=True)) == people
    rules = lockdown.policy.as_rules()
    tasks = DisinfectionTask.objects.filter(lockdown=lockdown)
    assert tasks.count() == len(lockdown.areas) * rules.lockdown_disinfections_per_day
    assert set(tasks.values_list("date", flat=True)) == {TODAY}
    # Nothing for the neighbouring building (王二小 in 2栋).
    assert not Case.objects.filter(resident=world.resident_g2).exists()
    assert not LockdownMember.objects.filter(resident=world.resident_g2).exists()
    assert AuditEntry.objects.filter(target_type__icontains="lockdown", action="create").exists()


def test_locking_a_unit_leaves_the_other_unit_of_the_building_alone(world, neighbours):
    lockdown = actions.lock(
        world.user("leader_a1"), building=world.building_g1, unit=world.unit_g1, reason="病例"
    )
    people = {world.resident_g1.pk, world.resident_g1_spouse.pk}
    assert set(lockdown.members.values_list("resident_id", flat=True)) == people
    assert set(Case.objects.values_list("resident_id", flat=True)) == people
    rnd = Round.objects.get(lockdown=lockdown)
    assert rnd.scope == "unit" and rnd.unit_id == world.unit_g1.pk
    assert set(rnd.members.values_list("resident_id", flat=True)) == people
    # The other unit can be locked on its own; the whole building cannot while unit 1 is.
    other = actions.lock(
        world.user("leader_a1"), building=world.building_g1, unit=neighbours.unit2, reason="x"
    )
    assert set(other.members.values_list("resident_id", flat=True)) == {neighbours.resident2.pk}
    with pytest.raises(DomainError, match="already locked"):
        _lock_building(world)


def test_someone_already_in_quarantine_keeps_their_case(world):
    own = quarantine_case(world, world.resident_g1)
    lockdown = _lock_building(world)
    member = lockdown.members.get(resident=world.resident_g1)
    assert member.case_id == own.pk and "keeps case" in member.note
    assert Case.objects.filter(resident=world.resident_g1).count() == 1
    assert Case.objects.get(resident=world.resident_g1_spouse).kind == CaseKind.LOCKDOWN


def _nothing_written():
    return (
        Lockdown.objects.count(),
        LockdownMember.objects.count(),
        Case.objects.count(),
        Round.objects.count(),
        DisinfectionTask.objects.count(),
    ) == (0, 0, 0, 0, 0)


def test_a_building_with_nobody_registered_is_refused_and_nothing_is_written(world):
    from fangkong.core.tests.factories import BuildingFactory

    empty = BuildingFactory.create(grid=world.grid_g1, name="空楼")
    audits = AuditEntry.objects.count()
    with pytest.raises(DomainError, match="add the residents first"):
        actions.lock(world.user("leader_a1"), building=empty, reason="病例")
    assert _nothing_written()
    assert AuditEntry.objects.count() == audits


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("no_reason", "Say why"),
        ("foreign_unit", "is not in"),
        ("twice", "already locked"),
        ("grid_worker", "Only a community leader"),
        ("other_community", "outside your jurisdiction"),
    ],
)
def test_refusals(world, neighbours, case, message):
    from fangkong.core.tests.factories import UnitFactory

    leader = world.user("leader_a1")
    kwargs = {"building": world.building_g1, "reason": "病例"}
    if case == "no_reason":
        kwargs["reason"] = "  "
    elif case == "foreign_unit":
        kwargs["unit"] = UnitFactory.create(building=world.building_g2)
    elif case == "twice":
        actions.lock(leader, **kwargs)
    elif case == "grid_worker":
        leader = world.user("grid_g1")
    elif case == "other_community":
        leader = world.user("leader_a2")
    before = (Lockdown.objects.count(), Case.objects.count(), Round.objects.count())
    with pytest.raises(DomainError, match=message):
        actions.lock(leader, **kwargs)
    assert (Lockdown.objects.count(), Case.objects.count(), Round.objects.count()) == before


def test_lifting_is_blocked_while_results_are_missing_then_ends_the_cases(world, neighbours):
    lockdown = _lock_building(world)
    leader = world.user("leader_a1")
    with pytest.raises(DomainError) as refused:
        actions.lift(leader, lockdown, reason="全员阴性")
    assert "has not been sampled" in str(refused.value)
    # Sampled, but one result still missing.
    RoundMember.objects.filter(round__lockdown=lockdown).update(sampled_at=timezone.now())
    RoundMember.objects.filter(round__lockdown=lockdown).exclude(resident=world.resident_g1).update(
        result=MemberResult.NEGATIVE
    )
    with pytest.raises(DomainError) as refused:
        actions.lift(leader, lockdown, reason="全员阴性")
    assert refused.value.errors[""][1:] == ["The result of 张三丰 is missing."]
    assert Lockdown.objects.get(pk=lockdown.pk).status == LockdownStatus.ACTIVE
    # A retest pending blocks too.
    RoundMember.objects.filter(resident=world.resident_g1).update(
        result=MemberResult.NEGATIVE, retest_needed=True
    )
    with pytest.raises(DomainError, match="needs a retest"):
        actions.lift(leader, lockdown, reason="全员阴性")
    RoundMember.objects.filter(resident=world.resident_g1).update(retest_needed=False)
    lifted = actions.lift(leader, lockdown, reason="全员阴性")
    assert lifted.status == LockdownStatus.LIFTED and lifted.lifted_by == leader
    assert set(Case.objects.values_list("status", flat=True)) == {CaseStatus.RELEASED}
    assert CaseEvent.objects.filter(action="release", reason__contains="全员阴性").count() == 3
    # Today's slots still to come stop; none is missed.
    assert not DisinfectionTask.objects.filter(lockdown=lockdown).undone().exists()
    with pytest.raises(DomainError, match="already lifted"):
        actions.lift(leader, lockdown, reason="again")


def test_a_positive_member_blocks_lifting(world):
    lockdown = _lock_building(world)
    _complete_round(lockdown)
    RoundMember.objects.filter(resident=world.resident_g1_spouse).update(
        result=MemberResult.POSITIVE
    )
    with pytest.raises(DomainError, match="李秀英 tested POSITIVE"):
        actions.lift(world.user("leader_a1"), lockdown, reason="x")


def test_a_kept_quarantine_case_is_not_ended_by_lifting(world):
    own = quarantine_case(world, world.resident_g1)
    lockdown = _lock_building(world)
    _complete_round(lockdown)
    actions.lift(world.user("leader_a1"), lockdown, reason="阴性")
    assert Case.objects.get(pk=own.pk).status == CaseStatus.IN_QUARANTINE
    assert Case.objects.get(resident=world.resident_g1_spouse).status == CaseStatus.RELEASED


def test_adding_a_person_found_later(world, neighbours):
    lockdown = actions.lock(
        world.user("leader_a1"), building=world.building_g1, unit=world.unit_g1, reason="病例"
    )
    found = ResidentFactory.create(household=world.household_g1, name="张小宝")
    member = actions.add_member(world.user("leader_a1"), lockdown, found)
    assert member.added_later and member.case is not None
    assert member.case.kind == CaseKind.LOCKDOWN
    assert RoundMember.objects.filter(round__lockdown=lockdown, resident=found).exists()
    with pytest.raises(DomainError, match="already on the register"):
        actions.add_member(world.user("leader_a1"), lockdown, found)
    with pytest.raises(DomainError, match="does not live in"):
        actions.add_member(world.user("leader_a1"), lockdown, neighbours.resident2)
    assert not Case.objects.filter(resident=neighbours.resident2).exists()


def test_disinfection_slots_are_made_for_each_day_and_missed_ones_flagged(world, clock):
    from fangkong.lockdown import disinfection

    lockdown = _lock_building(world)
    first = list(DisinfectionTask.objects.filter(lockdown=lockdown, slot=1))
    actions.mark_disinfected(world.user("grid_g1"), first[0])
    with pytest.raises(DomainError, match="already recorded"):
        actions.mark_disinfected(world.user("grid_g1"), first[0])
    second_slot = DisinfectionTask.objects.filter(lockdown=lockdown, slot=2)[0]
    with pytest.raises(DomainError, match="not due yet"):
        actions.mark_disinfected(world.user("grid_g1"), second_slot)
    clock.move_to(at(TODAY + dt.timedelta(days=2), 9))
    lockdown.refresh_from_db()
    made = actions.ensure_schedule([lockdown], timezone.localdate())
    assert made == 2 * len(lockdown.areas) * 2
    assert actions.ensure_schedule([lockdown], timezone.localdate()) == 0
    now = timezone.now()
    missed = [
        t
        for t in DisinfectionTask.objects.filter(lockdown=lockdown)
        if disinfection.is_missed(
            t.date,
            t.slot,
            t.per_day,
            done=t.done_at is not None,
            stopped=False,
            now=now,
            tz=timezone.get_current_timezone(),
        )
    ]
    # all of day 1 but the one done, all of day 2; none of today (slot 1 ends at noon).
    assert len(missed) == 2 * len(lockdown.areas) * 2 - 1


def test_the_task_makes_the_days_slots_of_every_active_lockdown(world, neighbours, clock):
    from fangkong.lockdown.tasks import schedule_disinfections

    one = actions.lock(
        world.user("leader_a1"), building=world.building_g1, unit=world.unit_g1, reason="x"
    )
    two = actions.lock(world.user("leader_a1"), building=world.building_g2, reason="y")
    clock.move_to(at(TODAY + dt.timedelta(days=1), 6))
    result = schedule_disinfections.enqueue()
    per_lockdown = len(one.areas) * one.policy.as_rules().lockdown_disinfections_per_day
    assert result.return_value == 2 * per_lockdown
    for lockdown in (one, two):
        assert (
            DisinfectionTask.objects.filter(
                lockdown=lockdown, date=TODAY + dt.timedelta(days=1)
            ).count()
            == per_lockdown
        )


def test_end_lockdown_isolation_ends_only_a_lockdown_case_with_a_reason(world):
    from fangkong.quarantine import actions as quarantine

    home = quarantine_case(world, world.resident_g2, by="grid_g2")
    with pytest.raises(DomainError, match="Only a lockdown isolation"):
        quarantine.end_lockdown_isolation(home, by=world.user("leader_a1"), reason="解封")
    lockdown = actions.lock(
        world.user("leader_a1"), building=world.building_g1, unit=world.unit_g1, reason="x"
    )
    case = Case.objects.get(resident=world.resident_g1)
    assert case.kind == CaseKind.LOCKDOWN and lockdown.pk
    with pytest.raises(DomainError, match="Say why"):
        quarantine.end_lockdown_isolation(case, by=world.user("leader_a1"), reason=" ")
    ended = quarantine.end_lockdown_isolation(case, by=world.user("leader_a1"), reason="解封")
    assert ended.status == CaseStatus.RELEASED and ended.closed_at is not None
    assert Case.objects.get(pk=home.pk).status == CaseStatus.IN_QUARANTINE
    with pytest.raises(DomainError, match="closed"):
        quarantine.end_lockdown_isolation(case, by=world.user("leader_a1"), reason="again")


def test_end_lockdown_isolation_moves_through_the_case_state_machine(world, monkeypatch):
    from fangkong.core.models import AuditEntry
    from fangkong.quarantine import actions as quarantine
    from fangkong.quarantine import release
    from fangkong.quarantine.models import CaseEvent, EventAction

    actions.lock(
        world.user("leader_a1"), building=world.building_g1, unit=world.unit_g1, reason="x"
    )
    case = Case.objects.get(resident=world.resident_g1)
    asked: list[tuple[str, str, bool]] = []

    def refuse(from_status: str, to_status: str, *, lockdown_lifted: bool = False) -> bool:
        asked.append((from_status, to_status, lockdown_lifted))
        return False

    monkeypatch.setattr(release, "may_move", refuse)
    with pytest.raises(DomainError, match="cannot go from"):
        quarantine.end_lockdown_isolation(case, by=world.user("leader_a1"), reason="解封")
    assert asked == [(case.status, CaseStatus.RELEASED, True)]
    assert Case.objects.get(pk=case.pk).status == case.status
    monkeypatch.undo()
    ended = quarantine.end_lockdown_isolation(case, by=world.user("leader_a1"), reason="解封")
    assert ended.status == CaseStatus.RELEASED
    last = CaseEvent.objects.filter(case=case).latest("pk")
    assert (last.action, last.to_status, last.reason) == (
        EventAction.RELEASE,
        CaseStatus.RELEASED,
        "解封",
    )
    entry = AuditEntry.objects.filter(target_id=str(case.pk), action="transition").latest("pk")
    assert entry.changes == {"status": [case.status, CaseStatus.RELEASED], "lockdown_lifted": True}


def test_the_round_is_asked_of_masstesting_through_the_registry_and_fails_loudly_without_it(
    world, monkeypatch
):
    from fangkong.core import registry
    from fangkong.lockdown import testing
    from fangkong.masstesting import lockdowns

    # masstesting (above lockdown) answers every question lockdown asks about its round.
    assert registry.answer_to(testing.OPEN_ROUND) is lockdowns.open_lockdown_round
    assert registry.answer_to(testing.ADD_TO_ROUND) is lockdowns.add_to_lockdown_round
    assert registry.answer_to(testing.ROUND_RESULTS) is lockdowns.lockdown_results
    assert registry.answer_to(testing.ROUND_COVERAGE) is lockdowns.lockdown_coverage
    # Without the answers a lock is refused whole: no lockdown without its testing round.
    monkeypatch.setattr(registry, "_answers", {})
    with pytest.raises(LookupError, match=r"lockdown\.open_round"):
        _lock_building(world)
    assert _nothing_written()
