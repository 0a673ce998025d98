"""A decision's reason in words, and input problems as sentences (the Django side of
`classification`).

The reason is stored with the decision (`Registration.decision_reason`) in the site's language
(Chinese), next to the facts it was written from (`decision_facts`, JSON). Source strings are
English with named placeholders; the Chinese catalogue renders them as the plan writes them:

    "%(month)d/%(day)d"                      → "%(month)d月%(day)d日"
    "%(start)s to %(end)s"                   → "%(start)s至%(end)s"
    "%(when)s in %(place)s (%(level)s, since %(since)s)"
        → "%(when)s在%(place)s（%(level)s，自%(since)s起）"
        e.g. 1月15日至1月21日在湖北省武汉市江汉区民族街道（高风险，自1月10日起）
    "%(when)s in %(place)s (%(level)s area %(area)s in the county since %(since)s, counted
     by the county rule)"
        → "%(when)s在%(place)s（县内有%(level)s地区%(area)s，自%(since)s起，按县区规则计）"
    "No stay in a medium- or high-risk area in the %(days)d days before arrival"
        → "%(days)d天内未到过中高风险地区"
    "; "                                     → "；"
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from fangkong.policy.models import RiskLevel
from fangkong.policy.rules import CountyRuleLevel, PolicyRules

from .classification import (
    MAX_STAYS,
    Certificate,
    Decision,
    DecisionMeasure,
    Problem,
    ProblemKind,
    ReasonFact,
    window,
)


def day(d: dt.date) -> str:
    """A date as a person writes it: "1月15日"."""
    return _("%(month)d/%(day)d") % {"month": d.month, "day": d.day}


def _level(level: str) -> str:
    return str(RiskLevel(level).label)


def _short_area(fact: ReasonFact) -> str:
    """The area's name without the part the stay's place already says."""
    if fact.area_name.startswith(fact.place_name) and fact.area_name != fact.place_name:
        return fact.area_name[len(fact.place_name) :]
    return fact.area_name


def stay_reason(fact: ReasonFact, *, rule_level: str = CountyRuleLevel.COUNTY) -> str:
    if fact.start == fact.end:
        when = day(fact.start)
    else:
        when = _("%(start)s to %(end)s") % {"start": day(fact.start), "end": day(fact.end)}
    values = {
        "when": when,
        "place": fact.place_name,
        "level": _level(fact.level),
        "since": day(fact.area_since),
        "area": _short_area(fact),
    }
    if not fact.county_rule:
        return _("%(when)s in %(place)s (%(level)s, since %(since)s)") % values
    if rule_level == CountyRuleLevel.PREFECTURE:
        return (
            _(
                "%(when)s in %(place)s (%(level)s area %(area)s in the prefecture since "
                "%(since)s, counted by the prefecture rule)"
            )
            % values
        )
    return (
        _(
            "%(when)s in %(place)s (%(level)s area %(area)s in the county since %(since)s, "
            "counted by the county rule)"
        )
        % values
    )


def certificate_reason(
    decision: Decision, certificate: Certificate | None, rules: PolicyRules
) -> str:
    values = {
        "days": rules.certificate_valid_days,
        "hours": rules.test_within_hours,
        "date": day(certificate.date) if certificate else "",
    }
    if decision.measure == DecisionMeasure.CERTIFICATE_ACCEPTED:
        return (
            _("negative test certificate of %(date)s accepted (within %(days)d days of arrival)")
            % values
        )
    if certificate is None:
        return (
            _(
                "no negative test certificate from the %(days)d days before arrival: a test is "
                "due within %(hours)d hours at the township sampling point"
            )
            % values
        )
    if not certificate.negative:
        return (
            _(
                "the test certificate of %(date)s is not negative: a test is due within "
                "%(hours)d hours at the township sampling point"
            )
            % values
        )
    return (
        _(
            "the test certificate of %(date)s is older than %(days)d days: a test is due "
            "within %(hours)d hours at the township sampling point"
        )
        % values
    )


def decision_reason(
    decision: Decision,
    *,
    rules: PolicyRules,
    certificate: Certificate | None,
    language: str | None = None,
) -> str:
    """The reason a person reads, in `language` (default: the site's, Chinese)."""
    with translation.override(language or settings.LANGUAGE_CODE):
        parts: list[str] = []
        if decision.reasons:
            parts.extend(
                stay_reason(f, rule_level=rules.county_rule_level) for f in decision.reasons
            )
        else:
            parts.append(
                _("No stay in a medium- or high-risk area in the %(days)d days before arrival")
                % {"days": rules.lookback_days}
            )
        if decision.measure in (
            DecisionMeasure.CERTIFICATE_ACCEPTED,
            DecisionMeasure.TEST_WITHIN_24H,
        ):
            parts.append(certificate_reason(decision, certificate, rules))
        return _("; ").join(parts)


def decision_facts(
    decision: Decision,
    *,
    rules: PolicyRules,
    arrival: dt.date,
    certificate: Certificate | None,
) -> dict[str, Any]:
    """The structured reason, JSON-ready: what the text was written from."""
    start, end = window(arrival, rules)
    return {
        "window": [start.isoformat(), end.isoformat()],
        "rules": {
            "lookback_days": rules.lookback_days,
            "county_rule": rules.county_rule,
            "county_rule_level": str(rules.county_rule_level),
            "certificate_valid_days": rules.certificate_valid_days,
            "test_within_hours": rules.test_within_hours,
        },
        "stays": [
            {
                "start": f.start.isoformat(),
                "end": f.end.isoformat(),
                "place": f.place_name,
                "level": str(f.level),
                "area": f.area_name,
                "area_id": f.area_id,
                "area_since": f.area_since.isoformat(),
                "county_rule": f.county_rule,
            }
            for f in decision.reasons
        ],
        "certificate": (
            {
                "date": certificate.date.isoformat(),
                "negative": certificate.negative,
                "accepted": decision.measure == DecisionMeasure.CERTIFICATE_ACCEPTED,
            }
            if certificate is not None
            else None
        ),
    }


# --- input problems --------------------------------------------------------------------------


def problem_message(problem: Problem) -> str:
    rows = [r + 1 for r in problem.rows]
    row = rows[0] if rows else 0
    kind = problem.kind
    if kind == ProblemKind.NO_STAYS:
        return _("List at least one place where the person stayed before arriving, with the dates.")
    if kind == ProblemKind.TOO_MANY_STAYS:
        return _("At most %(max)d places can be listed.") % {"max": MAX_STAYS}
    if kind == ProblemKind.ARRIVAL_IN_FUTURE:
        return _("The arrival date is in the future. Register the person on the day they arrive.")
    if kind == ProblemKind.ARRIVAL_TOO_OLD:
        return _("The arrival date is more than a year ago; check the year.")
    if kind == ProblemKind.STAY_REVERSED:
        return _("Place %(row)d: the last day is before the first day.") % {"row": row}
    if kind == ProblemKind.STAY_AFTER_ARRIVAL:
        return _("Place %(row)d: the stay ends after the arrival date.") % {"row": row}
    if kind == ProblemKind.STAY_TOO_OLD:
        return _(
            "Place %(row)d: the stay starts more than a year before arrival; check the year."
        ) % {"row": row}
    if kind == ProblemKind.STAYS_OVERLAP:
        return _(
            "Places %(a)d and %(b)d overlap: a stay starts before the one before it ended."
        ) % {"a": rows[0], "b": rows[-1]}
    if kind == ProblemKind.CERTIFICATE_AFTER_ARRIVAL:
        return _("The test certificate is dated after the arrival date; check the date.")
    # CERTIFICATE_TOO_OLD
    return _("The test certificate is dated more than a year before arrival; check the year.")


def problems_error(problems: tuple[Problem, ...]) -> dict[str, list[str]]:
    """{field: [messages]} for a DomainError."""
    out: dict[str, list[str]] = {}
    for p in problems:
        out.setdefault(p.field, []).append(problem_message(p))
    return out
