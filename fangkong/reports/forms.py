"""Forms of the daily report pages: shape only; the actions decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from fangkong.core.textfields import TextForm


class CorrectionForm(TextForm):
    value = forms.IntegerField(label=_("Corrected figure"), min_value=0, max_value=10_000_000)
    reason = forms.CharField(
        label=_("Why the computed figure is wrong"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class SubmitForm(TextForm):
    zero_report = forms.BooleanField(
        label=_("No case this day: submit as 无病例零报告"), required=False
    )
    note = forms.CharField(
        label=_("Remarks for the township"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReturnForm(TextForm):
    comment = forms.CharField(
        label=_("What must be corrected"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ApproveForm(TextForm):
    note = forms.CharField(
        label=_("Remarks (say why, if some communities have not reported)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class PeriodForm(TextForm):
    start = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class LineListForm(TextForm):
    """Which line list, for which period, masked or (with a reason) not."""

    DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

    name = forms.ChoiceField(label=_("List"))
    start = forms.DateField(label=_("From"), widget=DATE)
    end = forms.DateField(label=_("To"), widget=DATE)
    reveal = forms.BooleanField(
        label=_("Export full document numbers and phone numbers (not masked)"), required=False
    )
    reason = forms.CharField(
        label=_("Reason for the export"),
        required=False,
        max_length=200,
    )

    def __init__(
        self, *args: Any, choices: list[tuple[str, str]], may_reveal: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"].choices = choices  # type: ignore[attr-defined]
        if not may_reveal:
            del self.fields["reveal"]
            del self.fields["reason"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            self.add_error("end", _("The end date is before the start date."))
        if data.get("reveal") and len(str(data.get("reason") or "").strip()) < 2:
            self.add_error(
                "reason", _("Give the reason for exporting full document numbers and phones.")
            )
        return data
