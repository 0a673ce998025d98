"""Staff management: who may list, create, edit, deactivate and reset whom; every change is
audited without the password."""

import pytest
from django.urls import reverse

from fangkong.core import actions
from fangkong.core.errors import DomainError
from fangkong.core.models import AuditAction, AuditEntry, User
from fangkong.core.roles import Role

STAFF = reverse("core:staff_list")
CREATE = reverse("core:staff_create")
PASSWORD = "Wuhan-spring-2020"


def login(client, world, key):
    client.force_login(world.user(key))
    return client


def edit(user):
    return reverse("core:staff_edit", args=[user.pk])


def usernames(response):
    return sorted(s.username for s, _ in response.context["rows"])


# --- the list ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("user", "sees", "not_sees"),
    [
        ("admin_a", ["leader_a1", "leader_a2", "grid_g2", "admin_a"], ["admin_b"]),
        ("admin_b", ["admin_b"], ["admin_a", "leader_a1", "grid_g1"]),
        ("leader_a1", ["office_a1", "grid_g1", "grid_g2", "medic_a1"], ["admin_a", "leader_a2"]),
        ("grid_g1", ["grid_g1"], ["grid_g2", "leader_a1", "admin_b"]),
        ("medic_a1", ["grid_g1", "grid_g2"], ["leader_a2", "admin_b"]),
    ],
)
def test_the_staff_list_shows_only_the_jurisdictions_staff(client, world, user, sees, not_sees):
    listed = usernames(login(client, world, user).get(STAFF))

    assert set(sees) <= set(listed)
    assert not set(not_sees) & set(listed)


@pytest.mark.parametrize("user", ["guard_a1", "volunteer_a1", "police_a1"])
def test_roles_without_the_staff_list_get_403(client, world, user):
    assert login(client, world, user).get(STAFF).status_code == 403


def test_only_managers_see_manage_links_and_only_for_staff_they_may_manage(client, world):
    rows = dict(
        (s.username, manageable)
        for s, manageable in login(client, world, "leader_a1").get(STAFF).context["rows"]
    )
    assert rows["grid_g1"] and rows["office_a1"]
    assert all(
        not m
        for m in dict(
            (s.username, m) for s, m in login(client, world, "medic_a1").get(STAFF).context["rows"]
        ).values()
    )


# --- create ------------------------------------------------------------------------------


def new_staff(**overrides):
    data = {
        "username": "wangwu",
        "display_name": "王五",
        "phone": "13700001111",
        "role": Role.GRID_WORKER,
        "community": "",
        "grid": "",
        "password": PASSWORD,
    }
    data.update(overrides)
    return data


def test_a_community_leader_creates_a_grid_worker_in_their_community(client, world):
    response = login(client, world, "leader_a1").post(CREATE, new_staff(grid=world.grid_g2.pk))

    staff = User.objects.get(username="wangwu")
    assert response.status_code == 302 and response["Location"] == edit(staff)
    assert (staff.township, staff.community, staff.grid) == (
        world.township_a,
        world.community_a1,
        world.grid_g2,
    )
    assert staff.check_password(PASSWORD)
    entry = AuditEntry.objects.get(action=AuditAction.CREATE, target_type="core.user")
    assert entry.changes["role"] == Role.GRID_WORKER
    assert "password" not in entry.changes
    assert staff.password not in str(entry.changes)


def test_a_township_admin_creates_a_community_leader_anywhere_in_the_township(client, world):
    response = login(client, world, "admin_a").post(
        CREATE, new_staff(role=Role.COMMUNITY_LEADER, community=world.community_a2.pk)
    )

    assert response.status_code == 302
    staff = User.objects.get(username="wangwu")
    assert (staff.township, staff.community, staff.grid) == (
        world.township_a,
        world.community_a2,
        None,
    )


@pytest.mark.parametrize(
    ("user", "data", "field"),
    [
        # a community leader never creates a township admin
        ("leader_a1", {"role": Role.TOWNSHIP_ADMIN}, "role"),
        # nor staff of another community
        ("leader_a1", {"grid": "village_group"}, "grid"),
        ("leader_a1", {"role": Role.OFFICE_STAFF, "community": "community_a2"}, "community"),
        # a grid worker needs a grid
        ("admin_a", {}, "grid"),
        # a community role needs its community
        ("admin_a", {"role": Role.OFFICE_STAFF}, "community"),
        # a leader is bound to a whole community, not one grid
        ("admin_a", {"role": Role.COMMUNITY_LEADER, "grid": "grid_g1"}, "grid"),
        # another township's grid
        ("admin_b", {"grid": "grid_g1"}, "grid"),
        # a weak password
        ("admin_a", {"grid": "grid_g1", "password": "123"}, "password"),
        # a taken username
        ("admin_a", {"grid": "grid_g1", "username": "GRID_G2"}, "username"),
    ],
)
def test_a_bad_staff_account_is_refused_with_a_message_and_nothing_written(
    client, world, user, data, field
):
    places = {k: getattr(world, v).pk for k, v in data.items() if k in ("grid", "community")}
    before = User.objects.count()

    response = login(client, world, user).post(CREATE, new_staff(**{**data, **places}))

    assert response.status_code == 422
    assert response.context["form"].errors.get(field), response.context["form"].errors
    assert User.objects.count() == before
    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize("user", ["grid_g1", "office_a1", "medic_a1", "guard_a1"])
def test_staff_without_manage_staff_cannot_create_accounts(client, world, user):
    c = login(client, world, user)
    assert c.get(CREATE).status_code == 403
    assert c.post(CREATE, new_staff(grid=world.grid_g1.pk)).status_code == 403
    assert not User.objects.filter(username="wangwu").exists()


def test_a_medic_may_be_narrowed_to_one_grid(world):
    staff = actions.create_staff(
        world.user("leader_a1"),
        username="yisheng",
        password=PASSWORD,
        role=Role.MEDICAL_WORKER,
        grid=world.grid_g1,
    )
    assert (staff.community, staff.grid) == (world.community_a1, world.grid_g1)


# --- edit, deactivate, reset -------------------------------------------------------------


@pytest.mark.parametrize(
    ("user", "target", "status"),
    [
        ("leader_a1", "grid_g1", 200),
        ("leader_a1", "office_a1", 200),
        ("leader_a1", "leader_a2", 404),  # another community
        ("leader_a1", "admin_a", 404),  # the township admin is outside a community
        ("leader_a1", "admin_b", 404),
        ("admin_a", "leader_a2", 200),
        ("admin_a", "admin_b", 404),
        ("admin_b", "grid_g1", 404),
        ("grid_g1", "grid_g1", 403),
        ("medic_a1", "grid_g1", 403),
    ],
)
def test_the_staff_edit_page_follows_role_and_jurisdiction(client, world, user, target, status):
    assert login(client, world, user).get(edit(world.user(target))).status_code == status


def test_a_leader_may_not_manage_a_township_admin_bound_to_their_community(world):
    odd = User.objects.create(
        username="odd",
        role=Role.TOWNSHIP_ADMIN,
        township=world.township_a,
        community=world.community_a1,
    )
    assert not actions.may_manage(world.user("leader_a1"), odd)
    assert actions.may_manage(world.user("admin_a"), odd)


def test_editing_staff_moves_them_and_audits_the_field_changes(client, world):
    staff = world.user("grid_g1")
    c = login(client, world, "leader_a1")
    data = {
        "username": "grid_g1",
        "display_name": "网格员甲",
        "phone": "",
        "role": Role.GRID_WORKER,
        "community": world.community_a1.pk,
        "grid": world.grid_g2.pk,
    }

    response = c.post(edit(staff), data)

    assert response.status_code == 302
    staff.refresh_from_db()
    assert staff.grid == world.grid_g2 and staff.display_name == "网格员甲"
    entry = AuditEntry.objects.get(action=AuditAction.UPDATE, target_type="core.user")
    assert entry.changes["grid"] == [world.grid_g1.pk, world.grid_g2.pk]
    assert entry.changes["display_name"] == ["grid_g1", "网格员甲"]


def test_a_leader_cannot_promote_staff_to_township_admin(client, world):
    staff = world.user("office_a1")
    response = login(client, world, "leader_a1").post(
        edit(staff),
        {"username": "office_a1", "display_name": "x", "role": Role.TOWNSHIP_ADMIN},
    )

    assert response.status_code == 422
    staff.refresh_from_db()
    assert staff.role == Role.OFFICE_STAFF


def test_managers_cannot_change_their_own_role(world):
    with pytest.raises(DomainError):
        actions.update_staff(
            world.user("leader_a1"), world.user("leader_a1"), role=Role.OFFICE_STAFF
        )


def test_deactivation_needs_a_reason_and_stops_the_login(client, world):
    staff = world.user("grid_g2")
    url = reverse("core:staff_active", args=[staff.pk])
    c = login(client, world, "leader_a1")

    assert c.post(url, {"active": "0", "reason": ""}).status_code == 422
    staff.refresh_from_db()
    assert staff.is_active

    assert c.post(url, {"active": "0", "reason": "调离"}).status_code == 302
    staff.refresh_from_db()
    assert not staff.is_active
    entry = AuditEntry.objects.get(action=AuditAction.UPDATE, target_type="core.user")
    assert entry.changes == {"is_active": [True, False]} and entry.reason == "调离"

    c.logout()
    c.logout()
    refused = c.post(reverse("login"), {"username": "grid_g2", "password": "correct-horse-42"})
    assert refused.status_code == 200 and "_auth_user_id" not in c.session

    login(client, world, "leader_a1").post(url, {"active": "1"})
    staff.refresh_from_db()
    assert staff.is_active


def test_nobody_deactivates_their_own_account(world):
    with pytest.raises(DomainError):
        actions.set_staff_active(
            world.user("admin_a"), world.user("admin_a"), active=False, reason="x"
        )


def test_a_password_reset_is_audited_without_the_password_or_its_hash(client, world):
    staff = world.user("grid_g1")
    url = reverse("core:staff_password", args=[staff.pk])
    c = login(client, world, "leader_a1")

    mismatch = c.post(url, {"password": PASSWORD, "password_again": PASSWORD + "x"})
    assert mismatch.status_code == 422

    assert c.post(url, {"password": PASSWORD, "password_again": PASSWORD}).status_code == 302
    staff.refresh_from_db()
    assert staff.check_password(PASSWORD)
    entry = AuditEntry.objects.get(action=AuditAction.UPDATE, target_type="core.user")
    assert PASSWORD not in str(entry.changes) and staff.password not in str(entry.changes)


@pytest.mark.parametrize(("user", "status"), [("leader_a2", 404), ("grid_g2", 403)])
def test_a_password_reset_outside_the_managers_reach_is_refused(client, world, user, status):
    staff = world.user("grid_g1")
    response = login(client, world, user).post(
        reverse("core:staff_password", args=[staff.pk]),
        {"password": PASSWORD, "password_again": PASSWORD},
    )

    assert response.status_code == status
    staff.refresh_from_db()
    assert not staff.check_password(PASSWORD)
