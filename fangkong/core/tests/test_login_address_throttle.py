"""One address trying passwords against many usernames is slowed, then refused for a while,
on the login page and on `POST /api/v1/auth/token` alike; other addresses are not affected,
and the per-account lockout (django-axes) stays."""

import datetime as dt
import json

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from fangkong.conftest import PASSWORD
from fangkong.core import backends
from fangkong.core.models import ApiToken

pytestmark = pytest.mark.django_db

LOGIN = reverse("login")
ATTACKER, OTHER = "203.0.113.7", "198.51.100.9"
START = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _no_pause(monkeypatch):
    monkeypatch.setattr(backends, "sleep", lambda seconds: None)


def login(username, password, address=ATTACKER):
    return Client(REMOTE_ADDR=address).post(LOGIN, {"username": username, "password": password})


def token(username, password, address=ATTACKER):
    return Client(REMOTE_ADDR=address).post(
        "/api/v1/auth/token",
        json.dumps({"username": username, "password": password}),
        "application/json",
    )


def spray(count, address=ATTACKER):
    """One password tried against `count` different usernames."""
    for i in range(count):
        response = login(f"user{i}", "Spring2026!", address)
        assert response.status_code == 200, i  # the usual "wrong username or password"


def test_many_usernames_from_one_address_get_the_address_refused(world, settings):
    assert settings.FANGKONG_LOGIN_ADDRESS_FAILURES == "20/15min"
    with time_machine.travel(START, tick=False):
        spray(20)

        refused = login("grid_g1", PASSWORD)

        assert refused.status_code == 429
        assert "_auth_user_id" not in refused.wsgi_request.session
        text = refused.content.decode()
        assert "registration/locked.html" in [t.name for t in refused.templates]
        assert "17:15" in text  # when to try again (Asia/Shanghai)
        # Another address is not affected.
        assert login("grid_g1", PASSWORD, OTHER).status_code == 302


def test_the_address_may_try_again_after_the_cool_off(world):
    with time_machine.travel(START, tick=False) as clock:
        spray(20)
        assert login("grid_g1", PASSWORD).status_code == 429
        clock.shift(dt.timedelta(minutes=14))
        assert login("grid_g1", PASSWORD).status_code == 429
        clock.shift(dt.timedelta(minutes=2))
        assert login("grid_g1", PASSWORD).status_code == 302


def test_fewer_failures_than_the_limit_do_not_refuse(world):
    spray(19)
    assert login("grid_g1", PASSWORD).status_code == 302


def test_the_token_endpoint_shares_the_count_and_is_refused_with_json(world):
    with time_machine.travel(START, tick=False):
        for i in range(9):  # below the token endpoint's own 10/min throttle
            assert token(f"api{i}", "Spring2026!").status_code == 401
        spray(11)

        refused = token("grid_g1", PASSWORD)

        assert refused.status_code == 429
        assert refused["Content-Type"].startswith("application/json")
        detail = refused.json()["detail"]
        assert "17:15" in detail
        assert int(refused["Retry-After"]) == 15 * 60
        assert not ApiToken.objects.exists()
        assert token("grid_g1", PASSWORD, OTHER).status_code == 200


def test_after_some_failures_each_attempt_is_slowed(world, monkeypatch, settings):
    assert settings.FANGKONG_LOGIN_SLOW_AFTER == 10
    pauses: list[float] = []
    monkeypatch.setattr(backends, "sleep", pauses.append)
    spray(10)
    assert pauses == []
    login("user99", "Spring2026!")
    assert pauses == [settings.FANGKONG_LOGIN_SLOW_SECONDS]
    assert login("grid_g1", PASSWORD, OTHER).status_code == 302
    assert len(pauses) == 1


def test_the_per_account_lockout_still_works_below_the_address_limit(world, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login("grid_g1", "wrong")
    locked = login("grid_g1", PASSWORD)
    assert locked.status_code == 429
    assert "account" in str(locked.context["message"]) or "账号" in str(locked.context["message"])
    assert login("grid_g2", PASSWORD).status_code == 302
