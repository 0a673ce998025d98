"""Daily health monitoring (F8): check-ins, personal report links, alerts, symptom reviews.

Alerts come from check-ins of people in quarantine and from symptom reports for anyone
(plan 三(五)4): staff, a fever stop at a gate, a grid's public page, a returnee's
registration or positive test. A symptom in free text that is on no list of the policy
raises a `SymptomReview` for the medical worker.

A check-in is a temperature and the symptoms seen, for a person in an open quarantine case,
entered by staff or through a personal link (no account). A fever at or above the policy's
threshold, or a listed symptom, raises an `Alert`; at most one alert per person is active at
a time (a database constraint), so two people acting at once never duplicate one, and a new
reading while one is active is added to it.

An alert moves: open → acknowledged → institution contacted → collected → closed (with the
outcome). An alert still open at `escalate_at` (raised + the policy's minutes) is escalated:
it shows on the community leader's worklist.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fangkong.core.masking import mask_phone
from fangkong.core.models import Community, Grid, Township, User
from fangkong.core.scoping import ScopedQuerySet
from fangkong.core.sealed import SealedField
from fangkong.people.models import Household, Resident
from fangkong.policy.capabilities import PolicyCapability
from fangkong.policy.models import Policy
from fangkong.quarantine.models import Case

_SCOPE = {"township": "township_id", "community": "community_id", "grid": "grid_id"}


class CheckInVia(models.TextChoices):
    STAFF = "staff", _("Entered by staff")
    LINK = "link", _("Personal link")
    API = "api", _("API")


class CheckInQuerySet(ScopedQuerySet["CheckIn"]):
    scope_paths = _SCOPE
    view_capability = PolicyCapability.VIEW_CASES


class CheckIn(models.Model):
    township = models.ForeignKey(Township, on_delete=models.PROTECT, related_name="+")
    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="+")
    grid = models.ForeignKey(Grid, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="checkins")
    resident = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="+")
    date = models.DateField(_("date"))
    #: which of the day's checks (1 = morning, 2 = evening with the default policy)
    slot = models.PositiveSmallIntegerField(_("check"))
    temperature = models.DecimalField(_("temperature (°C)"), max_digits=3, decimal_places=1)
    symptoms = models.JSONField(_("symptoms"), default=list, blank=True)
    fever = models.BooleanField(_("fever"), default=False)
    via = models.CharField(max_length=6, choices=CheckInVia.choices)
    reported_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    link = models.ForeignKey(
        "ReportLink", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    policy = models.ForeignKey(Policy, on_delete=models.PROTECT, related_name="+")
    #: the alert this reading raised or was added to
    alert = models.ForeignKey(
        "Alert", on_delete=models.SET_NULL, null=True, blank=True, related_name="checkins"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = CheckInQuerySet.as_manager()

    class Meta:
        verbose_name = _("health check-in")
        verbose_name_plural = _("health check-ins")
        ordering = ["-date", "-slot", "-id"]
        indexes = [
            # Today's check-ins of many cases at once (the worklist's join); a case's own
            # days are read through the unique (case, date, slot) index below.
            models.Index(fields=["date", "case"], name="checkin_date_case"),
            models.Index(fields=["community", "date"], name="checkin_comm_date"),
        ]
        constraints = [
            # Two people entering the same check at once: the second gets the first, stored once.
            models.UniqueConstraint(fields=["case", "date", "slot"], name="checkin_one_per_slot"),
            # One check-in per person, day and check, whatever case it was entered for.
            models.UniqueConstraint(
                fields=["resident", "date", "slot"], name="checkin_one_per_person_slot"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.date} #{self.slot} {self.temperature}"


def slot_label(slot: int, checks_per_day: int) -> str:
    """How a check of the day is called: morning / evening with two a day, else "check 2 of
    3"; a reading beyond the day's checks is an extra one."""
    if slot > checks_per_day:
        return str(_("Extra reading"))
    if checks_per_day == 2:
        return str(_("Morning") if slot == 1 else _("Evening"))
    if checks_per_day == 1:
        return str(_("Daily check"))
    return str(_("Check %(n)d of %(total)d") % {"n": slot, "total": checks_per_day})


class ReportLinkQuerySet(ScopedQuerySet["ReportLink"]):
    scope_paths = {
        "township": "household__township_id",
        "community": "household__community_id",
        "grid": "household__grid_id",
    }
    view_capability = PolicyCapability.VIEW_CASES


class ReportLink(models.Model):
    """A personal link for a household to report its check-ins without an account.

    Only a hash of the token is stored; the link is shown once, when it is made.
    """

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    last_used_at = models.DateTimeField(null=True, blank=True)

    objects = ReportLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"link {self.pk} for {self.household_id}"


class AlertStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("alert status", "Open")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    CONTACTED = "contacted", _("Medical institution contacted")
    COLLECTED = "collected", _("Collected by the medical institution")
    CLOSED = "closed", pgettext_lazy("alert status", "Closed")


ACTIVE_ALERT_STATUSES = (
    AlertStatus.OPEN,
    AlertStatus.ACKNOWLEDGED,
    AlertStatus.CONTACTED,
    AlertStatus.COLLECTED,
)


class AlertOutcome(models.TextChoices):
    HOSPITALISED = "hospitalised", _("Admitted for treatment")
    RULED_OUT = "ruled_out", _("Examined, ruled out")
    HOME_OBSERVATION = "home_observation", _("Sent back to observation")
    OTHER = "other", _("Other")


class AlertSource(models.TextChoices):
    """How the alert came: a check-in of a person in quarantine, or a symptom report (plan
    三(五)4) for anyone, resident or visitor."""

    CHECKIN = "checkin", _("Check-in in quarantine")
    STAFF = "staff", _("Reported by staff")
    GATE = "gate", _("Fever stop at a gate")
    PUBLIC = "public", _("Reported through the public page")
    REGISTRATION = "registration", _("Symptoms given at registration")
    POSITIVE = "positive", _("Positive test of a returnee")
    REVIEW = "review", _("Symptom review by a medical worker")


class AlertQuerySet(ScopedQuerySet["Alert"]):
    scope_paths = _SCOPE
    view_capability = PolicyCapability.VIEW_CASES

    def active(self) -> AlertQuerySet:
        return self.filter(status__in=ACTIVE_ALERT_STATUSES)

    def escalated(self, now: object) -> AlertQuerySet:
        return self.filter(status=AlertStatus.OPEN, escalate_at__lte=now)

    def escalated_first(self, now: object) -> AlertQuerySet:
        """Escalated alerts first, then other open ones, then the rest; newest first."""
        return self.annotate(
            escalated_rank=models.Case(
                models.When(Q(status=AlertStatus.OPEN, escalate_at__lte=now), then=0),
                models.When(status=AlertStatus.OPEN, then=1),
                models.When(status__in=ACTIVE_ALERT_STATUSES, then=2),
                default=3,
                output_field=models.IntegerField(),
            )
        ).order_by("escalated_rank", "-raised_at", "-id")


class Alert(models.Model):
    """A person with fever or symptoms, followed until a medical institution collected them
    and the outcome is known. The person is a resident, or someone without a resident record
    (a visitor, a stranger at a gate): then their name, phone and where they are; and the
    grid is empty when nobody of a grid is theirs (the community's staff take it)."""

    township = models.ForeignKey(Township, on_delete=models.PROTECT, related_name="+")
    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="+")
    grid = models.ForeignKey(
        Grid, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resident = models.ForeignKey(
        Resident, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    #: someone without a resident record: their name, phone, and where they are
    person_name = models.CharField(_("name"), max_length=50, blank=True)
    person_phone = SealedField(_("phone"), max_length=20, blank=True)
    place = models.CharField(_("where the person is"), max_length=200, blank=True)
    source = models.CharField(
        _("reported through"),
        max_length=12,
        choices=AlertSource.choices,
        default=AlertSource.CHECKIN,
    )
    reported_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    report_notes = models.TextField(_("what was reported"), blank=True)
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, null=True, blank=True, related_name="alerts"
    )
    status = models.CharField(
        _("status"), max_length=12, choices=AlertStatus.choices, default=AlertStatus.OPEN
    )
    #: the highest temperature and every symptom reported while the alert is active
    temperature = models.DecimalField(max_digits=3, decimal_places=1, null=True, blank=True)
    symptoms = models.JSONField(default=list, blank=True)
    readings = models.PositiveSmallIntegerField(default=1)
    raised_at = models.DateTimeField(default=timezone.now)
    escalate_at = models.DateTimeField()
    acknowledged_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    institution = models.CharField(_("medical institution"), max_length=100, blank=True)
    contacted_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    contacted_at = models.DateTimeField(null=True, blank=True)
    collected_at = models.DateTimeField(_("collected at"), null=True, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=16, choices=AlertOutcome.choices, blank=True
    )
    outcome_notes = models.TextField(_("notes"), blank=True)
    closed_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    policy = models.ForeignKey(Policy, on_delete=models.PROTECT, related_name="+")

    objects = AlertQuerySet.as_manager()

    class Meta:
        verbose_name = _("health alert")
        verbose_name_plural = _("health alerts")
        ordering = ["-raised_at"]
        indexes = [
            models.Index(fields=["community", "status"], name="alert_comm_status"),
            models.Index(fields=["grid", "status"], name="alert_grid_status"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["resident"],
                condition=~Q(status="closed"),
                name="alert_one_active_per_person",
            ),
            # A person: a resident, or a name for someone without a resident record.
            models.CheckConstraint(
                condition=Q(resident__isnull=False) | ~Q(person_name=""),
                name="alert_names_a_person",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.raised_at:%Y-%m-%d %H:%M}"

    @property
    def name(self) -> str:
        """The resident's name, or the name given for someone without a resident record."""
        return self.resident.name if self.resident_id and self.resident else self.person_name

    @property
    def masked_person_phone(self) -> str:
        return mask_phone(self.person_phone)

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_ALERT_STATUSES

    def is_escalated(self, now: dt.datetime | None = None) -> bool:
        """Still open (nobody acknowledged it) at or after `escalate_at`."""
        return self.status == AlertStatus.OPEN and self.escalate_at <= (now or timezone.now())


class ReviewStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("symptom review", "To review")
    RESOLVED = "resolved", _("Reviewed")


class ReviewDecision(models.TextChoices):
    ALERT = "alert", _("Needs a doctor: an alert was raised")
    NO_ACTION = "no_action", _("No action needed")


class SymptomReviewQuerySet(ScopedQuerySet["SymptomReview"]):
    scope_paths = _SCOPE
    view_capability = PolicyCapability.VIEW_CASES

    def open(self) -> SymptomReviewQuerySet:
        return self.filter(status=ReviewStatus.OPEN)


class SymptomReview(models.Model):
    """A symptom reported in free text that is on no list of the policy: a medical worker
    reads it and decides whether it needs a doctor (an alert is raised) or not. It is never
    stored silently."""

    township = models.ForeignKey(Township, on_delete=models.PROTECT, related_name="+")
    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="+")
    grid = models.ForeignKey(
        Grid, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resident = models.ForeignKey(
        Resident, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    person_name = models.CharField(_("name"), max_length=50, blank=True)
    person_phone = SealedField(_("phone"), max_length=20, blank=True)
    place = models.CharField(_("where the person is"), max_length=200, blank=True)
    #: the free-text symptoms that matched no listed one
    symptoms = models.JSONField(_("symptoms"), default=list)
    temperature = models.DecimalField(max_digits=3, decimal_places=1, null=True, blank=True)
    source = models.CharField(_("reported through"), max_length=12, choices=AlertSource.choices)
    checkin = models.ForeignKey(
        CheckIn, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    #: the alert active for the person when the symptom came, or the one the review raised
    alert = models.ForeignKey(
        Alert, on_delete=models.SET_NULL, null=True, blank=True, related_name="reviews"
    )
    case = models.ForeignKey(
        Case, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    raised_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(
        _("status"), max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.OPEN
    )
    decision = models.CharField(
        _("decision"), max_length=10, choices=ReviewDecision.choices, blank=True
    )
    notes = models.TextField(_("notes"), blank=True)
    resolved_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    objects = SymptomReviewQuerySet.as_manager()

    class Meta:
        verbose_name = _("symptom to review")
        verbose_name_plural = _("symptoms to review")
        ordering = ["-raised_at", "-id"]
        indexes = [models.Index(fields=["community", "status"], name="review_comm_status")]

    def __str__(self) -> str:
        return f"{self.name}: {'、'.join(self.symptoms)}"

    @property
    def name(self) -> str:
        return self.resident.name if self.resident_id and self.resident else self.person_name
