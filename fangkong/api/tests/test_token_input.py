"""The token endpoint refuses a username that is not text before it reaches the database
(PostgreSQL cannot hold a NUL character: the lookup would fail with a server error)."""

import pytest

from fangkong.api.tests.client import ApiClient

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("username", ["grid\x00g1", "grid\u202eg1", "grid\u200bg1"])
def test_a_username_that_is_not_text_is_refused_with_a_message(world, username):
    response = ApiClient().post("/auth/token", {"username": username, "password": "x"})
    assert response.status_code == 422, response.content
    assert response.json()["errors"]["username"]
