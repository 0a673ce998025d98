"""The organisation of a community: the default structure, the pages at every distance, the
phones masked for non-members, the writes and their refusals (nothing written)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from fangkong.core.errors import DomainError
from fangkong.organisation import actions
from fangkong.organisation.models import (
    Assignment,
    GroupMember,
    Organisation,
    PartyBranch,
    Post,
    Volunteer,
    WorkingGroup,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def in_english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield


def org_a1(world):
    return actions.create_default_structure(world.user("leader_a1"), world.community_a1)


def chinese(exc: DomainError) -> str:
    with translation.override("zh-hans"):
        return str(exc.message)


def test_the_default_structure_is_the_plans_and_is_made_once(world) -> None:
    org = org_a1(world)
    again = actions.create_default_structure(world.user("office_a1"), world.community_a1)
    assert again.pk == org.pk
    assert Organisation.objects.count() == 1
    assert org.office_location == "卫生室"
    assert WorkingGroup.objects.filter(organisation=org).count() == 7
    assert Post.objects.filter(organisation=org, kind="leader").get().title == "书记"
    assert "爱国卫生运动" in WorkingGroup.objects.get(organisation=org, key="environment").duties


def test_opening_the_page_sets_up_the_structure_for_who_manages(client, world) -> None:
    url = reverse("organisation:community", args=[world.community_a1.pk])
    client.force_login(world.user("grid_g1"))
    response = client.get(url)
    assert response.status_code == 200
    assert b"no-organisation" in response.content
    assert not Organisation.objects.exists()
    client.force_login(world.user("leader_a1"))
    response = client.get(url)
    assert response.status_code == 200
    assert "综合协调组" in response.content.decode()
    assert Organisation.objects.filter(community=world.community_a1).exists()


@pytest.mark.parametrize(
    ("key", "status"),
    [
        ("admin_a", 200),
        ("leader_a1", 200),
        ("grid_g1", 200),
        ("volunteer_a1", 200),
        ("leader_a2", 404),
        ("admin_b", 404),
    ],
)
def test_who_sees_the_organisation(client, world, key, status) -> None:
    org_a1(world)
    client.force_login(world.user(key))
    for name in ("community", "print", "phonebook", "party", "volunteers"):
        url = reverse(f"organisation:{name}", args=[world.community_a1.pk])
        assert client.get(url).status_code == status, name


def test_the_phone_book_shows_phones_to_members_only(client, world) -> None:
    org = org_a1(world)
    leader = world.user("leader_a1")
    post = Post.objects.get(organisation=org, title="书记")
    actions.save_post(leader, org, post=post, kind="leader", title="书记", user=leader)
    group = WorkingGroup.objects.get(organisation=org, key="medical")
    actions.add_group_member(leader, group, name="刘医生", phone="13800138000", is_head=True)
    url = reverse("organisation:phonebook", args=[world.community_a1.pk])
    client.force_login(leader)  # fills a post: a member
    html = client.get(url).content.decode()
    assert "13800138000" in html and "刘医生" in html
    client.force_login(world.user("grid_g1"))  # staff, but not in the organisation
    html = client.get(url).content.decode()
    assert "刘医生" in html
    assert "13800138000" not in html
    assert "0138000" not in html or "*" in html


def test_a_post_may_be_filled_by_someone_without_an_account(world) -> None:
    org = org_a1(world)
    post = actions.save_post(
        world.user("office_a1"), org, kind="member", title="驻片民警", name="王警官", phone="110"
    )
    assert post.person_name == "王警官" and post.user is None


def test_the_group_duties_are_editable(client, world) -> None:
    org = org_a1(world)
    group = WorkingGroup.objects.get(organisation=org, key="publicity")
    client.force_login(world.user("office_a1"))
    response = client.post(
        reverse("organisation:edit_group", args=[group.pk]),
        {"name": "新闻宣传组", "duties": "负责大喇叭宣传"},
    )
    assert response.status_code == 302
    group.refresh_from_db()
    assert group.duties == "负责大喇叭宣传"


@pytest.mark.parametrize("key", ["grid_g1", "volunteer_a1"])
def test_staff_who_only_view_may_not_change_it(client, world, key) -> None:
    org = org_a1(world)
    group = WorkingGroup.objects.get(organisation=org, key="publicity")
    client.force_login(world.user(key))
    response = client.post(
        reverse("organisation:edit_group", args=[group.pk]), {"name": "x", "duties": "y"}
    )
    assert response.status_code == 403
    group.refresh_from_db()
    assert group.name == "新闻宣传组"
    with pytest.raises(DomainError):
        actions.add_group_member(world.user(key), group, name="某人")
    assert not GroupMember.objects.exists()


def test_another_communitys_leader_may_not_change_it(world) -> None:
    org = org_a1(world)
    with translation.override("zh-hans"), pytest.raises(DomainError) as exc:
        actions.update_organisation(
            world.user("leader_a2"), org, name="改名", office_location="村部"
        )
    assert "社区" in chinese(exc.value)
    org.refresh_from_db()
    assert org.name == "春节期间防控领导小组"


def test_a_staff_member_of_another_community_cannot_fill_a_post(world) -> None:
    org = org_a1(world)
    with pytest.raises(DomainError):
        actions.save_post(
            world.user("leader_a1"), org, kind="member", title="成员", user=world.user("leader_a2")
        )
    assert Post.objects.filter(organisation=org).count() == 9


def test_the_party_branch_and_its_members(client, world) -> None:
    leader = world.user("leader_a1")
    resident = world.resident_g1
    resident.party_member = True
    resident.save()
    branch = actions.set_branch(leader, world.community_a1, name="李书记", phone="13900000000")
    assert branch.branch_name == "民族社区临时党支部"
    client.force_login(leader)
    url = reverse("organisation:party", args=[world.community_a1.pk])
    assert resident.name in client.get(url).content.decode()  # offered to add
    response = client.post(
        reverse("organisation:add_party_member", args=[world.community_a1.pk]),
        {"resident": resident.pk},
    )
    assert response.status_code == 302
    assert branch.members.get().name == resident.name
    with pytest.raises(DomainError):
        actions.add_party_member(leader, branch, resident=world.resident_b)
    assert branch.members.count() == 1
    assert PartyBranch.objects.count() == 1


def test_volunteers_assignments_and_hours(client, world) -> None:
    office = world.user("office_a1")
    v = actions.add_volunteer(
        office, world.community_a1, name="志愿者小张", phone="13700000000", skills="驾驶"
    )
    start = timezone.now() - dt.timedelta(hours=5)
    actions.add_assignment(
        office, v, kind="gate", place="南门", starts_at=start, ends_at=start + dt.timedelta(hours=3)
    )
    actions.add_assignment(office, v, kind="delivery", place="3栋", starts_at=start)
    client.force_login(office)
    html = client.get(reverse("organisation:volunteers", args=[world.community_a1.pk])).content
    assert "志愿者小张" in html.decode()
    assert "3.0" in html.decode()


def test_an_assignment_that_ends_before_it_starts_is_refused(client, world) -> None:
    office = world.user("office_a1")
    v = actions.add_volunteer(office, world.community_a1, name="志愿者小王")
    start = timezone.now()
    with translation.override("zh-hans"), pytest.raises(DomainError) as exc:
        actions.add_assignment(
            office,
            v,
            kind="sampling",
            place="广场",
            starts_at=start,
            ends_at=start - dt.timedelta(hours=1),
        )
    assert "结束" in chinese(exc.value)
    assert not Assignment.objects.exists()
    client.force_login(office)
    fmt = "%Y-%m-%dT%H:%M"
    response = client.post(
        reverse("organisation:add_assignment", args=[v.pk]),
        {
            f"v{v.pk}-kind": "duty",
            f"v{v.pk}-place": "值班室",
            f"v{v.pk}-starts_at": timezone.localtime(start).strftime(fmt),
            f"v{v.pk}-ends_at": timezone.localtime(start - dt.timedelta(hours=2)).strftime(fmt),
        },
    )
    assert response.status_code == 302
    assert not Assignment.objects.exists()
    assert Volunteer.objects.count() == 1


def test_the_township_lists_its_communities(client, world) -> None:
    org_a1(world)
    client.force_login(world.user("admin_a"))
    html = client.get(reverse("organisation:index")).content.decode()
    assert "民族社区" in html and "新河村" in html
    client.force_login(world.user("leader_a1"))
    response = client.get(reverse("organisation:index"))
    assert response.status_code == 302


def test_phones_are_sealed_in_the_database(world) -> None:
    from django.db import connection

    org = org_a1(world)
    actions.save_post(
        world.user("office_a1"),
        org,
        kind="member",
        title="驻片民警",
        name="王警官",
        phone="13912345678",
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone FROM organisation_post WHERE phone <> ''")
        stored = [row[0] for row in cursor.fetchall()]
    assert stored and "13912345678" not in stored[0]
    assert Post.objects.get(name="王警官").phone == "13912345678"
