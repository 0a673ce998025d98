"""The Django admin: township administrators only, their township only, people read-only and
masked, jurisdiction edits audited."""

import pytest
from django.urls import reverse

from fangkong.core.models import AuditAction, AuditEntry, Grid

INDEX = reverse("admin:index")


def login(client, world, key):
    client.force_login(world.user(key))
    return client


@pytest.mark.parametrize(
    ("user", "allowed"),
    [
        ("admin_a", True),
        ("admin_b", True),
        ("leader_a1", False),
        ("office_a1", False),
        ("grid_g1", False),
        ("guard_a1", False),
    ],
)
def test_only_township_admins_enter_the_admin(client, world, user, allowed):
    response = login(client, world, user).get(INDEX)

    if allowed:
        assert response.status_code == 200
    else:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))


def test_a_township_admin_logs_in_through_the_admin_login_but_a_grid_worker_does_not(client, world):
    url = reverse("admin:login")
    ok = client.post(url, {"username": "admin_a", "password": "correct-horse-42"})
    assert ok.status_code == 302
    client.logout()

    refused = client.post(url, {"username": "grid_g1", "password": "correct-horse-42"})
    assert refused.status_code == 200
    assert refused.context["form"].errors


@pytest.mark.parametrize(
    ("user", "sees", "not_sees"),
    [
        ("admin_a", ["张三丰", "王二小", "赵大山"], ["孙外人"]),
        ("admin_b", ["孙外人"], ["张三丰", "赵大山"]),
    ],
)
def test_the_resident_changelist_is_scoped_and_masked(client, world, user, sees, not_sees):
    response = login(client, world, user).get(reverse("admin:people_resident_changelist"))
    html = response.content.decode()

    assert response.status_code == 200
    for name in sees:
        assert name in html
    for name in not_sees:
        assert name not in html
    assert world.resident_g1.doc_number not in html
    assert world.resident_g1.phone not in html


def test_another_townships_resident_cannot_be_opened_in_the_admin(client, world):
    url = reverse("admin:people_resident_change", args=[world.resident_g1.pk])

    response = login(client, world, "admin_b").get(url)

    assert response.status_code == 302  # the admin's "does not exist" redirect
    assert "张三丰" not in login(client, world, "admin_b").get(url, follow=True).content.decode()


def test_residents_are_read_only_in_the_admin_and_point_to_the_app(client, world):
    c = login(client, world, "admin_a")
    url = reverse("admin:people_resident_change", args=[world.resident_g1.pk])

    page = c.get(url)
    c.post(url, {"name": "改名"})

    html = page.content.decode()
    assert reverse("people:resident_detail", args=[world.resident_g1.pk]) in html
    assert world.resident_g1.doc_number not in html
    assert world.resident_g1.masked_doc_number in html
    assert 'name="_save"' not in html
    world.resident_g1.refresh_from_db()
    assert world.resident_g1.name == "张三丰"
    assert c.get(reverse("admin:people_resident_add")).status_code == 403
    assert c.get(reverse("admin:people_household_add")).status_code == 403


def test_staff_are_read_only_in_the_admin(client, world):
    c = login(client, world, "admin_a")
    url = reverse("admin:core_user_change", args=[world.user("grid_g1").pk])

    html = c.get(url).content.decode()

    assert reverse("core:staff_edit", args=[world.user("grid_g1").pk]) in html
    assert "pbkdf2" not in html and "md5$" not in html
    assert c.get(reverse("admin:core_user_add")).status_code == 403
    other = reverse("admin:core_user_change", args=[world.user("admin_b").pk])
    assert "admin_b" not in c.get(other, follow=True).content.decode().split("<main")[-1]


def test_a_township_admin_renames_a_grid_in_the_admin_and_it_is_audited(client, world):
    c = login(client, world, "admin_a")
    url = reverse("admin:core_grid_change", args=[world.grid_g2.pk])

    response = c.post(url, {"community": world.community_a1.pk, "name": "第二网格（新）"})

    assert response.status_code == 302
    world.grid_g2.refresh_from_db()
    assert world.grid_g2.name == "第二网格（新）"
    entry = AuditEntry.objects.get(action=AuditAction.UPDATE, target_type="core.grid")
    assert entry.changes == {"name": ["第二网格", "第二网格（新）"]}
    assert entry.township == world.township_a


def test_a_grid_cannot_be_moved_into_another_township_through_the_admin(client, world):
    url = reverse("admin:core_grid_change", args=[world.grid_g2.pk])

    response = login(client, world, "admin_a").post(
        url, {"community": world.community_b1.pk, "name": "第二网格"}
    )

    # The community of an existing grid is read-only: the posted value is ignored.
    assert response.status_code in (200, 302)
    assert Grid.objects.get(pk=world.grid_g2.pk).community == world.community_a1


def test_the_audit_log_in_the_admin_is_scoped_and_read_only(client, world):
    from fangkong.people import actions

    actions.reveal(world.user("admin_b"), world.resident_b, field="phone", reason="外镇回访")
    c = login(client, world, "admin_a")

    html = c.get(reverse("admin:core_auditentry_changelist")).content.decode()

    assert "孙外人" not in html
    assert c.get(reverse("admin:core_auditentry_add")).status_code == 403


def test_nothing_is_deleted_through_the_admin(client, world):
    url = reverse("admin:core_grid_delete", args=[world.grid_g2.pk])

    assert login(client, world, "admin_a").get(url).status_code == 403


def test_a_place_cannot_be_moved_to_another_parent_in_the_admin(client, world):
    from django.urls import reverse

    client.force_login(world.user("admin_a"))
    url = reverse("admin:core_grid_change", args=[world.grid_g2.pk])
    client.post(url, {"community": world.community_a2.pk, "name": world.grid_g2.name})
    world.grid_g2.refresh_from_db()
    assert world.grid_g2.community == world.community_a1
    page = client.get(url).content.decode()
    assert 'name="community"' not in page
