"""Forms of the disinfection pages: they check shape; the actions decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from fangkong.core.models import User
from fangkong.core.textfields import TextForm
from fangkong.supplies.models import Lot

from .models import Category, PlaceKind

_LOCAL = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class PlaceForm(TextForm):
    name = forms.CharField(label=_("Place"), max_length=60, help_text=_("e.g. 3号楼电梯"))
    kind = forms.ChoiceField(label=_("Kind"), choices=PlaceKind.choices)
    category = forms.ChoiceField(
        label=_("How often"),
        choices=[
            ("", _("As its kind (gate, clinic, care home: key area; lift: often)")),
            *Category.choices,
        ],
        required=False,
    )
    owner = forms.ModelChoiceField(
        label=_("Owner"), queryset=User.objects.none(), required=False, empty_label=_("Nobody")
    )

    def __init__(self, *args: Any, owners: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners  # type: ignore[attr-defined]


class EntryForm(TextForm):
    done_at = forms.DateTimeField(label=_("Disinfected at"), widget=_LOCAL)
    agent = forms.ModelChoiceField(
        label=_("Agent"), queryset=Lot.objects.none(), required=False, empty_label=_("None")
    )
    amount = forms.DecimalField(
        label=_("Amount used"),
        max_digits=12,
        decimal_places=2,
        required=False,
        help_text=_("Taken from the stock of the agent."),
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args: Any, agents: QuerySet[Lot], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agent"].queryset = agents  # type: ignore[attr-defined]
