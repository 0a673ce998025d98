"""A test result entered one at a time (`actions.record_test_result`) and the same result
imported from a lab file (`lab_import`, set-based) leave the same rows: the tests (result,
sample date, retests with their day and due date) and the case events. Both take what a
result does from `result_effect.effect_of`."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fangkong.quarantine import actions, result_effect
from fangkong.quarantine.lab_import import LabImport
from fangkong.quarantine.models import CaseEvent, EventAction
from fangkong.quarantine.models import ScheduledTest as Item
from fangkong.quarantine.models import TestItemResult as ItemResult

from .cases import START, on, open_case, started
from .test_lab_import import lab_row, table_of

LAB = "区疾控中心"
TEXT = {ItemResult.NEGATIVE: "阴性", ItemResult.POSITIVE: "阳性", ItemResult.INVALID: "无效"}
#: the scheduled tests of the default (medium, 14-day) case are due on day 1 and day 14
DAYS = (1, 14)


def rows_of(case):
    """The case's tests and events, with test ids replaced by (day, retest of day)."""
    tests = {t.pk: t for t in Item.objects.filter(case=case)}

    def name(pk):
        t = tests[pk]
        return (t.day, tests[t.retest_of_id].day if t.retest_of_id else None)

    items = sorted(
        (
            (*name(t.pk), t.due_date, t.result, t.sampled_on, t.lab, t.recorded_by_id)
            for t in tests.values()
        ),
        key=repr,
    )
    events = []
    for e in CaseEvent.objects.filter(case=case, action__in=result_effect_actions()):
        data = dict(e.data)
        # path-specific notes, kept as they were: the import names its job, the action the
        # test's day (which the test's name below carries anyway)
        data.pop("lab_import", None)
        if "day" in data:
            assert data.pop("day") == tests[data["test"]].day
        data["test"] = name(data["test"])
        events.append((e.action, sorted(data.items()), e.by_id))
    return items, sorted(events, key=repr)


def result_effect_actions():
    return [EventAction.TEST_RESULT, EventAction.POSITIVE_RESULT, EventAction.RETEST]


@pytest.mark.django_db
@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    results=st.lists(st.sampled_from(list(ItemResult)), min_size=1, max_size=len(DAYS)),
    late=st.integers(min_value=0, max_value=20),
)
def test_the_action_and_the_lab_import_leave_the_same_rows(world, tmp_path, results, late):
    medic = world.user("medic_a1")
    with transaction.atomic():
        by_hand = started(world, open_case(world, world.resident_g1))
        imported = started(world, open_case(world, world.resident_g2, by="grid_g2"))
        tests = [by_hand.tests.get(day=d) for d in DAYS[: len(results)]]
        today = max(t.due_date for t in tests) + dt.timedelta(days=late)
        with on(today):
            for test, result in zip(tests, results, strict=True):
                actions.record_test_result(
                    test, by=medic, result=result, sampled_on=test.due_date, lab=LAB
                )
            rows = [
                lab_row(world.resident_g2, test.due_date, TEXT[result], 检测机构=LAB)
                for test, result in zip(tests, results, strict=True)
            ]
            importer = LabImport(medic, today=today)
            checked = importer.check(table_of(tmp_path, rows))
            assert not checked.problems
            importer.write(checked)
        assert rows_of(by_hand) == rows_of(imported)
        transaction.set_rollback(True)


@given(
    result=st.sampled_from(result_effect.RESULTS),
    start=st.dates(dt.date(2025, 1, 1), dt.date(2027, 1, 1)),
    offset=st.integers(-3, 60),
)
def test_what_a_result_does(result, start, offset):
    today = start + dt.timedelta(days=offset)
    effect = result_effect.effect_of(result, case_start=start, today=today)
    assert effect.events[0] == result_effect.TEST_RESULT
    assert (result_effect.POSITIVE_RESULT in effect.events) == (result == result_effect.POSITIVE)
    if result == result_effect.INVALID:
        assert effect.retest == result_effect.Retest(max(offset + 1, 0), today)
    else:
        assert effect.retest is None


def test_the_event_names_are_the_model_s():
    assert (result_effect.TEST_RESULT, result_effect.POSITIVE_RESULT, result_effect.RETEST) == (
        EventAction.TEST_RESULT,
        EventAction.POSITIVE_RESULT,
        EventAction.RETEST,
    )
    assert sorted(result_effect.RESULTS) == sorted(ItemResult.values)


def test_an_unknown_result_has_no_effect():
    with pytest.raises(ValueError, match="not a test result"):
        result_effect.effect_of("maybe", case_start=START, today=START)
