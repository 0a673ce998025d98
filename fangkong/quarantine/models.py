"""Quarantine (F7): sites and rooms, index cases, quarantine cases, tests, sign-offs.

A case's status moves only forward through the named actions in `actions.py`
(registered → in quarantine → release review → released, or → referred to hospital); each
move writes a `CaseEvent` with who and why. Nothing edits `status` directly.

The test schedule (`ScheduledTest`) is made from the policy version the case was opened under
(`schedule.py`); an item whose due date passed without a result is overdue (computed, see
`ScheduledTestQuerySet.overdue`). Release eligibility is `release.release_verdict`.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Self

from django.db import models
from django.db.models import BooleanField, Exists, OuterRef, Q, Value
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from fangkong.core.jobs import JobStatus, UploadJob
from fangkong.core.models import Community, Grid, Township, User
from fangkong.core.placeorder import KEY_LENGTH, natural_key
from fangkong.core.roles import CoreCapability
from fangkong.core.scoping import ScopedQuerySet
from fangkong.core.sealed import DerivedField
from fangkong.people.models import Resident
from fangkong.policy import impact
from fangkong.policy.capabilities import PolicyCapability
from fangkong.policy.models import Policy
from fangkong.quarantine.capabilities import QuarantineCapability

from . import release

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

_SCOPE = {"township": "township_id", "community": "community_id", "grid": "grid_id"}


class SiteQuerySet(ScopedQuerySet["Site"]):
    # Sites are township facilities; everyone working cases in the township sees them.
    scope_paths = {
        "township": "township_id",
        "community": "township__communities",
        "grid": "township__communities__grids",
    }
    view_capability = PolicyCapability.VIEW_CASES


class Site(models.Model):
    """A centralised quarantine site (集中隔离点) of the township."""

    township = models.ForeignKey(Township, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=100)
    address = models.CharField(_("address"), max_length=200)
    phone = models.CharField(_("duty phone"), max_length=20, blank=True)

    objects = SiteQuerySet.as_manager()

    class Meta:
        verbose_name = _("quarantine site")
        verbose_name_plural = _("quarantine sites")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["township", "name"], name="site_name_unique")
        ]

    def __str__(self) -> str:
        return self.name


class Room(models.Model):
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="rooms")
    number = models.CharField(_("room"), max_length=20)
    #: rooms sort naturally (801 before 1001, 九 before 十一), like the places of core
    sort_key = DerivedField(_("order"), max_length=KEY_LENGTH, source="number", derive=natural_key)
    capacity = models.PositiveSmallIntegerField(_("beds"), default=1)

    class Meta:
        verbose_name = _("room")
        verbose_name_plural = _("rooms")
        ordering = ["site_id", "sort_key", "id"]
        constraints = [
            models.UniqueConstraint(fields=["site", "number"], name="room_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.site.name} {self.number}"


class IndexCaseKind(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed case")
    ASYMPTOMATIC = "asymptomatic", _("Asymptomatic infection")
    SUSPECTED = "suspected", _("Suspected case")


class IndexCaseQuerySet(ScopedQuerySet["IndexCase"]):
    # Close contacts of a case live anywhere in the township: everyone working cases in the
    # township sees its index cases (the contacts themselves stay scoped as cases). Who the
    # case is, though, is seen only as the person's own record is (`with_identity`).
    scope_paths = {
        "township": "township_id",
        "community": "township__communities",
        "grid": "township__communities__grids",
    }
    view_capability = PolicyCapability.VIEW_CASES

    def with_identity(self, user: User | AnonymousUser) -> Self:
        """Annotate `identity_visible`: may `user` see who the case is (name, resident, notes)?

        The one rule: with a resident, exactly when the resident's record is visible to the
        user; without one, when the case's community (or township) would put a person's
        record in the user's jurisdiction, or the user registered it. Everyone else sees
        `reference` and `place` only."""
        if user.is_authenticated and user.is_superuser:
            return self.annotate(identity_visible=Value(True, output_field=BooleanField()))
        if not user.is_authenticated:
            return self.annotate(identity_visible=Value(False, output_field=BooleanField()))
        people = Resident.objects.visible_to(user).values("pk")
        places = _IdentityPlaceQuerySet(IndexCase).visible_to(user).values("pk")
        named = Q(resident__in=people) | Q(
            Q(pk__in=places) | Q(created_by_id=user.pk), resident__isnull=True
        )
        return self.annotate(
            identity_visible=Exists(IndexCase.objects.filter(named, pk=OuterRef("pk")))
        )


class _IdentityPlaceQuerySet(ScopedQuerySet["IndexCase"]):
    """Index cases without a resident, scoped as a person's record of their community would
    be: a township's and a community's staff; a grid's cannot tell (no grid is known)."""

    scope_paths = {"township": "township_id", "community": "community_id"}
    view_capability = CoreCapability.VIEW_PEOPLE


class IndexCase(models.Model):
    """A confirmed, asymptomatic or suspected case that close contacts are traced from."""

    township = models.ForeignKey(Township, on_delete=models.PROTECT, related_name="+")
    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resident = models.ForeignKey(
        Resident, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    name = models.CharField(_("name or case number"), max_length=100)
    kind = models.CharField(_("kind"), max_length=12, choices=IndexCaseKind.choices)
    reported_on = models.DateField(_("reported on"))
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = IndexCaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("index case")
        verbose_name_plural = _("index cases")
        ordering = ["-reported_on", "-id"]

    def __str__(self) -> str:
        # Never the name: a string of the case may reach anyone who sees the case at all.
        return f"{self.reference}（{self.get_kind_display()}）"

    @property
    def reference(self) -> str:
        """How the case is named to whoever may not see who it is."""
        return _("Index case #%(number)d") % {"number": self.pk or 0}

    @property
    def place(self) -> str:
        """Where the case is, no finer than a community (what every viewer may be told)."""
        return str(self.community or self.township)

    @property
    def label(self) -> str:
        """The name when `with_identity` found it visible, else the reference."""
        return self.name if getattr(self, "identity_visible", False) else self.reference


class CaseKind(models.TextChoices):
    CENTRALISED = impact.CENTRALISED, _("Centralised quarantine")
    HOME = impact.HOME, _("Home quarantine")
    #: everyone of a locked building or unit (F6), isolated at home until it is lifted
    LOCKDOWN = "lockdown", _("Lockdown isolation")


class CaseReason(models.TextChoices):
    RETURNEE = impact.RETURNEE, _("Arrival from a risk area")
    CLOSE_CONTACT = impact.CLOSE_CONTACT, _("Close contact")
    LOCKDOWN = "lockdown", _("Living in a locked building")
    OTHER = "other", _("Other")


class CaseStatus(models.TextChoices):
    REGISTERED = release.REGISTERED, _("Registered")
    IN_QUARANTINE = release.IN_QUARANTINE, _("In quarantine")
    RELEASE_REVIEW = release.RELEASE_REVIEW, _("Release review")
    RELEASED = release.RELEASED, _("Released")
    REFERRED = release.REFERRED, _("Referred to hospital")


OPEN_STATUSES = (CaseStatus.REGISTERED, CaseStatus.IN_QUARANTINE, CaseStatus.RELEASE_REVIEW)


class CaseQuerySet(ScopedQuerySet["Case"]):
    scope_paths = _SCOPE
    view_capability = PolicyCapability.VIEW_CASES

    def open(self) -> CaseQuerySet:
        return self.filter(status__in=OPEN_STATUSES)


class Case(models.Model):
    township = models.ForeignKey(Township, on_delete=models.PROTECT, related_name="+")
    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="+")
    grid = models.ForeignKey(Grid, on_delete=models.PROTECT, related_name="+")
    resident = models.ForeignKey(
        Resident,
        on_delete=models.PROTECT,
        related_name="quarantine_cases",
        verbose_name=_("person"),
    )
    kind = models.CharField(_("kind"), max_length=12, choices=CaseKind.choices)
    reason = models.CharField(_("reason"), max_length=14, choices=CaseReason.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=CaseStatus.choices, default=CaseStatus.REGISTERED
    )
    registration = models.ForeignKey(
        "screening.Registration",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
    )
    index_case = models.ForeignKey(
        IndexCase,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contacts",
        verbose_name=_("index case"),
    )
    room = models.ForeignKey(
        Room,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("room"),
    )
    address = models.CharField(_("place of quarantine"), max_length=200)
    start_date = models.DateField(_("start"))
    planned_end = models.DateField(_("planned end"))
    cadre = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("responsible cadre"),
    )
    medic = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("responsible medical worker"),
    )
    # The policy version and what it said, copied so a later policy never changes them.
    policy = models.ForeignKey(
        Policy, on_delete=models.PROTECT, related_name="+", verbose_name=_("policy version")
    )
    days = models.PositiveSmallIntegerField(_("days"))
    test_days = models.JSONField(_("test days"), default=list)
    #: where a referred case went (`actions.refer_to_hospital`)
    hospital = models.CharField(_("hospital"), max_length=100, blank=True)
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("quarantine case")
        verbose_name_plural = _("quarantine cases")
        ordering = ["-start_date", "-id"]
        indexes = [
            models.Index(fields=["community", "status"], name="case_comm_status"),
            models.Index(fields=["grid", "status"], name="case_grid_status"),
            models.Index(fields=["township", "status"], name="case_town_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(planned_end__gte=models.F("start_date")), name="case_end_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.resident.name} {self.get_kind_display()}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def site_pending(self) -> bool:
        """A centralised case whose site and room are still to be assigned (待分配)."""
        return self.kind == CaseKind.CENTRALISED and self.room_id is None

    @property
    def place(self) -> str:
        """Where the person is quarantined, as pages and notices name it: the site and room of
        a centralised case (or that they are still to be assigned), else the home address.
        Never the home flat for a centralised case: that is not where the person stays."""
        if self.kind != CaseKind.CENTRALISED:
            return self.address
        if self.room is None:
            return str(gettext("Quarantine site to be assigned"))
        return str(self.room)

    def day_number(self, today: dt.date) -> int:
        """Quarantine day of `today` (the start date is day 1)."""
        return (today - self.start_date).days + 1

    @property
    def release_on(self) -> dt.date:
        """The first day on which the period is served (the day after the last day)."""
        return self.planned_end + dt.timedelta(days=1)


class EventAction(models.TextChoices):
    """The steps of a case's history, as the timeline names them."""

    OPEN = "open", _("Case opened")
    START = "start", _("Quarantine started")
    ASSIGN_ROOM = "assign_room", _("Room assigned")
    CHANGE_RESPONSIBLE = "change_responsible", _("Responsible staff changed")
    EXTEND = "extend", _("Quarantine extended")
    REVIEW = "review", _("Put under release review")
    SIGN = "sign", _("Release signed")
    RELEASE = "release", _("Released")
    REFER = "refer", _("Referred to hospital")
    NOTE = "note", _("Counselling note added")
    TEST_RESULT = "test_result", _("Test result recorded")
    POSITIVE_RESULT = "positive_result", _("POSITIVE test result")
    RETEST = "retest", _("Retest scheduled")


class CaseEvent(models.Model):
    """One step of a case's history: which action, who, why."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=30, choices=EventAction.choices)
    from_status = models.CharField(max_length=16, choices=CaseStatus.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=CaseStatus.choices, blank=True)
    by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    reason = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.action}"


class TestItemResult(models.TextChoices):
    NEGATIVE = release.NEGATIVE, _("Negative")
    POSITIVE = release.POSITIVE, _("Positive")
    INVALID = release.INVALID, _("Invalid, retest")


class ScheduledTestQuerySet(ScopedQuerySet["ScheduledTest"]):
    scope_paths = {
        "township": "case__township_id",
        "community": "case__community_id",
        "grid": "case__grid_id",
    }
    view_capability = PolicyCapability.VIEW_CASES

    def pending(self) -> ScheduledTestQuerySet:
        return self.filter(result="")

    def due_on(self, day: dt.date) -> ScheduledTestQuerySet:
        return self.pending().filter(due_date=day)

    def overdue(self, today: dt.date) -> ScheduledTestQuerySet:
        return self.pending().filter(due_date__lt=today)


class ScheduledTest(models.Model):
    """One scheduled test of a case (quarantine day `day`; 0 is the test at once)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="tests")
    day = models.PositiveSmallIntegerField(_("quarantine day"))
    due_date = models.DateField(_("due"))
    result = models.CharField(
        _("result"), max_length=10, choices=TestItemResult.choices, blank=True
    )
    sampled_on = models.DateField(_("sampled on"), null=True, blank=True)
    result_at = models.DateTimeField(_("result recorded at"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    lab = models.CharField(_("laboratory"), max_length=100, blank=True)
    #: the invalid result this test repeats (`actions.record_test_result` adds it)
    retest_of = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="retests",
        verbose_name=_("retest of"),
    )
    #: the lab import that brought the result, when it came from a file
    lab_import = models.ForeignKey(
        "LabImportJob",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("lab import"),
    )

    objects = ScheduledTestQuerySet.as_manager()

    class Meta:
        verbose_name = _("scheduled test")
        verbose_name_plural = _("scheduled tests")
        ordering = ["due_date", "day", "id"]
        indexes = [models.Index(fields=["due_date", "result"], name="testitem_due_result")]

    def __str__(self) -> str:
        return f"{self.case_id} day {self.day}"

    @property
    def is_pending(self) -> bool:
        return not self.result

    def is_overdue(self, today: dt.date) -> bool:
        return not self.result and self.due_date < today


class SignRole(models.TextChoices):
    CADRE = release.CADRE, _("Responsible cadre (包保干部)")
    MEDIC = release.MEDIC, _("Responsible medical worker (包保医务人员)")


class SignOff(models.Model):
    """One of the two release signatures. One per role per case, and never one person twice."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="signoffs")
    role = models.CharField(max_length=6, choices=SignRole.choices)
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["signed_at"]
        constraints = [
            models.UniqueConstraint(fields=["case", "role"], name="signoff_one_per_role"),
            models.UniqueConstraint(fields=["case", "user"], name="signoff_one_per_person"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.role} {self.user}"


class CounsellingNote(models.Model):
    """Counselling (心理疏导) given to a person in quarantine."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    text = models.TextField(_("note"))
    by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.at:%Y-%m-%d}"


# -- lab result imports -------------------------------------------------------------------------


class LabImportQuerySet(ScopedQuerySet["LabImportJob"]):
    # A community's lab files are seen by its staff who record tests; a township admin sees
    # the township's.
    scope_paths = {
        "township": "township_id",
        "community": "community_id",
        "grid": "created_by__grid_id",
    }
    view_capability = QuarantineCapability.RECORD_TESTS


class LabImportJob(UploadJob):
    """One uploaded lab spreadsheet: checked in the background (the dry run: which rows match
    a pending test), then applied on confirmation (`lab_import.py`)."""

    progress_prefix = "lab-"

    created_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    file = models.FileField(_("file"), upload_to="lab-imports/%Y/%m/", blank=True)
    #: apply the matched rows and skip the others; without it, one unmatched row stops all
    skip_unmatched = models.BooleanField(_("skip the rows not matched"), default=False)
    matched_rows = models.PositiveIntegerField(_("rows matched"), default=0)
    unmatched_rows = models.PositiveIntegerField(_("rows not matched"), default=0)
    #: [[row, column, message], …], at most lab_import.MAX_STORED_PROBLEMS
    negative = models.PositiveIntegerField(_("negative results"), default=0)
    positive = models.PositiveIntegerField(_("positive results"), default=0)
    invalid = models.PositiveIntegerField(_("invalid results"), default=0)

    objects = LabImportQuerySet.as_manager()

    class Meta:
        verbose_name = _("lab result import")
        verbose_name_plural = _("lab result imports")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["township", "-created_at"], name="labimport_township_idx")]

    @property
    def can_apply_all(self) -> bool:
        return (
            self.status == JobStatus.CHECKED and self.unmatched_rows == 0 and self.matched_rows > 0
        )

    @property
    def can_apply_matched(self) -> bool:
        return (
            self.status == JobStatus.CHECKED and self.unmatched_rows > 0 and self.matched_rows > 0
        )
