"""Every write to the gate log: a resident's passage (scanned or searched), a visitor, a
vehicle, and handling a stop. One function per verb.

A submission carries the `client_key` its form was rendered with. A resubmission (double
tap, a flaky network, a turnstile retrying) finds the entry of the first and gets the same
answer: the key is unique in the database, so the repeat's insert fails (in a savepoint when
the caller holds a transaction), and the IntegrityError is answered with the entry stored
first — whether the first request finished long ago or is racing this one. Two guards
scanning the same person at once make two submissions with two keys: both are stored. A key
reused for a different submission (another gate, person, direction, temperature, ...) or by
another guard is refused with `KeyReused` (the API's 409), never answered with the first entry.

The three recording verbs only read until their one insert, which runs in its own atomic
block (a savepoint when the caller holds a transaction): no lock is held while deciding.
The rules in force are kept for RULES_SECONDS per process, closed management as long as the
closure app caches it.

Everything here is the ORM, and `record_resident` is the reference for the API scan's speed
path (`prepared_scan.record_scan`: the same facts read in one prepared statement, decided
through `resident_entry`, stored by one prepared INSERT); the tests hold both to the same
stored entry.

Entries are the log itself (who recorded what, when), so they are not copied into the audit
log; handling a stop is audited.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.checkpoints.capabilities import CheckpointCapability
from fangkong.core import audit
from fangkong.core.errors import DomainError
from fangkong.core.masking import mask_document
from fangkong.core.models import AuditAction, User
from fangkong.core.scoping import covers
from fangkong.health import actions as health
from fangkong.health.models import AlertSource
from fangkong.lockdown.models import LockdownMember
from fangkong.people.identity import InvalidDocument, parse_document
from fangkong.people.models import Resident
from fangkong.people.phones import InvalidPhone, normalise_phone
from fangkong.policy.rules import PolicyRules
from fangkong.policy.versions import in_force
from fangkong.quarantine.models import Case

from . import closed
from .gate import Decision, Passage, PassProblem, StopReason, decide
from .models import (
    Direction,
    EntryKind,
    Gate,
    GateEntry,
    GateQuerySet,
    GateState,
    HealthCode,
    Pass,
)
from .payload import BadPayload, pass_number_of
from .plates import InvalidPlate, normalise_plate

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Holder:
    """The resident a pass names, as the gate's decision and answer need them."""

    id: int
    community_id: int
    grid_id: int
    household_id: int | None
    name: str
    masked_document: str
    in_quarantine: bool
    in_lockdown: bool


@dataclass
class Recorded:
    entry: GateEntry
    #: False when the submission repeated an earlier one (same client key)
    created: bool
    #: the person as the answer shows them (name, masked document) when the recording knows
    #: it already; None: read it from the entry
    person: dict[str, str] | None = None


# ---- checks shared by every verb ------------------------------------------------------------


def check_guard(by: User, gate: Gate) -> None:
    """DomainError unless `by` may record at `gate` (GUARD_GATE, gate in jurisdiction, open)."""
    if not by.can(CheckpointCapability.GUARD_GATE):
        raise DomainError(_("Your role does not record passages at a gate."))
    if not in_gate_jurisdiction(by, gate):
        raise DomainError(_("There is no gate with this id in your community."), field="gate_id")
    if gate.state != GateState.OPEN:
        raise DomainError(
            _("Gate %(gate)s is sealed; record passages at the open gate.") % {"gate": gate},
            field="gate_id",
        )


def in_gate_jurisdiction(user: User, gate: Gate) -> bool:
    """A gate is its community's: every staff member of the community (and its township)."""
    return covers(user, gate)


def parse_temperature(raw: Any, rules: PolicyRules, *, required: bool = True) -> Decimal | None:
    if raw in (None, ""):
        if required:
            raise DomainError(_("Enter the temperature."), field="temperature")
        return None
    try:
        value = Decimal(str(raw).strip()).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError):
        raise DomainError(
            _("Enter the temperature as a number, e.g. 36.5."), field="temperature"
        ) from None
    if not value.is_finite() or not rules.is_plausible(value):
        raise DomainError(
            _("%(t)s °C is not a plausible body temperature (%(lo)s–%(hi)s); measure again.")
            % {"t": value, "lo": rules.temperature_min, "hi": rules.temperature_max},
            field="temperature",
        )
    return value


def check_choices(direction: str, health_code: str, *, code_required: bool = True) -> None:
    errors: dict[str, list[str]] = {}
    if direction not in Direction.values:
        errors["direction"] = [_("Choose in or out.")]
    if (health_code or code_required) and health_code not in HealthCode.values:
        errors["health_code"] = [_("Choose the colour of the health code you saw.")]
    if errors:
        raise DomainError(errors=errors)


class KeyReused(DomainError):
    """A client key already stored with another submission: a conflict, nothing written."""


#: what a submission says (the rest of an entry is decided from it, or is the time)
_SUBMITTED = (
    "gate_id",
    "direction",
    "kind",
    "resident_id",
    "gate_pass_id",
    "phone",
    "doc_number",
    "host_id",
    "purpose",
    "essential",
    "plate",
    "temperature",
    "health_code",
)


def _submitted(entry: GateEntry) -> tuple[Any, ...]:
    # A resident's name is read from their record; anyone else's is what was typed.
    name = entry.name if entry.resident_id is None else None
    return (name, *(getattr(entry, f) for f in _SUBMITTED))


def _repeat(entry: GateEntry, by: User) -> Recorded | None:
    """The entry stored first under `entry`'s client key, if the same guard submitted the same
    thing; None when there is none; KeyReused when the key came with something else."""
    stored = GateEntry.objects.filter(client_key=entry.client_key).first()
    if stored is None:
        return None
    if stored.guard_id != by.pk:
        raise KeyReused(_("This submission key belongs to another guard's entry."))
    if _submitted(stored) != _submitted(entry):
        raise KeyReused(
            _(
                "This submission key was already used for a different entry; nothing was "
                "recorded. Reload the page and record it again."
            )
        )
    return Recorded(stored, created=False)


def _orm_insert(entry: GateEntry, connection: BaseDatabaseWrapper) -> None:
    entry.save(force_insert=True, using=connection.alias)


def insert(
    entry: GateEntry,
    by: User,
    write: Callable[[GateEntry, BaseDatabaseWrapper], None] = _orm_insert,
) -> Recorded:
    """Store `entry` by `write` (the ORM; the scan's speed path passes its prepared INSERT),
    a repeated submission answered with the entry stored first."""
    connection = transaction.get_connection()
    try:
        if connection.in_atomic_block:
            with transaction.atomic():  # a savepoint: the caller's transaction survives
                write(entry, connection)
        else:  # one INSERT in autocommit is atomic by itself
            write(entry, connection)
    except IntegrityError:
        # The same submission, arriving twice at once: the first one stored it.
        again = _repeat(entry, by)
        if again is None:
            raise
        return again
    if StopReason.FEVER in entry.reasons:
        alert_fever(entry, by)
    return Recorded(entry, created=True)


def alert_fever(entry: GateEntry, by: User) -> None:
    """A fever stop raises a symptom alert (plan 三(五)4): the person waits apart at the gate
    and the team has a medical institution collect them; they never go to hospital alone.
    The alert is the resident's, or names whoever was stopped, at this gate."""
    gate = Gate.objects.select_related("community").get(pk=entry.gate_id)
    when = timezone.localtime(entry.at).strftime("%H:%M")
    notes = _("Fever stop at gate %(gate)s at %(time)s.") % {"gate": gate.name, "time": when}
    resident = (
        Resident.objects.filter(pk=entry.resident_id, community_id=gate.community_id).first()
        if entry.resident_id
        else None
    )
    if resident is not None:
        case = Case.objects.open().filter(resident=resident).order_by("-pk").first()
        person = health.Person.of_resident(resident, case_id=case.pk if case else None)
    else:
        person = health.Person(
            gate.township_id,
            gate.community_id,
            entry.grid_id,
            None,
            entry.name or _("Person stopped at gate %(gate)s") % {"gate": gate.name},
            entry.phone,
            _("Waiting apart at gate %(gate)s") % {"gate": gate.name},
        )
    try:
        health.report_symptoms(
            person,
            temperature=entry.temperature,
            symptoms=(),
            source=AlertSource.GATE,
            by=by,
            notes=notes,
        )
    except DomainError:  # e.g. a policy version changed the threshold a moment ago
        logger.exception("the fever stop %s raised no alert", entry.pk)


def _quarantined() -> Exists:
    return Exists(Case.objects.open().filter(resident_id=OuterRef("resident_id")))


def _locked() -> Exists:
    return Exists(LockdownMember.objects.active().filter(resident_id=OuterRef("resident_id")))


def _status(resident: Resident) -> tuple[bool, bool]:
    """(in an open quarantine case, in an active lockdown), in one query."""
    row = (
        Resident.objects.filter(pk=resident.pk)
        .annotate(
            q=Exists(Case.objects.open().filter(resident_id=OuterRef("pk"))),
            l=Exists(LockdownMember.objects.active().filter(resident_id=OuterRef("pk"))),
        )
        .values_list("q", "l")
        .get()
    )
    return bool(row[0]), bool(row[1])


#: how long a process keeps the rules in force of a township (a new policy version reaches
#: the gate within this time)
RULES_SECONDS = 30
_rules: dict[tuple[int, dt.date], tuple[float, PolicyRules]] = {}


def rules_in_force(township_id: int, day: dt.date) -> PolicyRules:
    key = (township_id, day)
    now = time.monotonic()
    kept = _rules.get(key)
    if kept is not None and now - kept[0] < RULES_SECONDS:
        return kept[1]
    rules = in_force(township_id, day).as_rules()
    if len(_rules) > 1000:
        _rules.clear()
    _rules[key] = (now, rules)
    return rules


def forget_rules() -> None:
    _rules.clear()


def start(
    by: User,
    gate: Gate,
    direction: str,
    health_code: str,
    temperature: Any,
    *,
    optional: bool = False,
) -> tuple[PolicyRules, bool, Decimal | None]:
    """What every entry at a gate begins with: the guard may record here and the choices
    are valid; then the rules in force, whether closed management is on, and the
    temperature read under those rules (`optional`: a vehicle's driver may give neither a
    health code nor a temperature)."""
    check_guard(by, gate)
    check_choices(direction, health_code, code_required=not optional)
    today = timezone.localdate()
    rules = rules_in_force(gate.township_id, today)
    closed_on = closed.closed_management_on(gate.community_id, today)
    return rules, closed_on, parse_temperature(temperature, rules, required=not optional)


def _entry(gate: Gate, by: User, decision: Decision, **fields: Any) -> GateEntry:
    return GateEntry(
        township_id=gate.township_id,
        community_id=gate.community_id,
        gate=gate,
        at=timezone.now(),
        verdict=decision.verdict,
        reasons=[str(r) for r in decision.reasons],
        guard=by,
        **fields,
    )


def resident_of_gate(gate: Gate, resident_id: Any) -> Resident:
    """A resident of the gate's community by id (what the guard's search offers)."""
    try:
        return Resident.objects.get(
            pk=int(resident_id), community_id=gate.community_id, merged_into__isnull=True
        )
    except (Resident.DoesNotExist, ValueError, TypeError):
        raise DomainError(
            _("There is no resident with this id in this community."), field="resident_id"
        ) from None


# ---- a resident (pass scanned, or found by search) --------------------------------------------


def _holder(resident: Resident, quarantined: bool, locked: bool) -> Holder:
    return Holder(
        id=resident.pk,
        community_id=resident.community_id,
        grid_id=resident.grid_id,
        household_id=resident.household_id,
        name=resident.name,
        masked_document=mask_document(resident.doc_number),
        in_quarantine=quarantined,
        in_lockdown=locked,
    )


def resident_entry(
    by: User,
    gate: Gate,
    holder: Holder | None,
    *,
    pass_id: int | None,
    problem: PassProblem | None,
    rules: PolicyRules,
    closed_on: bool,
    client_key: uuid.UUID,
    direction: str,
    temperature: Decimal | None,
    health_code: str,
) -> GateEntry:
    """The decision on a resident's passage and its entry, however the facts were read."""
    home = holder is not None and holder.community_id == gate.community_id
    decision = decide(
        Passage(
            entering=direction == Direction.IN,
            is_resident=home,
            in_quarantine=holder is not None and holder.in_quarantine,
            in_lockdown=holder is not None and holder.in_lockdown,
            temperature=temperature,
            health_code=health_code,
            closed_management=closed_on,
            pass_problem=problem,
        ),
        rules,
    )
    return _entry(
        gate,
        by,
        decision,
        client_key=client_key,
        direction=direction,
        kind=EntryKind.RESIDENT,
        resident_id=holder.id if holder else None,
        gate_pass_id=pass_id,
        name=holder.name if holder else "",
        # A stop goes to the grid worker of the person; a stranger's code to the community.
        grid_id=holder.grid_id if holder and home else None,
        temperature=temperature,
        health_code=health_code,
    )


def record_resident(
    by: User,
    gate: Gate,
    *,
    client_key: uuid.UUID,
    direction: str,
    temperature: Any,
    health_code: str,
    code: str = "",
    resident_id: Any = None,
) -> Recorded:
    """One resident passing: by the text of their pass's QR code (`code`) or chosen from the
    search (`resident_id`). Bad input raises DomainError and writes nothing; a forged,
    revoked or foreign pass is a stop that is recorded."""
    rules, closed_on, value = start(by, gate, direction, health_code, temperature)
    card: Pass | None = None
    resident: Resident | None = None
    problem: PassProblem | None = None
    if code:
        try:
            number = pass_number_of(code)
        except BadPayload:
            problem = PassProblem.FORGED
        else:
            # One query: the pass, its holder and whether they are in quarantine or a
            # lockdown (the number is unique: no ordering, no LIMIT).
            card = next(
                iter(
                    Pass.objects.select_related("resident")
                    .annotate(quarantined=_quarantined(), locked=_locked())
                    .filter(number=number)
                    .order_by()
                ),
                None,
            )
            if card is None:
                problem = PassProblem.FORGED
            else:
                resident = card.resident
                if card.revoked_at is not None:
                    problem = PassProblem.REVOKED
                elif card.community_id != gate.community_id:
                    # Not this gate's to know: whose pass, or what their state is.
                    problem, card, resident = PassProblem.OTHER_COMMUNITY, None, None
    elif resident_id not in (None, ""):
        resident = resident_of_gate(gate, resident_id)
    else:
        raise DomainError(_("Scan a pass or choose a person from the search."), field="code")
    holder = None
    if card is not None and resident is not None:
        holder = _holder(resident, bool(card.quarantined), bool(card.locked))  # type: ignore[attr-defined]
    elif resident is not None:
        holder = _holder(resident, *_status(resident))
    entry = resident_entry(
        by,
        gate,
        holder,
        pass_id=card.pk if card else None,
        problem=problem,
        rules=rules,
        closed_on=closed_on,
        client_key=client_key,
        direction=direction,
        temperature=value,
        health_code=health_code,
    )
    entry.resident, entry.gate_pass = resident, card  # the answer reads the holder from them
    return insert(entry, by)


# ---- a visitor ----------------------------------------------------------------------------------


def _visitor_identity(
    name: str, phone: str, doc_type: str, doc_number: str
) -> tuple[str, str, str]:
    errors: dict[str, list[str]] = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = [_("Enter the visitor's name.")]
    try:
        phone = normalise_phone(phone)
    except InvalidPhone as exc:
        errors["phone"] = [exc.message]
    try:
        document = parse_document(doc_type or "id_card", doc_number, today=timezone.localdate())
        doc_number = document.number
    except (InvalidDocument, ValueError) as exc:
        errors["doc_number"] = [getattr(exc, "message", str(exc))]
    if errors:
        raise DomainError(errors=errors)
    return name[:50], phone, doc_number


def record_visitor(
    by: User,
    gate: Gate,
    *,
    client_key: uuid.UUID,
    name: str,
    phone: str,
    doc_number: str,
    host_id: Any,
    purpose: str,
    essential: bool,
    direction: str,
    temperature: Any,
    health_code: str,
    doc_type: str = "id_card",
) -> Recorded:
    """A visitor (not a resident of this community) with whom they visit and why. Under
    closed management a visit that is not essential is refused, and recorded as a stop on
    the host's grid worker's list."""
    rules, closed_on, value = start(by, gate, direction, health_code, temperature)
    name, phone, doc_number = _visitor_identity(name, phone, doc_type, doc_number)
    host = resident_of_gate(gate, host_id) if host_id not in (None, "") else None
    purpose = (purpose or "").strip()
    if host is None or not purpose:
        errors: dict[str, list[str]] = {}
        if host is None:
            errors["host_id"] = [_("Choose whom the visitor visits.")]
        if not purpose:
            errors["purpose"] = [_("Enter the reason for the visit.")]
        raise DomainError(errors=errors)
    decision = decide(
        Passage(
            entering=direction == Direction.IN,
            is_visit=True,
            essential=bool(essential),
            temperature=value,
            health_code=health_code,
            closed_management=closed_on,
        ),
        rules,
    )
    entry = _entry(
        gate,
        by,
        decision,
        client_key=client_key,
        direction=direction,
        kind=EntryKind.VISITOR,
        name=name,
        phone=phone,
        doc_number=doc_number,
        host=host,
        purpose=purpose[:200],
        essential=bool(essential),
        grid_id=host.grid_id,
        temperature=value,
        health_code=health_code,
    )
    return insert(entry, by)


# ---- a vehicle ----------------------------------------------------------------------------------


def record_vehicle(
    by: User,
    gate: Gate,
    *,
    client_key: uuid.UUID,
    plate: str,
    direction: str,
    driver_id: Any = None,
    name: str = "",
    phone: str = "",
    temperature: Any = None,
    health_code: str = "",
) -> Recorded:
    """A vehicle through the gate: its plate and its driver, a resident (chosen from the
    search) or someone else (name and phone). The driver's passage is decided as a person's:
    a driver who is not a resident is not let in under closed management."""
    rules, closed_on, value = start(by, gate, direction, health_code, temperature, optional=True)
    errors: dict[str, list[str]] = {}
    try:
        plate = normalise_plate(plate)
    except InvalidPlate:
        errors["plate"] = [_("Not a Chinese vehicle plate (e.g. 鄂A12345, 鄂AD12345).")]
    driver: Resident | None = None
    if driver_id not in (None, ""):
        driver = resident_of_gate(gate, driver_id)
        name, phone = driver.name, ""
    else:
        name = (name or "").strip()[:50]
        if not name:
            errors["name"] = [_("Enter the driver's name, or choose a resident.")]
        try:
            phone = normalise_phone(phone)
        except InvalidPhone as exc:
            errors["phone"] = [exc.message]
    if errors:
        raise DomainError(errors=errors)
    quarantined = locked = False
    if driver is not None:
        quarantined, locked = _status(driver)
    decision = decide(
        Passage(
            entering=direction == Direction.IN,
            is_resident=driver is not None,
            in_quarantine=quarantined,
            in_lockdown=locked,
            temperature=value,
            health_code=health_code,
            closed_management=closed_on,
        ),
        rules,
    )
    entry = _entry(
        gate,
        by,
        decision,
        client_key=client_key,
        direction=direction,
        kind=EntryKind.VEHICLE,
        plate=plate,
        resident=driver,
        name=name,
        phone=phone,
        grid_id=driver.grid_id if driver else None,
        temperature=value,
        health_code=health_code,
    )
    return insert(entry, by)


# ---- the grid worker's worklist -----------------------------------------------------------------


@transaction.atomic
def handle_stop(by: User, entry: GateEntry, note: str) -> GateEntry:
    """Mark a stop as handled (the grid worker followed it up), with what was done."""
    if not by.can(CheckpointCapability.HANDLE_STOPS):
        raise DomainError(_("Your role does not handle stops."))
    note = (note or "").strip()
    if not note:
        raise DomainError(_("Say what was done."), field="note")
    entry = GateEntry.objects.select_for_update().get(pk=entry.pk)
    if entry.verdict != "stop":
        raise DomainError(_("Only a stop is handled."))
    if entry.handled_at is not None:
        raise DomainError(_("This stop was handled already."))
    entry.handled_at = timezone.now()
    entry.handled_by = by
    entry.handled_note = note[:200]
    entry.save(update_fields=["handled_at", "handled_by", "handled_note"])
    audit.record_object(
        by,
        AuditAction.UPDATE,
        entry,
        changes={"handled_at": [None, entry.handled_at.isoformat()]},
        reason=entry.handled_note,
    )
    return entry


def gates_for(user: User) -> GateQuerySet:
    """The open gates `user` may record at, by name."""
    qs = Gate.objects.visible_to(user).filter(state=GateState.OPEN)
    return qs.select_related("community").order_by("community_id", "name")


__all__ = [
    "Recorded",
    "check_guard",
    "gates_for",
    "handle_stop",
    "record_resident",
    "record_vehicle",
    "record_visitor",
]
