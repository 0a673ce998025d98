"""What staff do to a testing round: sample people into tubes (and take a person out of the
wrong one), add a missing person, close
the round, register a positive as an index case. Every write is here: one transaction, the
rows it changes locked, audited; a refusal raises DomainError and changes nothing."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.checkpoints.models import Pass
from fangkong.checkpoints.payload import BadPayload, pass_number_of
from fangkong.core import audit
from fangkong.core.errors import DomainError
from fangkong.core.jobs import JobStatus
from fangkong.core.models import AuditAction, User
from fangkong.masstesting.capabilities import MassTestingCapability
from fangkong.people.models import Resident
from fangkong.quarantine.actions import register_index_case
from fangkong.quarantine.models import IndexCase, IndexCaseKind

from . import pooling
from .models import (
    MemberResult,
    Round,
    RoundImportJob,
    RoundMember,
    RoundStatus,
    ScopeKind,
    Tube,
)

MAX_TUBE_CODE = 40


def normalise_tube_code(raw: str) -> str:
    """A tube number as scanned or typed: no spaces, upper case."""
    return "".join((raw or "").split()).upper()


def in_scope(rnd: Round, resident: Resident) -> bool:
    """Whether `resident` lives inside the round's scope."""
    if resident.merged_into_id is not None or resident.township_id != rnd.township_id:
        return False
    if rnd.scope == ScopeKind.TOWNSHIP:
        return True
    if rnd.scope == ScopeKind.COMMUNITY:
        return resident.community_id == rnd.community_id
    if rnd.scope == ScopeKind.GRID:
        return resident.grid_id == rnd.grid_id
    household = resident.household
    if household is None:
        return False
    if rnd.scope == ScopeKind.BUILDING:
        return household.building_id == rnd.building_id
    return household.unit_id == rnd.unit_id


def resident_of_pass(text: str) -> Resident:
    """The resident a scanned pass QR names (a valid pass of this site), else DomainError."""
    try:
        number = pass_number_of(text)
    except BadPayload as exc:
        raise DomainError(_("This is not a pass of this site."), field="code") from exc
    found = Pass.objects.select_related("resident").filter(number=number).first()
    if found is None:
        raise DomainError(_("This is not a pass of this site."), field="code")
    if found.revoked_at is not None:
        raise DomainError(
            _("This pass was revoked; search the person by name instead."), field="code"
        )
    return found.resident


def _open_round(rnd: Round) -> Round:
    locked = Round.objects.select_for_update().get(pk=rnd.pk)
    if locked.status != RoundStatus.OPEN:
        raise DomainError(_("This round is closed."))
    return locked


def add_to_round(by: User | None, rnd: Round, resident: Resident) -> RoundMember:
    """Add a person living in the round's scope who was missing from its list."""
    with transaction.atomic():
        rnd = Round.objects.get(pk=rnd.pk)
        if rnd.status != RoundStatus.OPEN:
            raise DomainError(_("This round is closed."))
        resident = Resident.objects.select_related("household").get(pk=resident.pk)
        if not in_scope(rnd, resident):
            raise DomainError(
                _("%(name)s does not live in the area of this round.") % {"name": resident.name},
                field="resident",
            )
        if RoundMember.objects.filter(round=rnd, resident=resident).exists():
            raise DomainError(
                _("%(name)s is already expected in this round.") % {"name": resident.name},
                field="resident",
            )
        household = resident.household
        try:
            with transaction.atomic():
                member = RoundMember.objects.create(
                    round=rnd,
                    township_id=resident.township_id,
                    community_id=resident.community_id,
                    grid_id=resident.grid_id,
                    building_id=household.building_id if household else None,
                    household=household,
                    resident=resident,
                )
        except IntegrityError as exc:
            raise DomainError(
                _("%(name)s is already expected in this round.") % {"name": resident.name},
                field="resident",
            ) from exc
        audit.record_object(by, AuditAction.UPDATE, rnd, changes={"added_member": resident.pk})
    return member


def _tube(by: User | None, rnd: Round, code: str, *, pooled: bool) -> Tube:
    """The round's tube `code`, created if new, locked for this transaction."""
    if not code:
        raise DomainError(_("Scan or type the tube number."), field="tube")
    if len(code) > MAX_TUBE_CODE:
        raise DomainError(_("This is not a tube number (too long)."), field="tube")
    tube = Tube.objects.select_for_update().filter(round=rnd, code=code).first()
    if tube is None:
        _refuse_if_used_elsewhere(rnd, code)
        try:
            with transaction.atomic():
                Tube.objects.create(round=rnd, code=code, pooled=pooled, created_by=by)
        except IntegrityError:
            pass  # another sampler created it a moment ago: use theirs
        tube = Tube.objects.select_for_update().get(round=rnd, code=code)
    _refuse_if_unusable(tube, pooled=pooled)
    return tube


def _refuse_if_used_elsewhere(rnd: Round, code: str) -> None:
    """DomainError when another round of the township already used tube number `code`."""
    elsewhere = (
        Tube.objects.filter(code=code, round__township_id=rnd.township_id)
        .exclude(round=rnd)
        .select_related("round")
        .first()
    )
    if elsewhere is not None:
        raise DomainError(
            _("Tube %(code)s was already used in the round “%(round)s”: take a new tube.")
            % {"code": code, "round": elsewhere.round.name},
            field="tube",
        )


def _refuse_if_unusable(tube: Tube, *, pooled: bool) -> None:
    """DomainError when `tube` has its result, or is not of the kind asked for."""
    if tube.result:
        raise DomainError(
            _("Tube %(code)s already has its result: take a new tube.") % {"code": tube.code},
            field="tube",
        )
    if tube.pooled != pooled:
        raise DomainError(
            (
                _("Tube %(code)s is a pooled tube.")
                if tube.pooled
                else _("Tube %(code)s is a single-person tube.")
            )
            % {"code": tube.code},
            field="tube",
        )


def tube_count(tube: Tube) -> int:
    """People in a tube (first samples and retests)."""
    return RoundMember.objects.filter(Q(tube=tube) | Q(retest_tube=tube)).count()


def check_tube(rnd: Round, code: str, *, pooled: bool) -> Tube | None:
    """The tube `code` if it exists and can take people (DomainError if it cannot), None for
    a new number. Writes nothing: the sampling page's first step."""
    code = normalise_tube_code(code)
    if not code:
        raise DomainError(_("Scan or type the tube number."), field="tube")
    tube = Tube.objects.filter(round=rnd, code=code).first()
    if tube is None:
        _refuse_if_used_elsewhere(rnd, code)
        return None
    _refuse_if_unusable(tube, pooled=pooled)
    if not pooling.pool_has_room(tube_count(tube), pooled=tube.pooled, pool_size=rnd.pool_size):
        raise DomainError(
            _("Tube %(code)s is full: take a new tube.") % {"code": code}, field="tube"
        )
    return tube


def sample(
    by: User | None, rnd: Round, *, tube_code: str, pooled: bool, resident: Resident
) -> RoundMember:
    """Put `resident` into tube `tube_code` of the round (creating the tube on first use).

    A pooled tube takes up to the round's pool size, a single tube one person. A person whose
    pool was positive (or invalid) is retested in a new single tube. The tube and the member
    are locked, so two samplers cannot overfill a tube or sample one person twice."""
    code = normalise_tube_code(tube_code)
    with transaction.atomic():
        rnd = _open_round_shared(rnd)
        tube = _tube(by, rnd, code, pooled=pooled)
        # The member is locked first and its tubes read after (not joined): a row locked by
        # another sampler is read again once they commit, but a joined row would not be.
        member = (
            RoundMember.objects.select_for_update()
            .filter(round=rnd, resident_id=resident.pk)
            .first()
        )
        if member is None:
            raise DomainError(
                _("%(name)s is not expected in this round.") % {"name": resident.name},
                field="resident",
            )
        retest = False
        if member.tube_id is not None:
            retest_tube = (
                Tube.objects.get(pk=member.retest_tube_id) if member.retest_tube_id else None
            )
            pending_retest = member.retest_needed and (
                retest_tube is None or retest_tube.result != ""
            )
            if not pending_retest:
                last = retest_tube or Tube.objects.get(pk=member.tube_id)
                raise DomainError(
                    _("%(name)s was already sampled in this round (tube %(code)s).")
                    % {"name": resident.name, "code": last.code},
                    field="resident",
                )
            if pooled:
                raise DomainError(
                    _("%(name)s needs a single-tube retest: use a single tube.")
                    % {"name": resident.name},
                    field="tube",
                )
            retest = True
        count = tube_count(tube)
        if not pooling.pool_has_room(count, pooled=tube.pooled, pool_size=rnd.pool_size):
            raise DomainError(
                _("Tube %(code)s is full (%(count)s of %(size)s): take a new tube.")
                % {
                    "code": code,
                    "count": count,
                    "size": rnd.pool_size if tube.pooled else 1,
                },
                field="tube",
            )
        now = timezone.now()
        if retest:
            member.retest_tube = tube
            member.result = ""
            member.result_at = None
        else:
            member.tube = tube
        member.sampled_at = now
        member.sampled_by = by
        member.save(
            update_fields=["tube", "retest_tube", "result", "result_at", "sampled_at", "sampled_by"]
        )
        audit.record_object(
            by,
            AuditAction.UPDATE,
            member,
            changes={"tube": code, "pooled": pooled, "retest": retest},
        )
    return member


def remove_from_tube(by: User | None, member: RoundMember, *, tube_code: str) -> RoundMember:
    """Take a person put into the wrong tube out of it again, while the tube has no result:
    they are back to "not sampled" (or, for a retest, to "retest needed") and can be sampled
    into the right tube. Recorded in the audit log."""
    code = normalise_tube_code(tube_code)
    with transaction.atomic():
        rnd = _open_round_shared(member.round)
        tube = Tube.objects.select_for_update().filter(round=rnd, code=code).first()
        member = (
            RoundMember.objects.select_for_update(of=("self",))
            .select_related("resident")
            .get(pk=member.pk)
        )
        name = member.resident.name
        if tube is None or tube.pk not in (member.tube_id, member.retest_tube_id):
            raise DomainError(_("%(name)s is not in tube %(code)s.") % {"name": name, "code": code})
        if tube.result or member.result:
            raise DomainError(
                _("Tube %(code)s already has a result; %(name)s can no longer be taken out.")
                % {"name": name, "code": code}
            )
        if member.retest_tube_id == tube.pk:
            member.retest_tube = None
            fields = ["retest_tube"]
        else:
            member.tube = None
            member.sampled_at = None
            member.sampled_by = None
            fields = ["tube", "sampled_at", "sampled_by"]
        member.save(update_fields=fields)
        audit.record_object(by, AuditAction.UPDATE, member, changes={"tube": [code, ""]})
    return member


def _open_round_shared(rnd: Round) -> Round:
    """The round, refused if closed (not locked: samplers of one round work in parallel;
    closing locks the round and waits for nobody)."""
    fresh = Round.objects.get(pk=rnd.pk)
    if fresh.status != RoundStatus.OPEN:
        raise DomainError(_("This round is closed."))
    return fresh


def close_round(by: User | None, rnd: Round) -> Round:
    """End sampling. Results can still be imported afterwards."""
    with transaction.atomic():
        rnd = _open_round(rnd)
        rnd.status = RoundStatus.CLOSED
        rnd.closed_at = timezone.now()
        rnd.save(update_fields=["status", "closed_at"])
        counts = RoundMember.objects.filter(round=rnd).aggregate(
            expected=Count("id"), sampled=Count("id", filter=Q(tube__isnull=False))
        )
        audit.record_object(by, AuditAction.TRANSITION, rnd, changes={"status": "closed", **counts})
    return rnd


def results_imported(rnd: Round) -> bool:
    """Whether any result of the round was recorded (a lab file imported): then its sampling
    can no longer be reopened."""
    return (
        Tube.objects.filter(round=rnd).exclude(result="").exists()
        or RoundMember.objects.filter(round=rnd).exclude(result="").exists()
        or RoundImportJob.objects.filter(round=rnd, status=JobStatus.DONE).exists()
    )


def reopen_round(by: User, rnd: Round, *, reason: str) -> Round:
    """Reopen a closed round's sampling (people closed out early can still be sampled): a
    leader's decision, with a reason, recorded on the round and audited. Refused once results
    were imported."""
    if not by.can(MassTestingCapability.REOPEN_ROUNDS):
        raise DomainError(_("Only a community leader or township admin reopens a round."))
    reason = " ".join((reason or "").split())
    if not reason:
        raise DomainError(_("Say why the round is reopened."), field="reason")
    with transaction.atomic():
        rnd = Round.objects.select_for_update().get(pk=rnd.pk)
        if rnd.status == RoundStatus.OPEN:
            raise DomainError(_("This round is still sampling."))
        if results_imported(rnd):
            raise DomainError(
                _(
                    "Results of this round were already imported; its sampling cannot be "
                    "reopened. Open a new round for the people still to sample."
                )
            )
        closed_at = rnd.closed_at
        rnd.status = RoundStatus.OPEN
        rnd.closed_at = None
        rnd.reopened_at = timezone.now()
        rnd.reopened_by = by
        rnd.reopen_reason = reason[:300]
        rnd.save(
            update_fields=["status", "closed_at", "reopened_at", "reopened_by", "reopen_reason"]
        )
        audit.record_object(
            by,
            AuditAction.TRANSITION,
            rnd,
            changes={
                "status": [RoundStatus.CLOSED.value, RoundStatus.OPEN.value],
                "closed_at": [closed_at.isoformat() if closed_at else None, None],
            },
            reason=rnd.reopen_reason,
        )
    return rnd


def register_positive(by: User, member: RoundMember) -> IndexCase:
    """Open the case workflow for a positive member: an index case (confirmed) of this
    resident, reported today. Returns the IndexCase."""
    with transaction.atomic():
        member = (
            RoundMember.objects.select_for_update(of=("self",))
            .select_related("resident", "round")
            .get(pk=member.pk)
        )
        if member.result != MemberResult.POSITIVE:
            raise DomainError(_("Only a positive result opens a case."))
        existing = IndexCase.objects.filter(resident=member.resident).order_by("-id").first()
        opened_on = timezone.localtime(member.round.opened_at).date()
        if existing is not None and existing.reported_on >= opened_on:
            raise DomainError(
                _("%(name)s is already registered as a case.") % {"name": member.resident.name}
            )
        return register_index_case(
            by,
            township=member.round.township,
            name=member.resident.name,
            kind=IndexCaseKind.CONFIRMED,
            reported_on=timezone.localdate(),
            community=member.resident.community,
            resident=member.resident,
            notes=_("Positive in the testing round “%(round)s”.") % {"round": member.round.name},
        )
