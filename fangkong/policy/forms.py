"""Forms of the policy pages. They check shape and return typed values; whether the numbers
make sense is `validity.problems`, run by the actions, whose errors come back on the fields."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import fields
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.core.errors import DomainError
from fangkong.core.textfields import TextForm

from .actions import METADATA
from .display import (
    COUNTY_RULE_LEVELS,
    HEALTH_CODE_LABELS,
    INSPECTION_ITEM_LABELS,
    LEVEL_LABELS,
    MEASURE_LABELS,
    RELEASE_LABELS,
    REPORTING_RULES,
    RETENTION_RULES,
    RULE_LABELS,
)
from .models import Policy, RiskLevel
from .rules import (
    INSPECTION_ITEMS,
    CountyRuleLevel,
    Level,
    Measure,
    MeasureKind,
    PolicyRules,
    ReleaseCriteria,
)
from .validity import HEALTH_CODES, MEASURES

#: measures shown with the arrivals (the lockdown's is with closed management)
ARRIVAL_MEASURES = tuple(m for m in MEASURES if m != "lockdown")
#: whole-number rules of closed management, lockdown and mass testing
CLOSURE_NUMBERS = (
    "lockdown_checks_per_day",
    "lockdown_disinfections_per_day",
    "pool_size",
    "delivery_limit_hours",
    "urgent_delivery_limit_hours",
)
#: whole-number rules of the community's disinfection (times a day, by category of place)
DISINFECTION_NUMBERS = (
    "disinfections_per_day",
    "key_area_disinfections_per_day",
    "busy_spot_disinfections_per_day",
)

_DAY_SEPARATORS = re.compile(r"[\s,，、;；]+")
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _date_field(label: Any, *, required: bool = True, help_text: Any = "") -> forms.DateField:
    return forms.DateField(label=label, required=required, widget=DATE_WIDGET, help_text=help_text)


class TestDaysField(forms.CharField):
    """Quarantine days with a test, typed "1,7,14" (or separated by spaces, 、 or ，)."""

    default_error_messages = {
        "invalid": _("Enter the test days as whole numbers separated by commas, like 1,7,14."),
    }

    def to_python(self, value: Any) -> tuple[int, ...]:  # type: ignore[override]
        text = str(super().to_python(value) or "").strip()
        if not text:
            return ()
        parts = [p for p in _DAY_SEPARATORS.split(text) if p]
        if not all(p.isdigit() for p in parts):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return tuple(int(p) for p in parts)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list | tuple):
            return ",".join(str(v) for v in value)
        return value


class PolicyForm(TextForm):
    """Every number of a policy version, plus its name, date and source document.

    Field names are the rules' paths joined by "_" ("high_test_days"), the keys the actions
    report problems under.
    """

    name = forms.CharField(label=_("Version name"), max_length=200)
    effective_from = _date_field(
        _("Takes effect on"), help_text=_("You confirm or change the date when activating.")
    )
    source_title = forms.CharField(label=_("Source document (title)"), max_length=300)
    source_number = forms.CharField(label=_("Reference number"), max_length=100, required=False)
    source_date = _date_field(_("Document date"), required=False)

    certificate_valid_days = forms.IntegerField(
        label=_("A test certificate counts if dated within (days before arrival)"), min_value=0
    )
    test_within_hours = forms.IntegerField(
        label=_("Without a valid certificate: a test within (hours)"), min_value=0
    )
    lookback_days = forms.IntegerField(
        label=_("Travel history looked at (days before arrival)"), min_value=0
    )
    county_rule = forms.BooleanField(
        label=_(
            "County rule: a stay known only to the county counts as the highest risk level in it"
        ),
        required=False,
    )
    county_rule_level = forms.ChoiceField(
        label=RULE_LABELS["county_rule_level"],
        choices=[(k.value, COUNTY_RULE_LEVELS[k]) for k in CountyRuleLevel],
    )
    close_contact_first_test_at_once = forms.BooleanField(
        label=_("Test close contacts at once on registration"), required=False
    )
    fever_threshold = forms.DecimalField(label=_("Fever from (°C)"), max_digits=4, decimal_places=1)
    temperature_min = forms.DecimalField(
        label=_("Lowest plausible temperature (°C)"), max_digits=4, decimal_places=1
    )
    temperature_max = forms.DecimalField(
        label=_("Highest plausible temperature (°C)"), max_digits=4, decimal_places=1
    )
    checks_per_day = forms.IntegerField(label=_("Temperature checks per day"), min_value=0)
    symptoms = forms.CharField(
        label=_("Symptoms that raise an alert (one per line)"),
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    alert_escalation_minutes = forms.IntegerField(
        label=_("An unacknowledged alert goes to the community leader after (minutes)"),
        min_value=0,
    )
    closed_management_from = forms.ChoiceField(
        label=_("A community is under closed management from risk level"),
        choices=[(lv.value, LEVEL_LABELS[lv]) for lv in (Level.LOW, Level.MEDIUM, Level.HIGH)],
    )
    refuse_non_essential_visits = forms.BooleanField(
        label=_("Under closed management, refuse visits that are not essential"), required=False
    )
    gate_stop_health_codes = forms.MultipleChoiceField(
        label=_("Health codes that stop someone at the gate"),
        choices=[(c, HEALTH_CODE_LABELS[c]) for c in HEALTH_CODES],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    lockdown_checks_per_day = forms.IntegerField(
        label=_("Temperature checks per household and day in a lockdown"), min_value=0
    )
    lockdown_disinfections_per_day = forms.IntegerField(
        label=_("Disinfections of a lockdown's public areas per day"), min_value=0
    )
    pool_size = forms.IntegerField(
        label=_("Mass testing: people per pooled tube (10 for 10-in-1)"), min_value=0
    )
    delivery_limit_hours = forms.IntegerField(
        label=_("A supply request escalates if not delivered within (hours)"), min_value=0
    )
    urgent_delivery_limit_hours = forms.IntegerField(
        label=_("An urgent supply request escalates after (hours)"), min_value=0
    )
    duty_shift_starts = forms.CharField(
        label=_("Duty shifts start at (times of day)"),
        max_length=100,
        help_text=_(
            "Like 00:00,08:00,16:00 for three 8-hour shifts; each shift lasts until the next "
            "start, the last one until the first start of the next day."
        ),
    )
    daily_report_deadline = forms.TimeField(
        label=_("The community's daily report is due by (time of day)"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    urgent_report_escalation_minutes = forms.IntegerField(
        label=_("An urgent report the township has not acknowledged escalates after (minutes)"),
        min_value=0,
    )
    inspection_items = forms.MultipleChoiceField(
        label=_("What an inspection checks"),
        choices=[(k, INSPECTION_ITEM_LABELS[k]) for k in INSPECTION_ITEMS],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    disinfections_per_day = forms.IntegerField(
        label=_("Disinfections a day of an ordinary place (一日一消毒)"), min_value=0
    )
    key_area_disinfections_per_day = forms.IntegerField(
        label=_("Disinfections a day of a key area: gate, clinic, care home"), min_value=0
    )
    busy_spot_disinfections_per_day = forms.IntegerField(
        label=_("Disinfections a day of a spot touched often: lift, door handles"), min_value=0
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in RETENTION_RULES:
            self.fields[name] = forms.IntegerField(
                label=_("%(records)s: days kept after closing") % {"records": RULE_LABELS[name]},
                min_value=0,
            )
        kinds = [(k.value, MEASURE_LABELS[k]) for k in MeasureKind]
        for name in MEASURES:
            self.fields[f"{name}_kind"] = forms.ChoiceField(label=_("Measure"), choices=kinds)
            self.fields[f"{name}_days"] = forms.IntegerField(
                label=_("Days"),
                min_value=0,
                help_text=_("Days of quarantine or monitoring; 0 for a certificate check."),
            )
            self.fields[f"{name}_test_days"] = TestDaysField(
                label=_("Test on quarantine days"),
                required=False,
                help_text=_("Like 1,7,14 (day 1 is the first day)."),
            )
        for criterion in fields(ReleaseCriteria):
            self.fields[f"release_{criterion.name}"] = forms.BooleanField(
                label=RELEASE_LABELS[criterion.name], required=False
            )

    # --- groups, for the template --------------------------------------------------------

    def measure_groups(self) -> list[tuple[Any, list[forms.BoundField]]]:
        return [
            (RULE_LABELS[name], [self[f"{name}_{part}"] for part in ("kind", "days", "test_days")])
            for name in ARRIVAL_MEASURES
        ]

    def lockdown_fields(self) -> list[forms.BoundField]:
        return [self[f"lockdown_{part}"] for part in ("kind", "days", "test_days")]

    def closure_fields(self) -> list[forms.BoundField]:
        return [
            self[n]
            for n in (
                "closed_management_from",
                "refuse_non_essential_visits",
                "gate_stop_health_codes",
                *CLOSURE_NUMBERS,
                "duty_shift_starts",
            )
        ]

    def reporting_fields(self) -> list[forms.BoundField]:
        return [self[n] for n in REPORTING_RULES]

    def disinfection_fields(self) -> list[forms.BoundField]:
        return [self[n] for n in DISINFECTION_NUMBERS]

    def retention_fields(self) -> list[forms.BoundField]:
        return [self[n] for n in RETENTION_RULES]

    def metadata_fields(self) -> list[forms.BoundField]:
        return [self[n] for n in METADATA]

    def screening_fields(self) -> list[forms.BoundField]:
        return [
            self[n]
            for n in (
                "lookback_days",
                "certificate_valid_days",
                "test_within_hours",
                "county_rule",
                "county_rule_level",
            )
        ]

    def monitoring_fields(self) -> list[forms.BoundField]:
        return [
            self[n]
            for n in (
                "fever_threshold",
                "temperature_min",
                "temperature_max",
                "checks_per_day",
                "symptoms",
                "alert_escalation_minutes",
            )
        ]

    def release_fields(self) -> list[forms.BoundField]:
        return [self[f"release_{c.name}"] for c in fields(ReleaseCriteria)]

    # --- in and out ----------------------------------------------------------------------

    @staticmethod
    def initial_for(policy: Policy) -> dict[str, Any]:
        rules = policy.as_rules()
        data: dict[str, Any] = {
            "name": policy.name,
            "effective_from": policy.effective_from,
            "source_title": policy.source_title,
            "source_number": policy.source_number,
            "source_date": policy.source_date,
            "certificate_valid_days": rules.certificate_valid_days,
            "test_within_hours": rules.test_within_hours,
            "lookback_days": rules.lookback_days,
            "county_rule": rules.county_rule,
            "county_rule_level": rules.county_rule_level.value,
            "close_contact_first_test_at_once": rules.close_contact_first_test_at_once,
            "fever_threshold": rules.fever_threshold,
            "temperature_min": rules.temperature_min,
            "temperature_max": rules.temperature_max,
            "checks_per_day": rules.checks_per_day,
            "symptoms": "\n".join(rules.symptoms),
            "alert_escalation_minutes": rules.alert_escalation_minutes,
            "closed_management_from": rules.closed_management_from.value,
            "refuse_non_essential_visits": rules.refuse_non_essential_visits,
            "gate_stop_health_codes": list(rules.gate_stop_health_codes),
            "duty_shift_starts": rules.duty_shift_starts,
            "daily_report_deadline": rules.daily_report_deadline,
            "urgent_report_escalation_minutes": rules.urgent_report_escalation_minutes,
            "inspection_items": list(rules.inspection_items),
        }
        for name in (*CLOSURE_NUMBERS, *DISINFECTION_NUMBERS, *RETENTION_RULES):
            data[name] = getattr(rules, name)
        for name in MEASURES:
            measure: Measure = getattr(rules, name)
            data[f"{name}_kind"] = measure.kind.value
            data[f"{name}_days"] = measure.days
            data[f"{name}_test_days"] = ",".join(str(d) for d in measure.test_days)
        for criterion in fields(ReleaseCriteria):
            data[f"release_{criterion.name}"] = getattr(rules.release, criterion.name)
        return data

    def rules(self) -> PolicyRules:
        d = self.cleaned_data
        measures = {
            name: Measure(MeasureKind(d[f"{name}_kind"]), d[f"{name}_days"], d[f"{name}_test_days"])
            for name in MEASURES
        }
        return PolicyRules(
            high=measures["high"],
            medium=measures["medium"],
            low=measures["low"],
            close_contact=measures["close_contact"],
            lockdown=measures["lockdown"],
            certificate_valid_days=d["certificate_valid_days"],
            test_within_hours=d["test_within_hours"],
            lookback_days=d["lookback_days"],
            county_rule=d["county_rule"],
            county_rule_level=CountyRuleLevel(d["county_rule_level"]),
            close_contact_first_test_at_once=d["close_contact_first_test_at_once"],
            fever_threshold=d["fever_threshold"],
            temperature_min=d["temperature_min"],
            temperature_max=d["temperature_max"],
            checks_per_day=d["checks_per_day"],
            symptoms=tuple(s.strip() for s in d["symptoms"].splitlines() if s.strip()),
            alert_escalation_minutes=d["alert_escalation_minutes"],
            release=ReleaseCriteria(
                **{c.name: d[f"release_{c.name}"] for c in fields(ReleaseCriteria)}
            ),
            closed_management_from=Level(d["closed_management_from"]),
            refuse_non_essential_visits=d["refuse_non_essential_visits"],
            # in the order of the choices, whatever order the browser sent them in
            gate_stop_health_codes=tuple(
                c for c in HEALTH_CODES if c in d["gate_stop_health_codes"]
            ),
            duty_shift_starts=",".join(
                t.strip() for t in _DAY_SEPARATORS.split(d["duty_shift_starts"]) if t.strip()
            ),
            daily_report_deadline=d["daily_report_deadline"].strftime("%H:%M"),
            urgent_report_escalation_minutes=d["urgent_report_escalation_minutes"],
            # in the catalogue's order, whatever order the browser sent them in
            inspection_items=tuple(k for k in INSPECTION_ITEMS if k in d["inspection_items"]),
            **{
                name: d[name]
                for name in (*CLOSURE_NUMBERS, *DISINFECTION_NUMBERS, *RETENTION_RULES)
            },
        )

    def metadata(self) -> dict[str, Any]:
        return {k: self.cleaned_data[k] for k in METADATA}


def add_errors(form: forms.Form, exc: DomainError) -> None:
    """An action's refusal on the form: "rules.high.test_days" on the field high_test_days,
    anything the form has no field for on top."""
    for key, messages in exc.errors.items():
        name = key.removeprefix("rules.").replace(".", "_")
        for message in messages:
            form.add_error(name if name in form.fields else None, message)


class ActivateForm(TextForm):
    effective_from = _date_field(
        _("In force from"), help_text=_("Today or later. Decisions already taken keep theirs.")
    )


class WithdrawForm(TextForm):
    reason = forms.CharField(label=_("Why is the draft withdrawn?"), max_length=500)


# --- risk areas --------------------------------------------------------------------------------

AREA_LEVELS = [
    (RiskLevel.HIGH.value, RiskLevel.HIGH.label),
    (RiskLevel.MEDIUM.value, RiskLevel.MEDIUM.label),
]


class AreaForm(TextForm):
    place = forms.CharField(
        label=_("Place"),
        max_length=200,
        help_text=_(
            "As the announcement writes it, from the province down: "
            "河北省石家庄市藁城区增村镇, or a county, city or province for all of it."
        ),
    )
    level = forms.ChoiceField(label=_("Risk level"), choices=AREA_LEVELS)
    start = _date_field(_("At risk from"))
    end = _date_field(
        _("Until (last day at risk)"), required=False, help_text=_("Leave empty while in force.")
    )
    source = forms.CharField(
        label=_("Announcement"),
        max_length=300,
        required=False,
        help_text=_("Who published it and when, e.g. 石家庄市卫健委 1月10日公告."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("The end date cannot be before the start date."))
        return data


class EndAreaForm(TextForm):
    end = _date_field(_("Last day at risk"))


class AreaFilterForm(TextForm):
    STATUS_CHOICES = [
        ("in_force", _("In force on the date")),
        ("ended", _("Ended before the date")),
        ("all", _("All")),
    ]
    status = forms.ChoiceField(
        label=_("Show"), choices=STATUS_CHOICES, required=False, initial="in_force"
    )
    on = _date_field(_("Date"), required=False)
    level = forms.ChoiceField(
        label=_("Risk level"), choices=[("", _("Any")), *AREA_LEVELS], required=False
    )
    q = forms.CharField(
        label=_("Place"),
        max_length=50,
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Name or code")}),
    )

    def values(self) -> tuple[str, dt.date, str, str]:
        data = self.cleaned_data if self.is_valid() else {}
        return (
            data.get("status") or "in_force",
            data.get("on") or timezone.localdate(),
            data.get("level") or "",
            " ".join((data.get("q") or "").split()),
        )


class AreaImportForm(TextForm):
    file = forms.FileField(
        label=_("Spreadsheet (.xlsx, .xls, .ods or .csv)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.xls,.ods,.csv"}),
    )
    source = forms.CharField(
        label=_("Announcement, for rows without a source"), max_length=300, required=False
    )


class AnnouncementForm(TextForm):
    text = forms.CharField(
        label=_("Text of the announcement"),
        max_length=100_000,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_(
            'Paste the list as published: "河北省石家庄市藁城区增村镇 高风险", or a heading '
            "such as 高风险地区： followed by the places. Remove or fix the lines shown in red."
        ),
    )
    start = _date_field(_("At risk from (date of the announcement)"))
    source = forms.CharField(label=_("Announcement"), max_length=300, required=False)
