"""Whether a policy version's numbers make sense, and reading them from JSON (F20).

Pure: no Django. `problems(rules)` lists every rule that cannot be right (test days outside
the period, a fever threshold outside the plausible range, a quarantine of 0 days, …);
`rules_from_json(data, base)` reads the rules an API client sent, the keys it left out taken
from `base`. Each `Problem` names the rule by its path in the JSON (("high", "test_days")) and
carries an English message with named placeholders, marked for translation with
`gettext_noop`; the caller translates it (`message % params`) where Django is at hand.

The bounds below catch typing mistakes (a 140-day quarantine, a 3-hour look-back); they are
not policy, which is in the `PolicyRules` being checked.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from decimal import Decimal, InvalidOperation
from typing import Any

from .rules import (
    INSPECTION_ITEMS,
    CountyRuleLevel,
    Level,
    Measure,
    MeasureKind,
    PolicyRules,
    ReleaseCriteria,
)


def gettext_noop(message: str) -> str:
    """Mark `message` for the translation catalogue (xgettext knows this name)."""
    return message


#: rules holding a `Measure`, in the order the page shows them
MEASURES = ("high", "medium", "low", "close_contact", "lockdown")
MAX_MEASURE_DAYS = 60
#: (smallest, largest) accepted for each whole-number rule
INT_BOUNDS: dict[str, tuple[int, int]] = {
    "certificate_valid_days": (1, 30),
    "test_within_hours": (1, 168),
    "lookback_days": (1, 60),
    "checks_per_day": (1, 6),
    "alert_escalation_minutes": (1, 1440),
    "lockdown_checks_per_day": (1, 6),
    "lockdown_disinfections_per_day": (1, 12),
    "pool_size": (1, 20),
    "delivery_limit_hours": (1, 168),
    "urgent_delivery_limit_hours": (1, 72),
    "urgent_report_escalation_minutes": (1, 1440),
    "disinfections_per_day": (1, 12),
    "key_area_disinfections_per_day": (1, 12),
    "busy_spot_disinfections_per_day": (1, 24),
    "retention_case_days": (1, 365),
    "retention_registration_days": (1, 365),
    "retention_checkin_days": (1, 365),
    "retention_alert_days": (1, 365),
    "retention_gate_entry_days": (1, 365),
    "retention_visitor_days": (1, 365),
}
#: the health-code colours a gate may stop (the codes of `gate_stop_health_codes`)
HEALTH_CODES = ("green", "yellow", "red", "none")
#: a time of day "HH:MM" (00:00 to 23:59)
_DEADLINE = re.compile(r"(?:[01]\d|2[0-3]):[0-5]\d")
#: shifts of the duty roster in a day, at most (the shortest is an hour)
MAX_SHIFTS = 12
MIN_SHIFT_MINUTES = 60
MINUTES_A_DAY = 24 * 60


def shift_starts(pattern: str) -> tuple[int, ...] | None:
    """The duty shifts' start times ("00:00,08:00,16:00") as minutes after midnight, or None
    when the pattern is not valid: each "HH:MM", strictly ascending (so none twice), between 1
    and `MAX_SHIFTS` of them, each shift (up to the next start, the last one up to the first
    start of the next day) at least `MIN_SHIFT_MINUTES` long. Together the shifts cover the
    24 hours of a day, whatever the times."""
    parts = [p.strip() for p in pattern.split(",")]
    if not 1 <= len(parts) <= MAX_SHIFTS or not all(_DEADLINE.fullmatch(p) for p in parts):
        return None
    minutes = tuple(int(p[:2]) * 60 + int(p[3:]) for p in parts)
    ends = (*minutes[1:], minutes[0] + MINUTES_A_DAY)
    lengths = [end - start for start, end in zip(minutes, ends, strict=True)]
    # ascending (none twice) and each at least the shortest shift
    if any(n < MIN_SHIFT_MINUTES for n in lengths):
        return None
    return minutes


#: body temperatures no thermometer reading can plausibly leave
TEMPERATURE_FLOOR = Decimal("30.0")
TEMPERATURE_CEILING = Decimal("45.0")
MAX_SYMPTOM_LENGTH = 20
MAX_SYMPTOMS = 40


@dataclass(frozen=True, slots=True)
class Problem:
    #: the rule's path in the JSON form of the rules, e.g. ("high", "test_days")
    path: tuple[str, ...]
    #: English source text with %(name)s placeholders, to be translated by the caller
    message: str
    params: Mapping[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> str:
        """The path as one name: "high_test_days" (the form field)."""
        return "_".join(self.path)


class RulesProblems(ValueError):
    """The rules cannot be read or are not sensible; `problems` says why."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(p.message % p.params for p in problems))


def problems(rules: PolicyRules) -> list[Problem]:
    """Everything wrong with `rules`; empty when they can be used."""
    found: list[Problem] = []
    for name in MEASURES:
        found.extend(_measure_problems(name, getattr(rules, name)))
    if not rules.close_contact.is_quarantine:
        found.append(
            Problem(
                ("close_contact", "kind"),
                gettext_noop("Close contacts must be quarantined (centralised or at home)."),
            )
        )
    for name, (low, high) in INT_BOUNDS.items():
        value = getattr(rules, name)
        if not low <= value <= high:
            found.append(
                Problem(
                    (name,),
                    gettext_noop("Enter a whole number from %(low)d to %(high)d."),
                    {"low": low, "high": high},
                )
            )
    found.extend(_temperature_problems(rules))
    found.extend(_symptom_problems(rules.symptoms))
    found.extend(_closure_problems(rules))
    if shift_starts(rules.duty_shift_starts) is None:
        found.append(
            Problem(
                ("duty_shift_starts",),
                gettext_noop(
                    "Enter the shifts' start times in order, like 00:00,08:00,16:00: each a "
                    "time of day, none twice, at most %(n)d shifts, each at least one hour."
                ),
                {"n": MAX_SHIFTS},
            )
        )
    if not _DEADLINE.fullmatch(rules.daily_report_deadline):
        found.append(
            Problem(
                ("daily_report_deadline",),
                gettext_noop("Enter the deadline as a time of day, like 16:00."),
            )
        )
    if not rules.inspection_items or any(k not in INSPECTION_ITEMS for k in rules.inspection_items):
        found.append(
            Problem(
                ("inspection_items",),
                gettext_noop("Choose at least one item for inspections to check."),
            )
        )
    if not (
        rules.disinfections_per_day
        <= rules.key_area_disinfections_per_day
        <= rules.busy_spot_disinfections_per_day
    ):
        found.append(
            Problem(
                ("key_area_disinfections_per_day",),
                gettext_noop(
                    "A key area is disinfected at least as often as an ordinary place, and a "
                    "spot touched often at least as often as a key area."
                ),
            )
        )
    if not any(getattr(rules.release, f.name) for f in fields(ReleaseCriteria)):
        found.append(
            Problem(
                ("release",),
                gettext_noop("Keep at least one release criterion; otherwise nobody is checked."),
            )
        )
    return found


def _measure_problems(name: str, measure: Measure) -> list[Problem]:
    found: list[Problem] = []
    if measure.is_quarantine and measure.days < 1:
        found.append(
            Problem(
                (name, "days"),
                gettext_noop("A quarantine lasts at least one day."),
            )
        )
    elif not 0 <= measure.days <= MAX_MEASURE_DAYS:
        found.append(
            Problem(
                (name, "days"),
                gettext_noop("Enter a number of days from 0 to %(max)d."),
                {"max": MAX_MEASURE_DAYS},
            )
        )
    outside = sorted(d for d in set(measure.test_days) if d < 1 or d > measure.days)
    if outside:
        if measure.days < 1:
            message = gettext_noop(
                "Test days count the days of a period; with 0 days there can be no test "
                "day (%(days)s). Set the days first or leave the test days empty."
            )
        else:
            message = gettext_noop(
                "Test days must fall inside the period of %(period)d days (day 1 to day "
                "%(period)d); %(days)s do not."
            )
        found.append(
            Problem(
                (name, "test_days"),
                message,
                {"period": measure.days, "days": ", ".join(str(d) for d in outside)},
            )
        )
    if len(set(measure.test_days)) != len(measure.test_days):
        found.append(
            Problem((name, "test_days"), gettext_noop("Each test day may be given only once."))
        )
    return found


def _closure_problems(rules: PolicyRules) -> list[Problem]:
    found: list[Problem] = []
    if not rules.lockdown.is_quarantine:
        found.append(
            Problem(
                ("lockdown", "kind"),
                gettext_noop(
                    "The people of a locked building are isolated: choose home or "
                    "centralised quarantine."
                ),
            )
        )
    if rules.urgent_delivery_limit_hours > rules.delivery_limit_hours:
        found.append(
            Problem(
                ("urgent_delivery_limit_hours",),
                gettext_noop(
                    "An urgent request cannot wait longer than an ordinary one (%(hours)d hours)."
                ),
                {"hours": rules.delivery_limit_hours},
            )
        )
    codes = rules.gate_stop_health_codes
    unknown = [c for c in codes if c not in HEALTH_CODES]
    if unknown:
        found.append(
            Problem(
                ("gate_stop_health_codes",),
                gettext_noop("Choose among these codes: %(values)s; not %(bad)s."),
                {"values": ", ".join(HEALTH_CODES), "bad": ", ".join(unknown)},
            )
        )
    elif len(set(codes)) != len(codes):
        found.append(
            Problem(
                ("gate_stop_health_codes",),
                gettext_noop("Each health code may be given only once."),
            )
        )
    elif "red" not in codes:
        found.append(
            Problem(
                ("gate_stop_health_codes",),
                gettext_noop("A red health code must always stop someone at the gate."),
            )
        )
    return found


def _temperature_problems(rules: PolicyRules) -> list[Problem]:
    found: list[Problem] = []
    low, high = rules.temperature_min, rules.temperature_max
    for name, value in (("temperature_min", low), ("temperature_max", high)):
        if not TEMPERATURE_FLOOR <= value <= TEMPERATURE_CEILING:
            found.append(
                Problem(
                    (name,),
                    gettext_noop("Enter a body temperature from %(low)s to %(high)s °C."),
                    {"low": TEMPERATURE_FLOOR, "high": TEMPERATURE_CEILING},
                )
            )
    if low >= high:
        found.append(
            Problem(
                ("temperature_max",),
                gettext_noop(
                    "The highest plausible temperature must be above the lowest (%(low)s °C)."
                ),
                {"low": low},
            )
        )
    elif not low < rules.fever_threshold <= high:
        found.append(
            Problem(
                ("fever_threshold",),
                gettext_noop(
                    "The fever threshold must lie within the plausible range, above %(low)s "
                    "and at most %(high)s °C."
                ),
                {"low": low, "high": high},
            )
        )
    return found


def _symptom_problems(symptoms: tuple[str, ...]) -> list[Problem]:
    cleaned = [s.strip() for s in symptoms]
    if not any(cleaned):
        return [Problem(("symptoms",), gettext_noop("List at least one symptom."))]
    found: list[Problem] = []
    if len(cleaned) > MAX_SYMPTOMS:
        found.append(
            Problem(
                ("symptoms",),
                gettext_noop("List at most %(max)d symptoms."),
                {"max": MAX_SYMPTOMS},
            )
        )
    if any(not s for s in cleaned):
        found.append(Problem(("symptoms",), gettext_noop("A symptom may not be empty.")))
    long = [s for s in cleaned if len(s) > MAX_SYMPTOM_LENGTH]
    if long:
        found.append(
            Problem(
                ("symptoms",),
                gettext_noop("Keep each symptom under %(max)d characters: %(names)s."),
                {"max": MAX_SYMPTOM_LENGTH + 1, "names": "、".join(long)},
            )
        )
    seen: set[str] = set()
    doubled = [s for s in cleaned if s and (s in seen or seen.add(s))]  # type: ignore[func-returns-value]
    if doubled:
        found.append(
            Problem(
                ("symptoms",),
                gettext_noop("These symptoms are listed twice: %(names)s."),
                {"names": "、".join(dict.fromkeys(doubled))},
            )
        )
    return found


# --- reading rules sent as JSON ---------------------------------------------------------------


def rules_from_json(data: Mapping[str, Any], base: PolicyRules) -> PolicyRules:
    """`base` with the rules in `data` (the JSON shape of `PolicyRules.to_data`).

    A key left out keeps `base`'s value, and so does a key left out of a measure or of the
    release criteria. Raises `RulesProblems` for unknown keys and values of the wrong kind;
    it does not check that the numbers make sense (that is `problems`).
    """
    found: list[Problem] = []
    if not isinstance(data, Mapping):
        raise RulesProblems([Problem((), gettext_noop("The rules must be a JSON object."))])
    known = {f.name: f for f in fields(PolicyRules)}
    values: dict[str, Any] = {}
    for key in data:
        if key not in known:
            found.append(Problem((str(key),), gettext_noop("This rule is not known.")))
    for name in known:
        if name not in data:
            continue
        current = getattr(base, name)
        try:
            values[name] = _read(name, current, data[name], found)
        except _Skip:
            continue
    if found:
        raise RulesProblems(found)
    return replace(base, **values)


class _Skip(Exception):
    pass


def _read(name: str, current: Any, raw: Any, found: list[Problem]) -> Any:
    path = (name,)
    if isinstance(current, Measure):
        return _read_measure(name, current, raw, found)
    if isinstance(current, ReleaseCriteria):
        if not isinstance(raw, Mapping):
            found.append(Problem(path, gettext_noop("Give the release criteria as an object.")))
            raise _Skip
        known = {f.name for f in fields(ReleaseCriteria)}
        bad = [k for k in raw if k not in known or not isinstance(raw[k], bool)]
        if bad:
            found.append(
                Problem(
                    path,
                    gettext_noop(
                        "Release criteria are true or false, named %(names)s; these are not: "
                        "%(bad)s."
                    ),
                    {"names": ", ".join(sorted(known)), "bad": ", ".join(map(str, bad))},
                )
            )
            raise _Skip
        return replace(current, **dict(raw))
    if isinstance(current, CountyRuleLevel):
        try:
            return CountyRuleLevel(raw)
        except ValueError:
            found.append(
                Problem(
                    path,
                    gettext_noop("Choose one of these codes: %(values)s."),
                    {"values": ", ".join(c.value for c in CountyRuleLevel)},
                )
            )
            raise _Skip from None
    if isinstance(current, Level):
        try:
            return Level(raw)
        except ValueError:
            found.append(
                Problem(
                    path,
                    gettext_noop("Choose one of these codes: %(values)s."),
                    {"values": ", ".join(lv.value for lv in Level)},
                )
            )
            raise _Skip from None
    if isinstance(current, bool):
        if not isinstance(raw, bool):
            found.append(Problem(path, gettext_noop("Enter true or false.")))
            raise _Skip
        return raw
    if isinstance(current, Decimal):
        return _read_decimal(path, raw, found)
    if isinstance(current, int):
        return _read_int(path, raw, found)
    if isinstance(current, tuple):
        if not isinstance(raw, list) or not all(isinstance(x, str) for x in raw):
            found.append(Problem(path, gettext_noop("Give a list of texts.")))
            raise _Skip
        return tuple(x.strip() for x in raw)
    return raw  # pragma: no cover - every rule has one of the kinds above


def _read_measure(name: str, current: Measure, raw: Any, found: list[Problem]) -> Measure:
    if not isinstance(raw, Mapping):
        found.append(
            Problem((name,), gettext_noop("Give the measure as an object: kind, days, test_days."))
        )
        raise _Skip
    unknown = [k for k in raw if k not in ("kind", "days", "test_days")]
    if unknown:
        found.append(
            Problem(
                (name,),
                gettext_noop("A measure has kind, days and test_days; not %(keys)s."),
                {"keys": ", ".join(map(str, unknown))},
            )
        )
        raise _Skip
    kind, days, test_days = current.kind, current.days, current.test_days
    ok = True
    if "kind" in raw:
        try:
            kind = MeasureKind(raw["kind"])
        except ValueError:
            found.append(
                Problem(
                    (name, "kind"),
                    gettext_noop("Choose one of these codes: %(values)s."),
                    {"values": ", ".join(k.value for k in MeasureKind)},
                )
            )
            ok = False
    if "days" in raw:
        try:
            days = _read_int((name, "days"), raw["days"], found)
        except _Skip:
            ok = False
    if "test_days" in raw:
        value = raw["test_days"]
        if not isinstance(value, list) or not all(_is_int(x) for x in value):
            found.append(
                Problem(
                    (name, "test_days"),
                    gettext_noop("Give the test days as a list of whole numbers, like [1, 7, 14]."),
                )
            )
            ok = False
        else:
            test_days = tuple(value)
    if not ok:
        raise _Skip
    return Measure(kind, days, test_days)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _read_int(path: tuple[str, ...], raw: Any, found: list[Problem]) -> int:
    if not _is_int(raw):
        found.append(Problem(path, gettext_noop("Enter a whole number.")))
        raise _Skip
    return int(raw)


def _read_decimal(path: tuple[str, ...], raw: Any, found: list[Problem]) -> Decimal:
    if isinstance(raw, bool) or not isinstance(raw, int | float | str):
        found.append(Problem(path, gettext_noop("Enter a number such as 37.3.")))
        raise _Skip
    try:
        value = Decimal(str(raw).strip())
    except InvalidOperation:
        found.append(Problem(path, gettext_noop("Enter a number such as 37.3.")))
        raise _Skip from None
    if not value.is_finite():
        found.append(Problem(path, gettext_noop("Enter a number such as 37.3.")))
        raise _Skip
    return value
