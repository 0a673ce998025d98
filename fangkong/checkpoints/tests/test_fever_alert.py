"""A fever stop at the gate raises a symptom alert (plan 三(五)4; issue 12 item 3): the guard
is told to keep the person apart at the gate, never to send them to hospital, and the
community team has the alert — from the guard's page, the API (its speed path too), for a
resident, a visitor and a stranger's code."""

from __future__ import annotations

import pytest

from fangkong.checkpoints import entries
from fangkong.checkpoints.payload import qr_text
from fangkong.checkpoints.reasons import describe
from fangkong.health.models import Alert, AlertStatus
from fangkong.health.worklists import worklists_for

from .helpers import passage, put_in_quarantine
from .test_api import api, body
from .test_views import at_gate, form_data

pytestmark = pytest.mark.django_db


def test_the_guard_is_told_to_keep_a_fever_apart_not_to_send_it_to_hospital() -> None:
    text = describe("fever")
    assert "fever clinic" not in text
    assert "Keep the person apart at the gate" in text
    assert "has been alerted" in text and "do not send to hospital" in text


def test_a_residents_fever_stop_raises_their_alert(world, gate, pass_of) -> None:
    card = pass_of(world.resident_g1)
    done = entries.record_resident(
        world.user("guard_a1"), gate, **passage(code=qr_text(card.number), temperature="38.3")
    )
    assert done.entry.reasons == ["fever"]
    alert = Alert.objects.get()
    assert (alert.resident, alert.source, alert.status) == (world.resident_g1, "gate", "open")
    assert (alert.grid, alert.case, str(alert.temperature)) == (world.grid_g1, None, "38.3")
    assert alert.reported_by == world.user("guard_a1")
    assert gate.name in alert.report_notes
    # on the grid worker's worklist at once
    lists = {w.key: w for w in worklists_for(world.user("grid_g1"))}
    assert [r.label for r in lists["alerts"].rows] == [world.resident_g1.name]


def test_a_fever_stop_of_someone_in_quarantine_is_added_to_their_case(world, gate) -> None:
    case = put_in_quarantine(world, world.resident_g1)
    entries.record_resident(
        world.user("guard_a1"),
        gate,
        **passage(resident_id=world.resident_g1.pk, temperature="38.0"),
    )
    assert Alert.objects.get().case == case


def test_a_repeated_submission_raises_one_alert_and_no_fever_none(world, gate) -> None:
    data = passage(resident_id=world.resident_g1.pk, temperature="38.0")
    guard = world.user("guard_a1")
    entries.record_resident(guard, gate, **data)
    entries.record_resident(guard, gate, **data)
    entries.record_resident(guard, gate, **passage(resident_id=world.resident_g2.pk))
    entries.record_resident(
        guard, gate, **passage(resident_id=world.resident_g2.pk, health_code="red")
    )
    assert Alert.objects.count() == 1
    assert Alert.objects.get().readings == 1


def test_a_visitors_fever_stop_names_them_at_the_gate_in_the_hosts_grid(world, gate) -> None:
    entries.record_visitor(
        world.user("guard_a1"),
        gate,
        **passage(temperature="38.6", direction="in"),
        name="访客甲",
        phone="13912345678",
        doc_number=world.resident_b.doc_number,
        host_id=world.resident_g2.pk,
        purpose="送药",
        essential=True,
    )
    alert = Alert.objects.get()
    assert (alert.resident, alert.person_name, alert.person_phone) == (
        None,
        "访客甲",
        "13912345678",
    )
    assert alert.grid == world.grid_g2 and gate.name in alert.place


def test_a_strangers_code_with_fever_goes_to_the_community(world, gate) -> None:
    entries.record_resident(
        world.user("guard_a1"), gate, **passage(code="hello", temperature="39.0")
    )
    alert = Alert.objects.get()
    assert alert.resident is None and alert.grid is None
    assert alert.community == world.community_a1 and gate.name in alert.person_name
    medic = set(Alert.objects.visible_to(world.user("medic_a1")))
    assert medic == {alert}
    assert not Alert.objects.visible_to(world.user("grid_g1")).exists()


def test_the_gate_page_tells_the_guard_and_the_alert_is_raised(client, world, gate) -> None:
    at_gate(client, world, gate)
    page = client.get("/gate/", {"pick": world.resident_g2.pk}).content.decode()
    answer = client.post(
        "/gate/scan/", form_data(page, resident_id=world.resident_g2.pk, temperature="38.1")
    ).content.decode()
    assert 'class="answer stop"' in answer and "Keep the person apart at the gate" in answer
    assert Alert.objects.get().resident == world.resident_g2


def test_the_api_scan_raises_the_alert_too(world, gate, pass_of) -> None:
    card = pass_of(world.resident_g1)
    response = api(world, "guard_a1").post(
        "/gate/scan", body(gate, code=qr_text(card.number), temperature="38.4")
    )
    assert response.status_code == 201
    reasons = response.json()["reasons"]
    assert reasons[0]["code"] == "fever" and "has been alerted" in reasons[0]["text"]
    alert = Alert.objects.get()
    assert (alert.resident, alert.status) == (world.resident_g1, AlertStatus.OPEN)


def test_the_alert_page_says_the_person_waits_at_the_gate_not_at_home(
    client, world, gate, pass_of
) -> None:
    """A gate's fever alert tells the team where the person waits: apart at the gate."""
    card = pass_of(world.resident_g1)
    entries.record_resident(
        world.user("guard_a1"), gate, **passage(code=qr_text(card.number), temperature="38.3")
    )
    client.force_login(world.user("grid_g1"))
    page = client.get(f"/health/alerts/{Alert.objects.get().pk}/").content.decode()
    assert "The person waits apart at the gate" in page
    assert "The person stays at home" not in page
