"""Forms of the daily report pages: shape only; the actions decide."""

from __future__ import annotations

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
