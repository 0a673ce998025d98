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
from fangkong.people.phones import InvalidPhone, normalise_phone
from fangkong.policy.rules import PolicyRules

from .assessment import reading
from .models import AlertOutcome, ReviewDecision, slot_label

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


class SymptomReportForm(TextForm):
    """A symptom report (plan 三(五)4): the temperature if one was taken, the symptoms seen,
    and — for someone without a resident record — who they are and where. `person`: whether
    the name, phone and whereabouts are asked (a report for a resident takes them from the
    record). `grids`: the grids staff may place the report in (none on the public page)."""

    name = forms.CharField(label=_("Name"), max_length=50, required=False)
    phone = forms.CharField(
        label=_("Phone"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    place = forms.CharField(
        label=_("Where the person is now"),
        max_length=200,
        required=False,
        help_text=_("Building, unit and flat, or the place, so the team can find them."),
    )
    grid = forms.TypedChoiceField(
        label=_("Grid"), choices=(), coerce=int, required=False, empty_value=None
    )
    temperature = forms.CharField(
        label=_("Temperature (°C)"),
        max_length=10,
        required=False,
        widget=forms.TextInput(
            attrs={"inputmode": "decimal", "autocomplete": "off", "placeholder": _("e.g. 38.2")}
        ),
        help_text=_("Leave empty if no temperature was taken."),
    )
    symptoms = forms.MultipleChoiceField(
        label=_("Symptoms"), choices=(), required=False, widget=forms.CheckboxSelectMultiple
    )
    other_symptoms = forms.CharField(
        label=_("Other symptoms"),
        max_length=200,
        required=False,
        help_text=_("Separate several with commas."),
    )
    notes = forms.CharField(
        label=_("Notes"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(
        self,
        *args: Any,
        rules: PolicyRules,
        person: bool,
        grids: list[tuple[int, str]] | None = None,
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        self.fields["symptoms"].choices = [(s, s) for s in rules.symptoms]  # type: ignore[attr-defined]
        if person:
            for name in ("name", "phone", "place"):
                self.fields[name].required = True
            self.fields["name"].error_messages["required"] = _(
                "Enter the name of the person with symptoms."
            )
            self.fields["phone"].error_messages["required"] = _(
                "Enter a phone number the team can call."
            )
            self.fields["place"].error_messages["required"] = _(
                "Say where the person is now, so the team can find them."
            )
        else:
            for name in ("name", "phone", "place"):
                del self.fields[name]
        if person and grids:
            self.fields["grid"].choices = [("", _("Not known")), *grids]  # type: ignore[attr-defined]
        else:
            del self.fields["grid"]

    def clean_phone(self) -> str:
        raw = self.cleaned_data.get("phone", "")
        try:
            return normalise_phone(raw)
        except InvalidPhone as exc:
            raise forms.ValidationError(exc.message) from None

    def clean_temperature(self) -> str:
        text = str(self.cleaned_data["temperature"]).strip().replace("，", ".").replace(",", ".")
        if text and reading(text) is None:
            raise forms.ValidationError(_("Enter the temperature as a number, e.g. 36.5."))
        return text

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        other = [s.strip() for s in _SEPARATORS.split(data.get("other_symptoms") or "")]
        return {
            "temperature": data.get("temperature") or None,
            "symptoms": [*data.get("symptoms", []), *(s for s in other if s)],
            "name": data.get("name", ""),
            "phone": data.get("phone", ""),
            "place": data.get("place", ""),
            "grid": data.get("grid"),
            "notes": data.get("notes", ""),
        }


class ReviewForm(TextForm):
    decision = forms.ChoiceField(
        label=_("What the symptoms call for"),
        choices=ReviewDecision.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose what the symptoms call for.")},
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
