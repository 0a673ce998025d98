"""Every write of returnee screening (F3): atomic, audited, one function per verb.

- `register_returnee`: a staff member registers an arrival; confirmed and decided at once.
- `self_register`: the returnee, through a grid's QR code; lands PENDING in that grid.
- `confirm_registration` / `reject_registration`: the grid worker on a pending one.
- `decide`: classify under the policy in force for the township today, store the decision
  (level, measure, days, test days, reason, facts, policy version) and create what it implies:
  a quarantine case with its test schedule (`quarantine.actions.open_case`), a 24-hour test
  task, or nothing more (certificate accepted, health monitoring).
- `record_test_task_result`, `record_refusal`, `handle_refusal`, `live_link`, `rotate_link`.

Views, the API and commands call these. Input is checked before anything is written: every
problem of a registration (unknown places, reversed or overlapping stays, …) is reported at
once in one `DomainError`, keyed by field.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.core import audit
from fangkong.core.errors import DomainError
from fangkong.core.models import AuditAction, Grid, User
from fangkong.core.registry import answer_to
from fangkong.core.roles import Role
from fangkong.core.text import ARRIVAL_DATE
from fangkong.core.textfields import check_date
from fangkong.people import actions as people_actions
from fangkong.people.models import Household, Relation, Resident
from fangkong.people.phones import InvalidPhone, normalise_phone
from fangkong.people.registry import clean_person
from fangkong.policy.areas import facts_during
from fangkong.policy.divisions import UnresolvedPlace, resolve
from fangkong.policy.places import Place
from fangkong.policy.versions import in_force
from fangkong.quarantine.actions import open_case, register_index_case
from fangkong.quarantine.models import CaseReason, IndexCase, IndexCaseKind

from . import reasons
from .classification import (
    Certificate,
    DecisionMeasure,
    StayFact,
    check_travel,
    classify,
    window,
)
from .models import (
    ArrivalTest,
    HealthCode,
    Observation,
    ObservationKind,
    ObservationSource,
    Refusal,
    RefusalKind,
    RefusalStatus,
    Registration,
    RegistrationLink,
    RegistrationSource,
    RegistrationStatus,
    Stay,
    TestResult,
    Transport,
)

REGISTRATION_FIELDS = (
    "source",
    "resident",
    "grid",
    "arrival_date",
    "arrival_place",
    "transport",
    "transport_number",
    "reason",
    "symptoms",
    "contact_name",
    "cert_date",
    "cert_institution",
    "cert_result",
)
DECISION_FIELDS = ("policy", "level", "measure", "measure_days", "test_days", "decision_reason")

MAX_SYMPTOMS = 20


# --- input -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StayInput:
    """One row of the travel history as typed: free text and two dates."""

    place: str
    start: dt.date
    end: dt.date


@dataclass(frozen=True, slots=True)
class CertificateInput:
    date: dt.date
    result: str  # TestResult
    institution: str = ""


@dataclass(frozen=True, slots=True)
class ObservationInput:
    """A health code colour or trip-card result as seen: what, when, how."""

    kind: str  # ObservationKind
    value: str
    observed_at: dt.datetime
    source: str  # ObservationSource


@dataclass(frozen=True, slots=True)
class Arrival:
    """Everything about the journey that a registration records, from any channel."""

    arrival_date: dt.date
    stays: Sequence[StayInput]
    certificate: CertificateInput | None = None
    arrival_place: str = ""
    transport: str = ""
    transport_number: str = ""
    reason: str = ""
    observations: Sequence[ObservationInput] = ()
    symptoms: Sequence[str] = ()
    contact_name: str = ""
    contact_phone: str = ""


@dataclass(frozen=True, slots=True)
class _Checked:
    places: list[Place]
    symptoms: list[str]
    contact_phone: str


def _add(errors: dict[str, list[str]], key: str, message: str) -> None:
    errors.setdefault(key, []).append(message)


def _check(arrival: Arrival, *, now: dt.datetime) -> _Checked:
    """Resolve the places and check everything; DomainError listing every problem."""
    errors: dict[str, list[str]] = {}
    today = timezone.localdate(now)
    places: list[Place] = []
    for i, stay in enumerate(arrival.stays):
        try:
            places.append(resolve(stay.place))
        except UnresolvedPlace as exc:
            _add(errors, "stays", _("Place %(row)d: %(error)s") % {"row": i + 1, "error": exc})
    cert = arrival.certificate
    certificate = None
    if cert is not None:
        if cert.result not in TestResult.values:
            _add(errors, "certificate", _("Say whether the test certificate is negative."))
        certificate = Certificate(cert.date, cert.result == TestResult.NEGATIVE)
    problems = check_travel(
        [(s.start, s.end) for s in arrival.stays],
        arrival=arrival.arrival_date,
        certificate=certificate,
        today=today,
    )
    for key, messages in reasons.problems_error(problems).items():
        errors.setdefault(key, []).extend(messages)
    refused = check_date(arrival.arrival_date, ARRIVAL_DATE, _("The arrival date"), today=today)
    if refused:
        _add(errors, "arrival_date", refused)
    for i, stay in enumerate(arrival.stays):
        label = _("Place %(row)d: the start date") % {"row": i + 1}
        refused = check_date(stay.start, ARRIVAL_DATE, label, today=today)
        if refused:
            _add(errors, "stays", refused)
    if arrival.transport and arrival.transport not in Transport.values:
        _add(errors, "transport", _("Choose train, flight, coach, car or other."))
    for obs in arrival.observations:
        if obs.kind not in ObservationKind.values:
            _add(errors, "observations", _("Unknown kind of observation."))
        elif obs.kind == ObservationKind.HEALTH_CODE and obs.value not in HealthCode.values:
            _add(errors, "observations", _("A health code is green, yellow or red."))
        elif not obs.value.strip():
            _add(errors, "observations", _("Say what the trip card showed."))
        if obs.source not in ObservationSource.values:
            _add(errors, "observations", _("Say how the result was seen."))
        if obs.observed_at > now + dt.timedelta(minutes=5):
            _add(errors, "observations", _("An observation cannot be in the future."))
    symptoms = [" ".join(str(s).split()) for s in arrival.symptoms]
    symptoms = list(dict.fromkeys(s for s in symptoms if s))
    if len(symptoms) > MAX_SYMPTOMS or any(len(s) > 30 for s in symptoms):
        _add(errors, "symptoms", _("List the symptoms briefly, at most 20."))
    contact_phone = arrival.contact_phone.strip()
    if contact_phone:
        try:
            contact_phone = normalise_phone(contact_phone)
        except InvalidPhone as exc:
            _add(errors, "contact_phone", exc.message)
    if errors:
        raise DomainError(errors=errors)
    return _Checked(places, symptoms, contact_phone)


def _fill(reg: Registration, arrival: Arrival, checked: _Checked) -> None:
    reg.arrival_date = arrival.arrival_date
    reg.arrival_place = arrival.arrival_place.strip()
    reg.transport = arrival.transport
    reg.transport_number = arrival.transport_number.strip().upper()
    reg.reason = arrival.reason.strip()
    reg.symptoms = checked.symptoms
    reg.contact_name = arrival.contact_name.strip()
    reg.contact_phone = checked.contact_phone
    cert = arrival.certificate
    if cert is not None:
        reg.cert_date = cert.date
        reg.cert_result = cert.result
        reg.cert_institution = cert.institution.strip()


def _write_travel(
    reg: Registration, arrival: Arrival, checked: _Checked, by: User | None, now: dt.datetime
) -> None:
    Stay.objects.bulk_create(
        Stay(
            registration=reg,
            place_text=stay.place.strip()[:200],
            code=place.code,
            division_name=place.name,
            sub_name=place.sub_name[:100],
            start=stay.start,
            end=stay.end,
        )
        for stay, place in zip(arrival.stays, checked.places, strict=True)
    )
    Observation.objects.bulk_create(
        Observation(
            registration=reg,
            kind=obs.kind,
            value=obs.value.strip()[:100],
            observed_at=obs.observed_at,
            source=obs.source,
            recorded_by=by,
        )
        for obs in arrival.observations
    )


# --- the decision ----------------------------------------------------------------------------


def _stay_facts(reg: Registration) -> list[StayFact]:
    return [
        StayFact(Place(s.code, s.division_name, s.sub_name), s.start, s.end)
        for s in reg.stays.all()
    ]


def _certificate(reg: Registration) -> Certificate | None:
    if reg.cert_date is None:
        return None
    return Certificate(reg.cert_date, reg.cert_result == TestResult.NEGATIVE)


@transaction.atomic
def decide(
    by: User | None, registration: Registration, *, now: dt.datetime | None = None
) -> Registration:
    """Classify a registration that has its resident, confirm it, and create what the
    decision implies. A decision is taken once; a later policy never changes it."""
    now = now or timezone.now()
    reg = registration
    if reg.decided_at is not None:
        raise DomainError(_("This registration has already been decided."))
    if reg.resident_id is None:
        raise DomainError(_("Choose the resident before deciding."))
    policy = in_force(reg.township_id, timezone.localdate(now))
    rules = policy.as_rules()
    certificate = _certificate(reg)
    start, end = window(reg.arrival_date, rules)
    decision = classify(
        _stay_facts(reg),
        arrival=reg.arrival_date,
        certificate=certificate,
        rules=rules,
        areas=facts_during(start, end),
    )
    reg.status = RegistrationStatus.CONFIRMED
    reg.policy = policy
    reg.level = decision.level.value
    reg.measure = decision.measure.value
    reg.measure_days = decision.days
    reg.test_days = list(decision.test_days)
    reg.decision_reason = reasons.decision_reason(decision, rules=rules, certificate=certificate)
    reg.decision_facts = reasons.decision_facts(
        decision, rules=rules, arrival=reg.arrival_date, certificate=certificate
    )
    reg.decided_at = now
    reg.save()
    resident = reg.resident
    assert resident is not None
    if decision.is_quarantine:
        open_case(
            resident,
            by=by,
            measure=rules.measure_for(decision.level),
            policy=policy,
            reason=CaseReason.RETURNEE,
            start_date=reg.arrival_date,
            registration_id=reg.pk,
            note=reg.decision_reason,
        )
    elif decision.measure == DecisionMeasure.TEST_WITHIN_24H:
        ArrivalTest.objects.create(
            registration=reg, due_at=now + dt.timedelta(hours=rules.test_within_hours)
        )
    changes = audit.snapshot(reg, DECISION_FIELDS)
    changes["policy_version"] = policy.label
    audit.record_object(by, AuditAction.DECIDE, reg, changes=changes)
    if reg.cert_result == TestResult.POSITIVE:
        # A self-registration raised its alert when it was sent.
        _positive(by, reg, _positive_certificate(reg), alert=reg.source == RegistrationSource.STAFF)
    elif reg.symptoms and reg.source == RegistrationSource.STAFF:
        # A self-registration raised its alert when it was sent.
        _alert_symptoms(by, reg)
    return reg


# --- what a returnee's health calls for (plan 三(二)2, 三(五)4) -------------------------------


def _report(**kw: Any) -> Any:
    """Raise a symptom alert through the health app (above this one, so not imported)."""
    try:
        answer = answer_to("report_symptoms")
    except LookupError as exc:  # pragma: no cover - health is always installed
        raise RuntimeError(
            "No installed app answers report_symptoms (fangkong.health): a returnee's "
            "symptoms or positive test would raise no alert."
        ) from exc
    return answer(**kw)


def _where(reg: Registration) -> dict[str, Any]:
    if reg.resident_id is not None:
        resident = reg.resident
        assert resident is not None
        return {
            "township_id": resident.township_id,
            "community_id": resident.community_id,
            "grid_id": resident.grid_id,
            "resident_id": resident.pk,
        }
    return {
        "township_id": reg.township_id,
        "community_id": reg.community_id,
        "grid_id": reg.grid_id,
        "name": reg.claimed_name,
        "phone": reg.claimed_phone,
        "place": reg.claimed_address or reg.arrival_place,
    }


def _alert_symptoms(by: User | None, reg: Registration, *, urgent: str = "") -> Any:
    """The symptoms given at registration raise an alert (a listed one, or a positive test)
    and, in free text, a review for the medical worker."""
    return _report(
        **_where(reg),
        temperature=None,
        symptoms=reg.symptoms,
        source="positive" if urgent else "registration",
        by=by,
        notes=_("Returnee registration of %(day)s.") % {"day": reg.arrival_date},
        urgent=urgent,
    )


def _positive(by: User | None, reg: Registration, why: str, *, alert: bool = True) -> IndexCase:
    """A returnee's positive test opens the case path, as a positive of a testing round does:
    an index case (its close contacts are registered from its page) and an alert, for the
    team to have a medical institution collect the person (isolation and treatment; never on
    their own)."""
    resident = reg.resident
    assert resident is not None
    index = IndexCase.objects.filter(resident=resident, reported_on=timezone.localdate()).first()
    if index is None:
        index = register_index_case(
            by,
            township=resident.township,
            name=resident.name,
            kind=IndexCaseKind.CONFIRMED,
            reported_on=timezone.localdate(),
            community=resident.community,
            resident=resident,
            notes=why,
        )
    if alert:
        _alert_symptoms(by, reg, urgent=why)
    return index


def _positive_certificate(reg: Registration) -> str:
    return _("Positive test certificate of %(day)s.") % {"day": reg.cert_date}


# --- registering -----------------------------------------------------------------------------


def _person_or_resident(
    by: User | None,
    *,
    resident: Resident | None,
    person: dict[str, str] | None,
    household: Household | None,
    relation: str,
) -> Resident:
    if resident is not None:
        if resident.merged_into_id is not None:
            raise DomainError(
                _("This record was merged into another; use that one."), field="resident"
            )
        return resident
    if person is None:
        raise DomainError(_("Choose the resident, or give the person's details."), field="resident")
    if household is None:
        raise DomainError(_("Choose the household the new resident lives in."), field="household")
    return people_actions.create_resident(
        by,
        name=person.get("name", ""),
        doc_number=person.get("doc_number", ""),
        phone=person.get("phone", ""),
        household=household,
        relation=relation,
    )


@transaction.atomic
def register_returnee(
    by: User,
    arrival: Arrival,
    *,
    resident: Resident | None = None,
    person: dict[str, str] | None = None,
    household: Household | None = None,
    relation: str = Relation.OTHER,
    now: dt.datetime | None = None,
) -> Registration:
    """A staff member registers an arrival: for an existing resident, or a new one created in
    `household` from `person` (name, doc_number, phone). Confirmed and decided at once."""
    now = now or timezone.now()
    checked = _check(arrival, now=now)
    resident = _person_or_resident(
        by, resident=resident, person=person, household=household, relation=relation
    )
    reg = Registration(
        township_id=resident.township_id,
        community_id=resident.community_id,
        grid_id=resident.grid_id,
        source=RegistrationSource.STAFF,
        resident=resident,
        created_by=by,
        confirmed_by=by,
        confirmed_at=now,
        created_at=now,
    )
    _fill(reg, arrival, checked)
    # Saved undecided first (the stays need its id); `decide` confirms it in the same
    # transaction, so nobody ever sees it half-made.
    reg.status = RegistrationStatus.PENDING
    reg.save()
    _write_travel(reg, arrival, checked, by, now)
    audit.record_object(
        by, AuditAction.CREATE, reg, changes=audit.snapshot(reg, REGISTRATION_FIELDS)
    )
    return decide(by, reg, now=now)


@transaction.atomic
def self_register(
    link: RegistrationLink,
    arrival: Arrival,
    *,
    name: str,
    id_number: str,
    phone: str,
    address: str,
    submitted_from: str,
    now: dt.datetime | None = None,
) -> Registration:
    """The returnee registers through a grid's QR code: PENDING, no decision yet."""
    now = now or timezone.now()
    link = RegistrationLink.objects.select_related("grid__community").get(pk=link.pk)
    if link.revoked_at is not None:
        raise DomainError(_("This registration code is no longer valid. Ask the grid worker."))
    errors: dict[str, list[str]] = {}
    person: dict[str, Any] = {}
    try:
        person = clean_person(
            {"name": name, "doc_type": "id_card", "doc_number": id_number, "phone": phone},
            today=timezone.localdate(now),
        )
    except DomainError as exc:
        errors.update(exc.errors)
    if person and not person["phone"]:
        errors["phone"] = [_("Give a phone number so the grid worker can call you.")]
    address = " ".join(address.split())
    if not address:
        errors["address"] = [_("Say where you are staying here (building, room or house).")]
    checked = None
    try:
        checked = _check(arrival, now=now)
    except DomainError as exc:
        for key, messages in exc.errors.items():
            errors.setdefault(key, []).extend(messages)
    if errors or checked is None:
        raise DomainError(errors=errors)
    grid = link.grid
    reg = Registration(
        township_id=grid.community.township_id,
        community_id=grid.community_id,
        grid=grid,
        status=RegistrationStatus.PENDING,
        source=RegistrationSource.SELF,
        claimed_name=person["name"],
        claimed_doc_number=person["doc_number"],
        claimed_phone=person["phone"],
        claimed_address=address[:200],
        created_at=now,
        submitted_from=submitted_from,
        link=link,
    )
    _fill(reg, arrival, checked)
    reg.save()
    _write_travel(reg, arrival, checked, None, now)
    audit.record_object(
        None,
        AuditAction.CREATE,
        reg,
        changes=audit.snapshot(reg, REGISTRATION_FIELDS),
        reason=_("self-registration"),
    )
    # Not waiting for the confirmation: symptoms or a positive certificate go to the team now.
    if reg.cert_result == TestResult.POSITIVE:
        _alert_symptoms(None, reg, urgent=_positive_certificate(reg))
    elif reg.symptoms:
        _alert_symptoms(None, reg)
    return reg


def _lock_pending(registration: Registration) -> Registration:
    reg = Registration.objects.select_for_update().get(pk=registration.pk)
    if reg.status != RegistrationStatus.PENDING:
        raise DomainError(
            _("This registration is no longer waiting for confirmation (%(status)s).")
            % {"status": reg.get_status_display()}
        )
    return reg


@transaction.atomic
def confirm_registration(
    by: User,
    registration: Registration,
    *,
    resident: Resident | None = None,
    household: Household | None = None,
    relation: str = Relation.OTHER,
    now: dt.datetime | None = None,
) -> Registration:
    """Confirm a self-registration against an existing resident, or create the person (as
    they typed themself) in `household`; then decide."""
    now = now or timezone.now()
    reg = _lock_pending(registration)
    if (
        resident is not None
        and reg.claimed_doc_number
        and resident.doc_number
        and resident.doc_number != reg.claimed_doc_number
    ):
        raise DomainError(
            _(
                "The ID number given in the registration differs from this resident's. "
                "Choose the right resident, or correct the record first."
            ),
            field="resident",
        )
    person = (
        {
            "name": reg.claimed_name,
            "doc_number": reg.claimed_doc_number,
            "phone": reg.claimed_phone,
        }
        if resident is None
        else None
    )
    resident = _person_or_resident(
        by, resident=resident, person=person, household=household, relation=relation
    )
    reg.resident = resident
    reg.township_id = resident.township_id
    reg.community_id = resident.community_id
    reg.grid_id = resident.grid_id
    reg.confirmed_by = by
    reg.confirmed_at = now
    audit.record_object(
        by,
        AuditAction.UPDATE,
        reg,
        changes={"resident": [None, str(resident.pk)], "status": ["pending", "confirmed"]},
    )
    return decide(by, reg, now=now)


@transaction.atomic
def reject_registration(
    by: User, registration: Registration, *, reason: str, now: dt.datetime | None = None
) -> Registration:
    """Turn down a pending self-registration (a duplicate, a prank, someone not living
    here), with the reason."""
    reason = reason.strip()
    if len(reason) < 2:
        raise DomainError(_("Say why the registration is rejected."), field="reason")
    reg = _lock_pending(registration)
    reg.status = RegistrationStatus.REJECTED
    reg.rejected_by = by
    reg.rejected_at = now or timezone.now()
    reg.rejection_reason = reason
    reg.save(update_fields=["status", "rejected_by", "rejected_at", "rejection_reason"])
    audit.record_object(
        by,
        AuditAction.UPDATE,
        reg,
        changes={"status": ["pending", "rejected"]},
        reason=reason,
    )
    return reg


# --- what the decision implies ---------------------------------------------------------------


@transaction.atomic
def record_test_task_result(
    by: User, task: ArrivalTest, *, result: str, now: dt.datetime | None = None
) -> ArrivalTest:
    """The result of a low-risk arrival's 24-hour test."""
    if result not in TestResult.values:
        raise DomainError(_("Choose negative or positive."), field="result")
    task = ArrivalTest.objects.select_for_update().select_related("registration").get(pk=task.pk)
    if task.result:
        raise DomainError(_("The result of this test has already been recorded."))
    task.result = result
    task.result_at = now or timezone.now()
    task.recorded_by = by
    task.save(update_fields=["result", "result_at", "recorded_by"])
    audit.record_object(
        by,
        AuditAction.UPDATE,
        task,
        changes={"result": ["", result]},
        township=task.registration.township_id,
    )
    if result == TestResult.POSITIVE:
        reg = Registration.objects.select_related("resident__township", "resident__community").get(
            pk=task.registration_id
        )
        _positive(
            by,
            reg,
            _("Positive 24-hour test after arriving on %(day)s.") % {"day": reg.arrival_date},
        )
    return task


@transaction.atomic
def record_refusal(
    by: User,
    resident: Resident,
    *,
    kind: str,
    details: str,
    registration: Registration | None = None,
    now: dt.datetime | None = None,
) -> Refusal:
    """Someone refuses to report, be tested or observed (三(二)3): recorded and referred to
    the police officer's worklist."""
    errors: dict[str, list[str]] = {}
    if kind not in RefusalKind.values:
        errors["kind"] = [_("Choose what was refused.")]
    details = details.strip()
    if len(details) < 2:
        errors["details"] = [_("Describe what happened.")]
    if registration is not None and registration.resident_id != resident.pk:
        errors["registration"] = [_("This registration is about another person.")]
    if resident.merged_into_id is not None:
        errors["resident"] = [_("This record was merged into another; use that one.")]
    if errors:
        raise DomainError(errors=errors)
    refusal = Refusal.objects.create(
        township_id=resident.township_id,
        community_id=resident.community_id,
        grid_id=resident.grid_id,
        resident=resident,
        registration=registration,
        kind=kind,
        details=details,
        status=RefusalStatus.REFERRED,
        recorded_by=by,
        recorded_at=now or timezone.now(),
    )
    audit.record_object(
        by,
        AuditAction.CREATE,
        refusal,
        changes={"resident": str(resident.pk), "kind": kind, "details": details},
    )
    return refusal


@transaction.atomic
def handle_refusal(
    by: User, refusal: Refusal, *, notes: str, now: dt.datetime | None = None
) -> Refusal:
    """The police officer records what they did about a referred refusal."""
    if not (by.is_superuser or by.role == Role.POLICE_OFFICER):
        raise DomainError(_("Only the police officer marks a referral as handled."))
    notes = notes.strip()
    if len(notes) < 2:
        raise DomainError(_("Say what was done."), field="notes")
    refusal = Refusal.objects.select_for_update().get(pk=refusal.pk)
    if refusal.status != RefusalStatus.REFERRED:
        raise DomainError(_("This referral has already been handled."))
    refusal.status = RefusalStatus.HANDLED
    refusal.handled_by = by
    refusal.handled_at = now or timezone.now()
    refusal.police_notes = notes
    refusal.save(update_fields=["status", "handled_by", "handled_at", "police_notes"])
    audit.record_object(
        by,
        AuditAction.UPDATE,
        refusal,
        changes={"status": ["referred", "handled"]},
        reason=notes,
    )
    return refusal


# --- QR code links ---------------------------------------------------------------------------


def _new_token() -> str:
    return secrets.token_urlsafe(24)


@transaction.atomic
def live_link(by: User | None, grid: Grid) -> RegistrationLink:
    """The grid's current self-registration link, made on first use."""
    link = RegistrationLink.objects.filter(grid=grid, revoked_at__isnull=True).first()
    if link is not None:
        return link
    try:
        with transaction.atomic():
            link = RegistrationLink.objects.create(grid=grid, token=_new_token(), created_by=by)
    except IntegrityError:  # made by someone else at the same moment
        return RegistrationLink.objects.get(grid=grid, revoked_at__isnull=True)
    audit.record_object(
        by,
        AuditAction.CREATE,
        link,
        township=grid.community.township_id,
        changes={"grid": str(grid.pk)},
    )
    return link


@transaction.atomic
def rotate_link(by: User, grid: Grid, *, now: dt.datetime | None = None) -> RegistrationLink:
    """A new QR code for the grid; the old one stops working (e.g. after it was misused)."""
    now = now or timezone.now()
    old = list(
        RegistrationLink.objects.select_for_update().filter(grid=grid, revoked_at__isnull=True)
    )
    for link in old:
        link.revoked_at = now
        link.save(update_fields=["revoked_at"])
    link = RegistrationLink.objects.create(grid=grid, token=_new_token(), created_by=by)
    audit.record_object(
        by,
        AuditAction.UPDATE,
        link,
        township=grid.community.township_id,
        changes={"grid": str(grid.pk), "revoked": [str(o.pk) for o in old]},
        reason=_("new QR code"),
    )
    return link


# --- sensitive data typed into a registration ------------------------------------------------

SENSITIVE_FIELDS = {"claimed_doc_number", "claimed_phone", "contact_phone"}


@transaction.atomic
def reveal(by: User, registration: Registration, *, field: str, reason: str) -> str:
    """The full ID number or phone typed into a registration; audited with the reason."""
    if field not in SENSITIVE_FIELDS:
        raise DomainError(_("This field cannot be revealed."), field="field")
    if len(reason.strip()) < 2:
        raise DomainError(_("Give the reason for viewing the full value."), field="reason")
    audit.record_object(
        by, AuditAction.REVEAL, registration, changes={"field": field}, reason=reason.strip()
    )
    return str(getattr(registration, field))
