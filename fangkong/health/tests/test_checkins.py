"""Recording check-ins (`actions.record_checkin`): slots of the day, refusals that write
nothing, and the one active alert per person that readings raise or join."""

import datetime as dt
from decimal import Decimal

import pytest

from fangkong.core.errors import DomainError
from fangkong.core.models import AuditAction, AuditEntry
from fangkong.health import actions
from fangkong.health.models import Alert, AlertOutcome, AlertStatus, CheckIn, CheckInVia
from fangkong.quarantine import actions as quarantine

from .conftest import TODAY, at, township_policy

pytestmark = pytest.mark.django_db


def record(case, temperature="36.5", symptoms=(), *, by=None, **kw):
    return actions.record_checkin(
        case, case.resident, temperature, list(symptoms), by=by, via=CheckInVia.STAFF, **kw
    )


def test_two_check_ins_a_day_fill_the_morning_then_the_evening(world, case_g1, clock):
    grid = world.user("grid_g1")

    morning = record(case_g1, "36.4", by=grid)
    clock.move_to(at(hour=19))
    evening = record(case_g1, "36.7", by=grid)

    assert (morning.slot, evening.slot) == (1, 2)
    assert morning.date == evening.date == TODAY
    assert (morning.temperature, evening.temperature) == (Decimal("36.4"), Decimal("36.7"))
    assert morning.reported_by == grid and morning.via == CheckInVia.STAFF
    assert morning.township_id == case_g1.township_id and morning.grid_id == case_g1.grid_id
    assert morning.policy_id == case_g1.policy_id
    assert not Alert.objects.exists()


def test_a_second_reading_of_the_same_check_returns_the_stored_one_and_writes_nothing(
    world, case_g1
):
    first, created = actions.check_in(
        case_g1, case_g1.resident, "36.5", [], by=world.user("grid_g1"), via=CheckInVia.STAFF
    )
    audits = AuditEntry.objects.count()

    again, again_created = actions.check_in(
        case_g1, case_g1.resident, "38.5", ["干咳"], via=CheckInVia.LINK
    )

    assert created and not again_created
    assert again.pk == first.pk and again.temperature == Decimal("36.5")
    assert CheckIn.objects.count() == 1 and not Alert.objects.exists()
    assert AuditEntry.objects.count() == audits


def test_the_check_of_a_person_is_one_whatever_case_it_is_entered_for(world, case_g1):
    from fangkong.quarantine.models import Case, CaseStatus

    from .conftest import quarantine_case

    first = record(case_g1, "36.5")
    # released in the morning, and a new case the same day
    Case.objects.filter(pk=case_g1.pk).update(status=CaseStatus.RELEASED)
    other_case = quarantine_case(world, world.resident_g1)

    again, created = actions.check_in(
        other_case, world.resident_g1, "36.9", [], via=CheckInVia.STAFF
    )

    assert not created and again.pk == first.pk
    assert CheckIn.objects.count() == 1


def test_the_person_day_and_check_are_unique_in_the_database(world, case_g1, case_g2):
    from django.db import IntegrityError, transaction

    from .factories import CheckInFactory

    CheckInFactory.create(case=case_g1, slot=1, date=TODAY)
    with pytest.raises(IntegrityError), transaction.atomic():
        CheckInFactory.create(case=case_g2, resident=world.resident_g1, slot=1, date=TODAY)


def test_a_reading_in_the_evening_is_the_evening_check(case_g1, clock):
    clock.move_to(at(hour=12))

    assert record(case_g1).slot == 2
    assert record(case_g1).slot == 2
    assert CheckIn.objects.count() == 1


def test_the_next_day_starts_again_with_the_morning_check(case_g1, clock):
    record(case_g1)
    record(case_g1)
    clock.move_to(at(TODAY + dt.timedelta(days=1)))

    assert record(case_g1).slot == 1


def test_staff_may_choose_the_check_otherwise_the_time_of_day_decides(world, case_g1):
    assert record(case_g1, slot=2).slot == 2
    assert record(case_g1).slot == 1  # 08:00


def test_a_check_already_recorded_today_returns_the_stored_one(case_g1):
    first = record(case_g1, "36.4", slot=1)

    again = record(case_g1, "36.8", slot=1)

    assert again.pk == first.pk and again.temperature == Decimal("36.4")
    assert CheckIn.objects.count() == 1


def test_a_check_beyond_the_policys_checks_cannot_be_chosen(case_g1):
    with pytest.raises(DomainError, match="one of today's 2 checks"):
        record(case_g1, slot=3)


@pytest.mark.parametrize("temperature", ["33.9", "43.1", "98.6", "abc", ""])
def test_an_implausible_temperature_is_refused_and_nothing_is_written(world, case_g1, temperature):
    audits = AuditEntry.objects.count()

    with pytest.raises(DomainError, match="not a plausible body temperature") as exc:
        record(case_g1, temperature, ["干咳"], by=world.user("grid_g1"))

    assert list(exc.value.errors) == ["temperature"]
    assert "between 34.0 and 43.0" in exc.value.message
    assert not CheckIn.objects.exists()
    assert not Alert.objects.exists()
    assert AuditEntry.objects.count() == audits


@pytest.mark.parametrize("temperature", ["34.0", "43.0"])
def test_the_ends_of_the_plausible_range_are_accepted(case_g1, temperature):
    assert record(case_g1, temperature).temperature == Decimal(temperature)


def test_a_check_in_for_someone_else_than_the_cases_person_is_refused(world, case_g1):
    with pytest.raises(DomainError, match="is not the person of this quarantine case"):
        actions.record_checkin(case_g1, world.resident_g1_spouse, "36.5", [], via=CheckInVia.STAFF)
    assert not CheckIn.objects.exists()


def test_a_closed_case_takes_no_check_in(world, case_g1):
    quarantine.refer_to_hospital(
        case_g1, by=world.user("medic_a1"), hospital="市第一医院", reason="发热转诊"
    )

    with pytest.raises(DomainError, match="closed"):
        record(case_g1)
    assert not CheckIn.objects.exists()


def test_too_many_or_too_long_symptoms_are_refused(case_g1):
    with pytest.raises(DomainError, match="at most 20 symptoms"):
        record(case_g1, symptoms=[f"症状{i}" for i in range(21)])
    with pytest.raises(DomainError, match="at most 50 characters"):
        record(case_g1, symptoms=["很" * 51])
    assert not CheckIn.objects.exists()


def test_each_check_in_is_audited_with_who_entered_it(world, case_g1):
    checkin = record(case_g1, "36.8", ["头痛"], by=world.user("grid_g1"))

    entry = AuditEntry.objects.get(target_type="health.checkin", target_id=str(checkin.pk))
    assert entry.action == AuditAction.CREATE
    assert entry.actor == world.user("grid_g1")
    assert entry.changes["temperature"] == "36.8"
    assert entry.changes["symptoms"] == ["头痛"]
    assert entry.township_id == world.township_a.pk


# ---- alerts raised by readings ---------------------------------------------------------------


def test_a_fever_raises_an_alert_that_escalates_after_the_policys_minutes(world, case_g1):
    checkin = record(case_g1, "37.3", by=world.user("grid_g1"))

    alert = Alert.objects.get()
    assert checkin.fever and checkin.alert == alert
    assert alert.status == AlertStatus.OPEN
    assert alert.resident == world.resident_g1 and alert.case == case_g1
    assert alert.temperature == Decimal("37.3") and alert.readings == 1
    assert alert.raised_at == at()
    assert alert.escalate_at == at(minute=30)
    assert alert.grid_id == world.grid_g1.pk and alert.community_id == world.community_a1.pk
    assert AuditEntry.objects.filter(target_type="health.alert", action="create").count() == 1


def test_just_below_the_threshold_without_symptoms_raises_nothing(case_g1):
    checkin = record(case_g1, "37.2")

    assert not checkin.fever and checkin.alert is None
    assert not Alert.objects.exists()


def test_a_listed_symptom_raises_an_alert_without_fever(case_g1):
    checkin = record(case_g1, "36.6", ["腹泻"])

    assert not checkin.fever
    assert checkin.alert.symptoms == ["腹泻"]


def test_two_readings_raise_one_alert_with_the_highest_temperature_and_every_symptom(case_g1):
    first = record(case_g1, "38.4", ["干咳"], slot=1)
    second = record(case_g1, "37.9", ["乏力", "干咳"], slot=2)

    alert = Alert.objects.get()
    assert first.alert == second.alert == alert
    assert alert.readings == 2
    assert alert.temperature == Decimal("38.4")
    assert alert.symptoms == ["干咳", "乏力"]
    assert alert.escalate_at == at(minute=30)  # the first reading's clock keeps running


def test_a_reading_without_fever_does_not_touch_an_active_alert(case_g1):
    record(case_g1, "38.4", slot=1)
    record(case_g1, "36.5", slot=2)

    assert Alert.objects.get().readings == 1


def test_after_an_alert_is_closed_a_new_fever_raises_a_new_one(world, case_g1):
    medic = world.user("medic_a1")
    record(case_g1, "38.0")
    alert = Alert.objects.get()
    actions.acknowledge(alert, by=medic)
    actions.close(alert, by=medic, outcome=AlertOutcome.RULED_OUT, notes="体温计故障，复测正常")

    record(case_g1, "38.1", slot=2)

    assert Alert.objects.count() == 2
    assert Alert.objects.filter(status=AlertStatus.OPEN).get().temperature == Decimal("38.1")


def test_the_rules_of_the_cases_policy_version_decide(world):
    from .conftest import quarantine_case

    strict = township_policy(
        world, fever_threshold="37.0", checks_per_day=3, alert_escalation_minutes=15
    )
    case = quarantine_case(world, world.resident_g1, policy=strict)

    checkin = record(case, "37.1")

    assert checkin.fever
    assert checkin.alert.escalate_at == at(minute=15)
    assert [record(case, slot=n).slot for n in (1, 3)] == [1, 3]  # three checks a day


def test_an_alert_is_scoped_like_the_case(world, case_g1, case_g2):
    record(case_g1, "38.5")
    record(case_g2, "38.5")

    assert Alert.objects.visible_to(world.user("grid_g1")).get().resident == world.resident_g1
    assert Alert.objects.visible_to(world.user("medic_a1")).count() == 2
    assert not Alert.objects.visible_to(world.user("admin_b")).exists()
    assert not Alert.objects.visible_to(world.user("police_a1")).exists()
