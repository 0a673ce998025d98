"""Forms of the health pages. Shape only: whether a temperature is plausible, which slot is
free and what an alert may do next are decided by `assessment` and `actions`, whose
`DomainError`s are put back on the form (`add_domain_errors`)."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from fangkong.core.forms import add_domain_errors as add_domain_errors
from fangkong.core.textfields import TextForm
from fangkong.policy.rules import PolicyRules

from .assessment import reading
from .models import AlertOutcome, slot_label

_SEPARATORS = re.compile(r"[,，、;；\n]+")


class CheckInForm(TextForm):
    """One reading: the temperature and the symptoms seen (the policy's list, plus free
    text). Staff may say which of today's checks it is; the public page never asks."""

    temperature = forms.CharField(
        label=_("Temperature (°C)"),
        max_length=10,
        widget=forms.TextInput(
            attrs={"inputmode": "decimal", "autocomplete": "off", "placeholder": _("e.g. 36.5")}
        ),
        error_messages={"required": _("Enter the temperature, e.g. 36.5.")},
    )
    symptoms = forms.MultipleChoiceField(
        label=_("Symptoms"),
        choices=(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    other_symptoms = forms.CharField(
        label=_("Other symptoms"),
        max_length=200,
        required=False,
        help_text=_("Separate several with commas."),
    )
    slot = forms.TypedChoiceField(
        label=_("Check"), choices=(), coerce=int, required=False, empty_value=None
    )

    def __init__(
        self,
        *args: Any,
        rules: PolicyRules,
        with_slot: bool = False,
        per_day: int | None = None,
        **kwargs: Any,
    ):
        """`per_day`: the case's checks a day (a lockdown isolation has its own number);
        default the policy's `checks_per_day`."""
        super().__init__(*args, **kwargs)
        self.fields["symptoms"].choices = [(s, s) for s in rules.symptoms]  # type: ignore[attr-defined]
        if with_slot:
            n_checks = per_day or rules.checks_per_day
            self.fields["slot"].choices = [  # type: ignore[attr-defined]
                ("", _("Next check not yet recorded")),
                *((n, slot_label(n, n_checks)) for n in range(1, n_checks + 1)),
            ]
        else:
            del self.fields["slot"]

    def clean_temperature(self) -> str:
        """The reading as typed (a decimal comma made a point): the action judges it and
        names it, as typed, when it is implausible."""
        text = str(self.cleaned_data["temperature"]).strip().replace("，", ".").replace(",", ".")
        if reading(text) is None:
            raise forms.ValidationError(_("Enter the temperature as a number, e.g. 36.5."))
        return text

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        other = [s.strip() for s in _SEPARATORS.split(data.get("other_symptoms") or "")]
        return {
            "temperature": data["temperature"],
            "symptoms": [*data.get("symptoms", []), *(s for s in other if s)],
            "slot": data.get("slot"),
        }


class ContactForm(TextForm):
    institution = forms.CharField(
        label=_("Medical institution contacted"),
        max_length=100,
        help_text=_("It sends staff to collect the person at home; the person never goes alone."),
        error_messages={"required": _("Name the medical institution that was contacted.")},
    )


class CloseForm(TextForm):
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[("", "---------"), *AlertOutcome.choices],
        error_messages={"required": _("Choose the outcome.")},
    )
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
