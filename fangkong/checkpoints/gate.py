"""The gate's answer: allow or stop, and why. Plain Python, no Django.

The guard's page, the API and the demo gather the facts about one passage (`Passage`) and
the policy in force (`PolicyRules`); `decide` returns the `Decision` with every stop reason
that applies (not only the first, so the guard can tell the person everything at once).

Rules (plan 三(一)5 and F14):
- a code that is not a pass of this site (forged or damaged), a revoked pass, or a pass of
  another community is refused;
- a person in an open quarantine case (any kind), or a member of an active lockdown, stops;
- a temperature at or above the policy's fever threshold stops;
- a health-code colour the policy lists in `gate_stop_health_codes` stops;
- under closed management, someone entering who is not a resident of this community stops,
  unless they come as a registered visitor; a registered visit that is not essential stops
  when the policy says non-essential visits are refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from fangkong.policy.rules import PolicyRules

# Health-code colours a guard records (the values of `models.HealthCode`).
GREEN = "green"
YELLOW = "yellow"
RED = "red"
NOT_SHOWN = "none"
HEALTH_CODES = (GREEN, YELLOW, RED, NOT_SHOWN)

# Verdicts (the values of `models.Verdict`).
ALLOW = "allow"
STOP = "stop"
VERDICTS = (ALLOW, STOP)


class StopReason(StrEnum):
    PASS_FORGED = "pass_forged"
    PASS_REVOKED = "pass_revoked"
    PASS_OTHER_COMMUNITY = "pass_other_community"
    QUARANTINE = "quarantine"
    LOCKDOWN = "lockdown"
    FEVER = "fever"
    HEALTH_CODE = "health_code"
    NOT_RESIDENT = "not_resident"
    NON_ESSENTIAL = "non_essential"


class PassProblem(StrEnum):
    FORGED = "forged"
    REVOKED = "revoked"
    OTHER_COMMUNITY = "other_community"


_PASS_REASON = {
    PassProblem.FORGED: StopReason.PASS_FORGED,
    PassProblem.REVOKED: StopReason.PASS_REVOKED,
    PassProblem.OTHER_COMMUNITY: StopReason.PASS_OTHER_COMMUNITY,
}

#: the order reasons are listed in (the most serious first)
ORDER = list(StopReason)


@dataclass(frozen=True, slots=True)
class Passage:
    """What the gate knows about one person passing (a vehicle's driver for a vehicle)."""

    entering: bool
    #: a resident of the gate's community (False for a visitor, or an unknown code)
    is_resident: bool = False
    #: registered as a visitor (with whom they visit and why)
    is_visit: bool = False
    essential: bool = False
    in_quarantine: bool = False
    in_lockdown: bool = False
    temperature: Decimal | None = None
    #: the colour the guard saw: "green", "yellow", "red", "none"; "" when not recorded
    health_code: str = ""
    closed_management: bool = False
    pass_problem: PassProblem | None = None


@dataclass(frozen=True, slots=True)
class Decision:
    reasons: tuple[StopReason, ...]

    @property
    def allowed(self) -> bool:
        return not self.reasons

    @property
    def verdict(self) -> str:
        return ALLOW if self.allowed else STOP


def decide(passage: Passage, rules: PolicyRules) -> Decision:
    reasons: set[StopReason] = set()
    if passage.pass_problem is not None:
        reasons.add(_PASS_REASON[passage.pass_problem])
    if passage.in_quarantine:
        reasons.add(StopReason.QUARANTINE)
    if passage.in_lockdown:
        reasons.add(StopReason.LOCKDOWN)
    if passage.temperature is not None and rules.is_fever(passage.temperature):
        reasons.add(StopReason.FEVER)
    if passage.health_code and passage.health_code in rules.gate_stop_health_codes:
        reasons.add(StopReason.HEALTH_CODE)
    if passage.closed_management and passage.entering and not passage.is_resident:
        if not passage.is_visit:
            reasons.add(StopReason.NOT_RESIDENT)
        elif not passage.essential and rules.refuse_non_essential_visits:
            reasons.add(StopReason.NON_ESSENTIAL)
    return Decision(tuple(r for r in ORDER if r in reasons))
