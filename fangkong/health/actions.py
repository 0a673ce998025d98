"""Every write of health monitoring: check-ins, alerts and their steps, personal report links.

Atomic, audited, one function per verb. Pages, the public report page, the API and commands
call these; nothing else creates a CheckIn or an Alert or changes an alert's status.

Two people acting at once: a check-in locks its case row, so readings of one person are
taken one after the other (slots never collide, an alert is raised once); the database's
`alert_one_active_per_person` constraint is the last word, and an insert that loses the
race adds its reading to the alert that won. The alert verbs lock the alert row and check
its status again after the lock, so a second person is told who was first.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from fangkong.core import audit
from fangkong.core.errors import DomainError
from fangkong.core.models import AuditAction, User
from fangkong.people.models import Household, Resident
from fangkong.policy.rules import PolicyRules
from fangkong.policy.versions import in_force
from fangkong.quarantine.models import OPEN_STATUSES, Case, CaseStatus

from .assessment import (
    MAX_SYMPTOM_LENGTH,
    MAX_SYMPTOMS,
    assess,
    clean_symptoms,
    slot_at,
    symptoms_problem,
)
from .models import (
    ACTIVE_ALERT_STATUSES,
    Alert,
    AlertOutcome,
    AlertSource,
    AlertStatus,
    CheckIn,
    CheckInVia,
    ReportLink,
    ReviewDecision,
    ReviewStatus,
    SymptomReview,
)
from .monitoring import checks_per_day

#: the case statuses in which a person is in quarantine and reports twice a day
MONITORED_STATUSES = (CaseStatus.IN_QUARANTINE, CaseStatus.RELEASE_REVIEW)

CHECKIN_FIELDS = (
    "case",
    "resident",
    "date",
    "slot",
    "temperature",
    "symptoms",
    "fever",
    "via",
    "reported_by",
    "link",
    "alert",
)
ALERT_FIELDS = (
    "status",
    "source",
    "resident",
    "person_name",
    "place",
    "case",
    "temperature",
    "symptoms",
    "readings",
    "raised_at",
    "escalate_at",
    "acknowledged_by",
    "acknowledged_at",
    "institution",
    "contacted_by",
    "contacted_at",
    "collected_at",
    "outcome",
    "outcome_notes",
    "closed_by",
    "closed_at",
)
REVIEW_FIELDS = (
    "resident",
    "person_name",
    "place",
    "symptoms",
    "temperature",
    "source",
    "alert",
    "status",
    "decision",
    "notes",
    "resolved_by",
    "resolved_at",
)
LINK_FIELDS = ("household", "created_by", "revoked_at", "revoked_by")


def _clock(now: dt.datetime | None) -> dt.datetime:
    return now if now is not None else timezone.now()


def _hhmm(moment: dt.datetime | None) -> str:
    if moment is None:
        return ""
    return formats.date_format(timezone.localtime(moment), "H:i")


# ---- check-ins ------------------------------------------------------------------------------


def _temperature_refusal(temperature: Any, low: Decimal, high: Decimal) -> DomainError:
    return DomainError(
        _(
            "%(value)s °C is not a plausible body temperature. Measure again and enter the "
            "reading in degrees Celsius, between %(min)s and %(max)s."
        )
        % {"value": str(temperature).strip() or "—", "min": low, "max": high},
        field="temperature",
    )


def record_checkin(
    case: Case,
    resident: Resident,
    temperature: Decimal | str | float,
    symptoms: Iterable[str],
    *,
    by: User | None = None,
    link: ReportLink | None = None,
    via: CheckInVia | str,
    slot: int | None = None,
    now: dt.datetime | None = None,
) -> CheckIn:
    """`check_in`'s check-in, whether recorded now or found already recorded."""
    return check_in(
        case, resident, temperature, symptoms, by=by, link=link, via=via, slot=slot, now=now
    )[0]


def _stored(resident_id: int, day: dt.date, slot: int) -> CheckIn | None:
    return CheckIn.objects.filter(resident_id=resident_id, date=day, slot=slot).first()


@transaction.atomic
def check_in(
    case: Case,
    resident: Resident,
    temperature: Decimal | str | float,
    symptoms: Iterable[str],
    *,
    by: User | None = None,
    link: ReportLink | None = None,
    via: CheckInVia | str,
    slot: int | None = None,
    now: dt.datetime | None = None,
) -> tuple[CheckIn, bool]:
    """Record one reading of `resident`, the person of the open `case`: (the check-in,
    True), or (the one stored before, False) when this check of today was already recorded
    for the person — one check-in per person, day and check (a database constraint), so a
    resubmission, a double tap or two people at once never store a second one.

    The check is the one staff choose, else the one of the time of day (`slot_at`, by the
    policy's checks per day). A fever or a listed symptom raises the person's alert, or adds
    the reading to the one already active. Refused (nothing written): a closed case, another
    person, an implausible temperature, a check beyond the day's checks, a link that was
    revoked or belongs to another household.
    """
    now = _clock(now)
    locked = (
        Case.objects.select_for_update(of=("self",))
        .select_related("policy", "resident")
        .get(pk=case.pk)
    )
    if locked.status not in OPEN_STATUSES:
        raise DomainError(
            _("This quarantine case is closed; check-ins are recorded only during quarantine.")
        )
    if locked.resident_id != resident.pk:
        raise DomainError(
            _("%(name)s is not the person of this quarantine case.") % {"name": resident.name}
        )
    if link is not None:
        # Read afresh and locked: a link revoked a moment ago takes no more reports.
        link = ReportLink.objects.select_for_update().get(pk=link.pk)
        if link.revoked_at is not None:
            raise DomainError(
                _("This report link was revoked; ask your grid worker for a new one.")
            )
        if locked.resident.household_id != link.household_id:
            raise DomainError(_("This person does not belong to the household of this link."))
    rules = locked.policy.as_rules()
    symptom_list = list(symptoms)
    _check_symptoms(symptom_list)
    found = assess(temperature, symptom_list, rules)
    if not found.plausible:
        raise _temperature_refusal(temperature, rules.temperature_min, rules.temperature_max)

    today = timezone.localdate(now)
    per_day = checks_per_day(rules, locked.kind)
    if slot is None:
        slot = slot_at(timezone.localtime(now).time(), per_day)
    elif not 1 <= slot <= per_day:
        raise DomainError(_("Choose one of today's %(n)d checks.") % {"n": per_day}, field="slot")
    stored = _stored(locked.resident_id, today, slot)
    if stored is not None:
        return stored, False
    checkin = CheckIn(
        township_id=locked.township_id,
        community_id=locked.community_id,
        grid_id=locked.grid_id,
        case=locked,
        resident_id=locked.resident_id,
        date=today,
        slot=slot,
        temperature=found.temperature,
        symptoms=list(found.symptoms),
        fever=found.fever,
        via=via,
        reported_by=by,
        link=link,
        policy_id=locked.policy_id,
        created_at=now,
    )
    try:
        with transaction.atomic():
            checkin.save()
    except IntegrityError as exc:
        # Another case of the same person (its own lock), or a raw second writer: the
        # check-in stored first is the answer.
        stored = _stored(locked.resident_id, today, slot)
        if stored is None:
            raise DomainError(
                _("This check was recorded by someone else a moment ago; reload the page.")
            ) from exc
        return stored, False
    person = Person.of_case(locked)
    if found.alert:
        checkin.alert = _raise_or_add(
            person,
            found.temperature,
            found.symptoms,
            by,
            now,
            policy_id=locked.policy_id,
            escalation_minutes=rules.alert_escalation_minutes,
        )
        checkin.save(update_fields=["alert"])
    free_text = tuple(s for s in found.symptoms if s not in found.listed_symptoms)
    if free_text:
        _review(
            person,
            free_text,
            temperature=found.temperature,
            source=AlertSource.CHECKIN,
            now=now,
            by=by,
            alert=checkin.alert,
            checkin=checkin,
        )
    if link is not None:
        ReportLink.objects.filter(pk=link.pk).update(last_used_at=now)
    audit.record_object(
        by,
        AuditAction.CREATE,
        checkin,
        changes=audit.snapshot(checkin, CHECKIN_FIELDS),
        reason=_("reported through personal link #%(id)s") % {"id": link.pk} if link else "",
    )
    return checkin, True


@dataclass(frozen=True, slots=True)
class Person:
    """Whom an alert or a review is about: a resident, or someone without a resident record
    (their name, phone and where they are), and the places that follow them up."""

    township_id: int
    community_id: int
    grid_id: int | None
    resident_id: int | None = None
    name: str = ""
    phone: str = ""
    place: str = ""
    case_id: int | None = None

    @classmethod
    def of_case(cls, case: Case) -> Person:
        return cls(
            case.township_id, case.community_id, case.grid_id, case.resident_id, case_id=case.pk
        )

    @classmethod
    def of_resident(cls, resident: Resident, *, case_id: int | None = None) -> Person:
        return cls(
            resident.township_id,
            resident.community_id,
            resident.grid_id,
            resident.pk,
            case_id=case_id,
        )

    def places(self) -> dict[str, Any]:
        return {
            "township_id": self.township_id,
            "community_id": self.community_id,
            "grid_id": self.grid_id,
            "resident_id": self.resident_id,
            "person_name": "" if self.resident_id else self.name[:50],
            "person_phone": "" if self.resident_id else self.phone,
            "place": self.place[:200],
        }


def _raise_or_add(
    person: Person,
    temperature: Decimal | None,
    symptoms: tuple[str, ...],
    by: User | None,
    now: dt.datetime,
    *,
    policy_id: int,
    escalation_minutes: int,
    source: AlertSource | str = AlertSource.CHECKIN,
    notes: str = "",
) -> Alert:
    """The person's one active alert, raised now or with this reading added to it (someone
    without a resident record: a new alert each time, the reports being about whoever is
    named)."""
    for _attempt in range(3):
        alert = (
            Alert.objects.select_for_update()
            .filter(resident_id=person.resident_id, status__in=ACTIVE_ALERT_STATUSES)
            .first()
            if person.resident_id is not None
            else None
        )
        if alert is not None:
            before = audit.snapshot(alert, ALERT_FIELDS)
            alert.readings += 1
            if temperature is not None and (
                alert.temperature is None or temperature > alert.temperature
            ):
                alert.temperature = temperature
            alert.symptoms = [*alert.symptoms, *(s for s in symptoms if s not in alert.symptoms)]
            if alert.case_id is None and person.case_id is not None:
                alert.case_id = person.case_id
            if notes:
                alert.report_notes = "\n".join(n for n in (alert.report_notes, notes) if n)
            alert.save(
                update_fields=["readings", "temperature", "symptoms", "case", "report_notes"]
            )
            audit.record_object(
                by,
                AuditAction.UPDATE,
                alert,
                changes=audit.diff(before, audit.snapshot(alert, ALERT_FIELDS)),
                reason=_("another reading with fever or symptoms"),
            )
            return alert
        alert = Alert(
            **person.places(),
            case_id=person.case_id,
            status=AlertStatus.OPEN,
            temperature=temperature,
            symptoms=list(symptoms),
            readings=1,
            raised_at=now,
            escalate_at=now + dt.timedelta(minutes=escalation_minutes),
            policy_id=policy_id,
            source=source,
            reported_by=by,
            report_notes=notes,
        )
        try:
            with transaction.atomic():
                alert.save()
        except IntegrityError:
            continue  # raised by someone else meanwhile: add this reading to theirs
        audit.record_object(
            by, AuditAction.CREATE, alert, changes=audit.snapshot(alert, ALERT_FIELDS)
        )
        return alert
    raise DomainError(_("The alert could not be saved; try again."))  # pragma: no cover


def _review(
    person: Person,
    free_text: tuple[str, ...],
    *,
    temperature: Decimal | None,
    source: AlertSource | str,
    now: dt.datetime,
    by: User | None,
    alert: Alert | None = None,
    checkin: CheckIn | None = None,
) -> SymptomReview:
    """A review item for the medical worker: symptoms in free text that are on no list."""
    places = person.places()
    review = SymptomReview.objects.create(
        **places,
        symptoms=list(free_text),
        temperature=temperature,
        source=source,
        checkin=checkin,
        alert=alert,
        case_id=person.case_id,
        raised_at=now,
    )
    audit.record_object(
        by,
        AuditAction.CREATE,
        review,
        changes=audit.snapshot(review, REVIEW_FIELDS),
        township=person.township_id,
    )
    return review


def _check_symptoms(symptom_list: list[str]) -> None:
    problem = symptoms_problem([" ".join(str(s).split()) for s in symptom_list])
    if problem == "too_many":
        raise DomainError(
            _("Report at most %(n)d symptoms.") % {"n": MAX_SYMPTOMS}, field="symptoms"
        )
    if problem == "too_long":
        raise DomainError(
            _("Describe each symptom in at most %(n)d characters.") % {"n": MAX_SYMPTOM_LENGTH},
            field="symptoms",
        )


@dataclass(frozen=True, slots=True)
class Reported:
    """What a symptom report raised: the alert (None: nothing the policy lists, only free
    text) and the review item of the free-text symptoms (None: there were none)."""

    alert: Alert | None
    review: SymptomReview | None


@transaction.atomic
def report_symptoms(
    person: Person,
    *,
    temperature: Decimal | str | float | None,
    symptoms: Iterable[str],
    source: AlertSource | str,
    by: User | None = None,
    notes: str = "",
    urgent: str = "",
    now: dt.datetime | None = None,
) -> Reported:
    """A symptom report for anyone (plan 三(五)4): a resident, in quarantine or not, or
    someone without a resident record. A fever or a symptom the policy lists raises the
    person's alert (or adds to the one active), which goes through the alert's steps: the
    team contacts a medical institution that collects the person where they are. Symptoms in
    free text that are on no list raise a review item for the medical worker.

    `urgent`: why an alert is raised without fever or symptoms (a positive test): it is
    raised all the same, with this reason in its notes.

    Refused (nothing written): no fever and no symptom (and nothing urgent), an implausible
    temperature, someone without a resident record who is not named or whose whereabouts
    are not given."""
    now = _clock(now)
    errors: dict[str, list[str]] = {}
    if person.resident_id is None:
        if not person.name.strip():
            errors["name"] = [_("Enter the name of the person with symptoms.")]
        if not person.place.strip():
            errors["place"] = [_("Say where the person is now, so the team can find them.")]
    if errors:
        raise DomainError(errors=errors)
    rules = in_force(person.township_id, timezone.localdate(now))
    parsed = rules.as_rules()
    symptom_list = [s for s in symptoms if str(s).strip()]
    _check_symptoms(symptom_list)
    value: Decimal | None = None
    if temperature not in (None, ""):
        found = assess(temperature, symptom_list, parsed)
        if not found.plausible:
            raise _temperature_refusal(temperature, parsed.temperature_min, parsed.temperature_max)
        value = found.temperature
    cleaned = clean_symptoms(symptom_list, parsed)
    listed = tuple(s for s in cleaned if s in parsed.symptoms)
    free_text = tuple(s for s in cleaned if s not in parsed.symptoms)
    fever = value is not None and parsed.is_fever(value)
    if not fever and not cleaned and not urgent:
        raise DomainError(
            _(
                "Enter a temperature of %(threshold)s °C or more, or the symptoms seen: a "
                "report without either raises nothing."
            )
            % {"threshold": parsed.fever_threshold},
            field="symptoms",
        )
    notes = " ".join(" ".join((urgent, notes)).split())[:500]
    alert = None
    if fever or listed or urgent:
        alert = _raise_or_add(
            person,
            value,
            cleaned,
            by,
            now,
            policy_id=rules.pk,
            escalation_minutes=parsed.alert_escalation_minutes,
            source=source,
            notes=notes,
        )
    review = None
    if free_text:
        review = _review(
            person, free_text, temperature=value, source=source, now=now, by=by, alert=alert
        )
    return Reported(alert, review)


def free_text_of(symptoms: Iterable[str], rules: PolicyRules) -> tuple[str, ...]:
    """The symptoms (cleaned) that are on no list of `rules`."""
    return tuple(s for s in clean_symptoms(symptoms, rules) if s not in rules.symptoms)


@transaction.atomic
def resolve_review(
    review: SymptomReview,
    *,
    by: User,
    decision: ReviewDecision | str,
    notes: str = "",
    now: dt.datetime | None = None,
) -> SymptomReview:
    """A medical worker read the free-text symptoms: they need a doctor (an alert is raised
    for the person, or the active one is kept), or no action is needed (say why)."""
    now = _clock(now)
    notes = " ".join(notes.split())
    if decision not in ReviewDecision.values:
        raise DomainError(_("Choose what the symptoms call for."), field="decision")
    if decision == ReviewDecision.NO_ACTION and not notes:
        raise DomainError(
            _("Say in the notes why no action is needed (e.g. the person was called)."),
            field="notes",
        )
    review = SymptomReview.objects.select_for_update().get(pk=review.pk)
    if review.status != ReviewStatus.OPEN:
        raise DomainError(
            _("These symptoms were already reviewed by %(name)s at %(time)s.")
            % {"name": _name(review.resolved_by_id), "time": _hhmm(review.resolved_at)}
        )
    before = audit.snapshot(review, REVIEW_FIELDS)
    if decision == ReviewDecision.ALERT:
        active = review.alert if review.alert is not None and review.alert.is_active else None
        if active is None:
            rules = in_force(review.township_id, timezone.localdate(now))
            person = Person(
                review.township_id,
                review.community_id,
                review.grid_id,
                review.resident_id,
                review.person_name,
                review.person_phone,
                review.place,
                review.case_id,
            )
            active = _raise_or_add(
                person,
                review.temperature,
                tuple(review.symptoms),
                by,
                now,
                policy_id=rules.pk,
                escalation_minutes=rules.as_rules().alert_escalation_minutes,
                source=AlertSource.REVIEW,
                notes=notes,
            )
        review.alert = active
    review.status = ReviewStatus.RESOLVED
    review.decision = decision
    review.notes = notes
    review.resolved_by = by
    review.resolved_at = now
    review.save()
    audit.record_object(
        by,
        AuditAction.TRANSITION,
        review,
        changes=audit.diff(before, audit.snapshot(review, REVIEW_FIELDS)),
        reason=notes,
        township=review.township_id,
    )
    return review


# ---- alerts ---------------------------------------------------------------------------------


def _lock(alert: Alert) -> Alert:
    return Alert.objects.select_for_update().get(pk=alert.pk)


def _name(user_id: int | None) -> str:
    user = User.objects.filter(pk=user_id).first() if user_id is not None else None
    return str(user) if user is not None else _("someone")


def _refuse_closed(alert: Alert) -> None:
    if alert.status == AlertStatus.CLOSED:
        raise DomainError(
            _("This alert was closed by %(name)s at %(time)s.")
            % {"name": _name(alert.closed_by_id), "time": _hhmm(alert.closed_at)}
        )


def _transition(
    by: User, alert: Alert, before: dict[str, Any], step: str, reason: str = ""
) -> Alert:
    alert.save()
    audit.record_object(
        by,
        AuditAction.TRANSITION,
        alert,
        changes={"step": step, **audit.diff(before, audit.snapshot(alert, ALERT_FIELDS))},
        reason=reason,
    )
    return alert


@transaction.atomic
def acknowledge(alert: Alert, *, by: User, now: dt.datetime | None = None) -> Alert:
    """Someone of the team takes the alert on. Only one person can: the second is told who
    was first, and nothing changes."""
    now = _clock(now)
    alert = _lock(alert)
    _refuse_closed(alert)
    if alert.status != AlertStatus.OPEN:
        raise DomainError(
            _("This alert was already acknowledged by %(name)s at %(time)s.")
            % {"name": _name(alert.acknowledged_by_id), "time": _hhmm(alert.acknowledged_at)}
        )
    before = audit.snapshot(alert, ALERT_FIELDS)
    alert.status = AlertStatus.ACKNOWLEDGED
    alert.acknowledged_by = by
    alert.acknowledged_at = now
    return _transition(by, alert, before, "acknowledge")


@transaction.atomic
def record_contact(
    alert: Alert, *, by: User, institution: str, now: dt.datetime | None = None
) -> Alert:
    """A medical institution was called and will collect the person at home (the person
    never travels there alone). Acknowledges the alert too, if nobody had."""
    now = _clock(now)
    institution = " ".join(institution.split())
    if not institution:
        raise DomainError(
            _("Name the medical institution that was contacted."), field="institution"
        )
    if len(institution) > 100:
        raise DomainError(
            _("Enter the institution's name in at most 100 characters."), field="institution"
        )
    alert = _lock(alert)
    _refuse_closed(alert)
    if alert.status not in (AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED):
        raise DomainError(
            _("%(institution)s was already contacted by %(name)s at %(time)s.")
            % {
                "institution": alert.institution,
                "name": _name(alert.contacted_by_id),
                "time": _hhmm(alert.contacted_at),
            }
        )
    before = audit.snapshot(alert, ALERT_FIELDS)
    if alert.status == AlertStatus.OPEN:
        alert.acknowledged_by = by
        alert.acknowledged_at = now
    alert.status = AlertStatus.CONTACTED
    alert.institution = institution
    alert.contacted_by = by
    alert.contacted_at = now
    return _transition(by, alert, before, "contact")


@transaction.atomic
def record_collected(
    alert: Alert, *, by: User, at: dt.datetime | None = None, now: dt.datetime | None = None
) -> Alert:
    """The medical institution came and took the person (at `at`, default now)."""
    now = _clock(now)
    at = at or now
    alert = _lock(alert)
    _refuse_closed(alert)
    if alert.status == AlertStatus.COLLECTED:
        raise DomainError(
            _("The collection was already recorded (%(time)s).")
            % {"time": _hhmm(alert.collected_at)}
        )
    if alert.status != AlertStatus.CONTACTED:
        raise DomainError(
            _("First record which medical institution was contacted to collect the person.")
        )
    if at > now:
        raise DomainError(_("The time of collection cannot be in the future."), field="at")
    if alert.contacted_at is not None and at < alert.contacted_at:
        raise DomainError(
            _("The person cannot have been collected before the institution was contacted."),
            field="at",
        )
    before = audit.snapshot(alert, ALERT_FIELDS)
    alert.status = AlertStatus.COLLECTED
    alert.collected_at = at
    return _transition(by, alert, before, "collected")


@transaction.atomic
def close(
    alert: Alert,
    *,
    by: User,
    outcome: AlertOutcome | str,
    notes: str = "",
    now: dt.datetime | None = None,
) -> Alert:
    """Record the outcome and close the alert. Someone must have acknowledged it first; when
    the person was not collected, the notes say what happened instead."""
    now = _clock(now)
    notes = notes.strip()
    if outcome not in AlertOutcome.values:
        raise DomainError(_("Choose the outcome."), field="outcome")
    alert = _lock(alert)
    _refuse_closed(alert)
    if alert.status == AlertStatus.OPEN:
        raise DomainError(_("Acknowledge the alert before closing it."))
    if not notes and alert.status != AlertStatus.COLLECTED:
        raise DomainError(
            _(
                "Say in the notes what happened: the person was not collected by a medical "
                "institution."
            ),
            field="notes",
        )
    if not notes and outcome == AlertOutcome.OTHER:
        raise DomainError(_("Say in the notes what the outcome was."), field="notes")
    before = audit.snapshot(alert, ALERT_FIELDS)
    alert.status = AlertStatus.CLOSED
    alert.outcome = outcome
    alert.outcome_notes = notes
    alert.closed_by = by
    alert.closed_at = now
    return _transition(by, alert, before, "close", reason=notes)


# ---- personal report links ------------------------------------------------------------------


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def link_for_token(raw: str) -> ReportLink | None:
    """The link a token opens, if it exists and was not revoked."""
    if not raw or len(raw) > 100:
        return None
    return (
        ReportLink.objects.filter(token_hash=token_hash(raw), revoked_at__isnull=True)
        .select_related("household")
        .first()
    )


@transaction.atomic
def create_report_link(by: User, household: Household) -> tuple[ReportLink, str]:
    """A new personal link for `household` to report its check-ins without an account.

    Returns the link and its token: the token is shown once and never stored (only its
    hash), so a lost link is revoked and a new one made."""
    monitored = Case.objects.filter(
        resident__household=household, status__in=MONITORED_STATUSES
    ).exists()
    if not monitored:
        raise DomainError(
            _(
                "Nobody of this household is in quarantine; a report link is made only for "
                "a household with a person in quarantine."
            )
        )
    raw = secrets.token_urlsafe(32)
    link = ReportLink.objects.create(household=household, token_hash=token_hash(raw), created_by=by)
    audit.record_object(
        by,
        AuditAction.CREATE,
        link,
        changes=audit.snapshot(link, LINK_FIELDS),
        township=household.township_id,
    )
    return link, raw


@transaction.atomic
def revoke_report_link(by: User, link: ReportLink, *, now: dt.datetime | None = None) -> ReportLink:
    """The link stops working at once (a lost phone, a link passed on)."""
    now = _clock(now)
    link = ReportLink.objects.select_for_update().select_related("household").get(pk=link.pk)
    if link.revoked_at is not None:
        raise DomainError(
            _("This link was already revoked at %(time)s.")
            % {"time": formats.date_format(timezone.localtime(link.revoked_at), "Y-m-d H:i")}
        )
    before = audit.snapshot(link, LINK_FIELDS)
    link.revoked_at = now
    link.revoked_by = by
    link.save(update_fields=["revoked_at", "revoked_by"])
    audit.record_object(
        by,
        AuditAction.UPDATE,
        link,
        changes=audit.diff(before, audit.snapshot(link, LINK_FIELDS)),
        reason=_("revoked"),
        township=link.household.township_id,
    )
    return link
