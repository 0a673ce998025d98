"""Two-factor sign-in for township admins (issue 10, item 17)."""

import re

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from fangkong.conftest import verify_session
from fangkong.core.management.commands.otp import current_code
from fangkong.core.models import ApiToken

PASSWORD = "fangkong2025"


def code(device):
    return current_code(device)


def sign_in(client, user):
    user.set_password(PASSWORD)
    user.save()
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return client


@pytest.mark.django_db
def test_an_admin_without_a_device_is_sent_to_enrol_from_every_page(client, world):
    sign_in(client, world.user("admin_a"))
    for url in ("/", reverse("policy:version_list"), "/admin/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("core:twofactor_setup")), url


@pytest.mark.django_db
def test_an_admin_enrols_with_the_qr_code_and_a_right_code(client, world):
    admin = world.user("admin_a")
    sign_in(client, admin)
    page = client.get(reverse("core:twofactor_setup") + "?next=/people/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html and 'id="otp-secret"' in html
    device = TOTPDevice.objects.get(user=admin, confirmed=False)

    wrong = client.post(reverse("core:twofactor_setup"), {"code": "000000", "next": "/"})
    assert wrong.status_code == 422
    assert "wrong" in wrong.content.decode()
    assert client.get("/").status_code == 302

    device.refresh_from_db()
    device.throttling_failure_timestamp = None
    device.throttling_failure_count = 0
    device.save()
    ok = client.post(reverse("core:twofactor_setup"), {"code": code(device), "next": "/people/"})
    assert ok.status_code == 302 and ok["Location"] == "/people/"
    assert TOTPDevice.objects.get(user=admin).confirmed
    assert client.get("/").status_code == 200


@pytest.mark.django_db
def test_an_admin_with_a_device_must_enter_a_code_and_a_wrong_one_is_refused(client, world):
    admin = world.user("admin_a")
    device = TOTPDevice.objects.create(user=admin, name="app", confirmed=True)
    sign_in(client, admin)
    response = client.get("/people/")
    assert response["Location"].startswith(reverse("core:twofactor_verify"))

    wrong = client.post(reverse("core:twofactor_verify"), {"code": "123456", "next": "/"})
    assert wrong.status_code == 422
    assert client.get("/").status_code == 302

    # wrong codes are throttled: even the right one waits after a failure
    throttled = client.post(reverse("core:twofactor_verify"), {"code": code(device)})
    assert throttled.status_code == 422
    assert "Too many wrong codes" in throttled.content.decode()

    device.throttle_reset()
    right = client.post(reverse("core:twofactor_verify"), {"code": code(device), "next": "/"})
    assert right.status_code == 302
    assert client.get("/").status_code == 200


@pytest.mark.django_db
def test_a_password_alone_cannot_replace_the_device_of_an_admin(client, world):
    admin = world.user("admin_a")
    TOTPDevice.objects.create(user=admin, name="app", confirmed=True)
    sign_in(client, admin)
    response = client.get(reverse("core:twofactor_setup"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("core:twofactor_verify"))
    assert client.post(reverse("core:twofactor_setup"), {"code": "000000"}).status_code == 302
    assert TOTPDevice.objects.filter(user=admin).count() == 1


@pytest.mark.django_db
def test_a_verified_admin_may_replace_the_device(client, world):
    admin = world.user("admin_a")
    old = TOTPDevice.objects.create(user=admin, name="app", confirmed=True)
    sign_in(client, admin)
    verify_session(client, admin)
    assert client.get(reverse("core:twofactor_setup")).status_code == 200
    new = TOTPDevice.objects.get(user=admin, confirmed=False)
    assert client.post(reverse("core:twofactor_setup"), {"code": code(new)}).status_code == 302
    assert list(TOTPDevice.objects.filter(user=admin)) == [new]
    assert not TOTPDevice.objects.filter(pk=old.pk).exists()


@pytest.mark.django_db
def test_other_roles_are_not_asked_but_may_enrol(client, world):
    sign_in(client, world.user("grid_g1"))
    assert client.get("/").status_code == 200
    assert client.get(reverse("core:twofactor_setup")).status_code == 200


@pytest.mark.django_db
def test_an_unverified_admin_session_is_nobody_to_the_api(client, world):
    sign_in(client, world.user("admin_a"))
    assert client.get("/api/v1/me").status_code == 401
    verify_session(client, world.user("admin_a"))
    assert client.get("/api/v1/me").status_code == 200


@pytest.mark.django_db
@pytest.mark.real_second_factor
def test_force_login_alone_does_not_pass_when_the_test_asks_for_the_real_check(client, world):
    client.force_login(world.user("admin_a"))
    assert client.get("/").status_code == 302


def token(client, **body):
    return client.post("/api/v1/auth/token", body, content_type="application/json")


@pytest.mark.django_db
def test_the_token_endpoint_requires_the_code_for_an_admin(client, world):
    admin = world.user("admin_a")
    admin.set_password(PASSWORD)
    admin.save()
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"

    no_device = token(client, username="admin_a", password=PASSWORD)
    assert no_device.status_code == 401
    device = TOTPDevice.objects.create(user=admin, name="app", confirmed=True)

    missing = token(client, username="admin_a", password=PASSWORD)
    assert missing.status_code == 401
    assert re.search(r"[\u4e00-\u9fff]", missing.json()["detail"])
    wrong = token(client, username="admin_a", password=PASSWORD, otp="000000")
    assert wrong.status_code == 401
    device.throttle_reset()
    ok = token(client, username="admin_a", password=PASSWORD, otp=code(device))
    assert ok.status_code == 200
    assert ApiToken.objects.filter(user=admin).count() == 1


@pytest.mark.django_db
def test_the_token_endpoint_needs_no_code_for_other_roles(client, world):
    grid = world.user("grid_g1")
    grid.set_password(PASSWORD)
    grid.save()
    assert token(client, username="grid_g1", password=PASSWORD).status_code == 200
