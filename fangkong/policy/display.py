"""A policy version's numbers in words, for its page and for the preview of a change.

Every rule of `PolicyRules` has a label here and a way to be written out, so that the page
shows each figure of the version (never raw JSON) and a difference reads as a sentence.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from .rules import CountyRuleLevel, Level, MeasureKind

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise as Promise

MEASURE_LABELS: dict[str, Promise] = {
    MeasureKind.CENTRALISED_QUARANTINE: gettext_lazy("Centralised quarantine"),
    MeasureKind.HOME_QUARANTINE: gettext_lazy("Home quarantine"),
    MeasureKind.CERTIFICATE_CHECK: gettext_lazy("Check of a negative test certificate"),
    MeasureKind.HEALTH_MONITORING: gettext_lazy("Health monitoring"),
}
LEVEL_LABELS: dict[str, Promise] = {
    Level.HIGH: gettext_lazy("High risk"),
    Level.MEDIUM: gettext_lazy("Medium risk"),
    Level.LOW: gettext_lazy("Low risk"),
}
COUNTY_RULE_LEVELS: dict[str, Promise] = {
    CountyRuleLevel.COUNTY: gettext_lazy("the whole county or district"),
    CountyRuleLevel.PREFECTURE: gettext_lazy("the whole prefecture or city"),
}
RELEASE_LABELS: dict[str, Promise] = {
    "period_served": gettext_lazy("the full period served"),
    "no_fever_or_symptom": gettext_lazy("no fever or symptom recorded"),
    "all_tests_negative": gettext_lazy("every scheduled test negative"),
    "cadre_signoff": gettext_lazy("signed by the responsible cadre (包保干部)"),
    "medic_signoff": gettext_lazy("signed by the responsible medical worker (包保医务人员)"),
}
HEALTH_CODE_LABELS: dict[str, Promise] = {
    "green": gettext_lazy("green"),
    "yellow": gettext_lazy("yellow"),
    "red": gettext_lazy("red"),
    "none": gettext_lazy("no health code"),
}
RULE_LABELS: dict[str, Promise] = {
    "high": gettext_lazy("Arrival from a high-risk area"),
    "medium": gettext_lazy("Arrival from a medium-risk area"),
    "low": gettext_lazy("Arrival from a low-risk area"),
    "certificate_valid_days": gettext_lazy("A test certificate counts if dated within"),
    "test_within_hours": gettext_lazy("Without a valid certificate: a test within"),
    "lookback_days": gettext_lazy("Travel history looked at"),
    "county_rule": gettext_lazy("County rule"),
    "county_rule_level": gettext_lazy("A stay known only roughly counts for"),
    "close_contact": gettext_lazy("Close contacts"),
    "close_contact_first_test_at_once": gettext_lazy("Close contacts tested at once"),
    "fever_threshold": gettext_lazy("Fever from"),
    "temperature_min": gettext_lazy("Lowest plausible temperature"),
    "temperature_max": gettext_lazy("Highest plausible temperature"),
    "checks_per_day": gettext_lazy("Temperature checks per day"),
    "symptoms": gettext_lazy("Symptoms that raise an alert"),
    "alert_escalation_minutes": gettext_lazy("An unacknowledged alert goes to the leader after"),
    "release": gettext_lazy("Release needs"),
    "closed_management_from": gettext_lazy("Closed management of a community from"),
    "refuse_non_essential_visits": gettext_lazy("Under closed management, non-essential visits"),
    "gate_stop_health_codes": gettext_lazy("Health codes stopped at the gate"),
    "lockdown": gettext_lazy("People of a locked building or unit"),
    "lockdown_checks_per_day": gettext_lazy("Temperature checks per household in a lockdown"),
    "lockdown_disinfections_per_day": gettext_lazy("Disinfections of a lockdown's public areas"),
    "pool_size": gettext_lazy("Mass testing: people per pooled tube"),
    "delivery_limit_hours": gettext_lazy("A supply request escalates if not delivered within"),
    "urgent_delivery_limit_hours": gettext_lazy("An urgent supply request escalates after"),
    "duty_shift_starts": gettext_lazy("Duty shifts (24 hours) start at"),
    "daily_report_deadline": gettext_lazy("The community's daily report is due by"),
    "urgent_report_escalation_minutes": gettext_lazy(
        "An urgent report the township has not acknowledged escalates after"
    ),
    "inspection_items": gettext_lazy("An inspection checks"),
    "disinfections_per_day": gettext_lazy("Disinfections of an ordinary place of the community"),
    "key_area_disinfections_per_day": gettext_lazy(
        "Disinfections of a key area (gate, clinic, care home)"
    ),
    "busy_spot_disinfections_per_day": gettext_lazy(
        "Disinfections of a spot touched often (lift, door handles)"
    ),
    "retention_case_days": gettext_lazy("Quarantine cases"),
    "retention_registration_days": gettext_lazy("Returnee registrations"),
    "retention_checkin_days": gettext_lazy("Health check-ins"),
    "retention_alert_days": gettext_lazy("Symptom alerts"),
    "retention_gate_entry_days": gettext_lazy("Gate entries of residents and vehicles"),
    "retention_visitor_days": gettext_lazy("Gate entries of visitors"),
}
#: how long personal data is kept after a record is closed, in the order shown
RETENTION_RULES = (
    "retention_case_days",
    "retention_registration_days",
    "retention_checkin_days",
    "retention_alert_days",
    "retention_gate_entry_days",
    "retention_visitor_days",
)
#: the rules of closed management, lockdown and mass testing, in the order shown
CLOSURE_RULES = (
    "closed_management_from",
    "refuse_non_essential_visits",
    "gate_stop_health_codes",
    "lockdown",
    "lockdown_checks_per_day",
    "lockdown_disinfections_per_day",
    "pool_size",
    "delivery_limit_hours",
    "urgent_delivery_limit_hours",
    "duty_shift_starts",
)
#: the rules of reporting to the township, in the order shown
REPORTING_RULES = ("daily_report_deadline", "urgent_report_escalation_minutes", "inspection_items")
#: the items an inspection may check (`rules.INSPECTION_ITEMS`), in words
INSPECTION_ITEM_LABELS: dict[str, Promise] = {
    "entrance": gettext_lazy("One entrance: the other gates sealed, the one left guarded"),
    "team": gettext_lazy("One management team on duty at the gate"),
    "publicity": gettext_lazy("One publicity desk with the notices posted"),
    "equipment": gettext_lazy("One set of equipment: thermometers, masks, disinfectant, sprayers"),
    "rules": gettext_lazy("One set of rules: registration, temperature checks, passes"),
    "inspection": gettext_lazy("One inspection team checking the others"),
    "duty": gettext_lazy("24-hour duty kept, with handovers"),
    "disinfection": gettext_lazy("Disinfection done and logged every day"),
    "registers": gettext_lazy("Registers of people and work kept up to date"),
    "returnees": gettext_lazy("Returnees screened and registered"),
    "notices": gettext_lazy("Notices and letters published to residents"),
}
#: the times a day a place of the community is disinfected, by its category
DISINFECTION_RULES = (
    "disinfections_per_day",
    "key_area_disinfections_per_day",
    "busy_spot_disinfections_per_day",
)
#: the sections of a version's page, each a list of rule names
SECTIONS: tuple[tuple[Promise, tuple[str, ...]], ...] = (
    (gettext_lazy("Measures by risk level of origin"), ("high", "medium", "low")),
    (
        gettext_lazy("Returnee screening"),
        (
            "lookback_days",
            "certificate_valid_days",
            "test_within_hours",
            "county_rule",
            "county_rule_level",
        ),
    ),
    (gettext_lazy("Close contacts"), ("close_contact", "close_contact_first_test_at_once")),
    (
        gettext_lazy("Daily health monitoring"),
        (
            "fever_threshold",
            "temperature_min",
            "temperature_max",
            "checks_per_day",
            "symptoms",
            "alert_escalation_minutes",
        ),
    ),
    (gettext_lazy("Release from quarantine"), ("release",)),
    (gettext_lazy("Closed management, lockdown and mass testing"), CLOSURE_RULES),
    (gettext_lazy("Reporting to the township"), REPORTING_RULES),
    (gettext_lazy("Disinfection of the community"), DISINFECTION_RULES),
    (gettext_lazy("Personal data kept after a record is closed"), RETENTION_RULES),
)


def measure_text(kind: str, days: int, test_days: Any) -> str:
    """ "Centralised quarantine, 14 days, tests on days 1, 7 and 14"."""
    label = str(MEASURE_LABELS.get(kind, kind))
    parts = [label]
    if days:
        parts.append(_("%(days)d days") % {"days": days})
    days_list = [int(d) for d in test_days or ()]
    if days_list:
        separator = pgettext("separator of a list of values", ", ")  # "、" in Chinese
        parts.append(_("tests on days %(days)s") % {"days": separator.join(map(str, days_list))})
    elif kind in (MeasureKind.CENTRALISED_QUARANTINE, MeasureKind.HOME_QUARANTINE):
        parts.append(_("no scheduled test"))
    # the separator is translated: "，" in Chinese
    return _(", ").join(parts)


def value_text(name: str, value: Any) -> str:
    """One rule's value (as stored in JSON) in words."""
    if isinstance(value, dict) and "kind" in value:
        return measure_text(value["kind"], int(value.get("days", 0)), value.get("test_days"))
    if name == "release":
        on = [str(label) for key, label in RELEASE_LABELS.items() if value.get(key)]
        return _("; ").join(on) if on else _("nothing (release at once)")
    if name == "county_rule":
        return _("on") if value else _("off")
    if name == "close_contact_first_test_at_once":
        return _("yes") if value else _("no")
    if name == "county_rule_level":
        return str(COUNTY_RULE_LEVELS.get(value, value))
    if name == "symptoms":
        return "、".join(value)
    if name in ("fever_threshold", "temperature_min", "temperature_max"):
        return _("%(t)s °C") % {"t": value}
    if name == "certificate_valid_days":
        return _("%(n)s days before arrival") % {"n": value}
    if name == "lookback_days":
        return _("%(n)s days before arrival") % {"n": value}
    if name == "test_within_hours":
        return _("%(n)s hours, at the township sampling point") % {"n": value}
    if name == "alert_escalation_minutes":
        return _("%(n)s minutes") % {"n": value}
    if name == "closed_management_from":
        return _("%(level)s and above") % {"level": LEVEL_LABELS.get(value, value)}
    if name == "refuse_non_essential_visits":
        return _("refused") if value else _("allowed")
    if name == "gate_stop_health_codes":
        names = [str(HEALTH_CODE_LABELS.get(c, c)) for c in value]
        return _(", ").join(names) if names else _("none")
    if name in ("lockdown_checks_per_day", "lockdown_disinfections_per_day"):
        return _("%(n)s a day") % {"n": value}
    if name == "pool_size":
        return _("%(n)s in 1") % {"n": value}
    if name in ("delivery_limit_hours", "urgent_delivery_limit_hours"):
        return _("%(n)s hours") % {"n": value}
    if name == "duty_shift_starts":
        starts = [t.strip() for t in str(value).split(",") if t.strip()]
        times = _(", ").join(starts)
        return _("%(times)s (%(n)s shifts a day)") % {"times": times, "n": len(starts)}
    if name == "daily_report_deadline":
        return _("%(time)s each day") % {"time": value}
    if name == "urgent_report_escalation_minutes":
        return _("%(n)s minutes") % {"n": value}
    if name == "inspection_items":
        return "；".join(str(INSPECTION_ITEM_LABELS.get(k, k)) for k in value) or _("none")
    if name in DISINFECTION_RULES:
        return _("%(n)s a day") % {"n": value}
    if name in RETENTION_RULES:
        return _("%(n)s days, then only counts are kept") % {"n": value}
    return str(value)


@dataclass(frozen=True, slots=True)
class Line:
    name: str
    label: str
    value: str


@dataclass(frozen=True, slots=True)
class Section:
    title: str
    lines: tuple[Line, ...]


def sections(data: dict[str, Any]) -> list[Section]:
    """Every rule of a version (its JSON), grouped as the page shows them."""
    return [
        Section(
            str(title),
            tuple(Line(n, str(RULE_LABELS[n]), value_text(n, data[n])) for n in names if n in data),
        )
        for title, names in SECTIONS
    ]


@dataclass(frozen=True, slots=True)
class Change:
    name: str
    label: str
    before: str
    after: str


def changes(diff: dict[str, tuple[Any, Any]]) -> list[Change]:
    """`rules.differences` in words, in the order of the page."""
    order = [n for _title, names in SECTIONS for n in names]
    return [
        Change(n, str(RULE_LABELS.get(n, n)), value_text(n, diff[n][0]), value_text(n, diff[n][1]))
        for n in sorted(diff, key=lambda n: order.index(n) if n in order else len(order))
    ]
