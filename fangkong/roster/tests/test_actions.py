"""The roster's writes: filling shifts, the refusals (overlap, another community's person,
a swap approved by someone not the leader, a handover by someone not on the shift), copying a
week, handover and its reading, swaps."""

from __future__ import annotations

import datetime as dt

import pytest

from fangkong.core.errors import DomainError
from fangkong.core.models import AuditEntry
from fangkong.roster import actions
from fangkong.roster.models import Duty, Post, Swap, SwapStatus

from .conftest import TODAY, at
from .factories import on, posts

pytestmark = pytest.mark.django_db
TOMORROW = TODAY + dt.timedelta(days=1)


def test_set_up_posts_makes_one_per_gate_and_the_office_and_patrol(world) -> None:
    found = posts(world)
    assert found["gate"].gate is not None and found["gate"].gate.name == "南门"
    assert sorted(
        Post.objects.filter(community=world.community_a1).values_list("kind", flat=True)
    ) == [
        "gate",
        "office",
        "patrol",
    ]
    # named in the site's language (Chinese) even from an English request
    assert found["office"].name == "办公室" and found["patrol"].name == "巡逻"
    # again: nothing more
    assert actions.set_up_posts(world.user("leader_a1"), world.community_a1) == []


def test_a_shift_gets_its_times_from_the_policy(world) -> None:
    duty = on(world, posts(world)["gate"], "guard_a1", day=TOMORROW, slot=2)
    assert (duty.start, duty.end) == (at(TOMORROW, 16), at(TOMORROW + dt.timedelta(days=1), 0))
    assert AuditEntry.objects.filter(target_type="roster.duty").count() == 1


def test_an_overlapping_shift_of_the_same_person_is_refused_in_any_post(world) -> None:
    p = posts(world)
    on(world, p["gate"], "guard_a1", day=TOMORROW, slot=1)
    before = Duty.objects.count()
    with pytest.raises(DomainError) as exc:
        on(world, p["patrol"], "guard_a1", day=TOMORROW, slot=1)
    assert "already on duty at 南门" in exc.value.message
    assert Duty.objects.count() == before
    # back to back is fine
    on(world, p["patrol"], "guard_a1", day=TOMORROW, slot=2)


def test_the_refusal_reads_as_chinese(world) -> None:
    from django.utils import translation

    p = posts(world)
    on(world, p["gate"], "guard_a1", day=TOMORROW, slot=1)
    with translation.override("zh-hans"), pytest.raises(DomainError) as exc:
        on(world, p["office"], "guard_a1", day=TOMORROW, slot=1)
    assert "不能同时" in exc.value.message


def test_a_person_of_another_community_is_refused(world) -> None:
    p = posts(world)
    with pytest.raises(DomainError) as exc:
        on(world, p["gate"], "leader_a2", day=TOMORROW)
    assert "not on the staff of 民族社区" in exc.value.message
    assert not Duty.objects.exists()


@pytest.mark.parametrize("key", ["guard_a1", "grid_g1", "leader_a2", "admin_b"])
def test_only_who_manages_the_community_fills_it(world, key) -> None:
    p = posts(world)
    with pytest.raises(DomainError):
        on(world, p["gate"], "volunteer_a1", day=TOMORROW, by=key)
    assert not Duty.objects.exists()


@pytest.mark.parametrize("key", ["leader_a1", "office_a1", "admin_a"])
def test_the_leader_the_office_and_the_township_fill_it(world, key) -> None:
    on(world, posts(world)["gate"], "volunteer_a1", day=TOMORROW, by=key)
    assert Duty.objects.count() == 1


def test_a_past_shift_is_not_filled(world) -> None:
    with pytest.raises(DomainError):
        on(world, posts(world)["gate"], "guard_a1", day=TODAY, slot=0)


def test_copy_last_week(world, clock) -> None:
    p = posts(world)
    last_week = TODAY - dt.timedelta(days=7)
    clock.move_to(at(last_week - dt.timedelta(days=2)))
    on(world, p["gate"], "guard_a1", day=last_week - dt.timedelta(days=1), slot=1)  # Monday
    on(world, p["gate"], "guard_a1", day=last_week + dt.timedelta(days=1), slot=1)
    on(world, p["office"], "office_a1", day=last_week + dt.timedelta(days=2), slot=0)
    clock.move_to(at())
    copied, skipped = actions.copy_week(world.user("leader_a1"), world.community_a1, monday=TODAY)
    assert (copied, skipped) == (2, 1)  # this Monday's shift is over
    assert Duty.objects.filter(day__gte=shift_monday()).count() == 2


def shift_monday() -> dt.date:
    return TODAY - dt.timedelta(days=TODAY.weekday())


def test_copying_an_empty_week_is_refused(world) -> None:
    posts(world)
    with pytest.raises(DomainError):
        actions.copy_week(world.user("leader_a1"), world.community_a1, monday=TODAY)


def test_handover_written_by_the_person_on_the_shift_and_read_by_the_next(world, clock) -> None:
    p = posts(world)
    clock.move_to(at(hour=6))
    mine = on(world, p["gate"], "guard_a1", day=TODAY, slot=1)  # 08-16
    theirs = on(world, p["gate"], "volunteer_a1", day=TODAY, slot=2)  # 16-24
    clock.move_to(at(hour=15, minute=30))
    actions.write_handover(world.user("guard_a1"), mine, note="北侧围挡松动，已报修")
    mine.refresh_from_db()
    assert mine.handover.startswith("北侧") and mine.handover_at == at(hour=15, minute=30)
    clock.move_to(at(hour=16, minute=5))
    actions.read_handover(world.user("volunteer_a1"), theirs)
    theirs.refresh_from_db()
    assert theirs.handover_read_at == at(hour=16, minute=5)


def test_a_handover_by_someone_not_on_the_shift_is_refused(world, clock) -> None:
    p = posts(world)
    clock.move_to(at(hour=6))
    mine = on(world, p["gate"], "guard_a1", day=TODAY, slot=1)
    clock.move_to(at(hour=15, minute=30))
    for key in ("volunteer_a1", "leader_a1"):
        with pytest.raises(DomainError) as exc:
            actions.write_handover(world.user(key), mine, note="我来写")
        assert "Only the person on this shift" in exc.value.message
    mine.refresh_from_db()
    assert mine.handover == "" and mine.handover_at is None


def test_a_handover_is_written_at_the_end_of_the_shift(world, clock) -> None:
    p = posts(world)
    clock.move_to(at(hour=6))
    mine = on(world, p["gate"], "guard_a1", day=TODAY, slot=1)
    clock.move_to(at(hour=9))
    with pytest.raises(DomainError):
        actions.write_handover(world.user("guard_a1"), mine, note="太早")


def test_reading_needs_a_handover_written(world, clock) -> None:
    p = posts(world)
    clock.move_to(at(hour=6))
    on(world, p["gate"], "guard_a1", day=TODAY, slot=1)
    theirs = on(world, p["gate"], "volunteer_a1", day=TODAY, slot=2)
    with pytest.raises(DomainError):
        actions.read_handover(world.user("volunteer_a1"), theirs)
    with pytest.raises(DomainError):
        actions.read_handover(world.user("guard_a1"), theirs)


def test_swap_asked_and_approved_by_the_leader(world) -> None:
    p = posts(world)
    duty = on(world, p["gate"], "guard_a1", day=TOMORROW)
    swap = actions.request_swap(
        world.user("guard_a1"), duty, to_person=world.user("volunteer_a1"), reason="家中有事"
    )
    actions.decide_swap(world.user("leader_a1"), swap, approve=True)
    duty.refresh_from_db()
    swap.refresh_from_db()
    assert duty.person == world.user("volunteer_a1")
    assert swap.status == SwapStatus.APPROVED and swap.decided_by == world.user("leader_a1")


@pytest.mark.parametrize("key", ["office_a1", "guard_a1", "volunteer_a1", "leader_a2", "admin_b"])
def test_a_swap_approved_by_someone_not_the_leader_is_refused(world, key) -> None:
    p = posts(world)
    duty = on(world, p["gate"], "guard_a1", day=TOMORROW)
    swap = actions.request_swap(world.user("guard_a1"), duty, to_person=world.user("volunteer_a1"))
    with pytest.raises(DomainError) as exc:
        actions.decide_swap(world.user(key), swap, approve=True)
    assert "leader" in exc.value.message
    duty.refresh_from_db()
    swap.refresh_from_db()
    assert duty.person == world.user("guard_a1") and swap.status == SwapStatus.REQUESTED


def test_a_swap_is_asked_only_by_the_person_on_the_shift(world) -> None:
    duty = on(world, posts(world)["gate"], "guard_a1", day=TOMORROW)
    with pytest.raises(DomainError):
        actions.request_swap(world.user("volunteer_a1"), duty, to_person=world.user("volunteer_a1"))
    with pytest.raises(DomainError):
        actions.request_swap(world.user("guard_a1"), duty, to_person=world.user("leader_a2"))
    assert not Swap.objects.exists()


def test_a_swap_to_someone_already_on_duty_then_is_refused(world) -> None:
    p = posts(world)
    duty = on(world, p["gate"], "guard_a1", day=TOMORROW)
    on(world, p["office"], "volunteer_a1", day=TOMORROW)
    with pytest.raises(DomainError):
        actions.request_swap(world.user("guard_a1"), duty, to_person=world.user("volunteer_a1"))


def test_refused_swap_keeps_the_shift(world) -> None:
    duty = on(world, posts(world)["gate"], "guard_a1", day=TOMORROW)
    swap = actions.request_swap(world.user("guard_a1"), duty, to_person=world.user("volunteer_a1"))
    actions.decide_swap(world.user("leader_a1"), swap, approve=False)
    duty.refresh_from_db()
    assert duty.person == world.user("guard_a1")
    with pytest.raises(DomainError):
        actions.decide_swap(world.user("leader_a1"), swap, approve=True)
