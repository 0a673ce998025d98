"""Households and residents: one person is one record.

Every row carries its township, community and grid ids (set by the actions from the
household), so `visible_to(user)` is one indexed filter, and large tables can later be
partitioned by township.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.core import sealing
from fangkong.core.masking import mask_document, mask_phone
from fangkong.core.models import Building, Community, Grid, Township, Unit, User
from fangkong.core.roles import CoreCapability
from fangkong.core.scoping import ScopedQuerySet
from fangkong.core.sealed import DerivedField, SealedField, with_derived

from .identity import DocType

# the registry's file jobs (app label `imports`), registered with the models of this app
from .job_models import ExportJob as ExportJob
from .job_models import ImportJob as ImportJob


class DocumentType(models.TextChoices):
    ID_CARD = DocType.ID_CARD.value, _("Resident ID card")
    PASSPORT = DocType.PASSPORT.value, _("Passport")
    HK_MACAU_PERMIT = DocType.HK_MACAU_PERMIT.value, _("Hong Kong / Macau travel permit")
    TAIWAN_PERMIT = DocType.TAIWAN_PERMIT.value, _("Taiwan travel permit")
    NONE = DocType.NONE.value, _("No document")


class Gender(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class Relation(models.TextChoices):
    HEAD = "head", _("Householder")
    SPOUSE = "spouse", _("Spouse")
    CHILD = "child", _("Child")
    PARENT = "parent", _("Parent")
    GRANDPARENT = "grandparent", _("Grandparent")
    GRANDCHILD = "grandchild", _("Grandchild")
    SIBLING = "sibling", _("Sibling")
    CHILD_IN_LAW = "child_in_law", _("Son / daughter-in-law")
    OTHER = "other", _("Other")


class ResidenceType(models.TextChoices):
    REGISTERED = "registered", _("Registered (hukou)")
    PERMANENT = "permanent", _("Permanent resident")
    FLOATING = "floating", _("Floating population")
    TENANT = "tenant", _("Tenant")


class VulnerableTag(models.TextChoices):
    ELDERLY_ALONE = "elderly_alone", _("Elderly living alone")
    EMPTY_NEST = "empty_nest", _("Empty-nest elderly")
    LEFT_BEHIND = "left_behind", _("Left-behind elderly")
    DISABLED_CARE = "disabled_care", _("Unable to care for themselves")
    CHRONIC = "chronic", _("Several chronic diseases")
    INFANT = "infant", _("Infant or young child")
    PREGNANT = "pregnant", _("Pregnant or postpartum")
    DISABILITY = "disability", _("Disability")


_SCOPE = {"township": "township_id", "community": "community_id", "grid": "grid_id"}


class HouseholdQuerySet(ScopedQuerySet["Household"]):
    scope_paths = _SCOPE
    view_capability = CoreCapability.VIEW_PEOPLE


class Household(models.Model):
    """A household (户): a room in a unit, or a house number on a village group."""

    township = models.ForeignKey(Township, on_delete=models.PROTECT, related_name="+")
    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="+")
    grid = models.ForeignKey(
        Grid, on_delete=models.PROTECT, related_name="households", verbose_name=_("grid")
    )
    building = models.ForeignKey(
        Building,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="households",
        verbose_name=_("building"),
    )
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="households",
        verbose_name=_("unit"),
    )
    number = models.CharField(_("room / house number"), max_length=50)
    address = models.CharField(_("address"), max_length=200, db_index=True)
    cadre = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cadre_households",
        verbose_name=_("assigned cadre"),
    )
    medic = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="medic_households",
        verbose_name=_("assigned medical worker"),
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = HouseholdQuerySet.as_manager()

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        ordering = ["grid_id", "address"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "number"],
                condition=Q(unit__isnull=False),
                name="household_unit_number_unique",
            ),
            models.UniqueConstraint(
                fields=["grid", "number"],
                condition=Q(building__isnull=True),
                name="household_grid_number_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.address


class ResidentQuerySet(ScopedQuerySet["Resident"]):
    scope_paths = _SCOPE
    view_capability = CoreCapability.VIEW_PEOPLE

    def update(self, **kwargs: Any) -> int:
        """`update(doc_number=…)` also writes the columns derived from it."""
        return super().update(**with_derived(self.model, kwargs))

    def active(self) -> ResidentQuerySet:
        return self.filter(merged_into__isnull=True)


class Resident(models.Model):
    township = models.ForeignKey(Township, on_delete=models.PROTECT, related_name="+")
    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="+")
    grid = models.ForeignKey(
        Grid, on_delete=models.PROTECT, related_name="residents", verbose_name=_("grid")
    )
    household = models.ForeignKey(
        Household,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("household"),
    )
    relation = models.CharField(
        _("relation to householder"),
        max_length=16,
        choices=Relation.choices,
        default=Relation.HEAD,
    )
    name = models.CharField(_("name"), max_length=50, db_index=True)
    name_pinyin = models.CharField(_("pinyin"), max_length=200, db_index=True, editable=False)
    name_initials = models.CharField(
        _("pinyin initials"), max_length=50, db_index=True, editable=False
    )
    doc_type = models.CharField(
        _("document type"),
        max_length=20,
        choices=DocumentType.choices,
        default=DocumentType.ID_CARD,
    )
    # Sealed (fangkong.core.sealing); found through the blind index, shown through the
    # masked form, searched at the gate by the last four characters.
    doc_number = SealedField(
        _("document number"),
        max_length=30,
        blank=True,
        index="doc_index",
        kind=sealing.DOCUMENT,
    )
    doc_index = DerivedField(
        max_length=32, source="doc_number", derive=sealing.document_index, db_index=True
    )
    doc_last4 = DerivedField(max_length=4, source="doc_number", derive=sealing.last4)
    doc_masked = DerivedField(max_length=30, source="doc_number", derive=mask_document)
    no_doc_reason = models.CharField(_("reason for no document"), max_length=200, blank=True)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices, blank=True)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    phone = SealedField(
        _("phone"), max_length=20, blank=True, index="phone_index", kind=sealing.PHONE
    )
    phone_index = DerivedField(
        max_length=32, source="phone", derive=sealing.phone_index, db_index=True
    )
    phone_last4 = DerivedField(max_length=4, source="phone", derive=sealing.last4)
    phone_masked = DerivedField(max_length=20, source="phone", derive=mask_phone)
    residence_type = models.CharField(
        _("residence type"),
        max_length=16,
        choices=ResidenceType.choices,
        default=ResidenceType.REGISTERED,
    )
    party_member = models.BooleanField(_("party member"), default=False)
    works_away = models.BooleanField(_("working away"), default=False)
    away_place = models.CharField(_("where working away"), max_length=200, blank=True)
    #: often a phone number: sealed too (never looked up, so no index)
    away_contact = SealedField(_("contact while away"), max_length=100, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_from",
        verbose_name=_("merged into"),
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = ResidentQuerySet.as_manager()

    class Meta:
        verbose_name = _("resident")
        verbose_name_plural = _("residents")
        ordering = ["grid_id", "household_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["township", "doc_index"],
                condition=~Q(doc_index=""),
                name="resident_document_unique_in_township",
            ),
            models.CheckConstraint(
                condition=Q(doc_type="none", doc_number="")
                | (~Q(doc_type="none") & ~Q(doc_number="")),
                name="resident_document_matches_type",
            ),
        ]
        indexes = [
            models.Index(fields=["township", "name", "birth_date"], name="resident_name_birth_idx"),
            # A list is scoped to one township, community or grid and ordered by id: these let
            # "the first 50 of my jurisdiction" read only that jurisdiction's rows instead of
            # walking the primary key through every other jurisdiction's residents first
            # (bench/search_residents.py, 1M residents in 4 townships: ~500 ms → ~7 ms; on
            # PostgreSQL this needs random_page_cost ≈ 1.1, see README, deployment).
            models.Index(fields=["township", "id"], name="resident_township_id_idx"),
            # The gate's search by the last four characters, within the gate's community.
            models.Index(fields=["community", "doc_last4"], name="resident_doc_last4_idx"),
            models.Index(fields=["community", "phone_last4"], name="resident_phone_last4_idx"),
            models.Index(fields=["community", "id"], name="resident_community_id_idx"),
            models.Index(fields=["grid", "id"], name="resident_grid_id_idx"),
            # The workbench's "records changed recently": the last few of a jurisdiction by
            # updated_at, read from the index instead of sorting every resident of it.
            models.Index(
                fields=["community", "-updated_at", "-id"],
                condition=Q(merged_into__isnull=True),
                name="resident_comm_recent_idx",
            ),
            models.Index(
                fields=["grid", "-updated_at", "-id"],
                condition=Q(merged_into__isnull=True),
                name="resident_grid_recent_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def masked_doc_number(self) -> str:
        return mask_document(self.doc_number)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    @property
    def masked_away_contact(self) -> str:
        """The contact while away is often a phone number: masked like one."""
        return mask_phone(self.away_contact)

    @property
    def tag_values(self) -> list[str]:
        return [t.tag for t in self.tags.all()]


class ResidentTag(models.Model):
    resident = models.ForeignKey(Resident, on_delete=models.CASCADE, related_name="tags")
    tag = models.CharField(_("tag"), max_length=20, choices=VulnerableTag.choices)

    class Meta:
        verbose_name = _("vulnerable-group tag")
        verbose_name_plural = _("vulnerable-group tags")
        constraints = [
            models.UniqueConstraint(fields=["resident", "tag"], name="resident_tag_unique")
        ]
        indexes = [models.Index(fields=["tag", "resident"], name="resident_tag_idx")]

    def __str__(self) -> str:
        return self.get_tag_display()
