"""The migration that makes check-ins one per person, day and check keeps the first of any
duplicates already stored (through two cases of one person) and removes the later ones."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from fangkong.health.models import CheckIn

from .conftest import TODAY, quarantine_case

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("health", "0003_checkins_alerts_links")]
AFTER = [("health", "0004_checkin_one_per_person_slot")]


def test_duplicates_of_a_person_day_and_check_keep_the_first(world):
    from fangkong.quarantine.models import Case, CaseStatus

    first_case = quarantine_case(world, world.resident_g1)
    Case.objects.filter(pk=first_case.pk).update(status=CaseStatus.RELEASED)
    second_case = quarantine_case(world, world.resident_g1)

    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    OldCheckIn = old.get_model("health", "CheckIn")

    def reading(case, slot, temperature, day=TODAY):
        return OldCheckIn.objects.create(
            township_id=case.township_id,
            community_id=case.community_id,
            grid_id=case.grid_id,
            case_id=case.pk,
            resident_id=case.resident_id,
            date=day,
            slot=slot,
            temperature=Decimal(temperature),
            via="staff",
            policy_id=case.policy_id,
        )

    kept = reading(first_case, 1, "36.5")
    reading(second_case, 1, "38.0")  # the same person, day and check: removed
    other_slot = reading(second_case, 2, "36.6")
    other_day = reading(second_case, 1, "36.7", TODAY - dt.timedelta(days=1))

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)

    assert sorted(CheckIn.objects.values_list("pk", flat=True)) == sorted(
        [kept.pk, other_slot.pk, other_day.pk]
    )
