"""Forms of the guard's page and the gate log. They check the shape of the input; the rules
(plausible temperature, open gate, valid documents and plates) are the actions'."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from fangkong.core.errors import DomainError
from fangkong.core.textfields import TextForm

from .models import Direction, Gate, HealthCode, Verdict

_BIG = {"class": "big"}


def add_domain_errors(form: forms.Form, exc: DomainError) -> None:
    for field, messages in exc.errors.items():
        target = field if field in form.fields else None
        for message in messages:
            form.add_error(target, message)


class _Passage(TextForm):
    client_key = forms.UUIDField(widget=forms.HiddenInput)
    direction = forms.ChoiceField(
        label=_("Direction"), choices=Direction.choices, widget=forms.RadioSelect, initial="in"
    )
    temperature = forms.CharField(
        label=_("Temperature (°C)"),
        max_length=5,
        widget=forms.TextInput(
            attrs={"inputmode": "decimal", "autocomplete": "off", "class": "big", "size": 5}
        ),
    )
    health_code = forms.ChoiceField(
        label=_("Health code"),
        choices=HealthCode.choices,
        widget=forms.RadioSelect(attrs={"class": "code"}),
        initial="green",
    )

    @classmethod
    def fresh(cls, **initial: Any) -> _Passage:
        return cls(initial={"client_key": uuid.uuid4(), **initial})


class ScanForm(_Passage):
    code = forms.CharField(
        label=_("Pass code"),
        required=False,
        max_length=200,
        help_text=_("Scan the pass with the camera, or with a scanner into this field."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "class": "big"}),
    )
    resident_id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    field_order = ["direction", "temperature", "health_code", "code"]


class VisitorForm(_Passage):
    name = forms.CharField(label=_("Name"), max_length=50)
    phone = forms.CharField(
        label=_("Phone"), max_length=20, widget=forms.TextInput(attrs={"inputmode": "tel"})
    )
    doc_number = forms.CharField(label=_("ID card number"), max_length=30)
    host_id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    purpose = forms.CharField(label=_("Reason for the visit"), max_length=200)
    essential = forms.BooleanField(
        label=_("Essential (care of a dependant, medical, supplies, official duty)"),
        required=False,
    )
    field_order = [
        "name",
        "phone",
        "doc_number",
        "purpose",
        "essential",
        "direction",
        "temperature",
        "health_code",
    ]


class VehicleForm(_Passage):
    plate = forms.CharField(
        label=_("Plate"),
        max_length=12,
        widget=forms.TextInput(attrs={"class": "big", "autocomplete": "off"}),
    )
    driver_id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    name = forms.CharField(label=_("Driver's name (not a resident)"), max_length=50, required=False)
    phone = forms.CharField(label=_("Driver's phone"), max_length=20, required=False)
    field_order = ["plate", "name", "phone", "direction", "temperature", "health_code"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["temperature"].required = False
        self.fields["health_code"].required = False


class LogFilter(TextForm):
    gate: forms.ModelChoiceField[Gate] = forms.ModelChoiceField(
        label=_("Gate"), queryset=Gate.objects.none(), required=False
    )
    day = forms.DateField(
        label=_("Day"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    verdict = forms.ChoiceField(
        label=_("Answer"), choices=[("", _("All")), *Verdict.choices], required=False
    )

    def __init__(self, *args: Any, gates: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["gate"].queryset = gates  # type: ignore[attr-defined]


class HandleForm(TextForm):
    note = forms.CharField(label=_("What was done"), max_length=200)


class ReasonForm(TextForm):
    reason = forms.CharField(label=_("Reason"), max_length=200)
