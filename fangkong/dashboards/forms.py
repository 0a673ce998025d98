from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from fangkong.core.textfields import TextForm

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PeriodForm(TextForm):
    start = forms.DateField(label=_("From"), required=False, widget=DATE)
    end = forms.DateField(label=_("To"), required=False, widget=DATE)
