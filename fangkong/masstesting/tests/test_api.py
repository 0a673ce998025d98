"""The masstesting endpoints under /api/v1/: roles, jurisdiction, 201 / 422."""

from __future__ import annotations

import pytest

from fangkong.api.tests.client import ApiClient
from fangkong.checkpoints.models import Pass
from fangkong.checkpoints.payload import qr_text
from fangkong.core.jobs import JobStatus
from fangkong.masstesting import actions
from fangkong.masstesting.models import Round, RoundMember

from .helpers import community_round, csv_upload

pytestmark = pytest.mark.django_db


def api(world, key):
    client = ApiClient(world.user(key))
    client.headers["Accept-Language"] = "en"
    return client


@pytest.mark.parametrize(
    ("key", "count"),
    [
        ("leader_a1", 1),
        ("grid_g1", 1),
        ("medic_a1", 1),
        ("admin_a", 1),
        ("leader_a2", 0),
        ("admin_b", 0),
    ],
)
def test_list_is_the_jurisdictions(world, key, count) -> None:
    community_round(world)
    response = api(world, key).get("/rounds")
    assert response.status_code == 200 and response.json()["count"] == count


@pytest.mark.parametrize("key", ["volunteer_a1", "guard_a1", "police_a1"])
def test_denied_roles(world, key) -> None:
    rnd = community_round(world)
    client = api(world, key)
    assert client.get("/rounds").status_code == 403
    assert client.get(f"/rounds/{rnd.pk}/coverage").status_code == 403
    assert (
        client.post(f"/rounds/{rnd.pk}/samples", {"tube": "P1", "resident_id": 1}).status_code
        == 403
    )


def test_create_round(world) -> None:
    response = api(world, "leader_a1").post(
        "/rounds", {"scope": "grid", "scope_id": world.grid_g1.pk, "name": "网格核酸"}
    )
    assert response.status_code == 201, response.content
    assert response.json()["expected"] == 2
    refused = api(world, "leader_a1").post(
        "/rounds", {"scope": "community", "scope_id": world.community_a2.pk, "name": "越权"}
    )
    assert refused.status_code == 422
    assert (
        api(world, "grid_g1")
        .post("/rounds", {"scope": "grid", "scope_id": world.grid_g1.pk, "name": "x"})
        .status_code
        == 403
    )
    assert Round.objects.count() == 1


def test_coverage(world) -> None:
    rnd = community_round(world)
    actions.sample(None, rnd, tube_code="P1", pooled=True, resident=world.resident_g1)
    body = api(world, "medic_a1").get(f"/rounds/{rnd.pk}/coverage").json()
    assert (body["expected"], body["sampled"], body["missing"]) == (3, 1, 2)
    b1 = next(b for b in body["buildings"] if b["building_id"] == world.building_g1.pk)
    assert (b1["expected"], b1["sampled"], b1["percent"]) == (2, 1, 50)
    assert api(world, "leader_a2").get(f"/rounds/{rnd.pk}/coverage").status_code == 404


def test_samples(world) -> None:
    rnd = community_round(world)
    card = Pass.objects.create(
        township=world.township_a,
        community=world.community_a1,
        grid=world.grid_g1,
        resident=world.resident_g1,
        number="A1-000009",
    )
    client = api(world, "medic_a1")
    response = client.post(
        f"/rounds/{rnd.pk}/samples", {"tube": "p1", "code": qr_text(card.number)}
    )
    assert response.status_code == 201, response.content
    assert response.json()["in_tube"] == 1 and response.json()["tube"] == "P1"
    again = client.post(
        f"/rounds/{rnd.pk}/samples", {"tube": "P1", "resident_id": world.resident_g1.pk}
    )
    assert again.status_code == 422
    assert "already sampled" in str(again.json())
    forged = client.post(f"/rounds/{rnd.pk}/samples", {"tube": "P1", "code": "FKP1:x:y"})
    assert forged.status_code == 422 and "not a pass of this site" in str(forged.json())
    assert RoundMember.objects.filter(round=rnd, tube__isnull=False).count() == 1


def test_results_upload_returns_the_job(world, settings, tmp_path) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    rnd = community_round(world)
    actions.sample(None, rnd, tube_code="P1", pooled=True, resident=world.resident_g1)
    client = api(world, "medic_a1")
    upload = csv_upload([["试管编号", "检测结果"], ["P1", "阴性"]])
    response = client.client.post(
        f"/api/v1/rounds/{rnd.pk}/results", {"file": upload}, headers=client.headers
    )
    assert response.status_code == 201, response.content
    job = response.json()
    assert job["status"] == JobStatus.CHECKED and job["matched_rows"] == 1
    confirmed = client.post(f"/rounds/imports/{job['id']}/confirm")
    assert confirmed.json()["status"] == JobStatus.DONE
    assert RoundMember.objects.get(round=rnd, resident=world.resident_g1).result == "negative"
    grid = api(world, "grid_g1")
    denied = grid.client.post(
        f"/api/v1/rounds/{rnd.pk}/results",
        {"file": csv_upload([["试管编号", "检测结果"], ["P1", "阴性"]])},
        headers=grid.headers,
    )
    assert denied.status_code == 403
