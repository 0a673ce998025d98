"""A community's prevention organisation (plan 二、组织领导): the leadership group by post, its
office, the seven working groups with their duties, heads and members; the temporary party
branch (plan 三(九)); the volunteers and their assignments.

A post, a group's member, the branch's secretary and a volunteer are filled by a staff
account or by a person without one (a name and a phone). Phones are shown to the members of
the community's organisation only; everyone else sees them masked (`views.phone_for`).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fangkong.core.models import Community, Township, User
from fangkong.core.scoping import ScopedQuerySet
from fangkong.core.sealed import SealedField
from fangkong.people.models import Resident

from . import plan
from .capabilities import OrganisationCapability

_SCOPE = {"township": "township_id", "community": "community_id", "grid": "community__grids"}


class PostKind(models.TextChoices):
    LEADER = plan.LEADER, _("Group leader")
    DEPUTY = plan.DEPUTY, _("Deputy group leader")
    MEMBER = plan.MEMBER, pgettext_lazy("leadership group", "Member")


class OrganisationQuerySet(ScopedQuerySet["Organisation"]):
    scope_paths = _SCOPE
    view_capability = OrganisationCapability.VIEW_ORGANISATION


class Organisation(models.Model):
    """The leadership group of one community and its office."""

    township = models.ForeignKey(
        Township, on_delete=models.PROTECT, related_name="+", verbose_name=_("township")
    )
    community = models.OneToOneField(
        Community, on_delete=models.PROTECT, related_name="+", verbose_name=_("community")
    )
    name = models.CharField(_("name"), max_length=100, default=plan.GROUP_NAME)
    office_location = models.CharField(
        _("office location"), max_length=100, default=plan.OFFICE_LOCATION
    )
    office_phone = models.CharField(_("office phone"), max_length=20, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("prevention organisation")
        verbose_name_plural = _("prevention organisations")

    def __str__(self) -> str:
        return f"{self.community_id} {self.name}"


class Person(models.Model):
    """Who fills a place: a staff account, or a name and phone."""

    user = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("staff account"),
    )
    name = models.CharField(_("name"), max_length=50, blank=True)
    #: sealed with the data key, as every phone of a person
    phone = SealedField(_("phone"), max_length=20, blank=True)

    class Meta:
        abstract = True

    @property
    def person_name(self) -> str:
        if self.name:
            return self.name
        return str(self.user) if self.user_id else ""

    @property
    def person_phone(self) -> str:
        if self.phone:
            return self.phone
        return self.user.phone if self.user_id and self.user else ""


class Post(Person):
    """A post of the leadership group (组长 书记, 副组长 主任, 成员 民兵营长 …) and who fills it."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="posts", verbose_name=_("organisation")
    )
    kind = models.CharField(_("post"), max_length=8, choices=PostKind.choices)
    title = models.CharField(_("title"), max_length=50)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        ordering = ["organisation_id", "order", "id"]

    def __str__(self) -> str:
        return f"{self.title} {self.person_name}".strip()


class WorkingGroup(models.Model):
    """One of the seven working groups and its duties (the plan's text by default)."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="groups",
        verbose_name=_("organisation"),
    )
    key = models.CharField(_("kind"), max_length=16, blank=True)
    name = models.CharField(_("name"), max_length=50)
    duties = models.TextField(_("duties"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("working group")
        verbose_name_plural = _("working groups")
        ordering = ["organisation_id", "order", "id"]

    def __str__(self) -> str:
        return self.name


class GroupMember(Person):
    group = models.ForeignKey(
        WorkingGroup, on_delete=models.CASCADE, related_name="members", verbose_name=_("group")
    )
    is_head = models.BooleanField(_("head of the group"), default=False)
    duty = models.CharField(_("duty"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("group member")
        verbose_name_plural = _("group members")
        ordering = ["group_id", "-is_head", "id"]

    def __str__(self) -> str:
        return self.person_name


class PartyBranchQuerySet(ScopedQuerySet["PartyBranch"]):
    scope_paths = _SCOPE
    view_capability = OrganisationCapability.VIEW_ORGANISATION


class PartyBranch(Person):
    """The community's temporary party branch (临时党支部); the person is its secretary."""

    township = models.ForeignKey(
        Township, on_delete=models.PROTECT, related_name="+", verbose_name=_("township")
    )
    community = models.OneToOneField(
        Community, on_delete=models.PROTECT, related_name="+", verbose_name=_("community")
    )
    branch_name = models.CharField(_("branch"), max_length=100)
    founded_on = models.DateField(_("founded on"), default=timezone.localdate)

    objects = PartyBranchQuerySet.as_manager()

    class Meta:
        verbose_name = _("temporary party branch")
        verbose_name_plural = _("temporary party branches")

    def __str__(self) -> str:
        return self.branch_name


class PartyMember(models.Model):
    branch = models.ForeignKey(
        PartyBranch, on_delete=models.CASCADE, related_name="members", verbose_name=_("branch")
    )
    resident = models.ForeignKey(
        Resident,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("resident"),
    )
    name = models.CharField(_("name"), max_length=50)
    #: sealed with the data key, as every phone of a person
    phone = SealedField(_("phone"), max_length=20, blank=True)
    duty = models.CharField(_("duty in the branch"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("party member")
        verbose_name_plural = _("party members")
        ordering = ["branch_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["branch", "resident"],
                condition=Q(resident__isnull=False),
                name="party_member_once",
            )
        ]

    def __str__(self) -> str:
        return self.name


class VolunteerQuerySet(ScopedQuerySet["Volunteer"]):
    scope_paths = _SCOPE
    view_capability = OrganisationCapability.VIEW_ORGANISATION


class Volunteer(Person):
    township = models.ForeignKey(
        Township, on_delete=models.PROTECT, related_name="+", verbose_name=_("township")
    )
    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="+", verbose_name=_("community")
    )
    resident = models.ForeignKey(
        Resident,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("resident"),
    )
    skills = models.CharField(_("skills"), max_length=200, blank=True)
    availability = models.CharField(_("availability"), max_length=200, blank=True)
    active = models.BooleanField(_("active"), default=True)
    added_at = models.DateTimeField(_("added at"), default=timezone.now)

    objects = VolunteerQuerySet.as_manager()

    class Meta:
        verbose_name = _("volunteer")
        verbose_name_plural = _("volunteers")
        ordering = ["community_id", "-active", "id"]

    def __str__(self) -> str:
        return self.person_name


class AssignmentKind(models.TextChoices):
    GATE = "gate", _("Gate duty")
    DELIVERY = "delivery", _("Supplies delivery")
    SAMPLING = "sampling", _("Sampling")
    DUTY = "duty", _("Duty shift")


class Assignment(models.Model):
    """What a volunteer does, where, from when to when (no end yet: still on it)."""

    volunteer = models.ForeignKey(
        Volunteer,
        on_delete=models.CASCADE,
        related_name="assignments",
        verbose_name=_("volunteer"),
    )
    kind = models.CharField(_("what"), max_length=10, choices=AssignmentKind.choices)
    place = models.CharField(_("where"), max_length=100)
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    added_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("added by"),
    )

    class Meta:
        verbose_name = _("volunteer assignment")
        verbose_name_plural = _("volunteer assignments")
        ordering = ["-starts_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gt=models.F("starts_at")),
                name="assignment_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.place}"

    @property
    def span(self) -> plan.Span:
        return plan.Span(self.starts_at, self.ends_at)
