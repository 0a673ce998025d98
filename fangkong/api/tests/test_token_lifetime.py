"""API tokens expire (idle and absolute), die with a password change or reset and with a
deactivation, and their owner can list and revoke them."""

import datetime as dt
import io
import os
import subprocess
import sys

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from fangkong.api.tests.client import ApiClient
from fangkong.conftest import PASSWORD, verify_session
from fangkong.core import actions, twofactor
from fangkong.core.management.commands.otp import current_code
from fangkong.core.models import ApiToken, AuditEntry, User

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)
DEFAULT_IDLE_DAYS, DEFAULT_MAX_DAYS = 7, 30


@pytest.fixture(autouse=True)
def _default_limits(settings):
    """The production defaults, whatever the environment says."""
    settings.FANGKONG_TOKEN_IDLE_DAYS = DEFAULT_IDLE_DAYS
    settings.FANGKONG_TOKEN_MAX_DAYS = DEFAULT_MAX_DAYS


def issue(username="grid_g1", password=PASSWORD):
    credentials = {"username": username, "password": password}
    user = User.objects.get(username=username)
    if twofactor.required_for(user):  # a township admin also sends their app's code
        credentials["otp"] = current_code(verify_session(Client(), user))
    response = ApiClient().post("/auth/token", credentials)
    assert response.status_code == 200, response.content
    return response.json()["token"]


def test_the_default_limits_are_seven_days_idle_and_thirty_in_all(tmp_path):
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "from django.conf import settings as s; "
            "print(s.FANGKONG_TOKEN_IDLE_DAYS, s.FANGKONG_TOKEN_MAX_DAYS)",
        ],
        env={
            **{k: v for k, v in os.environ.items() if not k.startswith("FANGKONG_TOKEN_")},
            "DJANGO_SETTINGS_MODULE": "fangkong.settings",
            "DEBUG": "1",
            "FANGKONG_VAR_DIR": str(tmp_path),
        },
        capture_output=True,
        text=True,
        check=True,
    )
    assert [float(x) for x in done.stdout.split()] == [DEFAULT_IDLE_DAYS, DEFAULT_MAX_DAYS]


def test_a_token_left_unused_longer_than_the_idle_limit_is_refused(world):
    with time_machine.travel(START, tick=False) as clock:
        token = issue()
        clock.move_to(START + dt.timedelta(days=6, hours=23))
        assert ApiClient(token=token).get("/me").status_code == 200
        # Used just now, so another six days of rest are fine ...
        clock.move_to(START + dt.timedelta(days=13, hours=22))
        assert ApiClient(token=token).get("/me").status_code == 200
        # ... but not seven.
        clock.move_to(START + dt.timedelta(days=20, hours=23))
        assert ApiClient(token=token).get("/me").status_code == 401


def test_a_token_never_used_expires_after_the_idle_limit_from_its_creation(world):
    with time_machine.travel(START, tick=False) as clock:
        token = issue()
        clock.move_to(START + dt.timedelta(days=7, minutes=1))
        assert ApiClient(token=token).get("/me").status_code == 401


def test_a_token_in_daily_use_still_expires_at_the_absolute_limit(world):
    with time_machine.travel(START, tick=False) as clock:
        token = issue()
        for day in range(1, 30):
            clock.move_to(START + dt.timedelta(days=day))
            assert ApiClient(token=token).get("/me").status_code == 200, day
        clock.move_to(START + dt.timedelta(days=30, minutes=1))
        assert ApiClient(token=token).get("/me").status_code == 401


def test_the_limits_come_from_the_settings(world, settings):
    settings.FANGKONG_TOKEN_IDLE_DAYS = 1
    with time_machine.travel(START, tick=False) as clock:
        token = issue()
        clock.move_to(START + dt.timedelta(days=1, minutes=1))
        assert ApiClient(token=token).get("/me").status_code == 401


def test_a_password_reset_by_a_manager_revokes_every_token_of_the_account(world):
    staff = world.user("grid_g1")
    old, other = ApiClient(token=issue()), ApiClient(token=issue())
    unrelated = ApiClient(token=issue("grid_g2"))

    actions.reset_password(world.user("admin_a"), staff, password="a-new-passphrase-77")

    assert old.get("/me").status_code == 401
    assert other.get("/me").status_code == 401
    assert unrelated.get("/me").status_code == 200
    assert not ApiToken.objects.filter(user=staff).exists()
    entry = AuditEntry.objects.filter(target_type="core.user", target_id=str(staff.pk)).latest("at")
    assert entry.changes["api_tokens"] == [2, 0]
    # The new password gets a working token.
    assert ApiClient(token=issue(password="a-new-passphrase-77")).get("/me").status_code == 200


def test_a_password_reset_on_the_staff_page_revokes_the_tokens(world):
    staff = world.user("grid_g1")
    token = ApiClient(token=issue())
    client = Client()
    client.force_login(world.user("admin_a"))

    response = client.post(
        f"/staff/{staff.pk}/password/",
        {"password": "a-new-passphrase-77", "password_again": "a-new-passphrase-77"},
    )

    assert response.status_code in (200, 302)
    staff.refresh_from_db()
    assert staff.check_password("a-new-passphrase-77")
    assert token.get("/me").status_code == 401


@pytest.mark.parametrize("path", ["set_password", "admin_page", "command"])
def test_any_password_change_revokes_the_tokens(world, path, monkeypatch):
    username = "admin_a" if path == "admin_page" else "grid_g1"
    staff = world.user(username)
    token = ApiClient(token=issue(username))
    if path == "set_password":
        staff.set_password("a-new-passphrase-77")
        staff.save(update_fields=["password"])
    elif path == "admin_page":  # the admin's own "change my password" page
        client = Client()
        client.force_login(staff)
        response = client.post(
            "/admin/password_change/",
            {
                "old_password": PASSWORD,
                "new_password1": "a-new-passphrase-77",
                "new_password2": "a-new-passphrase-77",
            },
        )
        assert response.status_code == 302
    else:
        monkeypatch.setattr("getpass.getpass", lambda prompt="": "a-new-passphrase-77")
        call_command("changepassword", username, stdout=io.StringIO())
    staff.refresh_from_db()
    assert staff.check_password("a-new-passphrase-77")
    assert token.get("/me").status_code == 401


def test_a_password_hash_upgrade_at_login_keeps_the_tokens(world):
    staff = world.user("grid_g1")
    token = ApiClient(token=issue())
    # What check_password does when the hasher changed: saves the new hash, no change.
    staff.check_password(PASSWORD)
    staff.set_password(PASSWORD)
    staff._password = None
    staff.save(update_fields=["password"])
    staff.save()
    assert token.get("/me").status_code == 200


def test_deactivation_revokes_the_tokens_and_reactivation_does_not_bring_them_back(world):
    admin, staff = world.user("admin_a"), world.user("grid_g1")
    token = ApiClient(token=issue())

    actions.set_staff_active(admin, staff, active=False, reason="离职")
    assert not ApiToken.objects.filter(user=staff).exists()
    actions.set_staff_active(admin, staff, active=True)

    assert token.get("/me").status_code == 401
    assert ApiClient(token=issue()).get("/me").status_code == 200


def test_the_owner_lists_their_own_live_tokens_with_their_dates(world):
    mine = ApiClient(token=issue())
    issue()
    issue("grid_g2")
    with time_machine.travel(timezone.now() + dt.timedelta(days=8)):
        ApiClient(world.user("grid_g1"))  # a third, issued later; the first two now expired
        response = ApiClient(token=issue()).get("/auth/tokens")
    assert response.status_code == 200
    rows = response.json()
    assert len(rows) == 2
    assert all(
        {"id", "created_at", "last_used_at", "expires_at", "current"} <= set(r) for r in rows
    )
    assert [r["current"] for r in rows].count(True) == 1
    assert mine.get("/me").status_code == 401  # it had expired, and is gone
    owners = {ApiToken.objects.get(pk=r["id"]).user.username for r in rows}
    assert owners == {"grid_g1"}
    # Issuing a token cleared the user's expired ones away.
    assert ApiToken.objects.filter(user=world.user("grid_g1")).count() == 2


def test_the_owner_revokes_one_of_their_tokens_and_it_is_audited(world):
    user = world.user("grid_g1")
    client, phone = ApiClient(token=issue()), ApiClient(token=issue())
    phone_id = ApiToken.objects.filter(user=user).latest("pk").pk

    response = client.delete(f"/auth/tokens/{phone_id}")

    assert response.status_code == 204
    assert phone.get("/me").status_code == 401
    assert client.get("/me").status_code == 200
    entry = AuditEntry.objects.get(target_type="core.apitoken", target_id=str(phone_id))
    assert entry.actor == user and entry.action == "delete"


def test_nobody_revokes_or_sees_another_users_token(world):
    victim = ApiClient(token=issue("grid_g2"))
    victim_id = ApiToken.objects.get(user=world.user("grid_g2")).pk
    # Not even their township administrator through this endpoint: it is for one's own tokens.
    for attacker in ("grid_g1", "admin_a"):
        client = ApiClient(world.user(attacker))
        response = client.delete(f"/auth/tokens/{victim_id}")
        assert response.status_code == 404
        assert response.json()["detail"]
        assert victim_id not in [r["id"] for r in client.get("/auth/tokens").json()]
    assert victim.get("/me").status_code == 200
    assert ApiClient().get("/auth/tokens").status_code == 401


def test_delete_auth_token_revokes_the_calling_token_and_audits_it(world):
    user = world.user("grid_g1")
    first, second = ApiClient(token=issue()), ApiClient(token=issue())
    first_id = ApiToken.objects.filter(user=user).earliest("pk").pk

    assert first.delete("/auth/token").status_code == 204

    assert first.get("/me").status_code == 401
    assert second.get("/me").status_code == 200
    assert AuditEntry.objects.filter(target_type="core.apitoken", target_id=str(first_id)).exists()
