"""Forms of the urgent report pages: they check shape; the actions decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from fangkong.core.models import Community
from fangkong.core.textfields import TextForm

from .actions import MAX_NOTE, MAX_PEOPLE, MAX_PLACE, MAX_WHAT
from .models import Category

_LOCAL = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class ReportForm(TextForm):
    community = forms.ModelChoiceField(label=_("Community"), queryset=Community.objects.none())
    category = forms.ChoiceField(label=_("What kind of problem"), choices=Category.choices)
    what = forms.CharField(
        label=_("What happened"),
        max_length=MAX_WHAT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    place = forms.CharField(label=_("Where"), max_length=MAX_PLACE)
    occurred_at = forms.DateTimeField(label=_("When"), widget=_LOCAL)
    people = forms.CharField(
        label=_("Who is involved"),
        max_length=MAX_PEOPLE,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Names, or how many people and who they are."),
    )

    def __init__(self, *args: Any, communities: QuerySet[Community], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["community"]
        field.queryset = communities  # type: ignore[attr-defined]
        if len(communities) == 1:
            field.initial = communities[0].pk
            field.widget = forms.HiddenInput()


class AcknowledgeForm(TextForm):
    note = forms.CharField(
        label=_("What the township does"),
        max_length=MAX_NOTE,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CloseForm(TextForm):
    outcome = forms.CharField(
        label=_("Outcome"), max_length=MAX_NOTE, widget=forms.Textarea(attrs={"rows": 2})
    )


class FilterForm(forms.Form):
    """The list's filters (from a link of the daily report or the workbench)."""

    community = forms.IntegerField(required=False, min_value=1)
    day = forms.DateField(required=False)
    show = forms.ChoiceField(
        required=False,
        choices=[
            ("open", "open"),
            ("unacknowledged", "unacknowledged"),
            ("escalated", "escalated"),
            ("all", "all"),
        ],
    )
