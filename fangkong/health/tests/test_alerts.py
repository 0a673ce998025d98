"""The steps of an alert: acknowledge, medical institution contacted, collected at home,
closed with the outcome. Each locked, each audited with who and when; a second person
acting on the same step is told who was first, and nothing changes."""

import pytest

from fangkong.core.errors import DomainError
from fangkong.core.models import AuditAction, AuditEntry
from fangkong.health import actions
from fangkong.health.models import Alert, AlertOutcome, AlertStatus, CheckInVia

from .conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def alert(case_g1) -> Alert:
    checkin = actions.record_checkin(
        case_g1, case_g1.resident, "38.6", ["干咳"], via=CheckInVia.LINK
    )
    assert checkin.alert is not None
    return checkin.alert


def steps(alert):
    return list(
        AuditEntry.objects.filter(
            target_type="health.alert", target_id=str(alert.pk), action=AuditAction.TRANSITION
        )
        .order_by("id")
        .values_list("changes__step", "actor__username")
    )


def test_the_whole_way_from_acknowledged_to_closed_is_recorded_with_who_and_when(
    world, alert, clock
):
    medic, grid = world.user("medic_a1"), world.user("grid_g1")

    clock.move_to(at(minute=5))
    actions.acknowledge(alert, by=medic)
    clock.move_to(at(minute=10))
    actions.record_contact(alert, by=grid, institution="  江汉区疾控中心 ")
    clock.move_to(at(minute=50))
    actions.record_collected(alert, by=grid)
    clock.move_to(at(hour=12))
    actions.close(alert, by=medic, outcome=AlertOutcome.HOSPITALISED, notes="收治入院")

    alert.refresh_from_db()
    assert alert.status == AlertStatus.CLOSED
    assert (alert.acknowledged_by, alert.acknowledged_at) == (medic, at(minute=5))
    assert (alert.contacted_by, alert.contacted_at) == (grid, at(minute=10))
    assert alert.institution == "江汉区疾控中心"
    assert alert.collected_at == at(minute=50)
    assert (alert.closed_by, alert.closed_at) == (medic, at(hour=12))
    assert (alert.outcome, alert.outcome_notes) == (AlertOutcome.HOSPITALISED, "收治入院")
    assert steps(alert) == [
        ("acknowledge", "medic_a1"),
        ("contact", "grid_g1"),
        ("collected", "grid_g1"),
        ("close", "medic_a1"),
    ]


def test_a_second_acknowledgement_is_told_who_was_first_and_changes_nothing(world, alert, clock):
    clock.move_to(at(minute=7))
    actions.acknowledge(alert, by=world.user("medic_a1"))
    clock.move_to(at(minute=9))

    with pytest.raises(DomainError, match="already acknowledged by medic_a1 at 08:07"):
        actions.acknowledge(alert, by=world.user("grid_g1"))

    alert.refresh_from_db()
    assert alert.acknowledged_by == world.user("medic_a1")
    assert alert.acknowledged_at == at(minute=7)
    assert steps(alert) == [("acknowledge", "medic_a1")]


def test_recording_the_contact_acknowledges_an_alert_nobody_had_acknowledged(world, alert):
    actions.record_contact(alert, by=world.user("grid_g1"), institution="社区卫生服务中心")

    alert.refresh_from_db()
    assert alert.status == AlertStatus.CONTACTED
    assert alert.acknowledged_by == world.user("grid_g1")


@pytest.mark.parametrize("institution", ["", "   ", "院" * 101])
def test_the_contact_needs_the_name_of_the_institution(world, alert, institution):
    with pytest.raises(DomainError) as exc:
        actions.record_contact(alert, by=world.user("grid_g1"), institution=institution)

    assert list(exc.value.errors) == ["institution"]
    alert.refresh_from_db()
    assert alert.status == AlertStatus.OPEN


def test_a_second_contact_is_told_who_contacted_which_institution(world, alert, clock):
    actions.record_contact(alert, by=world.user("grid_g1"), institution="社区卫生服务中心")

    with pytest.raises(DomainError, match="社区卫生服务中心 was already contacted by grid_g1"):
        actions.record_contact(alert, by=world.user("medic_a1"), institution="市人民医院")


def test_collection_comes_after_the_contact(world, alert):
    with pytest.raises(DomainError, match="First record which medical institution"):
        actions.record_collected(alert, by=world.user("grid_g1"))

    actions.record_contact(alert, by=world.user("grid_g1"), institution="社区卫生服务中心")
    with pytest.raises(DomainError, match="before the institution was contacted"):
        actions.record_collected(alert, by=world.user("grid_g1"), at=at(hour=7))
    with pytest.raises(DomainError, match="in the future"):
        actions.record_collected(alert, by=world.user("grid_g1"), at=at(hour=9))
    actions.record_collected(alert, by=world.user("grid_g1"))
    with pytest.raises(DomainError, match="already recorded"):
        actions.record_collected(alert, by=world.user("grid_g1"))


def test_an_alert_nobody_acknowledged_cannot_be_closed(world, alert):
    with pytest.raises(DomainError, match="Acknowledge the alert before closing it"):
        actions.close(alert, by=world.user("medic_a1"), outcome=AlertOutcome.RULED_OUT, notes="x")


def test_closing_without_collection_needs_notes_saying_what_happened(world, alert):
    medic = world.user("medic_a1")
    actions.acknowledge(alert, by=medic)

    with pytest.raises(DomainError, match="not collected") as exc:
        actions.close(alert, by=medic, outcome=AlertOutcome.RULED_OUT, notes=" ")
    assert list(exc.value.errors) == ["notes"]

    actions.close(alert, by=medic, outcome=AlertOutcome.RULED_OUT, notes="上门复测36.6℃")
    alert.refresh_from_db()
    assert alert.status == AlertStatus.CLOSED


def test_an_unknown_outcome_is_refused(world, alert):
    actions.acknowledge(alert, by=world.user("medic_a1"))

    with pytest.raises(DomainError, match="Choose the outcome"):
        actions.close(alert, by=world.user("medic_a1"), outcome="cured", notes="x")


def test_a_closed_alert_takes_no_further_step(world, alert):
    medic = world.user("medic_a1")
    actions.acknowledge(alert, by=medic)
    actions.close(alert, by=medic, outcome=AlertOutcome.OTHER, notes="家属误报")

    for step in (
        lambda: actions.acknowledge(alert, by=medic),
        lambda: actions.record_contact(alert, by=medic, institution="医院"),
        lambda: actions.record_collected(alert, by=medic),
        lambda: actions.close(alert, by=medic, outcome=AlertOutcome.OTHER, notes="再次"),
    ):
        with pytest.raises(DomainError, match="was closed by medic_a1"):
            step()


def test_an_open_alert_is_escalated_from_its_escalation_time_until_acknowledged(world, alert):
    assert not alert.is_escalated(at(minute=29))
    assert alert.is_escalated(at(minute=30))
    assert list(Alert.objects.escalated(at(minute=30))) == [alert]

    actions.acknowledge(alert, by=world.user("medic_a1"), now=at(minute=45))
    alert.refresh_from_db()
    assert not alert.is_escalated(at(hour=10))
    assert not Alert.objects.escalated(at(hour=10)).exists()
