"""Passes: issue, one valid per person, numbers, revoke, reissue, the building's missing
passes in one action, the QR text, and refusals that change nothing."""

from __future__ import annotations

import pytest

from fangkong.checkpoints import passes
from fangkong.checkpoints.models import Pass
from fangkong.checkpoints.payload import BadPayload, pass_number_of, qr_text
from fangkong.core.errors import DomainError
from fangkong.core.models import AuditEntry
from fangkong.people.tests.factories import ResidentFactory


def test_issue_numbers_by_community_and_audits(world) -> None:
    by = world.user("grid_g1")
    first = passes.issue(by, world.resident_g1)
    second = passes.issue(by, world.resident_g1_spouse)
    assert first.number == "420103001001-000001"
    assert second.number == "420103001001-000002"
    assert (first.community_id, first.grid_id) == (world.community_a1.pk, world.grid_g1.pk)
    assert AuditEntry.objects.filter(target_type="checkpoints.pass", action="create").count() == 2
    assert pass_number_of(qr_text(first.number)) == first.number


def test_one_valid_pass_per_person(world) -> None:
    by = world.user("leader_a1")
    passes.issue(by, world.resident_g1)
    with pytest.raises(DomainError, match="already has a valid pass"):
        passes.issue(by, world.resident_g1)
    assert Pass.objects.count() == 1


@pytest.mark.parametrize(
    ("user", "resident"),
    [
        ("grid_g2", "resident_g1"),  # other grid
        ("leader_a2", "resident_g1"),  # other community
        ("admin_b", "resident_g1"),  # other township
        ("guard_a1", "resident_g1"),  # no ISSUE_PASSES
        ("volunteer_a1", "resident_g1"),
        ("police_a1", "resident_g1"),
        ("medic_a1", "resident_g1"),
    ],
)
def test_issuing_outside_the_jurisdiction_or_role_is_refused(world, user, resident) -> None:
    with pytest.raises(DomainError):
        passes.issue(world.user(user), getattr(world, resident))
    assert not Pass.objects.exists()
    assert not AuditEntry.objects.exists()


def test_revoke_and_reissue(world) -> None:
    by = world.user("office_a1")
    card = passes.issue(by, world.resident_g1)
    with pytest.raises(DomainError, match="why"):
        passes.revoke(by, card, "  ")
    card.refresh_from_db()
    assert card.revoked_at is None

    new = passes.reissue(by, card, "lost")
    card.refresh_from_db()
    assert card.revoked_at is not None and card.revoke_reason == "lost"
    assert new.resident_id == world.resident_g1.pk and new.revoked_at is None
    assert new.number != card.number
    assert list(Pass.objects.valid().filter(resident=world.resident_g1)) == [new]

    with pytest.raises(DomainError, match="revoked already"):
        passes.revoke(by, card, "again")


def test_issue_missing_for_a_building_is_one_action_and_one_audit_entry(world) -> None:
    by = world.user("grid_g1")
    ResidentFactory.create(household=world.household_g1, name="张小明")
    passes.issue(by, world.resident_g1)  # already has one
    before = AuditEntry.objects.count()

    cards = passes.issue_missing(by, world.building_g1)

    assert sorted(c.resident.name for c in cards) == ["张小明", "李秀英"]
    assert Pass.objects.valid().filter(resident__household__building=world.building_g1).count() == 3
    assert AuditEntry.objects.count() == before + 1
    entry = AuditEntry.objects.latest("id")
    assert entry.target_type == "core.building"
    assert sorted(entry.changes["passes_issued"]) == sorted(c.number for c in cards)
    # Nothing of the neighbours' building, and nothing more to issue.
    assert not Pass.objects.filter(resident=world.resident_g2).exists()
    assert passes.issue_missing(by, world.building_g1) == []


def test_issue_missing_refused_outside_the_grid(world) -> None:
    with pytest.raises(DomainError):
        passes.issue_missing(world.user("grid_g2"), world.building_g1)
    assert not Pass.objects.exists()


@pytest.mark.parametrize(
    "text",
    ["", "hello", "FKP1:420103001001-000001", "FKP1:420103001001-000001:forged", "http://x"],
)
def test_forged_or_damaged_codes_are_recognised(text: str) -> None:
    with pytest.raises(BadPayload):
        pass_number_of(text)


def test_a_code_signed_for_another_number_does_not_transfer() -> None:
    real = qr_text("420103001001-000001")
    sig = real.rsplit(":", 1)[1]
    with pytest.raises(BadPayload):
        pass_number_of(f"FKP1:420103001001-000002:{sig}")
