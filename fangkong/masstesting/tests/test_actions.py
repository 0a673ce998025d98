"""Sampling: tubes, pools, retests, refusals that change nothing."""

from __future__ import annotations

import pytest

from fangkong.checkpoints.models import Pass
from fangkong.checkpoints.payload import qr_text
from fangkong.core.errors import DomainError
from fangkong.core.models import AuditEntry
from fangkong.masstesting import actions
from fangkong.masstesting.models import Round, RoundMember, RoundStatus, Tube
from fangkong.masstesting.rounds import open_round
from fangkong.people.tests.factories import ResidentFactory

from .helpers import community_round, more_people

pytestmark = pytest.mark.django_db


def test_open_round_lists_everyone_in_scope(world) -> None:
    rnd = community_round(world, extra=3)
    assert rnd.members.count() == 6  # 3 of the world + 3 more in building 1
    assert rnd.pool_size == 10
    assert set(rnd.members.values_list("community_id", flat=True)) == {world.community_a1.pk}
    by_building = {b: n for b, n in ((m.building_id, 1) for m in rnd.members.all())}
    assert world.building_g1.pk in by_building and world.building_g2.pk in by_building


def test_sample_into_a_pooled_tube(world) -> None:
    rnd = community_round(world)
    medic = world.user("medic_a1")
    member = actions.sample(
        medic, rnd, tube_code=" t-001 ", pooled=True, resident=world.resident_g1
    )
    assert member.tube.code == "T-001"  # type: ignore[union-attr]
    assert member.sampled_by == medic and member.sampled_at is not None
    assert AuditEntry.objects.filter(target_type="masstesting.roundmember").count() == 1


def test_a_full_tube_refuses_the_eleventh(world) -> None:
    rnd = community_round(world, extra=9)
    people = [m.resident for m in rnd.members.select_related("resident")]
    assert len(people) == 12
    medic = world.user("medic_a1")
    for person in people[:10]:
        actions.sample(medic, rnd, tube_code="P1", pooled=True, resident=person)
    with pytest.raises(DomainError, match="full"):
        actions.sample(medic, rnd, tube_code="P1", pooled=True, resident=people[10])
    eleventh = RoundMember.objects.get(round=rnd, resident=people[10])
    assert eleventh.tube_id is None and eleventh.sampled_at is None
    assert Tube.objects.get(code="P1").members.count() == 10
    with pytest.raises(DomainError, match="full"):
        actions.check_tube(rnd, "p1", pooled=True)


def test_pool_size_comes_from_the_round(world) -> None:
    rnd = community_round(world, extra=3)
    Round.objects.filter(pk=rnd.pk).update(pool_size=2)
    people = [m.resident for m in rnd.members.select_related("resident")]
    actions.sample(None, rnd, tube_code="P1", pooled=True, resident=people[0])
    actions.sample(None, rnd, tube_code="P1", pooled=True, resident=people[1])
    with pytest.raises(DomainError, match=r"full \(2 of 2\)"):
        actions.sample(None, rnd, tube_code="P1", pooled=True, resident=people[2])


def test_a_single_tube_holds_one(world) -> None:
    rnd = community_round(world)
    actions.sample(None, rnd, tube_code="S1", pooled=False, resident=world.resident_g1)
    with pytest.raises(DomainError, match="full"):
        actions.sample(None, rnd, tube_code="S1", pooled=False, resident=world.resident_g2)
    with pytest.raises(DomainError, match="single-person tube"):
        actions.sample(None, rnd, tube_code="S1", pooled=True, resident=world.resident_g2)


def test_a_person_sampled_twice_is_refused(world) -> None:
    rnd = community_round(world)
    actions.sample(None, rnd, tube_code="P1", pooled=True, resident=world.resident_g1)
    with pytest.raises(DomainError, match="already sampled in this round \\(tube P1\\)"):
        actions.sample(None, rnd, tube_code="P2", pooled=True, resident=world.resident_g1)
    assert not Tube.objects.filter(code="P2").exists()
    member = RoundMember.objects.get(round=rnd, resident=world.resident_g1)
    assert member.tube.code == "P1"  # type: ignore[union-attr]


def test_a_person_not_expected_is_refused_and_can_be_added(world) -> None:
    rnd = community_round(world)
    newcomer = ResidentFactory.create(household=world.household_g2)
    with pytest.raises(DomainError, match="not expected in this round"):
        actions.sample(None, rnd, tube_code="P1", pooled=True, resident=newcomer)
    assert not Tube.objects.filter(round=rnd).exists()
    member = actions.add_to_round(world.user("medic_a1"), rnd, newcomer)
    assert member.building_id == world.building_g2.pk
    actions.sample(None, rnd, tube_code="P1", pooled=True, resident=newcomer)
    with pytest.raises(DomainError, match="already expected"):
        actions.add_to_round(None, rnd, newcomer)


def test_someone_outside_the_scope_cannot_be_added(world) -> None:
    rnd = community_round(world)
    with pytest.raises(DomainError, match="does not live in the area"):
        actions.add_to_round(None, rnd, world.resident_village)
    assert not RoundMember.objects.filter(round=rnd, resident=world.resident_village).exists()


def test_a_tube_code_of_another_round_is_refused(world) -> None:
    first = community_round(world)
    actions.sample(None, first, tube_code="P1", pooled=True, resident=world.resident_g1)
    second = open_round(None, scope=world.grid_g1, name="网格复测")
    with pytest.raises(DomainError, match="already used in the round"):
        actions.sample(None, second, tube_code="P1", pooled=True, resident=world.resident_g1)
    assert second.tubes.count() == 0
    with pytest.raises(DomainError, match="already used"):
        actions.check_tube(second, "P1", pooled=True)


def test_a_tube_with_a_result_takes_nobody(world) -> None:
    rnd = community_round(world)
    actions.sample(None, rnd, tube_code="P1", pooled=True, resident=world.resident_g1)
    Tube.objects.filter(code="P1").update(result="negative")
    with pytest.raises(DomainError, match="already has its result"):
        actions.sample(None, rnd, tube_code="P1", pooled=True, resident=world.resident_g2)


def test_retest_goes_into_a_new_single_tube(world) -> None:
    rnd = community_round(world)
    actions.sample(None, rnd, tube_code="P1", pooled=True, resident=world.resident_g1)
    RoundMember.objects.filter(round=rnd, resident=world.resident_g1).update(retest_needed=True)
    Tube.objects.filter(code="P1").update(result="positive")
    with pytest.raises(DomainError, match="single-tube retest"):
        actions.sample(None, rnd, tube_code="P9", pooled=True, resident=world.resident_g1)
    member = actions.sample(None, rnd, tube_code="R1", pooled=False, resident=world.resident_g1)
    assert member.retest_tube.code == "R1" and member.tube.code == "P1"  # type: ignore[union-attr]
    with pytest.raises(DomainError, match="already sampled"):
        actions.sample(None, rnd, tube_code="R2", pooled=False, resident=world.resident_g1)


def test_pass_qr_finds_the_resident(world) -> None:
    p = Pass.objects.create(
        township=world.township_a,
        community=world.community_a1,
        grid=world.grid_g1,
        resident=world.resident_g1,
        number="A1-000001",
    )
    assert actions.resident_of_pass(qr_text(p.number)) == world.resident_g1
    with pytest.raises(DomainError, match="not a pass of this site"):
        actions.resident_of_pass("FKP1:A1-000001:forged")
    with pytest.raises(DomainError, match="not a pass of this site"):
        actions.resident_of_pass("hello")
    Pass.objects.filter(pk=p.pk).update(revoked_at="2026-01-01T00:00:00Z")
    with pytest.raises(DomainError, match="revoked"):
        actions.resident_of_pass(qr_text(p.number))


def test_close_round(world) -> None:
    rnd = community_round(world)
    actions.close_round(world.user("leader_a1"), rnd)
    rnd.refresh_from_db()
    assert rnd.status == RoundStatus.CLOSED and rnd.closed_at is not None
    with pytest.raises(DomainError, match="closed"):
        actions.sample(None, rnd, tube_code="P1", pooled=True, resident=world.resident_g1)
    with pytest.raises(DomainError, match="closed"):
        actions.close_round(None, rnd)


def test_more_people_helper(world) -> None:
    assert len(more_people(world, 4)) == 4
