"""Inputs that used to end in an HTTP 500 (issue 10, item 5): each is now a 4xx with a Chinese
message in the API's JSON error body, and whatever still goes wrong is a JSON 500, never an
HTML page or a traceback, with DEBUG on or off."""

from __future__ import annotations

import json
import uuid

import pytest
from django.utils import translation

from fangkong.api.tests.client import PREFIX, ApiClient
from fangkong.checkpoints.models import Gate, GateEntry, GateState
from fangkong.health.models import CheckIn

HUGE = 2**63  # one past PostgreSQL's bigint and SQLite's INTEGER

PAGED_LISTS = [
    "/residents",
    "/households",
    "/checkins",
    "/alerts",
    "/policy-versions",
    "/risk-areas",
    "/returnees",
    "/refusals",
    "/cases",
    "/gate/entries",
    "/rounds",
]


@pytest.fixture(autouse=True)
def in_chinese():
    with translation.override("zh-hans"):
        yield


def api(world, key: str) -> ApiClient:
    client = ApiClient(world.user(key))
    client.client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"
    return client


def has_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def assert_json_error(response, status: int) -> dict:
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert has_chinese(body["detail"]), body
    assert "Traceback" not in response.content.decode()
    return body


@pytest.fixture
def gate(world) -> Gate:
    c = world.community_a1
    return Gate.objects.create(township=c.township, community=c, name="南门", state=GateState.OPEN)


def scan(gate, **kw):
    values = {
        "gate_id": gate.pk,
        "direction": "out",
        "resident_id": None,
        "temperature": "36.6",
        "health_code": "green",
        "client_key": str(uuid.uuid4()),
    }
    return {**values, **kw}


@pytest.mark.parametrize("temperature", ["1e309", "-1e309", "NaN", "Infinity", "1e-400", 1e308])
def test_a_temperature_that_is_not_a_plausible_finite_number_is_422(world, gate, temperature):
    guard = api(world, "guard_a1")
    body = scan(gate, resident_id=world.resident_g1.pk, temperature=temperature)

    response = guard.post("/gate/scan", body)

    errors = assert_json_error(response, 422)["errors"]
    assert "temperature" in errors and has_chinese(errors["temperature"][0])
    assert not GateEntry.objects.exists()
    # the check-in of a quarantined person takes the same type
    checkin = api(world, "medic_a1").post("/checkins", {"case_id": 1, "temperature": temperature})
    assert "temperature" in assert_json_error(checkin, 422)["errors"]
    assert not CheckIn.objects.exists()


def test_a_plain_temperature_is_still_accepted(world, gate):
    response = api(world, "guard_a1").post(
        "/gate/scan", scan(gate, resident_id=world.resident_g1.pk)
    )
    assert response.status_code == 201, response.json()


@pytest.mark.parametrize("path", PAGED_LISTS)
@pytest.mark.parametrize("offset", [HUGE, 10**30, -1])
def test_an_offset_out_of_range_is_422_on_every_paged_list(world, path, offset):
    response = api(world, "admin_a").get(path, offset=offset)

    assert "offset" in assert_json_error(response, 422)["errors"]


@pytest.mark.parametrize("path", PAGED_LISTS)
def test_an_unbounded_limit_is_422_and_a_far_offset_an_empty_page(world, path):
    admin = api(world, "admin_a")
    assert "limit" in assert_json_error(admin.get(path, limit=10**6), 422)["errors"]
    assert "limit" in assert_json_error(admin.get(path, limit=0), 422)["errors"]
    far = admin.get(path, offset=10**9)
    assert far.status_code in (200, 403), far.content[:300]


@pytest.mark.parametrize(
    "path",
    [
        "/residents/{}",
        "/households/{}",
        "/alerts/{}",
        "/cases/{}",
        "/policy-versions/{}",
        "/risk-areas/{}",
        "/returnees/{}",
        "/lockdowns/{}",
        "/rounds/{}/coverage",
        "/rounds/imports/{}",
        "/communities/{}/closure",
        "/cases/{}/tests",
    ],
)
@pytest.mark.parametrize("pk", [HUGE, 10**30, 0, -1])
def test_an_id_out_of_range_in_a_path_is_422(world, path, pk):
    response = api(world, "admin_a").get(path.format(pk))

    assert_json_error(response, 422)


def test_ids_out_of_range_in_queries_and_bodies_are_422(world, gate):
    police = api(world, "police_a1")
    assert "gate_id" in assert_json_error(police.get("/gate/entries", gate_id=HUGE), 422)["errors"]
    guard = api(world, "guard_a1")
    for field in ("gate_id", "resident_id"):
        response = guard.post("/gate/scan", scan(gate, **{field: HUGE}))
        assert field in assert_json_error(response, 422)["errors"]
    assert not GateEntry.objects.exists()


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_a_gate_log_day_out_of_range_is_422(world, day):
    response = api(world, "police_a1").get("/gate/entries", day=day)

    assert "day" in assert_json_error(response, 422)["errors"]


def test_the_rounds_list_refuses_a_negative_offset(world):
    admin = api(world, "admin_a")
    assert "offset" in assert_json_error(admin.get("/rounds", offset=-5), 422)["errors"]
    assert admin.get("/rounds", offset=0, limit=200).status_code == 200


def test_a_json_body_over_the_limit_is_413_json(world, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    admin = api(world, "admin_a")
    body = {"name": "x" * 2000}

    response = admin.post("/residents", body)

    assert_json_error(response, 413)
    small = admin.post("/residents", {"name": "x"})
    assert small.status_code == 422  # under the limit: read and validated as usual


def test_a_json_body_over_five_megabytes_is_413(world):
    admin = api(world, "admin_a")
    response = admin.client.post(
        PREFIX + "/residents",
        json.dumps({"name": "x" * (5 * 1024 * 1024 + 10)}),
        "application/json",
        headers=admin.headers,
    )
    assert_json_error(response, 413)


@pytest.mark.parametrize("debug", [False, True])
def test_an_unknown_api_path_is_a_json_404(world, settings, debug):
    settings.DEBUG = debug
    admin = api(world, "admin_a")
    for path in ("/no-such-thing", "/residents/1/no-such-thing", "/"):
        assert_json_error(admin.get(path), 404)
    assert_json_error(admin.client.get("/api/v2/residents"), 404)


@pytest.mark.parametrize("debug", [False, True])
def test_an_unexpected_error_is_a_logged_json_500_without_traceback(
    world, settings, monkeypatch, caplog, debug
):
    settings.DEBUG = debug

    def broken(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr("fangkong.core.api._place", broken)
    response = api(world, "admin_a").get("/me")

    body = assert_json_error(response, 500)
    assert "secret internals" not in response.content.decode()
    assert set(body) == {"detail"}
    assert any("secret internals" in (r.exc_text or "") for r in caplog.records)


@pytest.mark.parametrize("debug", [False, True])
def test_what_django_answers_around_the_api_is_json_too(world, settings, debug):
    settings.DEBUG = debug
    admin = api(world, "admin_a")

    wrong_method = admin.client.put(PREFIX + "/me", headers=admin.headers)
    assert_json_error(wrong_method, 405)
    assert "GET" in wrong_method["Allow"]
    bad_host = admin.client.get(PREFIX + "/me", headers={**admin.headers, "Host": "evil.example"})
    assert_json_error(bad_host, 400)
    # outside the API, pages stay pages
    assert not admin.client.get("/no-such-page/")["Content-Type"].startswith("application/json")


def test_malformed_text_and_nesting_get_chinese_messages(world, gate):
    admin = api(world, "admin_a")
    post = admin.client.post
    deep = post(PREFIX + "/residents", "[" * 200_000, "application/json", headers=admin.headers)
    assert_json_error(deep, 400)
    surrogate = post(
        PREFIX + "/residents", '{"name": "\\ud800"}', "application/json", headers=admin.headers
    )
    assert has_chinese(assert_json_error(surrogate, 422)["errors"]["name"][0])
    bad_key = api(world, "guard_a1").post("/gate/scan", scan(gate, client_key="not-a-uuid"))
    assert has_chinese(assert_json_error(bad_key, 422)["errors"]["client_key"][0])


def test_a_multipart_body_without_its_boundary_is_400(world):
    admin = api(world, "admin_a")
    response = admin.client.post(
        PREFIX + "/rounds/1/results",
        b"--x\r\n",
        content_type="multipart/form-data",
        headers=admin.headers,
    )
    assert_json_error(response, 400)
