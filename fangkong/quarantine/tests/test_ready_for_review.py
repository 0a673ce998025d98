"""The "ready for release review" worklist (`lists.ready_for_review`, one query) lists exactly
the cases in quarantine that the release rule (`release.release_verdict`, under the case's
own policy version) would let go to review: nothing blocks them but the signatures."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fangkong.health.tests.factories import AlertFactory, CheckInFactory
from fangkong.people.tests.factories import ResidentFactory
from fangkong.policy.rules import DEFAULT_RULES, ReleaseCriteria
from fangkong.policy.tests.factories import PolicyFactory
from fangkong.quarantine import release
from fangkong.quarantine.blockers import verdict_for
from fangkong.quarantine.lists import ready_for_review
from fangkong.quarantine.models import Case, CaseEvent, CaseStatus, EventAction
from fangkong.quarantine.tests.factories import CaseFactory, ScheduledTestFactory

from .cases import START

RESULTS = ["", release.NEGATIVE, release.POSITIVE, release.INVALID]
#: a test's result and, for an invalid one, its retest's result (None: not retested)
tests = st.tuples(st.sampled_from(RESULTS), st.none() | st.sampled_from(RESULTS))
#: nothing, a fever check-in, a symptom check-in, an alert; before or after an extension
health = st.tuples(
    st.sampled_from(["", "fever", "symptom", "alert"]),
    st.booleans(),  # the reading is older than the last extension
)
case_specs = st.fixed_dictionaries(
    {
        "status": st.just(release.IN_QUARANTINE) | st.sampled_from(release.CASE_STATUSES),
        "days": st.integers(1, 21),
        "tests": st.lists(tests, max_size=3),
        "health": health,
        "criteria": st.builds(
            ReleaseCriteria,
            period_served=st.booleans(),
            no_fever_or_symptom=st.booleans(),
            all_tests_negative=st.booleans(),
            cadre_signoff=st.booleans(),
            medic_signoff=st.booleans(),
        ),
    }
)


def make_case(world, spec) -> Case:
    policy = PolicyFactory.create(
        rules=dataclasses.replace(DEFAULT_RULES, release=spec["criteria"]).to_data()
    )
    resident = ResidentFactory.create(household=world.household_g1)
    case = CaseFactory.create(
        resident=resident, status=spec["status"], days=spec["days"], policy=policy
    )
    for day, (result, retest) in enumerate(spec["tests"], start=1):
        item = ScheduledTestFactory.create(case=case, day=day, result=result)
        if result == release.INVALID and retest is not None:
            ScheduledTestFactory.create(case=case, day=day, result=retest, retest_of=item)
    kind, before_extension = spec["health"]
    now = timezone.now()
    reading_at = now - dt.timedelta(hours=2 if before_extension else 0)
    if kind in ("fever", "symptom"):
        CheckInFactory.create(
            case=case,
            fever=kind == "fever",
            symptoms=["干咳"] if kind == "symptom" else [],
            created_at=reading_at,
        )
    elif kind == "alert":
        AlertFactory.create(case=case, raised_at=reading_at)
    if before_extension:
        CaseEvent.objects.create(
            case=case, action=EventAction.EXTEND, at=now - dt.timedelta(hours=1)
        )
    return case


@pytest.mark.django_db
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(specs=st.lists(case_specs, min_size=1, max_size=4), offset=st.integers(-2, 25))
def test_the_worklist_lists_what_the_release_rule_lets_go_to_review(world, specs, offset):
    today = START + dt.timedelta(days=offset)
    with transaction.atomic():
        cases = [make_case(world, spec) for spec in specs]
        listed = set(
            ready_for_review(Case.objects.filter(pk__in=[c.pk for c in cases]), today).values_list(
                "pk", flat=True
            )
        )
        expected = {
            c.pk
            for c in cases
            if c.status == CaseStatus.IN_QUARANTINE
            and not verdict_for(Case.objects.get(pk=c.pk), today=today).without_signatures()
        }
        assert listed == expected
        transaction.set_rollback(True)


def test_every_release_criterion_is_a_condition_of_the_worklist_or_left_to_the_review():
    from fangkong.quarantine.lists import CRITERIA, SIGNATURE_CRITERIA

    names = {f.name for f in dataclasses.fields(ReleaseCriteria)}
    assert set(CRITERIA) | SIGNATURE_CRITERIA == names
    assert not set(CRITERIA) & SIGNATURE_CRITERIA
