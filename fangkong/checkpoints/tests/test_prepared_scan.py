"""The API scan's speed path (`prepared_scan`: `gate_and_pass` + `record_scan`, one prepared
read and one prepared INSERT) against its reference, the guard page's ORM path
(`entries.record_resident`): the same facts, the same stored entries and answers for every
stop reason, an allow, a revoked, forged or foreign pass, and the same refusals for a sealed
gate, another community's gate and a missing one. Run on SQLite and on PostgreSQL (where the
statements are prepared). And the fence: prepared statements are used nowhere else."""

from __future__ import annotations

import re
import uuid
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fangkong.api.tests.client import ApiClient
from fangkong.checkpoints import entries, prepared_scan
from fangkong.checkpoints.models import GateEntry, Pass
from fangkong.checkpoints.passes import revoke
from fangkong.checkpoints.payload import pass_number_of, qr_text
from fangkong.checkpoints.prepared_scan import record_scan
from fangkong.checkpoints.views import answer_of
from fangkong.core.errors import DomainError
from fangkong.core.masking import mask_document

from .conftest import make_gate
from .helpers import lock_building, passage, put_in_quarantine

#: what both paths must write alike (the client key and the time aside)
COMPARED = (
    "township_id",
    "community_id",
    "gate_id",
    "grid_id",
    "direction",
    "kind",
    "resident_id",
    "gate_pass_id",
    "name",
    "temperature",
    "health_code",
    "verdict",
    "reasons",
    "guard_id",
)


FANGKONG = Path(__file__).resolve().parents[2]
#: the only module outside `core` (the cursor itself and the API token check) that runs
#: prepared statements: the gate scan's speed path
PREPARED_USERS = {"checkpoints/prepared_scan.py"}


def test_prepared_statements_are_fenced_in_their_modules() -> None:
    using = {
        path.relative_to(FANGKONG).as_posix()
        for path in FANGKONG.rglob("*.py")
        if "/tests/" not in path.as_posix()
        and path.relative_to(FANGKONG).parts[0] != "core"
        and re.search(
            r"^\s*(from [\w.]+ )?import [\w., ]*\bprepared\b|prepared\.cursor\(",
            path.read_text(),
            re.MULTILINE,
        )
    }
    assert using == PREPARED_USERS, sorted(using ^ PREPARED_USERS)


def test_the_reference_path_is_the_orm() -> None:
    """The page path stores through the ORM and reads through querysets: no raw SQL in it."""
    source = (FANGKONG / "checkpoints" / "entries.py").read_text()
    assert "cursor" not in source and "execute(" not in source


def stored(entry: GateEntry) -> dict[str, Any]:
    row = GateEntry.objects.get(pk=entry.pk)
    return {f: getattr(row, f) for f in COMPARED}


def both(world, gate, code: str, **kw: Any) -> entries.Recorded:
    """The same scan through the ORM path and the fast path (two submissions); the fast
    path's result once both are checked alike."""
    guard = world.user("guard_a1")
    slow = entries.record_resident(guard, gate, **passage(code=code, **kw))
    fast = record_scan(guard, gate.pk, **passage(code=code, **kw))
    assert slow.created and fast.created
    assert stored(fast.entry) == stored(slow.entry)
    assert {f: getattr(fast.entry, f) for f in COMPARED} == stored(slow.entry)
    # The answer: the fast path's person is what the page reads from the stored entry.
    assert fast.person == answer_of(GateEntry.objects.get(pk=slow.entry.pk))["person"]
    return fast


def reasons_of(done: entries.Recorded) -> tuple[str, list[str]]:
    return done.entry.verdict, list(done.entry.reasons)


def test_the_lookup_reads_what_the_orm_reads(world, gate, pass_of) -> None:
    card = pass_of(world.resident_g1)
    put_in_quarantine(world, world.resident_g1)
    found, facts = prepared_scan.gate_and_pass(gate.pk, card.number)
    assert found is not None and facts is not None
    assert (found.pk, found.township_id, found.community_id, found.name, found.state) == (
        gate.pk,
        gate.township_id,
        gate.community_id,
        gate.name,
        gate.state,
    )
    resident = world.resident_g1
    assert facts == prepared_scan.PassFacts(
        id=card.pk,
        community_id=card.community_id,
        revoked=False,
        holder=entries.Holder(
            id=resident.pk,
            community_id=resident.community_id,
            grid_id=resident.grid_id,
            household_id=resident.household_id,
            name=resident.name,
            masked_document=mask_document(resident.doc_number),
            in_quarantine=True,
            in_lockdown=False,
        ),
    )
    assert prepared_scan.gate_and_pass(gate.pk, "no-such-number") == (found, None)
    assert prepared_scan.gate_and_pass(gate.pk, None) == (found, None)
    assert prepared_scan.gate_and_pass(999999, card.number) == (None, None)
    assert prepared_scan.gate(gate.pk) == gate and prepared_scan.gate(999999) is None


def test_an_allow(world, gate, pass_of) -> None:
    fast = both(world, gate, qr_text(pass_of(world.resident_g1).number))
    assert reasons_of(fast) == ("allow", [])
    assert fast.person == {
        "name": "张三丰",
        "masked_document": mask_document(world.resident_g1.doc_number),
    }


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
def test_every_stop_reason(world, gate, pass_of, setup, kw, reason) -> None:
    if setup == "quarantine":
        put_in_quarantine(world, world.resident_g1)
    elif setup == "lockdown":
        lock_building(world, world.resident_g1)
    fast = both(world, gate, qr_text(pass_of(world.resident_g1).number), **kw)
    assert reasons_of(fast) == ("stop", [reason])


def test_quarantine_and_lockdown_and_fever_at_once(world, gate, pass_of) -> None:
    put_in_quarantine(world, world.resident_g1)
    lock_building(world, world.resident_g1)
    code = qr_text(pass_of(world.resident_g1).number)
    fast = both(world, gate, code, temperature="38.0", health_code="red")
    assert reasons_of(fast) == ("stop", ["quarantine", "lockdown", "fever", "health_code"])


def test_a_revoked_pass(world, gate, pass_of) -> None:
    card = pass_of(world.resident_g1)
    revoke(world.user("leader_a1"), card, "lost")
    fast = both(world, gate, qr_text(card.number))
    assert reasons_of(fast) == ("stop", ["pass_revoked"])
    assert fast.entry.resident_id == world.resident_g1.pk


@pytest.mark.parametrize(
    "code",
    ["FKP1:420103001001-000001:bad", "hello", " ", "FKP1:" + "x" * 40, qr_text("999999-000001")],
)
def test_forged_codes(world, gate, pass_of, code) -> None:
    pass_of(world.resident_g1)
    fast = both(world, gate, code)
    assert reasons_of(fast) == ("stop", ["pass_forged"])
    assert fast.person == {"name": "", "masked_document": ""}


@pytest.mark.parametrize("shut", [False, True])
def test_a_pass_of_another_community(world, gate, pass_of, closed, shut) -> None:
    if shut:
        closed.add(world.community_a1.pk)
    card = pass_of(world.resident_village)  # community A2
    fast = both(world, gate, qr_text(card.number), direction="in")
    expected = ["pass_other_community", "not_resident"] if shut else ["pass_other_community"]
    assert reasons_of(fast) == ("stop", expected)
    assert fast.entry.grid_id is None


def test_a_pass_of_someone_who_moved_away(world, gate, pass_of) -> None:
    """The pass says A1, its holder now lives elsewhere: not a resident of this gate."""
    card = pass_of(world.resident_g1)
    Pass.objects.filter(pk=card.pk).update(community_id=world.community_a1.pk)
    type(world.resident_g1).objects.filter(pk=world.resident_g1.pk).update(
        community_id=world.community_a2.pk
    )
    fast = both(world, gate, qr_text(card.number))
    assert fast.entry.grid_id is None and fast.entry.resident_id == world.resident_g1.pk


def refusal(call) -> tuple[str, dict[str, list[str]]]:
    with pytest.raises(DomainError) as err:
        call()
    return str(err.value), err.value.errors


def test_gates_refused_alike(world, sealed_gate, pass_of) -> None:
    guard = world.user("guard_a1")
    code = qr_text(pass_of(world.resident_g1).number)
    other = make_gate(world, "村口", community=world.community_a2)
    for gate in (sealed_gate, other):
        assert refusal(lambda g=gate: record_scan(guard, g.pk, **passage(code=code))) == refusal(
            lambda g=gate: entries.record_resident(guard, g, **passage(code=code))
        )
    assert (
        "sealed"
        in refusal(lambda: record_scan(guard, sealed_gate.pk, **passage(code=code)))[1]["gate_id"][
            0
        ]
    )
    assert "gate_id" in refusal(lambda: record_scan(guard, 999999, **passage(code=code)))[1]
    assert not GateEntry.objects.exists()


@pytest.mark.parametrize(
    "kw",
    [
        {"temperature": "45.0"},
        {"temperature": "abc"},
        {"temperature": ""},
        {"direction": "up"},
        {"health_code": "blue"},
        {"code": ""},
    ],
)
def test_bad_input_refused_alike(world, gate, pass_of, kw) -> None:
    guard = world.user("guard_a1")
    kw = {"code": qr_text(pass_of(world.resident_g1).number), **kw}
    assert refusal(lambda: record_scan(guard, gate.pk, **passage(**kw))) == refusal(
        lambda: entries.record_resident(guard, gate, **passage(**kw))
    )
    assert not GateEntry.objects.exists()


def test_roles_without_the_gate_are_refused(world, gate, pass_of) -> None:
    code = qr_text(pass_of(world.resident_g1).number)
    for key in ("police_a1", "volunteer_a1", "grid_g1"):
        with pytest.raises(DomainError):
            record_scan(world.user(key), gate.pk, **passage(code=code))
    assert not GateEntry.objects.exists()


def test_a_repeat_answers_the_first_entry(world, gate, pass_of) -> None:
    guard = world.user("guard_a1")
    code = qr_text(pass_of(world.resident_g1).number)
    key = uuid.uuid4()
    first = record_scan(guard, gate.pk, **passage(code=code, client_key=key))
    put_in_quarantine(world, world.resident_g1)
    again = record_scan(guard, gate.pk, **passage(code=code, client_key=key))
    assert first.created and not again.created and again.person is None
    assert again.entry.pk == first.entry.pk and again.entry.verdict == "allow"
    with pytest.raises(DomainError, match="another guard"):
        record_scan(world.user("leader_a1"), gate.pk, **passage(code=code, client_key=key))
    assert GateEntry.objects.count() == 1


def statements(captured: CaptureQueriesContext) -> list[str]:
    """The statements run, without the savepoints of the test's own transaction."""
    return [q["sql"].split()[0] for q in captured if "SAVEPOINT" not in q["sql"].split()[0:2]]


def test_one_read_and_one_insert(world, gate, pass_of) -> None:
    code = qr_text(pass_of(world.resident_g1).number)
    guard = world.user("guard_a1")
    record_scan(guard, gate.pk, **passage(code=code))  # the rules in force, cached
    with CaptureQueriesContext(connection) as captured:
        done = record_scan(guard, gate.pk, **passage(code=code))
    assert statements(captured) == ["SELECT", "INSERT"]
    assert done.entry.pk == GateEntry.objects.order_by("-id").first().pk  # type: ignore[union-attr]
    assert not done.entry._state.adding


def test_the_api_answers_as_the_page_does(world, gate, pass_of) -> None:
    lock_building(world, world.resident_g1)
    card = pass_of(world.resident_g1)
    client = ApiClient(world.user("guard_a1"))
    client.client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    body = {
        "gate_id": gate.pk,
        "code": qr_text(card.number),
        "direction": "in",
        "temperature": "36.6",
        "health_code": "green",
        "client_key": str(uuid.uuid4()),
    }
    client.post("/gate/scan", {**body, "client_key": str(uuid.uuid4())})  # token now in use
    with CaptureQueriesContext(connection) as captured:
        response = client.post("/gate/scan", body)
    # The token with its user, the gate with the pass and its holder, the entry.
    assert statements(captured) == ["SELECT", "SELECT", "INSERT"]
    assert response.status_code == 201
    page = answer_of(GateEntry.objects.get(pk=response.json()["entry_id"]))
    assert response.json() == page
    assert page["reasons"][0]["code"] == "lockdown"
    assert pass_number_of(body["code"]) == card.number


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs a shared database")
def test_one_scan_arriving_twice_at_once_is_stored_once(world, gate, pass_of) -> None:
    from .test_concurrency import at_once

    code = qr_text(pass_of(world.resident_g1).number)
    key = uuid.uuid4()
    guard = world.user("guard_a1")
    results = at_once(
        *[
            (lambda: record_scan(guard, gate.pk, **passage(code=code, client_key=key)))
            for _ in range(4)
        ]
    )
    assert all(isinstance(r, entries.Recorded) for r in results), results
    assert {r.entry.pk for r in results} == {GateEntry.objects.get().pk}
    assert sum(r.created for r in results) == 1
