"""The "my API tokens" page: a staff member sees their own tokens and revokes one, after
confirming; never anyone else's."""

import pytest
from django.test import Client
from django.urls import reverse

from fangkong.core.models import ApiToken, AuditEntry

pytestmark = pytest.mark.django_db


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


def test_the_menu_leads_to_my_tokens_and_the_page_lists_only_mine(world):
    me, other = world.user("grid_g1"), world.user("grid_g2")
    ApiToken.issue(me)
    ApiToken.issue(me)
    theirs = ApiToken.objects.get(digest=ApiToken.digest_of(ApiToken.issue(other)))
    client = logged_in(me)

    workbench = client.get(reverse("core:workbench"))
    assert reverse("core:my_tokens") in workbench.content.decode()
    page = client.get(reverse("core:my_tokens"))

    assert page.status_code == 200
    rows = page.context["tokens"]
    assert [t.user_id for t in rows] == [me.pk, me.pk]
    html = page.content.decode()
    assert reverse("core:my_token_revoke", args=[theirs.pk]) not in html
    for token in rows:
        assert reverse("core:my_token_revoke", args=[token.pk]) in html
    # Revoking asks first: the button sits behind a confirmation.
    assert "<details" in html


def test_an_expired_token_is_not_listed(world, settings):
    settings.FANGKONG_TOKEN_MAX_DAYS = 30
    me = world.user("grid_g1")
    ApiToken.issue(me)
    settings.FANGKONG_TOKEN_IDLE_DAYS = 0
    assert logged_in(me).get(reverse("core:my_tokens")).context["tokens"] == []


def test_revoking_my_token_deletes_it_and_is_audited(world):
    me = world.user("grid_g1")
    raw = ApiToken.issue(me)
    token = ApiToken.objects.get(digest=ApiToken.digest_of(raw))
    client = logged_in(me)

    assert client.get(reverse("core:my_token_revoke", args=[token.pk])).status_code == 405
    response = client.post(reverse("core:my_token_revoke", args=[token.pk]))

    assert response.status_code == 302 and response["Location"] == reverse("core:my_tokens")
    assert ApiToken.objects.authenticate(raw) is None
    assert AuditEntry.objects.filter(
        actor=me, target_type="core.apitoken", target_id=str(token.pk), action="delete"
    ).exists()


@pytest.mark.parametrize("who", ["grid_g1", "admin_a"])
def test_nobody_revokes_another_users_token_on_the_page(world, who):
    raw = ApiToken.issue(world.user("grid_g2"))
    token = ApiToken.objects.get(digest=ApiToken.digest_of(raw))

    response = logged_in(world.user(who)).post(reverse("core:my_token_revoke", args=[token.pk]))

    assert response.status_code == 404
    assert ApiToken.objects.authenticate(raw) is not None


def test_the_page_needs_a_login(world):
    response = Client().get(reverse("core:my_tokens"))
    assert response.status_code == 302 and "/login/" in response["Location"]
