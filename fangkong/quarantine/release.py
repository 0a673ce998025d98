"""May a quarantine case be released? Pure; no Django.

The plan (三(五)3): release after the full period, with no fever or symptom in the record,
every scheduled test negative, and two sign-offs by two different people: the 包保干部
(cadre) and the 包保医务人员 (medical worker) assigned to the case (`sign_refusal`: nobody
else signs; who else should sign is a change of the assignment). `release_verdict` answers
with every reason that still blocks release, as codes with their parameters (`Blocker`); the
Django side renders them as sentences (`blockers.describe`). Which criteria apply comes from
the release criteria of the policy version the case was opened under (`PolicyRules.release`).

Day arithmetic: the start date is quarantine day 1, so a quarantine of `days` days ends on
start + days - 1 and the period is served on start + days (the day after the last day).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from enum import StrEnum

from fangkong.policy.rules import PolicyRules, ReleaseCriteria

# Case statuses as plain strings (the values of `models.CaseStatus`).
REGISTERED = "registered"
IN_QUARANTINE = "in_quarantine"
RELEASE_REVIEW = "release_review"
RELEASED = "released"
REFERRED = "referred"
CASE_STATUSES = (REGISTERED, IN_QUARANTINE, RELEASE_REVIEW, RELEASED, REFERRED)

# Test results (the values of `models.TestItemResult`); "" is a test without a result yet.
NEGATIVE = "negative"
POSITIVE = "positive"
INVALID = "invalid"
RESULTS = (NEGATIVE, POSITIVE, INVALID)
PENDING = ""

# Sign-off roles (the values of `models.SignRole`).
CADRE = "cadre"
MEDIC = "medic"
SIGN_ROLES = (CADRE, MEDIC)


class BlockerCode(StrEnum):
    WRONG_STATUS = "wrong_status"
    PERIOD_NOT_SERVED = "period_not_served"
    TEST_PENDING = "test_pending"
    TEST_NOT_NEGATIVE = "test_not_negative"
    FEVER_OR_SYMPTOM = "fever_or_symptom"
    MISSING_CADRE_SIGNOFF = "missing_cadre_signoff"
    MISSING_MEDIC_SIGNOFF = "missing_medic_signoff"
    SAME_PERSON_SIGNED_TWICE = "same_person_signed_twice"


#: what the signatures decide; a review may be requested while only these remain
SIGNATURE_CODES = frozenset(
    {
        BlockerCode.MISSING_CADRE_SIGNOFF,
        BlockerCode.MISSING_MEDIC_SIGNOFF,
        BlockerCode.SAME_PERSON_SIGNED_TWICE,
    }
)


@dataclass(frozen=True, slots=True)
class TestFact:
    #: quarantine day (1 = the start date; 0 = a test taken at once on registration)
    day: int
    due: dt.date
    #: NEGATIVE, POSITIVE, INVALID, or PENDING ("") while there is no result
    result: str = PENDING


@dataclass(frozen=True, slots=True)
class CaseFacts:
    """What the rule needs to know about one case.

    `tests` are the scheduled tests still in force: an invalid result that has been retested
    is left out by the caller (its retest stands in for it); one without a retest stays and
    blocks.
    """

    status: str
    start_date: dt.date
    #: length of the quarantine in days, extensions included
    days: int
    tests: tuple[TestFact, ...] = ()
    fever_or_symptom_recorded: bool = False
    #: (role, user id) of each release signature
    signoffs: tuple[tuple[str, int], ...] = ()

    @property
    def planned_end(self) -> dt.date:
        """The last quarantine day."""
        return self.start_date + dt.timedelta(days=self.days - 1)

    @property
    def release_on(self) -> dt.date:
        """The first day on which the period is served."""
        return self.start_date + dt.timedelta(days=self.days)

    @property
    def positive_test(self) -> bool:
        return any(t.result == POSITIVE for t in self.tests)

    def signers(self, role: str) -> tuple[int, ...]:
        return tuple(user for r, user in self.signoffs if r == role)


@dataclass(frozen=True, slots=True)
class Blocker:
    """One reason release is blocked, with what a sentence about it needs."""

    code: BlockerCode
    #: WRONG_STATUS: the case's status
    status: str = ""
    #: PERIOD_NOT_SERVED: days until release and the first day it may happen
    days_left: int = 0
    release_on: dt.date | None = None
    #: TEST_*: the test's quarantine day, due date and (TEST_NOT_NEGATIVE) result
    day: int = 0
    due: dt.date | None = None
    result: str = ""
    #: SAME_PERSON_SIGNED_TWICE: who
    user_id: int = 0


@dataclass(frozen=True, slots=True)
class Verdict:
    ok: bool
    reasons: tuple[Blocker, ...]

    @property
    def codes(self) -> frozenset[BlockerCode]:
        return frozenset(b.code for b in self.reasons)

    def without_signatures(self) -> tuple[Blocker, ...]:
        """The blockers that signing cannot lift (nor, for WRONG_STATUS, the review step)."""
        return tuple(
            b
            for b in self.reasons
            if b.code not in SIGNATURE_CODES and b.code != BlockerCode.WRONG_STATUS
        )


def release_verdict(
    facts: CaseFacts, criteria: ReleaseCriteria | PolicyRules, *, today: dt.date
) -> Verdict:
    """Every reason that still blocks releasing the case on `today` (none: it may be released).

    Only a case under release review is released; any other status is a blocker of its own
    (and the other reasons are listed as well, so the page says everything at once).
    """
    if isinstance(criteria, PolicyRules):
        criteria = criteria.release
    reasons: list[Blocker] = []
    if facts.status != RELEASE_REVIEW:
        reasons.append(Blocker(BlockerCode.WRONG_STATUS, status=facts.status))
    if criteria.period_served and today < facts.release_on:
        reasons.append(
            Blocker(
                BlockerCode.PERIOD_NOT_SERVED,
                days_left=(facts.release_on - today).days,
                release_on=facts.release_on,
            )
        )
    if criteria.no_fever_or_symptom and facts.fever_or_symptom_recorded:
        reasons.append(Blocker(BlockerCode.FEVER_OR_SYMPTOM))
    if criteria.all_tests_negative:
        for test in sorted(facts.tests, key=lambda t: (t.due, t.day)):
            if test.result == PENDING:
                reasons.append(Blocker(BlockerCode.TEST_PENDING, day=test.day, due=test.due))
            elif test.result != NEGATIVE:
                reasons.append(
                    Blocker(
                        BlockerCode.TEST_NOT_NEGATIVE,
                        day=test.day,
                        due=test.due,
                        result=test.result,
                    )
                )
    if criteria.cadre_signoff and not facts.signers(CADRE):
        reasons.append(Blocker(BlockerCode.MISSING_CADRE_SIGNOFF))
    if criteria.medic_signoff and not facts.signers(MEDIC):
        reasons.append(Blocker(BlockerCode.MISSING_MEDIC_SIGNOFF))
    # The two signatures must come from two people, whatever the criteria ask for.
    for user_id, count in sorted(Counter(user for _role, user in facts.signoffs).items()):
        if count > 1:
            reasons.append(Blocker(BlockerCode.SAME_PERSON_SIGNED_TWICE, user_id=user_id))
    return Verdict(ok=not reasons, reasons=tuple(reasons))


class SignRefusal(StrEnum):
    """Why someone may not give a release signature for a role."""

    UNKNOWN_ROLE = "unknown_role"
    #: the case has nobody assigned to the role: assign someone first
    NOBODY_ASSIGNED = "nobody_assigned"
    #: someone else is assigned to the role (a leader, another worker of the grid…)
    NOT_ASSIGNED = "not_assigned"


@dataclass(frozen=True, slots=True)
class Assignment:
    """Who 包保 the case: the user ids of its responsible cadre and medical worker."""

    cadre: int | None = None
    medic: int | None = None

    def of(self, role: str) -> int | None:
        """The user assigned to sign as `role` (None: nobody, or no such role)."""
        if role == CADRE:
            return self.cadre
        if role == MEDIC:
            return self.medic
        return None


def sign_refusal(role: str, signer: int, assignment: Assignment) -> SignRefusal | None:
    """Why `signer` may not sign the release as `role` (None: they may).

    三(五)3: "由包保干部和包保医务人员共同签字确认后，解除隔离医学观察": the signatures are those of
    the cadre and the medical worker who 包保 the case, nobody else's, whatever their rank. A
    leader who needs someone else to sign changes the assignment first (a recorded decision).
    """
    if role not in SIGN_ROLES:
        return SignRefusal.UNKNOWN_ROLE
    assigned = assignment.of(role)
    if assigned is None:
        return SignRefusal.NOBODY_ASSIGNED
    if assigned != signer:
        return SignRefusal.NOT_ASSIGNED
    return None


def lapsed_signatures(
    signoffs: tuple[tuple[str, int], ...], assignment: Assignment
) -> tuple[tuple[str, int], ...]:
    """The (role, user id) signatures that stop counting under `assignment`: those given for a
    role by someone no longer assigned to it (the newly assigned person signs instead)."""
    return tuple((role, user) for role, user in signoffs if assignment.of(role) != user)


#: the moves a case's status may make: forward only, and never out of a closed case
TRANSITIONS: dict[str, frozenset[str]] = {
    REGISTERED: frozenset({IN_QUARANTINE, REFERRED}),
    IN_QUARANTINE: frozenset({RELEASE_REVIEW, REFERRED}),
    RELEASE_REVIEW: frozenset({RELEASED, REFERRED}),
    RELEASED: frozenset(),
    REFERRED: frozenset(),
}

#: how far along a status is; a move always goes to a higher rank
STATUS_RANK = {REGISTERED: 0, IN_QUARANTINE: 1, RELEASE_REVIEW: 2, RELEASED: 3, REFERRED: 3}


#: the moves a lockdown isolation makes when its lockdown is lifted (on top of `TRANSITIONS`):
#: the leader's decision to lift, taken on a complete negative round, ends it from any open
#: status without a release review
LOCKDOWN_LIFTED_TRANSITIONS: dict[str, frozenset[str]] = {
    REGISTERED: frozenset({RELEASED}),
    IN_QUARANTINE: frozenset({RELEASED}),
    RELEASE_REVIEW: frozenset({RELEASED}),
}


def may_move(from_status: str, to_status: str, *, lockdown_lifted: bool = False) -> bool:
    """May a case go from `from_status` to `to_status`? With `lockdown_lifted`, the move is
    the end of a lockdown isolation because its lockdown was lifted."""
    if to_status in TRANSITIONS.get(from_status, frozenset()):
        return True
    return lockdown_lifted and to_status in LOCKDOWN_LIFTED_TRANSITIONS.get(
        from_status, frozenset()
    )
