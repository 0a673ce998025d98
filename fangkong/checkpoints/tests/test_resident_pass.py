"""The "Pass" card on the resident page: issue, revoke and reissue from there, for staff who
issue passes only."""

from __future__ import annotations

import pytest
from django.urls import reverse

from fangkong.checkpoints import passes
from fangkong.checkpoints.models import Pass


def page(client, world, key):
    client.force_login(world.user(key))
    url = reverse("people:resident_detail", args=[world.resident_g1.pk])
    return url, client.get(url).content.decode()


def test_a_grid_worker_issues_a_pass_from_the_resident_page(client, world):
    url, html = page(client, world, "grid_g1")
    assert 'id="resident-pass"' in html and 'id="pass-issue-form"' in html

    response = client.post(
        reverse("checkpoints:pass_issue", args=[world.resident_g1.pk]), {"next": url}
    )

    assert response.status_code == 302 and response.url == url
    card = Pass.objects.valid().get(resident=world.resident_g1)
    html = client.get(url).content.decode()
    assert card.number in html and 'id="pass-revoke-form"' in html
    assert 'id="pass-issue-form"' not in html


def test_revoke_and_reissue_from_the_resident_page(client, world):
    card = passes.issue(world.user("leader_a1"), world.resident_g1)
    url, _ = page(client, world, "leader_a1")

    client.post(
        reverse("checkpoints:pass_reissue", args=[card.pk]), {"reason": "丢失", "next": url}
    )

    card.refresh_from_db()
    new = Pass.objects.valid().get(resident=world.resident_g1)
    assert card.revoked_at is not None and new.pk != card.pk
    assert new.number in client.get(url).content.decode()


@pytest.mark.parametrize("key", ["medic_a1", "police_a1"])
def test_staff_who_do_not_issue_passes_see_no_card(client, world, key):
    passes.issue(world.user("grid_g1"), world.resident_g1)
    _, html = page(client, world, key)
    assert 'id="resident-pass"' not in html
