"""What one health check-in means (F8). Pure: plain data in, plain data out; no Django.

A reading is a temperature (°C, one decimal) and the symptoms seen. The policy's rules say
which temperatures are plausible at all (a reading outside is refused as a mistake, never
stored), from which temperature on it is a fever, which symptoms are listed, and how many
checks a day are due. A fever or a listed symptom raises an alert; a free-text symptom is
recorded with the reading and raises a review item for the medical worker (`actions`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from fangkong.policy.rules import PolicyRules

#: readings are kept to one decimal, as a thermometer shows them
TENTH = Decimal("0.1")
#: at most this many symptoms, each at most this long (free text is allowed)
MAX_SYMPTOMS = 20
MAX_SYMPTOM_LENGTH = 50


@dataclass(frozen=True, slots=True)
class Assessment:
    temperature: Decimal
    plausible: bool
    fever: bool
    #: the reported symptoms that are on the policy's list, in the list's order
    listed_symptoms: tuple[str, ...]
    #: every reported symptom, listed ones first, each once
    symptoms: tuple[str, ...]
    alert: bool


def reading(value: Decimal | str | float | int) -> Decimal | None:
    """A temperature as a one-decimal Decimal (36.55 → 36.6), or None if it is no number."""
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        return None
    if not number.is_finite():
        return None
    return number.quantize(TENTH, rounding=ROUND_HALF_UP)


def clean_symptoms(symptoms: Iterable[str], rules: PolicyRules) -> tuple[str, ...]:
    """The reported symptoms, trimmed, each once: listed ones in the list's order, then the
    free-text ones in the order given. Empty entries are dropped."""
    given: list[str] = []
    for raw in symptoms:
        text = " ".join(str(raw).split())
        if text and text not in given:
            given.append(text)
    listed = [s for s in rules.symptoms if s in given]
    return (*listed, *(s for s in given if s not in rules.symptoms))


def symptoms_problem(symptoms: Collection[str]) -> str | None:
    """Why a symptom list cannot be stored ('too_many' / 'too_long'), or None."""
    if len(symptoms) > MAX_SYMPTOMS:
        return "too_many"
    if any(len(s) > MAX_SYMPTOM_LENGTH for s in symptoms):
        return "too_long"
    return None


def assess(
    temperature: Decimal | str | float | int, symptoms: Iterable[str], rules: PolicyRules
) -> Assessment:
    """Judge one reading by `rules`. An implausible one (no number, or outside
    rules.temperature_min..temperature_max) is `plausible=False` and raises no alert: it is
    to be refused, not stored."""
    value = reading(temperature)
    cleaned = clean_symptoms(symptoms, rules)
    listed = tuple(s for s in cleaned if s in rules.symptoms)
    if value is None or not rules.is_plausible(value):
        return Assessment(
            temperature=value if value is not None else Decimal(0),
            plausible=False,
            fever=False,
            listed_symptoms=listed,
            symptoms=cleaned,
            alert=False,
        )
    fever = rules.is_fever(value)
    return Assessment(
        temperature=value,
        plausible=True,
        fever=fever,
        listed_symptoms=listed,
        symptoms=cleaned,
        alert=fever or bool(listed),
    )


def slot_at(moment: dt.time, checks_per_day: int) -> int:
    """Which of the day's checks a reading taken at `moment` (local time) is when nobody says:
    the day is cut into `checks_per_day` equal parts from midnight (two checks: the morning
    one before noon, the evening one from noon on; one check: the whole day)."""
    per_day = max(checks_per_day, 1)
    minute = moment.hour * 60 + moment.minute
    return min(per_day, minute * per_day // (24 * 60) + 1)


def missing_slots(filled: Collection[int], checks_per_day: int) -> tuple[int, ...]:
    """The day's checks not yet recorded."""
    return tuple(s for s in range(1, checks_per_day + 1) if s not in filled)
