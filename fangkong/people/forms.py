"""Forms of the resident registry pages. They check shape only; the rules live in
`registry.clean_person` and `actions`, whose `DomainError`s are put back on the form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from fangkong.core.forms import AssignmentForm
from fangkong.core.forms import add_domain_errors as add_domain_errors
from fangkong.core.models import Grid, User
from fangkong.core.textfields import TextForm

from .actions import RESIDENT_FIELDS, SENSITIVE_FIELDS
from .models import (
    DocumentType,
    Gender,
    Household,
    Relation,
    ResidenceType,
    Resident,
    VulnerableTag,
)


class ResidentForm(TextForm):
    """Create or edit one person. For a 居民身份证 the birth date and gender come from the
    number, so the form leaves them empty and `clean_person` derives them."""

    grid = forms.ModelChoiceField(label=_("Grid"), queryset=Grid.objects.none())
    household = forms.ModelChoiceField(
        label=_("Household"),
        queryset=Household.objects.none(),
        required=False,
        help_text=_("Leave empty for a person not yet placed in a household."),
    )
    relation = forms.ChoiceField(
        label=_("Relation to householder"), choices=Relation.choices, initial=Relation.HEAD
    )
    name = forms.CharField(label=_("Name"), max_length=50)
    doc_type = forms.ChoiceField(
        label=_("Document type"), choices=DocumentType.choices, initial=DocumentType.ID_CARD
    )
    doc_number = forms.CharField(label=_("Document number"), max_length=30, required=False)
    no_doc_reason = forms.CharField(
        label=_("Reason for no document"),
        max_length=200,
        required=False,
        help_text=_("Only when the person has no document."),
    )
    gender = forms.ChoiceField(
        label=_("Gender"),
        choices=[("", "---------"), *Gender.choices],
        required=False,
        help_text=_("Taken from the ID card number when there is one."),
    )
    birth_date = forms.DateField(
        label=_("Birth date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Taken from the ID card number when there is one."),
    )
    phone = forms.CharField(
        label=_("Phone"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel"}),
    )
    residence_type = forms.ChoiceField(
        label=_("Residence type"), choices=ResidenceType.choices, initial=ResidenceType.REGISTERED
    )
    tags = forms.MultipleChoiceField(
        label=_("Vulnerable groups"),
        choices=VulnerableTag.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    party_member = forms.BooleanField(label=_("Party member"), required=False)
    works_away = forms.BooleanField(label=_("Working away"), required=False)
    away_place = forms.CharField(label=_("Where working away"), max_length=200, required=False)
    away_contact = forms.CharField(label=_("Contact while away"), max_length=100, required=False)
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(
        self,
        *args: Any,
        user: User,
        resident: Resident | None = None,
        household: Household | None = None,
        **kwargs: Any,
    ) -> None:
        if resident is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                **{
                    f: getattr(resident, f)
                    for f in self.action_fields()
                    if f not in KEPT_WHEN_EMPTY
                },
                "tags": resident.tag_values,
            }
        super().__init__(*args, **kwargs)
        self.fixed_household = household
        self.editing = resident is not None
        if resident is not None:
            # Full numbers are never put in the page: editing them means typing a new one.
            for name, masked in (
                ("doc_number", resident.masked_doc_number),
                ("phone", resident.masked_phone),
                ("away_contact", resident.masked_away_contact),
            ):
                self.fields[name].widget.attrs["placeholder"] = masked
                self.fields[name].help_text = _("Leave empty to keep the current value.")
        if household is not None:
            # Adding a member to a known household: the place is fixed.
            del self.fields["grid"]
            del self.fields["household"]
            self.fields["relation"].initial = Relation.OTHER
        elif resident is not None:
            # Editing: move within the resident's grid only.
            del self.fields["grid"]
            self.fields["household"].queryset = (  # type: ignore[attr-defined]
                Household.objects.visible_to(user).filter(grid_id=resident.grid_id)
            )
        else:
            del self.fields["household"]
            self.fields["grid"].queryset = Grid.objects.visible_to(user).select_related(  # type: ignore[attr-defined]
                "community"
            )

    @staticmethod
    def action_fields() -> tuple[str, ...]:
        """The resident fields the actions take, but the grid: it follows from the household
        (or is a field of its own on the create form)."""
        return tuple(f for f in RESIDENT_FIELDS if f != "grid")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("doc_type") == DocumentType.ID_CARD:
            data["birth_date"] = None
            data["gender"] = ""
        return data

    def values(self) -> tuple[dict[str, Any], list[str]]:
        """(fields for `create_resident` / `update_resident`, tags)."""
        data = self.cleaned_data
        fields = {f: data[f] for f in self.action_fields() if f in data}
        if self.editing:
            for name in KEPT_WHEN_EMPTY:
                if not fields.get(name):
                    fields.pop(name, None)
            if data.get("doc_type") == DocumentType.NONE:
                fields["doc_number"] = ""
        if self.fixed_household is not None:
            fields["household"] = self.fixed_household
        if "grid" in data:
            fields["grid"] = data["grid"]
        if "household" in self.fields and data.get("household") is not None:
            fields["grid"] = data["household"].grid
        return fields, list(data.get("tags") or [])


# Sensitive fields that an edit leaves unchanged when the user types nothing.
KEPT_WHEN_EMPTY = ("doc_number", "phone", "away_contact")


class RevealForm(TextForm):
    field = forms.ChoiceField(choices=[(f, f) for f in sorted(SENSITIVE_FIELDS)])
    reason = forms.CharField(
        label=_("Reason"),
        max_length=200,
        error_messages={"required": _("Give the reason for viewing the full value.")},
        widget=forms.TextInput(attrs={"placeholder": _("e.g. calling about a test result")}),
    )


class ReasonForm(TextForm):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        error_messages={"required": _("Give the reason.")},
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class MergeForm(TextForm):
    KEEP_THIS = "this"
    KEEP_OTHER = "other"

    duplicate = forms.IntegerField(widget=forms.HiddenInput)
    keep = forms.ChoiceField(
        label=_("Keep"),
        choices=[
            (KEEP_THIS, _("Keep this record, fold the other into it")),
            (KEEP_OTHER, _("Keep the other record, fold this one into it")),
        ],
        initial=KEEP_THIS,
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        error_messages={"required": _("Say why these two records are the same person.")},
    )


class HouseholdCreateForm(TextForm):
    number = forms.CharField(
        label=_("Room / house number"),
        max_length=50,
        help_text=_("e.g. 301, or 8号 in a village group"),
    )


class HouseholdAssignmentForm(AssignmentForm):
    """The 包户 cadre and medical worker: staff of the right role working in the grid."""
