"""Forms of the lockdown pages. Shape only: the rules are in `actions`."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from fangkong.core.models import Building, Unit, User
from fangkong.core.textfields import TextForm
from fangkong.people.models import DocumentType, Household, Relation
from fangkong.quarantine.models import IndexCase

from .models import SupplyKind, Urgency


def buildings_of(user: User) -> QuerySet[Building]:
    """The buildings inside the user's jurisdiction (whatever their view capabilities)."""
    return (
        Building.objects.in_jurisdiction(user)
        .select_related("grid__community")
        .order_by("grid__community__sort_key", "grid__sort_key", "sort_key", "id")
    )


class LockForm(TextForm):
    building = forms.ModelChoiceField(label=_("Building"), queryset=Building.objects.none())
    unit = forms.ModelChoiceField(
        label=_("Unit"),
        queryset=Unit.objects.none(),
        required=False,
        help_text=_("Leave empty to lock the whole building."),
    )
    index_case = forms.ModelChoiceField(
        label=_("Index case"), queryset=IndexCase.objects.none(), required=False
    )
    reason = forms.CharField(label=_("Why"), widget=forms.Textarea(attrs={"rows": 3}))
    areas = forms.CharField(
        label=_("Public areas to disinfect"),
        required=False,
        max_length=300,
        help_text=_("Separated by commas; empty for the unit entrance, stairwell and lift."),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        buildings = buildings_of(user)
        self.fields["building"].queryset = buildings  # type: ignore[attr-defined]
        self.fields["unit"].queryset = Unit.objects.filter(  # type: ignore[attr-defined]
            building__in=buildings
        ).select_related("building")
        self.fields["unit"].label_from_instance = lambda u: f"{u.building}{u.name}"  # type: ignore[attr-defined]
        self.fields["index_case"].queryset = IndexCase.objects.visible_to(user).with_identity(user)  # type: ignore[attr-defined]
        self.fields["index_case"].label_from_instance = lambda i: (  # type: ignore[attr-defined]
            f"{i.label}（{i.get_kind_display()}）"
        )

    def area_list(self) -> list[str]:
        raw = self.cleaned_data.get("areas") or ""
        return [a.strip() for a in raw.replace("，", ",").split(",") if a.strip()]


class LiftForm(TextForm):
    reason = forms.CharField(label=_("Why"), widget=forms.Textarea(attrs={"rows": 2}))


class NewPersonForm(TextForm):
    """A person found living there who is not in the registry yet (created through the
    registry's own action, then added to the register)."""

    household = forms.ModelChoiceField(label=_("Household"), queryset=Household.objects.none())
    relation = forms.ChoiceField(
        label=_("Relation to householder"), choices=Relation.choices, initial=Relation.OTHER
    )
    name = forms.CharField(label=_("Name"), max_length=50)
    doc_type = forms.ChoiceField(
        label=_("Document type"), choices=DocumentType.choices, initial=DocumentType.ID_CARD
    )
    doc_number = forms.CharField(label=_("Document number"), max_length=30, required=False)
    no_doc_reason = forms.CharField(
        label=_("Reason for no document"), max_length=200, required=False
    )
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)

    def __init__(self, *args: Any, households: QuerySet[Household], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["household"].queryset = households  # type: ignore[attr-defined]


class SupplyForm(TextForm):
    household = forms.ModelChoiceField(label=_("Household"), queryset=Household.objects.none())
    kind = forms.ChoiceField(label=_("What"), choices=SupplyKind.choices, widget=forms.RadioSelect)
    urgency = forms.ChoiceField(
        label=_("Urgency"),
        choices=Urgency.choices,
        initial=Urgency.NORMAL,
        widget=forms.RadioSelect,
    )
    details = forms.CharField(
        label=_("Details"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, households: QuerySet[Household] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if households is None:
            del self.fields["household"]
        else:
            self.fields["household"].queryset = households  # type: ignore[attr-defined]


class AssignForm(TextForm):
    volunteer = forms.ModelChoiceField(label=_("Volunteer"), queryset=User.objects.none())

    def __init__(self, *args: Any, volunteers: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["volunteer"].queryset = volunteers  # type: ignore[attr-defined]


class DeliveredForm(TextForm):
    delivered_at = forms.DateTimeField(
        label=_("Delivered at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        help_text=_("Empty: now."),
    )
    photo = forms.FileField(label=_("Photo (optional)"), required=False)
