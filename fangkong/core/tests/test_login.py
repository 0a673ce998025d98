from django.urls import reverse

from fangkong.conftest import PASSWORD

LOGIN = reverse("login")


def attempt(client, username, password):
    return client.post(LOGIN, {"username": username, "password": password})


def test_a_staff_member_logs_in_and_lands_on_the_workbench(client, world):
    response = attempt(client, "grid_g1", PASSWORD)
    assert response.status_code == 302 and response.url == reverse("core:workbench")


def test_a_wrong_password_is_refused_with_a_message(client, world):
    response = attempt(client, "grid_g1", "wrong")
    assert response.status_code == 200
    assert response.context["form"].errors


def test_repeated_wrong_passwords_lock_the_account_from_that_address(client, world, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, "grid_g1", "wrong")
    locked = attempt(client, "grid_g1", PASSWORD)
    assert locked.status_code == 429
    assert "registration/locked.html" in [t.name for t in locked.templates]
    assert "_auth_user_id" not in client.session
    # Another user from the same address is not locked out by it.
    assert attempt(client, "grid_g2", PASSWORD).status_code == 302


def test_a_correct_login_resets_the_failure_count(client, world, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt(client, "grid_g1", "wrong")
    assert attempt(client, "grid_g1", PASSWORD).status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt(client, "grid_g1", "wrong")
    assert attempt(client, "grid_g1", PASSWORD).status_code == 302
