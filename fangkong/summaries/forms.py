from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from fangkong.core.models import Community
from fangkong.core.textfields import TextForm
from fangkong.quarantine.models import IndexCase

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PeriodForm(TextForm):
    start = forms.DateField(label=_("From"), widget=DATE)
    end = forms.DateField(label=_("To"), widget=DATE)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            self.add_error("end", _("The end date is before the start date."))
        return data


class AssessmentForm(TextForm):
    text = forms.CharField(
        label=_("Assessment of the period"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_(
            "The harm the epidemic did, how the plan worked, what to keep and what to change."
        ),
    )


class VisitForm(TextForm):
    index_case = forms.ModelChoiceField(label=_("Index case"), queryset=IndexCase.objects.none())
    community = forms.ModelChoiceField(label=_("Community"), queryset=Community.objects.none())
    visited_on = forms.DateField(label=_("Visited on"), widget=DATE)
    done = forms.CharField(
        label=_("What was done"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    needs = forms.CharField(
        label=_("What the family still needs"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(
        self,
        *args: Any,
        cases: QuerySet[IndexCase],
        communities: QuerySet[Community],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["index_case"].queryset = cases  # type: ignore[attr-defined]
        self.fields["community"].queryset = communities  # type: ignore[attr-defined]


class DecontaminationForm(TextForm):
    community = forms.ModelChoiceField(label=_("Community"), queryset=Community.objects.none())
    place = forms.CharField(label=_("Place"), max_length=200)
    done_on = forms.DateField(label=_("Done on"), widget=DATE)
    agent = forms.CharField(label=_("Agent and amount"), max_length=200)
    index_case = forms.ModelChoiceField(
        label=_("Index case (if any)"), queryset=IndexCase.objects.none(), required=False
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(
        self,
        *args: Any,
        cases: QuerySet[IndexCase],
        communities: QuerySet[Community],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["index_case"].queryset = cases  # type: ignore[attr-defined]
        self.fields["community"].queryset = communities  # type: ignore[attr-defined]
