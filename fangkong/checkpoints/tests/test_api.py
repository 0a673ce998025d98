"""The gate API: 201 with the verdict, 200 with the same body on a repeated client key, 422
for bad input (nothing written), roles, visitors, vehicles, and the entries list."""

from __future__ import annotations

import uuid

import pytest

from fangkong.api.tests.client import ApiClient
from fangkong.checkpoints.models import GateEntry
from fangkong.checkpoints.payload import qr_text

from .helpers import put_in_quarantine


def api(world, key):
    client = ApiClient(world.user(key))
    client.client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def body(gate, **kw):
    values = {
        "gate_id": gate.pk,
        "direction": "out",
        "temperature": "36.6",
        "health_code": "green",
        "client_key": str(uuid.uuid4()),
    }
    values.update(kw)
    return values


def test_scan_201_then_200_on_a_retry(world, gate, pass_of) -> None:
    put_in_quarantine(world, world.resident_g1)
    guard = api(world, "guard_a1")
    data = body(gate, code=qr_text(pass_of(world.resident_g1).number))
    first = guard.post("/gate/scan", data)
    assert first.status_code == 201, first.json()
    answer = first.json()
    assert answer["verdict"] == "stop"
    assert answer["reasons"] == [
        {"code": "quarantine", "text": "This person is in quarantine and may not pass the gate."}
    ]
    assert answer["person"]["name"] == "张三丰"
    assert answer["person"]["masked_document"].endswith(world.resident_g1.doc_number[-4:])
    assert "*" in answer["person"]["masked_document"]
    again = guard.post("/gate/scan", data)
    assert again.status_code == 200 and again.json() == answer
    assert GateEntry.objects.count() == 1


def test_a_client_key_reused_with_another_payload_is_409_with_a_chinese_message(
    world, gate, pass_of
) -> None:
    guard = api(world, "guard_a1")
    data = body(gate, code=qr_text(pass_of(world.resident_g1).number), direction="in")
    assert guard.post("/gate/scan", data).status_code == 201
    assert guard.post("/gate/scan", data).status_code == 200  # the same payload: its answer
    other = {**data, "code": qr_text(pass_of(world.resident_g2).number)}
    conflict = guard.post("/gate/scan", other)
    assert conflict.status_code == 409, conflict.json()
    assert set(conflict.json()) == {"detail"} and "different entry" in conflict.json()["detail"]
    by_id = guard.post("/gate/scan", {**data, "code": "", "resident_id": world.resident_g2.pk})
    assert by_id.status_code == 409
    guard.client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"
    chinese = guard.post("/gate/scan", {**data, "direction": "out"})
    assert chinese.status_code == 409 and "已" in chinese.json()["detail"]
    assert GateEntry.objects.count() == 1


def test_scan_by_resident_id_allows(world, gate) -> None:
    response = api(world, "guard_a1").post(
        "/gate/scan", body(gate, resident_id=world.resident_g2.pk)
    )
    assert response.status_code == 201
    assert response.json()["verdict"] == "allow" and response.json()["reasons"] == []


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"temperature": "44.5"}, "temperature"),
        ({"temperature": "31"}, "temperature"),
        ({"gate_id": 999999}, "gate_id"),
        ({"health_code": "blue"}, "health_code"),
        ({"direction": "sideways"}, "direction"),
        ({"client_key": "not-a-uuid"}, "client_key"),
        ({"resident_id": -1}, "resident_id"),
    ],
)
def test_bad_input_is_422_and_writes_nothing(world, gate, kw, field) -> None:
    data = body(gate, resident_id=world.resident_g1.pk)
    data.update(kw)
    response = api(world, "guard_a1").post("/gate/scan", data)
    assert response.status_code == 422, response.json()
    assert field in response.json()["errors"]
    assert not GateEntry.objects.exists()


def test_a_sealed_gate_is_422(world, sealed_gate) -> None:
    response = api(world, "guard_a1").post(
        "/gate/scan", body(sealed_gate, resident_id=world.resident_g1.pk)
    )
    assert response.status_code == 422
    assert "sealed" in response.json()["errors"]["gate_id"][0]


def test_a_gate_of_another_community_is_422(world) -> None:
    from .conftest import make_gate

    other = make_gate(world, "村口", community=world.community_a2)
    response = api(world, "guard_a1").post(
        "/gate/scan", body(other, resident_id=world.resident_g1.pk)
    )
    assert response.status_code == 422 and "gate_id" in response.json()["errors"]


@pytest.mark.parametrize("key", ["police_a1", "volunteer_a1", "medic_a1", "grid_g1"])
def test_only_guards_record(world, gate, key) -> None:
    response = api(world, key).post("/gate/scan", body(gate, resident_id=world.resident_g1.pk))
    assert response.status_code == 403
    assert not GateEntry.objects.exists()


def test_visitors_and_vehicles(world, gate, closed) -> None:
    closed.add(world.community_a1.pk)
    guard = api(world, "guard_a1")
    visit = {
        "name": "访客",
        "phone": "13912345678",
        "doc_number": world.resident_b.doc_number,
        "host_id": world.resident_g2.pk,
        "purpose": "串门",
        "essential": False,
        "direction": "in",
    }
    refused = guard.post("/gate/visitors", body(gate, **visit))
    assert refused.status_code == 201
    assert [r["code"] for r in refused.json()["reasons"]] == ["non_essential"]
    bad = guard.post("/gate/visitors", body(gate, **{**visit, "doc_number": "123"}))
    assert bad.status_code == 422 and "doc_number" in bad.json()["errors"]

    car = {"plate": "鄂a12345", "driver_id": world.resident_g1.pk, "direction": "in"}
    car_body = body(gate, **car)
    del car_body["temperature"], car_body["health_code"]
    allowed = guard.post("/gate/vehicles", car_body)
    assert allowed.status_code == 201 and allowed.json()["verdict"] == "allow"
    bad_plate = guard.post("/gate/vehicles", body(gate, **{**car, "plate": "XYZ"}))
    assert bad_plate.status_code == 422 and "plate" in bad_plate.json()["errors"]
    assert GateEntry.objects.count() == 2


def test_entries_list(world, gate, pass_of) -> None:
    guard = api(world, "guard_a1")
    guard.post("/gate/scan", body(gate, code=qr_text(pass_of(world.resident_g1).number)))
    guard.post("/gate/scan", body(gate, code="forged"))
    police = api(world, "police_a1").get("/gate/entries", gate_id=gate.pk)
    assert police.status_code == 200
    rows = police.json()
    assert [r["verdict"] for r in rows] == ["stop", "allow"]
    assert world.resident_g1.doc_number not in str(rows)
    assert len(guard.get("/gate/entries").json()) == 2  # a guard: their own entries
    assert api(world, "leader_a2").get("/gate/entries").json() == []
    assert api(world, "volunteer_a1").get("/gate/entries").status_code == 403
    assert api(world, "guard_a1").get("/gate/entries", day="2026-01-19").json() == []
