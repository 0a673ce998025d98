"""The release rule applied to a stored case: its facts read from the database, and each
blocker said as a sentence a clerk understands.

`release.release_verdict` decides; this module only gathers what it needs (the tests still in
force, fever or symptoms in the health record, the signatures) and words the answer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Exists, OuterRef, Q
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import Case, CaseEvent, CaseStatus, EventAction, ScheduledTest, SignOff, TestItemResult
from .release import Blocker, BlockerCode, CaseFacts, TestFact, Verdict, release_verdict


def tests_in_force(tests: Iterable[ScheduledTest]) -> list[ScheduledTest]:
    """The scheduled tests that count: an invalid result that has been retested is replaced
    by its retest."""
    items = list(tests)
    retested = {t.retest_of_id for t in items if t.retest_of_id is not None}
    return [t for t in items if t.pk not in retested]


def fever_or_symptom_recorded(case: Case) -> bool:
    """Whether the health record of the case holds a fever or a symptom: a check-in with
    either, or an alert raised for the case (whatever became of it).

    Only readings since the last extension count: when a fever was examined and ruled out,
    the team extends the quarantine (with its reason), and the person is released once the
    extended period is served without another one. Without an extension, any reading blocks.
    """
    # The health app's records of the case, through their own relations to it (health sits
    # above quarantine: it is not imported here).
    checkins = case.checkins.filter(Q(fever=True) | ~Q(symptoms=[]))
    alerts = case.alerts.all()
    extended = (
        CaseEvent.objects.filter(case=case, action=EventAction.EXTEND)
        .order_by("-at")
        .values_list("at", flat=True)
        .first()
    )
    if extended is not None:
        checkins = checkins.filter(created_at__gt=extended)
        alerts = alerts.filter(raised_at__gt=extended)
    return checkins.exists() or alerts.exists()


def fever_or_symptom_condition() -> Q:
    """`fever_or_symptom_recorded` as a condition on cases, for one query over many: the same
    readings (a check-in with a fever or a symptom, or an alert), counted when no extension
    was made at or after them."""
    # The health app's models through their relations to the case (not imported: health
    # sits above quarantine).
    CheckIn = Case._meta.get_field("checkins").related_model
    Alert = Case._meta.get_field("alerts").related_model

    def since_last_extension(at: str) -> Exists:
        return Exists(
            CaseEvent.objects.filter(
                case=OuterRef(OuterRef("pk")), action=EventAction.EXTEND, at__gte=OuterRef(at)
            )
        )

    checkins = (
        CheckIn._default_manager.filter(case=OuterRef("pk"))
        .filter(Q(fever=True) | ~Q(symptoms=[]))
        .exclude(since_last_extension("created_at"))
    )
    alerts = Alert._default_manager.filter(case=OuterRef("pk")).exclude(
        since_last_extension("raised_at")
    )
    return Q(Exists(checkins)) | Q(Exists(alerts))


def case_facts(
    case: Case,
    *,
    tests: Iterable[ScheduledTest] | None = None,
    signoffs: Iterable[SignOff] | None = None,
    fever: bool | None = None,
) -> CaseFacts:
    """The facts of `case` for the release rule. Pass what the caller has already loaded
    (e.g. prefetched) to save the queries."""
    items = tests_in_force(case.tests.all() if tests is None else tests)
    signatures = case.signoffs.all() if signoffs is None else signoffs
    return CaseFacts(
        status=case.status,
        start_date=case.start_date,
        days=case.days,
        tests=tuple(TestFact(t.day, t.due_date, t.result) for t in items),
        fever_or_symptom_recorded=fever_or_symptom_recorded(case) if fever is None else fever,
        signoffs=tuple((s.role, s.user_id) for s in signatures),
    )


def verdict_for(case: Case, *, today: dt.date, **loaded: object) -> Verdict:
    """The release verdict of `case` under the release criteria of its own policy version."""
    facts = case_facts(case, **loaded)  # type: ignore[arg-type]
    return release_verdict(facts, case.policy.as_rules(), today=today)


def _day(day: dt.date | None) -> str:
    return date_format(day, "Y-m-d") if day else ""


def _test(blocker: Blocker) -> str:
    if blocker.day == 0:
        return _("the test taken at once (due %(due)s)") % {"due": _day(blocker.due)}
    return _("the test of day %(day)d (due %(due)s)") % {
        "day": blocker.day,
        "due": _day(blocker.due),
    }


def describe(blocker: Blocker) -> str:
    """One blocker as a sentence."""
    code = blocker.code
    if code == BlockerCode.WRONG_STATUS:
        if blocker.status in (CaseStatus.REGISTERED, CaseStatus.IN_QUARANTINE):
            return _("The case must first be put under release review.")
        label = CaseStatus(blocker.status).label if blocker.status in CaseStatus.values else ""
        return _("The case is closed (%(status)s).") % {"status": label}
    if code == BlockerCode.PERIOD_NOT_SERVED:
        return ngettext(
            "The quarantine period is not yet served: %(n)d day left (release from %(day)s).",
            "The quarantine period is not yet served: %(n)d days left (release from %(day)s).",
            blocker.days_left,
        ) % {"n": blocker.days_left, "day": _day(blocker.release_on)}
    if code == BlockerCode.TEST_PENDING:
        return _("There is no result yet for %(test)s.") % {"test": _test(blocker)}
    if code == BlockerCode.TEST_NOT_NEGATIVE:
        result = (
            TestItemResult(blocker.result).label
            if blocker.result in TestItemResult.values
            else blocker.result
        )
        return _("The result of %(test)s is not negative: %(result)s.") % {
            "test": _test(blocker),
            "result": result,
        }
    if code == BlockerCode.FEVER_OR_SYMPTOM:
        return _(
            "A fever or a symptom is recorded in the health check-ins. If a doctor ruled it "
            "out, extend the quarantine: only readings after the extension count."
        )
    if code == BlockerCode.MISSING_CADRE_SIGNOFF:
        return _("The responsible cadre (包保干部) has not signed yet.")
    if code == BlockerCode.MISSING_MEDIC_SIGNOFF:
        return _("The responsible medical worker (包保医务人员) has not signed yet.")
    if code == BlockerCode.SAME_PERSON_SIGNED_TWICE:
        return _("The same person signed for both roles; two different people must sign.")
    raise ValueError(code)  # pragma: no cover - every code is worded above


def describe_all(blockers: Iterable[Blocker]) -> list[str]:
    return [describe(b) for b in blockers]
