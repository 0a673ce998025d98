"""Two people at once, in two threads with their own connections: an alert is never lost
nor duplicated, and one acknowledgement wins.

Needs a database where a second connection sees committed rows and row locks are real:
PostgreSQL (on SQLite the test database is in memory and writes are serialised anyway).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection

from fangkong.core.errors import DomainError
from fangkong.health import actions
from fangkong.health.models import Alert, AlertStatus, CheckIn, CheckInVia

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs row locks and a shared database"
    ),
]


def at_once(*calls: Callable[[], Any]) -> list[Any]:
    """Run the calls in threads released together; each result or the exception raised."""
    start = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(i: int, call: Callable[[], Any]) -> None:
        from django.db import connection as own

        try:
            start.wait()
            results[i] = call()
        except Exception as exc:
            results[i] = exc
        finally:
            own.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return results


def test_the_same_check_sent_four_times_at_once_is_stored_once(world, case_g1):
    def reading(temperature: str) -> Callable[[], tuple[CheckIn, bool]]:
        return lambda: actions.check_in(
            case_g1, case_g1.resident, temperature, [], via=CheckInVia.LINK
        )

    results = at_once(*(reading(t) for t in ("36.5", "36.6", "36.7", "36.8")))

    assert all(isinstance(r, tuple) for r in results), results
    stored = CheckIn.objects.get()
    assert {r[0].pk for r in results} == {stored.pk}
    assert sum(r[1] for r in results) == 1


def test_the_same_check_of_one_person_through_two_cases_at_once_is_stored_once(world, case_g1):
    from fangkong.quarantine.models import Case, CaseStatus

    from .conftest import quarantine_case

    # Two open cases of one person (the rule allows one at a time; data may predate it).
    Case.objects.filter(pk=case_g1.pk).update(status=CaseStatus.RELEASED)
    other = quarantine_case(world, world.resident_g1)
    Case.objects.filter(pk=case_g1.pk).update(status=CaseStatus.IN_QUARANTINE)

    def reading(case: Any) -> Callable[[], tuple[CheckIn, bool]]:
        return lambda: actions.check_in(case, case.resident, "36.6", [], via=CheckInVia.STAFF)

    results = at_once(reading(case_g1), reading(other))

    assert all(isinstance(r, tuple) for r in results), results
    assert CheckIn.objects.count() == 1
    assert sorted(r[1] for r in results) == [False, True]


def test_two_fever_readings_at_once_raise_exactly_one_alert_and_lose_no_reading(world, case_g1):
    def reading(temperature: str, symptom: str, slot: int) -> Callable[[], CheckIn]:
        return lambda: actions.record_checkin(
            case_g1, case_g1.resident, temperature, [symptom], via=CheckInVia.LINK, slot=slot
        )

    results = at_once(reading("38.2", "干咳", 1), reading("38.9", "乏力", 2))

    assert all(isinstance(r, CheckIn) for r in results), results
    assert sorted(CheckIn.objects.values_list("slot", flat=True)) == [1, 2]
    alert = Alert.objects.get()
    assert alert.readings == 2
    assert alert.temperature == Decimal("38.9")
    assert sorted(alert.symptoms) == sorted(["干咳", "乏力"])
    assert set(CheckIn.objects.values_list("alert_id", flat=True)) == {alert.pk}


def test_when_two_raise_an_alert_at_the_same_instant_the_loser_adds_to_the_winners(
    world, case_g1, monkeypatch
):
    """Without the case lock (a second way in), both find no alert and both insert: the
    database constraint refuses the second, which then joins the first."""
    both_looked = threading.Barrier(2)
    original = Alert.save

    def save_after_both_looked(self: Alert, *args: Any, **kwargs: Any) -> None:
        if self.pk is None and not getattr(threading.current_thread(), "waited", False):
            threading.current_thread().waited = True
            both_looked.wait(timeout=10)
        original(self, *args, **kwargs)

    monkeypatch.setattr(Alert, "save", save_after_both_looked)

    def raise_(temperature: str) -> Callable[[], Alert]:
        from django.db import transaction
        from django.utils import timezone

        def call() -> Alert:
            with transaction.atomic():
                return actions._raise_or_add(
                    actions.Person.of_case(case_g1),
                    Decimal(temperature),
                    ("发热",),
                    None,
                    timezone.now(),
                    policy_id=case_g1.policy_id,
                    escalation_minutes=case_g1.policy.as_rules().alert_escalation_minutes,
                )

        return call

    results = at_once(raise_("38.0"), raise_("39.1"))

    assert all(isinstance(r, Alert) for r in results), results
    alert = Alert.objects.get()
    assert results[0].pk == results[1].pk == alert.pk
    assert alert.readings == 2
    assert alert.temperature == Decimal("39.1")


def test_two_people_acknowledging_at_once_one_wins_and_the_other_is_told(world, case_g1):
    checkin = actions.record_checkin(case_g1, case_g1.resident, "38.4", [], via=CheckInVia.LINK)
    alert = checkin.alert
    assert alert is not None
    medic, grid = world.user("medic_a1"), world.user("grid_g1")

    results = at_once(
        lambda: actions.acknowledge(alert, by=medic),
        lambda: actions.acknowledge(alert, by=grid),
    )

    won = [r for r in results if isinstance(r, Alert)]
    lost = [r for r in results if isinstance(r, DomainError)]
    assert len(won) == 1 and len(lost) == 1, results
    alert.refresh_from_db()
    assert alert.status == AlertStatus.ACKNOWLEDGED
    assert alert.acknowledged_by == won[0].acknowledged_by
    assert str(alert.acknowledged_by) in lost[0].message
