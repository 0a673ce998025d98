"""Returnee registrations (F3): travel history, observations, the decision, refusals.

A registration is made by a grid worker or by the returnee through the public page (then it
waits, `PENDING`, for the grid worker to confirm it against a resident). Its decision is
taken once (`classification.classify`) and keeps the policy version it was made under.
Health code colours and 行程卡 results are observations with a time and a source: the system
records what was seen, it never assigns a colour.

Every row carries township / community / grid ids for scoping and later partitioning.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.core.masking import mask_document, mask_phone
from fangkong.core.models import Community, Grid, Township, User
from fangkong.core.scoping import ScopedQuerySet
from fangkong.core.sealed import SealedField
from fangkong.people.models import Resident
from fangkong.policy.capabilities import PolicyCapability
from fangkong.policy.models import Policy, RiskLevel
from fangkong.policy.rules import MeasureKind
from fangkong.screening.capabilities import ScreeningCapability

from .classification import DecisionMeasure

_SCOPE = {"township": "township_id", "community": "community_id", "grid": "grid_id"}


class RegistrationStatus(models.TextChoices):
    PENDING = "pending", _("Pending confirmation")
    CONFIRMED = "confirmed", _("Confirmed")
    REJECTED = "rejected", _("Rejected")


class RegistrationSource(models.TextChoices):
    STAFF = "staff", _("Registered by staff")
    SELF = "self", _("Self-registered")


class Transport(models.TextChoices):
    TRAIN = "train", _("Train")
    FLIGHT = "flight", _("Flight")
    COACH = "coach", _("Coach")
    CAR = "car", _("Car")
    OTHER = "other", _("Other")


class Measure(models.TextChoices):
    CENTRALISED_QUARANTINE = MeasureKind.CENTRALISED_QUARANTINE.value, _("Centralised quarantine")
    HOME_QUARANTINE = MeasureKind.HOME_QUARANTINE.value, _("Home quarantine")
    CERTIFICATE_ACCEPTED = (
        DecisionMeasure.CERTIFICATE_ACCEPTED.value,
        _("Test certificate accepted"),
    )
    TEST_WITHIN_24H = DecisionMeasure.TEST_WITHIN_24H.value, _("Test within 24 hours")
    HEALTH_MONITORING = MeasureKind.HEALTH_MONITORING.value, _("Health monitoring")


class HealthCode(models.TextChoices):
    """The colours of the health code, as the person's phone shows them."""

    GREEN = "green", _("Green")
    YELLOW = "yellow", _("Yellow")
    RED = "red", _("Red")


class TestResult(models.TextChoices):
    NEGATIVE = "negative", _("Negative")
    POSITIVE = "positive", _("Positive")


class RegistrationQuerySet(ScopedQuerySet["Registration"]):
    scope_paths = _SCOPE
    view_capability = PolicyCapability.VIEW_CASES


class RegistrationLinkQuerySet(ScopedQuerySet["RegistrationLink"]):
    scope_paths = {
        "township": "grid__community__township_id",
        "community": "grid__community_id",
        "grid": "grid_id",
    }
    view_capability = ScreeningCapability.SCREEN_RETURNEES


class RegistrationLink(models.Model):
    """The address behind a grid's QR code: /screening/r/<token>/ lands self-registrations in
    that grid. The token is printed on paper, so it is kept (not only its hash); rotating it
    (a staff action) revokes the old one, and the old QR code stops working."""

    grid = models.ForeignKey(
        Grid, on_delete=models.CASCADE, related_name="+", verbose_name=_("grid")
    )
    token = models.CharField(max_length=43, unique=True)
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = RegistrationLinkQuerySet.as_manager()

    class Meta:
        verbose_name = _("self-registration link")
        verbose_name_plural = _("self-registration links")
        ordering = ["grid_id", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["grid"],
                condition=Q(revoked_at__isnull=True),
                name="registration_link_one_live_per_grid",
            )
        ]

    def __str__(self) -> str:
        return f"{self.grid_id}: {self.token[:6]}…"


class Registration(models.Model):
    township = models.ForeignKey(Township, on_delete=models.PROTECT, related_name="+")
    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="+")
    grid = models.ForeignKey(Grid, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=RegistrationStatus.choices,
        default=RegistrationStatus.CONFIRMED,
    )
    source = models.CharField(_("source"), max_length=10, choices=RegistrationSource.choices)
    # The person: a resident once confirmed; what a self-registration typed until then.
    resident = models.ForeignKey(
        Resident,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="registrations",
        verbose_name=_("resident"),
    )
    claimed_name = models.CharField(_("name"), max_length=50, blank=True)
    # Sealed (fangkong.core.sealing), like a resident's numbers; matched to residents
    # through the residents' blind indexes, so these need none.
    claimed_doc_number = SealedField(_("ID number"), max_length=30, blank=True)
    claimed_phone = SealedField(_("phone"), max_length=20, blank=True)
    claimed_address = models.CharField(_("address here"), max_length=200, blank=True)

    arrival_date = models.DateField(_("arrival date"))
    arrival_place = models.CharField(_("arrived at"), max_length=200, blank=True)
    transport = models.CharField(
        _("transport"), max_length=10, choices=Transport.choices, blank=True
    )
    transport_number = models.CharField(
        _("train / flight number or plate"), max_length=30, blank=True
    )
    reason = models.CharField(_("reason for coming"), max_length=200, blank=True)
    symptoms = models.JSONField(_("symptoms"), default=list, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = SealedField(_("contact phone"), max_length=20, blank=True)

    cert_date = models.DateField(_("test certificate date"), null=True, blank=True)
    cert_institution = models.CharField(_("testing institution"), max_length=100, blank=True)
    cert_result = models.CharField(
        _("certificate result"), max_length=10, choices=TestResult.choices, blank=True
    )

    # The decision, taken once on confirmation; never rewritten by a later policy.
    policy = models.ForeignKey(
        Policy,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("policy version"),
    )
    level = models.CharField(_("risk level"), max_length=6, choices=RiskLevel.choices, blank=True)
    measure = models.CharField(_("measure"), max_length=30, choices=Measure.choices, blank=True)
    measure_days = models.PositiveSmallIntegerField(_("days"), default=0)
    test_days = models.JSONField(_("test days"), default=list, blank=True)
    decision_reason = models.TextField(_("reason"), blank=True)
    #: the structured reason (places, dates, levels) the text was written from
    decision_facts = models.JSONField(default=dict, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    confirmed_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    #: for self-registrations: a hash of the submitting address, for flood control
    submitted_from = models.CharField(max_length=64, blank=True, db_index=True)
    #: the QR code link a self-registration came through
    link = models.ForeignKey(
        RegistrationLink, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    rejected_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    rejected_at = models.DateTimeField(null=True, blank=True)
    rejection_reason = models.TextField(_("why rejected"), blank=True)

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        verbose_name = _("returnee registration")
        verbose_name_plural = _("returnee registrations")
        ordering = ["-arrival_date", "-id"]
        indexes = [
            models.Index(fields=["community", "status"], name="registration_comm_status"),
            models.Index(fields=["grid", "status"], name="registration_grid_status"),
            models.Index(fields=["township", "status"], name="registration_town_status"),
        ]
        constraints = [
            # A decision exists exactly when the registration is confirmed.
            models.CheckConstraint(
                condition=(Q(status="confirmed") & ~Q(level="") & Q(decided_at__isnull=False))
                | (~Q(status="confirmed") & Q(level="") & Q(decided_at__isnull=True)),
                name="registration_decided_when_confirmed",
            ),
            models.CheckConstraint(
                condition=~Q(status="confirmed") | Q(resident__isnull=False),
                name="registration_confirmed_has_resident",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_name} {self.arrival_date:%Y-%m-%d}"

    @property
    def person_name(self) -> str:
        """The resident's name once confirmed; the name typed until then."""
        return self.resident.name if self.resident_id and self.resident else self.claimed_name

    @property
    def masked_claimed_doc_number(self) -> str:
        return mask_document(self.claimed_doc_number)

    @property
    def masked_claimed_phone(self) -> str:
        return mask_phone(self.claimed_phone)


class Stay(models.Model):
    """One place of the travel history, with its dates, as typed and as resolved."""

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="stays")
    place_text = models.CharField(_("place"), max_length=200)
    code = models.CharField(_("division code"), max_length=6)
    division_name = models.CharField(_("division"), max_length=100)
    sub_name = models.CharField(max_length=100, blank=True)
    start = models.DateField(_("from"))
    end = models.DateField(_("to"))

    class Meta:
        ordering = ["start", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="stay_dates")
        ]

    def __str__(self) -> str:
        return f"{self.place_text} {self.start}–{self.end}"


class ObservationKind(models.TextChoices):
    HEALTH_CODE = "health_code", _("Health code")
    TRIP_CARD = "trip_card", _("Trip card (通行码/行程卡)")


class ObservationSource(models.TextChoices):
    SHOWN_BY_PERSON = "shown", _("Shown by the person")
    SCREENSHOT = "screenshot", _("Screenshot sent by the person")
    CHECKED_BY_STAFF = "checked", _("Checked by staff in the official app")
    SELF_REPORTED = "self", _("Self-reported")


class Observation(models.Model):
    """A health code colour or trip card result as seen, with when and how."""

    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="observations"
    )
    kind = models.CharField(max_length=12, choices=ObservationKind.choices)
    #: health code: green / yellow / red; trip card: the text shown (e.g. "带星号")
    value = models.CharField(_("result"), max_length=100)
    observed_at = models.DateTimeField(_("observed at"))
    source = models.CharField(_("source"), max_length=12, choices=ObservationSource.choices)
    recorded_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["observed_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.value}"

    @property
    def display_value(self) -> str:
        """A health code colour by its name; a trip card result as written."""
        if self.kind == ObservationKind.HEALTH_CODE and self.value in HealthCode.values:
            return str(HealthCode(self.value).label)
        return self.value


class ArrivalTestQuerySet(ScopedQuerySet["ArrivalTest"]):
    scope_paths = {
        "township": "registration__township_id",
        "community": "registration__community_id",
        "grid": "registration__grid_id",
    }
    view_capability = PolicyCapability.VIEW_CASES


class ArrivalTest(models.Model):
    """A low-risk arrival without a valid certificate: a test at the township sampling
    point, due within the policy's hours of confirmation."""

    registration = models.OneToOneField(
        Registration, on_delete=models.CASCADE, related_name="test_task"
    )
    due_at = models.DateTimeField(_("due by"))
    result = models.CharField(_("result"), max_length=10, choices=TestResult.choices, blank=True)
    result_at = models.DateTimeField(_("result recorded at"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = ArrivalTestQuerySet.as_manager()

    class Meta:
        verbose_name = _("24-hour test")
        verbose_name_plural = _("24-hour tests")
        ordering = ["due_at"]
        indexes = [models.Index(fields=["due_at", "result"], name="testtask_due_result")]

    def __str__(self) -> str:
        return f"{self.registration} → {self.due_at:%Y-%m-%d %H:%M}"


class RefusalKind(models.TextChoices):
    REPORT = "report", _("Refused to report")
    TEST = "test", _("Refused a test")
    TEMPERATURE = "temperature", _("Refused temperature checks")
    OBSERVATION = "observation", _("Refused medical observation")


class RefusalStatus(models.TextChoices):
    REFERRED = "referred", _("Referred to the police officer")
    HANDLED = "handled", _("Handled by the police officer")


class RefusalQuerySet(ScopedQuerySet["Refusal"]):
    scope_paths = _SCOPE
    view_capability = ScreeningCapability.VIEW_REFERRALS


class Refusal(models.Model):
    """Refusal to report, be tested or observed (三(二)3): referred to the police officer."""

    township = models.ForeignKey(Township, on_delete=models.PROTECT, related_name="+")
    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="+")
    grid = models.ForeignKey(Grid, on_delete=models.PROTECT, related_name="+")
    resident = models.ForeignKey(
        Resident, on_delete=models.PROTECT, related_name="refusals", verbose_name=_("resident")
    )
    registration = models.ForeignKey(
        Registration, on_delete=models.SET_NULL, null=True, blank=True, related_name="refusals"
    )
    kind = models.CharField(_("refusal"), max_length=12, choices=RefusalKind.choices)
    details = models.TextField(_("what happened"))
    status = models.CharField(
        _("status"), max_length=10, choices=RefusalStatus.choices, default=RefusalStatus.REFERRED
    )
    recorded_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    handled_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    handled_at = models.DateTimeField(null=True, blank=True)
    police_notes = models.TextField(_("police notes"), blank=True)

    objects = RefusalQuerySet.as_manager()

    class Meta:
        verbose_name = _("refusal")
        verbose_name_plural = _("refusals")
        ordering = ["-recorded_at"]
        indexes = [models.Index(fields=["community", "status"], name="refusal_comm_status")]

    def __str__(self) -> str:
        return f"{self.resident} {self.get_kind_display()}"
