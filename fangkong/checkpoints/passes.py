"""Every write to passes (出入证): issue, revoke, reissue, and issue the missing passes of a
building in one go. Atomic and audited.

A pass number is the community code, a dash and a six-digit sequence of that community
(`420103001001-000042`). The community's row is locked while a number is drawn, so two
people issuing passes at once never draw the same one. At most one valid pass per person:
checked first for a readable refusal, and held by the database constraint either way.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.checkpoints.capabilities import CheckpointCapability
from fangkong.core import audit
from fangkong.core.errors import DomainError
from fangkong.core.models import AuditAction, Building, Community, User
from fangkong.core.scoping import covers
from fangkong.people.models import Resident

from .models import Pass

PASS_FIELDS = ("resident", "community", "grid", "number", "issued_at", "revoked_at")


def _check_may_issue(by: User, resident: Resident) -> None:
    if not by.can(CheckpointCapability.ISSUE_PASSES):
        raise DomainError(_("Your role does not issue passes."))
    if not covers(by, resident):
        raise DomainError(_("This resident is not in your jurisdiction."))
    if resident.merged_into_id is not None:
        raise DomainError(_("This record was merged into another; use that one."))


def _next_numbers(community: Community, count: int) -> list[str]:
    """`count` fresh numbers of the community; call with the community's row locked."""
    used = Pass.objects.filter(community=community).count()
    return [f"{community.code}-{used + i:06d}" for i in range(1, count + 1)]


def _lock_community(community_id: int) -> Community:
    return Community.objects.select_for_update().get(pk=community_id)


def _create(by: User, resident: Resident, number: str) -> Pass:
    try:
        with transaction.atomic():
            return Pass.objects.create(
                township_id=resident.township_id,
                community_id=resident.community_id,
                grid_id=resident.grid_id,
                resident=resident,
                number=number,
                issued_by=by,
            )
    except IntegrityError:
        raise DomainError(
            _("%(name)s already has a valid pass.") % {"name": resident.name}
        ) from None


@transaction.atomic
def issue(by: User, resident: Resident) -> Pass:
    """A new pass for `resident`, who must not hold a valid one."""
    _check_may_issue(by, resident)
    community = _lock_community(resident.community_id)
    if Pass.objects.valid().filter(resident=resident).exists():
        raise DomainError(_("%(name)s already has a valid pass.") % {"name": resident.name})
    (number,) = _next_numbers(community, 1)
    card = _create(by, resident, number)
    audit.record_object(by, AuditAction.CREATE, card, changes=audit.snapshot(card, PASS_FIELDS))
    return card


def _revoke(by: User, card: Pass, reason: str) -> Pass:
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Say why the pass is revoked."), field="reason")
    if not by.can(CheckpointCapability.ISSUE_PASSES) or not covers(by, card):
        raise DomainError(_("This pass is not in your jurisdiction."))
    card = Pass.objects.select_for_update().get(pk=card.pk)
    if card.revoked_at is not None:
        raise DomainError(_("This pass was revoked already."))
    before = audit.snapshot(card, PASS_FIELDS)
    card.revoked_at = timezone.now()
    card.revoked_by = by
    card.revoke_reason = reason[:200]
    card.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
    audit.record_object(
        by,
        AuditAction.UPDATE,
        card,
        changes=audit.diff(before, audit.snapshot(card, PASS_FIELDS)),
        reason=reason,
    )
    return card


@transaction.atomic
def revoke(by: User, card: Pass, reason: str) -> Pass:
    """Revoke a valid pass: its QR code is refused at the gate from now on."""
    return _revoke(by, card, reason)


@transaction.atomic
def reissue(by: User, card: Pass, reason: str) -> Pass:
    """Revoke `card` and issue its holder a new pass, in one transaction (lost, worn out)."""
    _revoke(by, card, reason)
    resident = Resident.objects.get(pk=card.resident_id)
    return issue(by, resident)


@transaction.atomic
def issue_missing(by: User, building: Building) -> list[Pass]:
    """A pass for every resident living in `building` who has no valid one: one action, one
    audit entry (on the building) listing the numbers issued."""
    grid = building.grid
    community = grid.community
    if not by.can(CheckpointCapability.ISSUE_PASSES) or not covers(by, grid):
        raise DomainError(_("This building is not in your jurisdiction."))
    locked = _lock_community(community.pk)
    residents = list(
        Resident.objects.filter(household__building=building, merged_into__isnull=True)
        .exclude(Exists(Pass.objects.valid().filter(resident=OuterRef("pk"))))
        .order_by("household__number", "household_id", "pk")
    )
    numbers = _next_numbers(locked, len(residents))
    now = timezone.now()
    cards = [
        Pass(
            township_id=r.township_id,
            community_id=r.community_id,
            grid_id=r.grid_id,
            resident=r,
            number=n,
            issued_by=by,
            issued_at=now,
        )
        for r, n in zip(residents, numbers, strict=True)
    ]
    try:
        with transaction.atomic():
            Pass.objects.bulk_create(cards)
    except IntegrityError:
        raise DomainError(
            _("Someone issued passes in this building at the same time; try again.")
        ) from None
    audit.record_object(
        by,
        AuditAction.CREATE,
        building,
        township=community.township_id,
        changes={"passes_issued": [c.number for c in cards]},
        reason=str(_("Passes issued for the building")),
    )
    return cards
