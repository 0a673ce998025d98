import json

import pytest
from django.test import Client

from fangkong.api.tests.client import ApiClient
from fangkong.conftest import PASSWORD
from fangkong.core.models import ApiToken
from fangkong.people.models import Resident

pytestmark = pytest.mark.django_db


def issue(username, password):
    return ApiClient().post("/auth/token", {"username": username, "password": password})


def test_token_is_issued_for_the_right_password_and_opens_the_api(world):
    response = issue("grid_g1", PASSWORD)

    assert response.status_code == 200
    token = response.json()["token"]
    assert ApiToken.objects.get(user=world.user("grid_g1")).digest == ApiToken.digest_of(token)
    me = ApiClient(token=token).get("/me")
    assert me.status_code == 200
    assert me.json()["username"] == "grid_g1"


@pytest.mark.parametrize(
    ("username", "password"),
    [("grid_g1", "wrong-password"), ("nobody", PASSWORD), ("grid_g1", "")],
)
def test_wrong_credentials_get_401_with_a_message_and_no_token(world, username, password):
    response = issue(username, password)

    assert response.status_code == 401
    assert response.json()["detail"]
    assert "token" not in response.json()
    assert not ApiToken.objects.exists()


def test_a_deactivated_user_gets_no_token_and_their_old_token_stops_working(world):
    user = world.user("grid_g1")
    old = ApiClient(user)
    user.is_active = False
    user.save()

    assert issue("grid_g1", PASSWORD).status_code == 401
    assert old.get("/me").status_code == 401


@pytest.mark.parametrize(
    "authorization",
    ["Bearer not-a-token", "Bearer ", "Token abc", "Basic Z3JpZF9nMTpwdw=="],
)
def test_a_bad_or_foreign_authorization_header_is_401(world, authorization):
    ApiToken.issue(world.user("grid_g1"))
    response = Client().get("/api/v1/residents", headers={"Authorization": authorization})

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"


def test_no_credentials_at_all_is_401_on_reads_and_writes(world):
    anonymous = ApiClient()

    assert anonymous.get("/me").status_code == 401
    assert anonymous.get("/residents").status_code == 401
    created = anonymous.post("/residents", {"name": "某人", "household": world.household_g1.pk})
    assert created.status_code == 401
    assert Resident.objects.count() == 5


def test_revoking_deletes_only_the_token_the_request_was_made_with(world):
    user = world.user("grid_g1")
    first, second = ApiClient(user), ApiClient(user)

    assert first.delete("/auth/token").status_code == 204

    assert first.get("/me").status_code == 401
    assert second.get("/me").status_code == 200
    assert ApiToken.objects.filter(user=user).count() == 1


def test_revoking_needs_a_token(world):
    client = Client()
    client.force_login(world.user("grid_g1"))

    assert client.delete("/api/v1/auth/token").status_code == 401


def test_the_token_endpoint_is_throttled_against_password_guessing(world):
    # Guessing many accounts from one address: the address is throttled.
    usernames = [u for u in world.users if u != "admin_a"]
    for username in usernames[:10]:
        assert issue(username, "guess").status_code == 401

    blocked = issue("admin_a", PASSWORD)

    assert blocked.status_code == 429
    assert blocked.json()["detail"]
    assert int(blocked["Retry-After"]) > 0
    assert not ApiToken.objects.exists()


def test_repeated_wrong_passwords_lock_that_account_for_the_api_too(world, settings):
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        assert issue("grid_g1", "guess").status_code == 401
    assert issue("grid_g1", "guess").status_code == 429

    locked = issue("grid_g1", PASSWORD)

    assert locked.status_code == 429
    assert locked["Content-Type"].startswith("application/json")
    assert locked.json()["detail"]
    assert not ApiToken.objects.exists()


def test_the_app_session_reads_the_api(world):
    client = Client()
    client.force_login(world.user("grid_g1"))

    response = client.get("/api/v1/residents")

    assert response.status_code == 200
    assert {r["name"] for r in response.json()["items"]} == {"张三丰", "李秀英"}


def test_a_session_write_needs_the_csrf_token(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.user("grid_g1"))
    body = json.dumps(
        {
            "name": "王小明",
            "doc_type": "none",
            "no_doc_reason": "新生儿",
            "household": world.household_g1.pk,
        }
    )

    refused = client.post("/api/v1/residents", body, "application/json")
    assert refused.status_code == 403
    assert not Resident.objects.filter(name="王小明").exists()

    secret = "a" * 32
    client.cookies["csrftoken"] = secret
    accepted = client.post(
        "/api/v1/residents", body, "application/json", headers={"X-CSRFToken": secret}
    )
    assert accepted.status_code == 201
    assert Resident.objects.filter(name="王小明").count() == 1


def test_me_tells_a_grid_worker_their_role_grid_and_capabilities(world):
    body = ApiClient(world.user("grid_g1")).get("/me").json()

    assert body["role"] == "grid_worker"
    assert body["jurisdiction"]["level"] == "grid"
    assert body["jurisdiction"]["township"]["code"] == "420103001"
    assert body["jurisdiction"]["community"]["id"] == world.community_a1.pk
    assert body["jurisdiction"]["grid"]["id"] == world.grid_g1.pk
    assert "edit_people" in body["capabilities"]
    assert "manage_staff" not in body["capabilities"]


def test_me_tells_a_township_admin_and_a_guard_what_they_hold(world):
    admin = ApiClient(world.user("admin_b")).get("/me").json()
    guard = ApiClient(world.user("guard_a1")).get("/me").json()

    assert admin["jurisdiction"]["level"] == "township"
    assert admin["jurisdiction"]["township"]["id"] == world.township_b.pk
    assert admin["jurisdiction"]["community"] is None
    assert "manage_staff" in admin["capabilities"]
    assert guard["role"] == "checkpoint_guard"
    assert guard["capabilities"] == [
        "guard_gate",
        "hand_out_supplies",
        "record_disinfection",
        "view_disinfection",
        "view_inspections",
        "view_organisation",
        "view_roster",
        "view_supplies",
        "view_tasks",
    ]


def test_the_throttle_cannot_be_dodged_by_sending_a_new_forwarded_for_address(world):
    client = Client()
    for n in range(10):
        client.post(
            "/api/v1/auth/token",
            {"username": "grid_g1", "password": "guess"},
            "application/json",
            headers={"X-Forwarded-For": f"10.0.0.{n}"},
        )

    blocked = client.post(
        "/api/v1/auth/token",
        {"username": "grid_g1", "password": PASSWORD},
        "application/json",
        headers={"X-Forwarded-For": "10.0.1.1"},
    )

    assert blocked.status_code == 429
