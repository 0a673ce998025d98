"""The workbench: greeting, worklists that may be empty, counts inside the jurisdiction."""

import pytest
from django.urls import reverse

from fangkong.people.models import ResidentTag, VulnerableTag
from fangkong.people.tests.factories import ResidentFactory

WORKBENCH = reverse("core:workbench")


def login(client, world, key):
    client.force_login(world.user(key))
    return client


def test_the_workbench_greets_with_role_and_jurisdiction(client, world):
    html = login(client, world, "grid_g1").get(WORKBENCH).content.decode()

    user = world.user("grid_g1")
    assert str(user.get_role_display()) in html
    assert "江汉街道 / 民族社区 / 第一网格" in html


def test_anonymous_visitors_are_sent_to_log_in(client, world):
    assert client.get(WORKBENCH).status_code == 302


@pytest.mark.parametrize("user", ["guard_a1", "volunteer_a1"])
def test_guards_and_volunteers_get_a_workbench_without_registry_data(client, world, user):
    response = login(client, world, user).get(WORKBENCH)
    html = response.content.decode()

    assert response.status_code == 200
    assert 'id="no-registry"' in html
    assert "张三丰" not in html and 'id="counts"' not in html


def test_a_guard_is_sent_to_the_gate_and_a_volunteer_to_their_deliveries(client, world):
    guard = login(client, world, "guard_a1").get(WORKBENCH).content.decode()
    assert reverse("checkpoints:gate") in guard
    assert reverse("lockdown:my_deliveries") not in guard
    client.logout()
    volunteer = login(client, world, "volunteer_a1").get(WORKBENCH).content.decode()
    assert reverse("lockdown:my_deliveries") in volunteer
    assert reverse("checkpoints:gate") not in volunteer


@pytest.mark.parametrize(
    ("user", "places", "residents"),
    [
        ("grid_g1", ["第一网格"], 2),
        ("leader_a1", ["第一网格", "第二网格"], 3),
        ("leader_a2", ["一组"], 1),
        # communities in the natural order of their names (core.placeorder): without numbers,
        # by character (Unicode's radical-and-stroke order)
        ("admin_a", ["新河村", "民族社区"], 4),
        ("admin_b", ["外镇社区"], 1),
    ],
)
def test_counts_cover_only_the_places_of_the_jurisdiction(client, world, user, places, residents):
    response = login(client, world, user).get(WORKBENCH)

    counts = response.context["counts"]
    assert [c.place.name for c in counts] == places
    assert sum(c.residents for c in counts) == residents


def test_counts_show_households_and_vulnerable_people_per_grid(client, world):
    ResidentTag.objects.create(resident=world.resident_g1, tag="elderly_alone")
    ResidentTag.objects.create(resident=world.resident_g1_spouse, tag="elderly_alone")
    ResidentTag.objects.create(resident=world.resident_g2, tag="infant")

    counts = {
        c.place.name: c for c in login(client, world, "leader_a1").get(WORKBENCH).context["counts"]
    }

    assert counts["第一网格"].households == 1
    assert dict(counts["第一网格"].tags) == {str(VulnerableTag.ELDERLY_ALONE.label): 2}
    assert dict(counts["第二网格"].tags) == {str(VulnerableTag.INFANT.label): 1}


def test_the_duplicates_worklist_is_empty_when_there_is_nothing_to_review(client, world):
    response = login(client, world, "grid_g1").get(WORKBENCH)

    assert response.context["duplicates"] == []
    assert 'id="worklist-duplicates"' in response.content.decode()


def test_the_duplicates_worklist_lists_records_without_a_document_that_match_another(client, world):
    same_birth = ResidentFactory.create(
        household=world.household_g1,
        name="张三丰",
        doc_type="none",
        doc_number="",
        no_doc_reason="未带证件",
        birth_date=world.resident_g1.birth_date,
        phone="",
    )
    same_phone = ResidentFactory.create(
        household=world.household_g1,
        name="李秀英",
        doc_type="none",
        doc_number="",
        no_doc_reason="未带证件",
        birth_date=None,
        phone=world.resident_g1_spouse.phone,
    )
    ResidentFactory(  # same name, nothing else in common: not a candidate
        household=world.household_g1,
        name="张三丰",
        doc_type="none",
        doc_number="",
        no_doc_reason="未带证件",
        birth_date=None,
        phone="",
    )
    ResidentFactory(  # a candidate in grid G2 is not G1's work
        household=world.household_g2,
        name="王二小",
        doc_type="none",
        doc_number="",
        no_doc_reason="未带证件",
        birth_date=world.resident_g2.birth_date,
    )

    g1 = login(client, world, "grid_g1").get(WORKBENCH).context["duplicates"]
    leader = login(client, world, "leader_a1").get(WORKBENCH).context["duplicates"]

    assert sorted(r.pk for r in g1) == sorted([same_birth.pk, same_phone.pk])
    assert len(leader) == 3


def test_the_medical_worker_sees_no_duplicates_worklist(client, world):
    response = login(client, world, "medic_a1").get(WORKBENCH)

    assert "duplicates" not in response.context
    assert 'id="worklist-recent"' in response.content.decode()


def test_recent_changes_list_only_residents_of_the_jurisdiction(client, world):
    recent = login(client, world, "grid_g2").get(WORKBENCH).context["recent"]

    assert [r.name for r in recent] == ["王二小"]


def test_the_workbench_stays_within_its_query_budget(client, world, django_assert_max_num_queries):
    c = login(client, world, "admin_a")
    c.get(WORKBENCH)
    # 10 for the registry lists and counts, 1 for the county risk panel, 2 for the (empty)
    # epidemic worklists (health.worklists, whose own tests pin them with many cases), 2 for
    # the closure panel with no community closed (at most 7 with some: closure/tests/test_panel),
    # 1 for the lockdown panel with no lockdown (at most 5 with some: lockdown/tests/test_panel),
    # 1 for the gate stops panel (bounded: checkpoints/tests/test_panel), 1 for the testing
    # rounds panel with no open round (2 with some: masstesting/tests/test_panel), 1 for the
    # township admin's verified authenticator device (django-otp, core.twofactor), 1 for the
    # urgent reports waiting for the township (rows and their count in one query), 2 for the
    # daily report's completeness (the township's communities, today's reports), 2 for the
    # notices panel (the notices waiting for approval, the interview requests to decide), 2 for
    # the duty roster panel with no post (its posts, one's own next shift; at most 6 with
    # some: roster/tests/test_panels)
    # and 1 for the rectifications panel (rows and their count in one query)
    # and 3 for the tasks panel (today's recurring duties, mine, the overdue ones: tasks/tests)
    # and 3 for the supplies panel (the communities, the stock by batch, the item kinds with a
    # threshold), 2 for the disinfection panel with no place (the places of yesterday and
    # today, the lockdowns' public areas of the day; with places, 1 more for the entries and
    # 1 per township and day for the policy)
    with django_assert_max_num_queries(35):
        c.get(WORKBENCH)
