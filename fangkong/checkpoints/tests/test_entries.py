"""The gate log's writes: every stop reason and an allow as the guard records them, passes
that are revoked, forged or of another community, visitors and vehicles, a repeated
submission stored once, bad input that writes nothing, and handling a stop."""

from __future__ import annotations

import uuid

import pytest

from fangkong.checkpoints import entries
from fangkong.checkpoints.models import GateEntry
from fangkong.checkpoints.passes import revoke
from fangkong.checkpoints.payload import qr_text
from fangkong.core.errors import DomainError
from fangkong.core.models import AuditEntry

from .conftest import make_gate
from .helpers import lock_building, passage, put_in_quarantine


def scan(world, gate, card=None, **kw):
    if card is not None:
        kw.setdefault("code", qr_text(card.number))
    return entries.record_resident(world.user("guard_a1"), gate, **passage(**kw))


def test_a_healthy_resident_with_a_pass_is_allowed(world, gate, pass_of) -> None:
    card = pass_of(world.resident_g1)
    done = scan(world, gate, card)
    entry = done.entry
    assert done.created
    assert (entry.verdict, entry.reasons) == ("allow", [])
    assert entry.resident_id == world.resident_g1.pk and entry.gate_pass_id == card.pk
    assert entry.name == "张三丰" and entry.grid_id == world.grid_g1.pk
    assert entry.guard == world.user("guard_a1")


@pytest.mark.parametrize(
    ("setup", "kw", "reason"),
    [
        ("quarantine", {}, "quarantine"),
        ("lockdown", {}, "lockdown"),
        (None, {"temperature": "37.8"}, "fever"),
        (None, {"health_code": "yellow"}, "health_code"),
        (None, {"health_code": "red"}, "health_code"),
    ],
)
def test_each_stop_reason_of_a_resident(world, gate, pass_of, setup, kw, reason) -> None:
    if setup == "quarantine":
        put_in_quarantine(world, world.resident_g1)
    elif setup == "lockdown":
        lock_building(world, world.resident_g1)
    entry = scan(world, gate, pass_of(world.resident_g1), **kw).entry
    assert entry.verdict == "stop"
    assert entry.reasons == [reason]
    assert entry.grid_id == world.grid_g1.pk
    assert GateEntry.objects.unhandled().count() == 1


def test_found_by_search_instead_of_a_pass(world, gate) -> None:
    put_in_quarantine(world, world.resident_g2)
    entry = scan(world, gate, resident_id=world.resident_g2.pk).entry
    assert (entry.verdict, entry.reasons, entry.gate_pass_id) == ("stop", ["quarantine"], None)
    assert entry.grid_id == world.grid_g2.pk


def test_revoked_pass(world, gate, pass_of) -> None:
    card = pass_of(world.resident_g1)
    revoke(world.user("leader_a1"), card, "lost")
    entry = scan(world, gate, card).entry
    assert (entry.verdict, entry.reasons) == ("stop", ["pass_revoked"])
    assert entry.resident_id == world.resident_g1.pk


@pytest.mark.parametrize(
    "code",
    ["FKP1:420103001001-000001:bad", "hello", "FKP1:" + "x" * 40, qr_text("999999-000001")],
)
def test_forged_codes_are_stopped_and_recorded(world, gate, pass_of, code) -> None:
    pass_of(world.resident_g1)
    entry = scan(world, gate, code=code).entry
    assert (entry.verdict, entry.reasons) == ("stop", ["pass_forged"])
    assert entry.resident_id is None and entry.grid_id is None


def test_pass_of_another_community(world, gate, pass_of, closed) -> None:
    card = pass_of(world.resident_village)  # community A2
    entry = scan(world, gate, card).entry
    assert (entry.verdict, entry.reasons) == ("stop", ["pass_other_community"])
    assert entry.grid_id is None  # the village's worker does not see our gate
    closed.add(world.community_a1.pk)
    entry = scan(world, gate, card, direction="in").entry
    assert entry.reasons == ["pass_other_community", "not_resident"]


def test_a_resident_outside_the_community_cannot_be_chosen(world, gate) -> None:
    with pytest.raises(DomainError) as err:
        scan(world, gate, resident_id=world.resident_b.pk)
    assert "resident_id" in err.value.errors
    assert not GateEntry.objects.exists()


def test_a_repeated_submission_is_stored_once_and_answers_the_same(world, gate, pass_of) -> None:
    card = pass_of(world.resident_g1)
    key = uuid.uuid4()
    first = scan(world, gate, card, client_key=key)
    put_in_quarantine(world, world.resident_g1)  # the answer must not change on a retry
    again = scan(world, gate, card, client_key=key)
    assert first.created and not again.created
    assert again.entry.pk == first.entry.pk and again.entry.verdict == "allow"
    assert GateEntry.objects.count() == 1


@pytest.mark.parametrize(
    "change",
    [
        {"direction": "out"},
        {"temperature": "37.9"},
        {"health_code": "yellow"},
        {"other_person": True},
    ],
)
def test_a_key_reused_with_a_different_submission_is_refused(world, gate, pass_of, change) -> None:
    card = pass_of(world.resident_g1)
    key = uuid.uuid4()
    first = scan(world, gate, card, client_key=key, direction="in")
    if change.pop("other_person", False):
        change["code"] = qr_text(pass_of(world.resident_g2).number)
    with pytest.raises(entries.KeyReused, match="already used for a different entry"):
        scan(world, gate, card, client_key=key, **{"direction": "in", **change})
    assert list(GateEntry.objects.values_list("pk", flat=True)) == [first.entry.pk]


def test_a_key_reused_for_another_visitor_is_refused(world, gate) -> None:
    key = uuid.uuid4()
    visit = {
        "name": "访客",
        "phone": "13912345678",
        "doc_number": world.resident_b.doc_number,
        "host_id": world.resident_g2.pk,
        "purpose": "送药",
        "essential": True,
    }
    guard = world.user("guard_a1")
    first = entries.record_visitor(guard, gate, **passage(client_key=key), **visit)
    same = entries.record_visitor(guard, gate, **passage(client_key=key), **visit)
    assert not same.created and same.entry.pk == first.entry.pk
    with pytest.raises(entries.KeyReused):
        entries.record_visitor(guard, gate, **passage(client_key=key), **{**visit, "name": "别人"})
    assert GateEntry.objects.count() == 1


def test_someone_elses_key_is_refused(world, gate, pass_of) -> None:
    card = pass_of(world.resident_g1)
    key = uuid.uuid4()
    scan(world, gate, card, client_key=key)
    with pytest.raises(DomainError):
        entries.record_resident(
            world.user("leader_a1"), gate, **passage(client_key=key, code=qr_text(card.number))
        )


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"temperature": "45.0"}, "temperature"),
        ({"temperature": "30"}, "temperature"),
        ({"temperature": "abc"}, "temperature"),
        ({"temperature": ""}, "temperature"),
        ({"direction": "up"}, "direction"),
        ({"health_code": "blue"}, "health_code"),
        ({"code": ""}, "code"),
    ],
)
def test_bad_input_writes_nothing(world, gate, pass_of, kw, field) -> None:
    card = pass_of(world.resident_g1)
    kw.setdefault("code", qr_text(card.number))
    with pytest.raises(DomainError) as err:
        scan(world, gate, **kw)
    assert field in err.value.errors
    assert not GateEntry.objects.exists()


def test_sealed_gate_and_other_community_gate_are_refused(world, sealed_gate, pass_of) -> None:
    card = pass_of(world.resident_g1)
    with pytest.raises(DomainError, match="sealed"):
        scan(world, sealed_gate, card)
    other = make_gate(world, "村口", community=world.community_a2)
    with pytest.raises(DomainError, match="no gate"):
        scan(world, other, card)
    assert not GateEntry.objects.exists()


def test_roles_without_the_gate_cannot_record(world, gate, pass_of) -> None:
    card = pass_of(world.resident_g1)
    for key in ("police_a1", "volunteer_a1", "medic_a1", "grid_g1", "office_a1"):
        with pytest.raises(DomainError):
            entries.record_resident(world.user(key), gate, **passage(code=qr_text(card.number)))
    assert not GateEntry.objects.exists()


# ---- visitors and vehicles ----------------------------------------------------------------------


def visit(world, gate, **kw):
    values = {
        "name": "访客甲",
        "phone": "13912345678",
        "doc_number": world.resident_b.doc_number,
        "host_id": world.resident_g2.pk,
        "purpose": "送药",
        "essential": True,
        "direction": "in",
    }
    values.update(kw)
    return entries.record_visitor(world.user("guard_a1"), gate, **passage(**values))


def test_visitors_under_closed_management(world, gate, closed) -> None:
    assert visit(world, gate, essential=False).entry.verdict == "allow"
    closed.add(world.community_a1.pk)
    essential = visit(world, gate).entry
    refused = visit(world, gate, essential=False, purpose="串门").entry
    assert essential.verdict == "allow"
    assert (refused.verdict, refused.reasons) == ("stop", ["non_essential"])
    # Recorded, on the host's grid worker's list.
    assert refused.kind == "visitor" and refused.host_id == world.resident_g2.pk
    assert refused.grid_id == world.grid_g2.pk
    assert refused.doc_number == world.resident_b.doc_number and refused.phone == "13912345678"


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"doc_number": "110101199003070000"}, "doc_number"),
        ({"phone": "12345"}, "phone"),
        ({"name": " "}, "name"),
        ({"host_id": None}, "host_id"),
        ({"purpose": ""}, "purpose"),
    ],
)
def test_bad_visitor_input_writes_nothing(world, gate, kw, field) -> None:
    with pytest.raises(DomainError) as err:
        visit(world, gate, **kw)
    assert field in err.value.errors
    assert not GateEntry.objects.exists()


def test_a_visitor_with_a_fever_is_stopped(world, gate) -> None:
    entry = visit(world, gate, temperature="38.1").entry
    assert entry.reasons == ["fever"]


def drive(world, gate, **kw):
    values = {"plate": "鄂a·12345", "direction": "in", "health_code": ""}
    values.update(kw)
    return entries.record_vehicle(world.user("guard_a1"), gate, **passage(**values))


def test_vehicles(world, gate, closed) -> None:
    own = drive(world, gate, driver_id=world.resident_g1.pk, temperature="").entry
    assert (own.plate, own.verdict, own.name, own.kind) == (
        "鄂A12345",
        "allow",
        "张三丰",
        "vehicle",
    )
    closed.add(world.community_a1.pk)
    stranger = drive(world, gate, plate="鄂AD12345", name="司机", phone="13912345678").entry
    assert (stranger.verdict, stranger.reasons) == ("stop", ["not_resident"])
    put_in_quarantine(world, world.resident_g1)
    quarantined = drive(world, gate, driver_id=world.resident_g1.pk, direction="out").entry
    assert quarantined.reasons == ["quarantine"]


@pytest.mark.parametrize("plate", ["ABC123", "鄂A1234", "鄂I12345", "京A123456", ""])
def test_bad_plates(world, gate, plate) -> None:
    with pytest.raises(DomainError) as err:
        drive(world, gate, plate=plate, driver_id=world.resident_g1.pk)
    assert "plate" in err.value.errors
    assert not GateEntry.objects.exists()


# ---- handling a stop ----------------------------------------------------------------------------


def test_handling_a_stop(world, gate, pass_of) -> None:
    put_in_quarantine(world, world.resident_g1)
    entry = scan(world, gate, pass_of(world.resident_g1)).entry
    with pytest.raises(DomainError):
        entries.handle_stop(world.user("guard_a1"), entry, "x")
    with pytest.raises(DomainError, match="Say what"):
        entries.handle_stop(world.user("grid_g1"), entry, " ")
    entries.handle_stop(world.user("grid_g1"), entry, "送回家中")
    entry.refresh_from_db()
    assert entry.handled_by == world.user("grid_g1") and entry.handled_note == "送回家中"
    assert AuditEntry.objects.filter(target_type="checkpoints.gateentry").count() == 1
    with pytest.raises(DomainError, match="already"):
        entries.handle_stop(world.user("grid_g1"), entry, "again")
    assert not GateEntry.objects.unhandled().exists()
