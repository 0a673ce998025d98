"""Forms of the screening pages. They check shape and return typed values (`Arrival`, stays,
observations); the rules (places, dates, certificates) are checked by `actions`, whose
`DomainError`s are put back on the form."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.forms import formset_factory
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.core.errors import DomainError
from fangkong.core.models import Grid
from fangkong.core.textfields import TextForm
from fangkong.people.models import Household, Relation, Resident
from fangkong.policy.models import RiskLevel

from .actions import Arrival, CertificateInput, ObservationInput, StayInput
from .models import (
    HealthCode,
    Measure,
    ObservationKind,
    ObservationSource,
    RefusalKind,
    RegistrationStatus,
    TestResult,
    Transport,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
#: rows of the travel history a page shows at first (more with "add a row")
STAY_ROWS = 5
MAX_STAY_ROWS = 20


class StayForm(TextForm):
    place = forms.CharField(
        label=_("Place"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. 湖北省武汉市江汉区民族街道")}),
    )
    start = forms.DateField(label=_("From"), required=False, widget=DATE)
    end = forms.DateField(label=_("To"), required=False, widget=DATE)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if any(data.get(k) for k in ("place", "start", "end")):
            if not data.get("place"):
                self.add_error("place", _("Name the place."))
            if not data.get("start"):
                self.add_error("start", _("Give the first day there."))
            if not data.get("end"):
                self.add_error("end", _("Give the last day there."))
        return data


def stay_formset(data: Any = None, *, rows: int = STAY_ROWS) -> Any:
    """The travel history rows: `rows` empty ones on a fresh page, the posted ones otherwise
    (`with_more_rows` adds one). Works without JavaScript. Problems the action finds with the
    rows go to `row_errors`, shown above them."""
    cls = formset_factory(StayForm, extra=rows, max_num=MAX_STAY_ROWS, absolute_max=MAX_STAY_ROWS)
    formset = cls(data, prefix="stays") if data is not None else cls(prefix="stays")
    formset.row_errors = []  # type: ignore[attr-defined]
    return formset


def stays_of(formset: Any) -> list[StayInput]:
    return [
        StayInput(f.cleaned_data["place"], f.cleaned_data["start"], f.cleaned_data["end"])
        for f in formset.forms
        if f.cleaned_data.get("place")
    ]


def with_more_rows(data: Any) -> Any:
    """A copy of posted form data with one more (empty) stay row."""
    copy = data.copy()
    total = int(copy.get("stays-TOTAL_FORMS", STAY_ROWS) or 0)
    copy["stays-TOTAL_FORMS"] = str(min(total + 1, MAX_STAY_ROWS))
    return copy


class TravelForm(TextForm):
    """The journey: arrival, transport, certificate, observations, symptoms, contact."""

    arrival_date = forms.DateField(label=_("Arrival date"), widget=DATE)
    arrival_place = forms.CharField(
        label=_("Arrived at"),
        max_length=200,
        required=False,
        help_text=_("Station, airport, bus station, or by road."),
    )
    transport = forms.ChoiceField(
        label=_("Transport"), choices=[("", "---------"), *Transport.choices], required=False
    )
    transport_number = forms.CharField(
        label=_("Train / flight number or plate"), max_length=30, required=False
    )
    reason = forms.CharField(label=_("Reason for coming"), max_length=200, required=False)
    cert_date = forms.DateField(
        label=_("Test certificate: sampling date"),
        required=False,
        widget=DATE,
        help_text=_("Leave empty when there is no nucleic-acid test certificate."),
    )
    cert_result = forms.ChoiceField(
        label=_("Test certificate: result"),
        choices=[("", "---------"), *TestResult.choices],
        required=False,
    )
    cert_institution = forms.CharField(
        label=_("Test certificate: institution"), max_length=100, required=False
    )
    health_code = forms.ChoiceField(
        label=_("Health code colour"),
        choices=[("", _("Not seen")), *HealthCode.choices],
        required=False,
    )
    trip_card = forms.CharField(
        label=_("Trip card (通行码/行程卡) result"),
        max_length=100,
        required=False,
        help_text=_("As shown, e.g. the places listed or 带星号."),
    )
    symptoms = forms.MultipleChoiceField(
        label=_("Symptoms now"),
        choices=(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    other_symptoms = forms.CharField(label=_("Other symptoms"), max_length=200, required=False)
    contact_name = forms.CharField(label=_("Contact person"), max_length=50, required=False)
    contact_phone = forms.CharField(
        label=_("Contact phone"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel"}),
    )

    def __init__(self, *args: Any, symptoms: tuple[str, ...] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["symptoms"].choices = [(s, s) for s in symptoms]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("cert_date") and not data.get("cert_result"):
            self.add_error("cert_result", _("Say whether the test certificate is negative."))
        if data.get("cert_result") and not data.get("cert_date"):
            self.add_error("cert_date", _("Give the sampling date of the test certificate."))
        return data

    def observation_source(self) -> str:
        return ObservationSource.SELF_REPORTED

    def observed_at(self) -> dt.datetime:
        return timezone.now()

    def arrival(self, stays: list[StayInput]) -> Arrival:
        data = self.cleaned_data
        certificate = None
        if data.get("cert_date"):
            certificate = CertificateInput(
                data["cert_date"], data["cert_result"], data.get("cert_institution", "")
            )
        observations = []
        at, source = self.observed_at(), self.observation_source()
        if data.get("health_code"):
            observations.append(
                ObservationInput(ObservationKind.HEALTH_CODE, data["health_code"], at, source)
            )
        if data.get("trip_card", "").strip():
            observations.append(
                ObservationInput(ObservationKind.TRIP_CARD, data["trip_card"], at, source)
            )
        other = [
            s for s in data.get("other_symptoms", "").replace("，", ",").split(",") if s.strip()
        ]
        return Arrival(
            arrival_date=data["arrival_date"],
            stays=stays,
            certificate=certificate,
            arrival_place=data.get("arrival_place", ""),
            transport=data.get("transport", ""),
            transport_number=data.get("transport_number", ""),
            reason=data.get("reason", ""),
            observations=observations,
            symptoms=[*data.get("symptoms", []), *other],
            contact_name=data.get("contact_name", ""),
            contact_phone=data.get("contact_phone", ""),
        )


class StaffTravelForm(TravelForm):
    """Staff record how they saw the codes, and when."""

    observation_source_choice = forms.ChoiceField(
        label=_("How the codes were seen"),
        choices=[c for c in ObservationSource.choices if c[0] != ObservationSource.SELF_REPORTED],
        initial=ObservationSource.SHOWN_BY_PERSON,
        required=False,
    )
    observed = forms.DateTimeField(
        label=_("Seen at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Leave empty for now."),
    )

    def observation_source(self) -> str:
        return str(
            self.cleaned_data.get("observation_source_choice") or ObservationSource.SHOWN_BY_PERSON
        )

    def observed_at(self) -> dt.datetime:
        return self.cleaned_data.get("observed") or timezone.now()


class SelfRegistrationForm(TravelForm):
    """The public page: the person, then the journey (field order is the page's)."""

    name = forms.CharField(label=_("Your name"), max_length=50)
    id_number = forms.CharField(
        label=_("ID card number"),
        max_length=18,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text"}),
    )
    phone = forms.CharField(
        label=_("Mobile phone"), max_length=20, widget=forms.TextInput(attrs={"inputmode": "tel"})
    )
    address = forms.CharField(
        label=_("Where you stay here"),
        max_length=200,
        help_text=_("Building, unit and room, or house number."),
    )

    field_order = ["name", "id_number", "phone", "address"]


PERSON_FIELDS = ("name", "id_number", "phone", "address")


def add_errors(form: forms.Form, formset: Any, exc: DomainError) -> None:
    """Put an action's refusal on the form; travel history problems above the rows."""
    for field, messages in exc.errors.items():
        for message in messages:
            target = {"doc_number": "id_number", "certificate": "cert_date"}.get(field, field)
            if field == "stays" and formset is not None:
                formset.row_errors.append(message)
            elif target in form.fields:
                form.add_error(target, message)
            else:
                form.add_error(None, message)


# --- the grid worker's pages -------------------------------------------------------------


class ConfirmForm(TextForm):
    """Whom a self-registration is about: a resident, or a new one in a household."""

    resident = forms.ModelChoiceField(
        label=_("The person is this resident"),
        queryset=Resident.objects.none(),
        required=False,
        widget=forms.RadioSelect,
    )
    household = forms.ModelChoiceField(
        label=_("Or: a new resident in this household"),
        queryset=Household.objects.none(),
        required=False,
    )
    relation = forms.ChoiceField(
        label=_("Relation to householder"), choices=Relation.choices, initial=Relation.OTHER
    )

    def __init__(
        self,
        *args: Any,
        candidates: QuerySet[Resident],
        households: QuerySet[Household],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["resident"].queryset = candidates  # type: ignore[attr-defined]
        self.fields["household"].queryset = households  # type: ignore[attr-defined]
        self.fields["resident"].label_from_instance = _candidate_label  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("resident") and data.get("household"):
            raise forms.ValidationError(
                _("Choose either the resident or a household for a new resident, not both.")
            )
        if not data.get("resident") and not data.get("household") and not self.errors:
            raise forms.ValidationError(
                _("Choose the resident, or the household to add the person to.")
            )
        return data


def _candidate_label(resident: Resident) -> str:
    where = resident.household.address if resident.household_id and resident.household else ""
    return f"{resident.name} · {resident.masked_doc_number or '—'} · {where}"


class RejectForm(TextForm):
    reason = forms.CharField(
        label=_("Why is it rejected?"),
        max_length=500,
        error_messages={"required": _("Say why the registration is rejected.")},
    )


class TestResultForm(TextForm):
    result = forms.ChoiceField(label=_("Result"), choices=TestResult.choices)


class RefusalForm(TextForm):
    kind = forms.ChoiceField(label=_("What was refused"), choices=RefusalKind.choices)
    details = forms.CharField(
        label=_("What happened"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": _("Describe what happened.")},
    )


class HandleRefusalForm(TextForm):
    notes = forms.CharField(
        label=_("What was done"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": _("Say what was done.")},
    )


class RegistrationFilterForm(TextForm):
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("All")), *RegistrationStatus.choices], required=False
    )
    level = forms.ChoiceField(
        label=_("Risk level"), choices=[("", _("All")), *RiskLevel.choices], required=False
    )
    measure = forms.ChoiceField(
        label=_("Measure"), choices=[("", _("All")), *Measure.choices], required=False
    )
    arrival_from = forms.DateField(label=_("Arrived from"), required=False, widget=DATE)
    arrival_to = forms.DateField(label=_("Arrived until"), required=False, widget=DATE)
    grid = forms.ModelChoiceField(label=_("Grid"), queryset=Grid.objects.none(), required=False)
    test = forms.ChoiceField(
        label=_("24-hour test"),
        choices=[("", _("All")), ("overdue", _("Overdue, no result"))],
        required=False,
    )

    def __init__(self, *args: Any, grids: QuerySet[Grid], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["grid"].queryset = grids  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        a, b = data.get("arrival_from"), data.get("arrival_to")
        if a and b and a > b:
            self.add_error("arrival_to", _("The end date is before the start date."))
        return data

    def apply(self, qs: QuerySet[Any]) -> QuerySet[Any]:
        if not self.is_bound:
            return qs
        if not self.is_valid():
            return qs.none()
        data = self.cleaned_data
        for key in ("status", "level", "measure"):
            if data[key]:
                qs = qs.filter(**{key: data[key]})
        if data["arrival_from"]:
            qs = qs.filter(arrival_date__gte=data["arrival_from"])
        if data["arrival_to"]:
            qs = qs.filter(arrival_date__lte=data["arrival_to"])
        if data["grid"]:
            qs = qs.filter(grid=data["grid"])
        if data.get("test") == "overdue":
            qs = qs.filter(test_task__result="", test_task__due_at__lt=timezone.now())
        return qs
