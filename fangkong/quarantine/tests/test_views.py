"""The quarantine pages: who sees which case, what the case page shows, and every action
through its form (allowed, refused with a message in place, or forbidden)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from fangkong.policy.rules import DEFAULT_RULES
from fangkong.quarantine import actions
from fangkong.quarantine.models import (
    Case,
    CaseStatus,
    CounsellingNote,
    IndexCase,
    Room,
    SignOff,
    Site,
)
from fangkong.quarantine.models import ScheduledTest as Item

from .cases import SERVED, START, in_review, on, open_case, signed, started
from .factories import CaseFactory, RoomFactory, ScheduledTestFactory

LIST = reverse("quarantine:case_list")


def detail(case):
    return reverse("quarantine:case_detail", args=[case.pk])


def login(client, world, key):
    client.force_login(world.user(key))
    return client


@pytest.fixture
def case_g1(world):
    return started(world, open_case(world))


# --- who sees what ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "visible"),
    [
        ("grid_g1", True),
        ("medic_a1", True),
        ("leader_a1", True),
        ("office_a1", True),
        ("admin_a", True),
        ("grid_g2", False),
        ("leader_a2", False),
        ("admin_b", False),
    ],
)
def test_a_case_is_seen_within_its_jurisdiction_only(client, world, case_g1, key, visible):
    c = login(client, world, key)
    with on(START):
        listed = c.get(LIST)
        page = c.get(detail(case_g1))
    assert listed.status_code == 200
    assert (world.resident_g1.name in listed.content.decode()) == visible
    assert page.status_code == (200 if visible else 404)


@pytest.mark.parametrize("key", ["guard_a1", "volunteer_a1", "police_a1"])
def test_roles_without_health_records_are_refused_every_page(client, world, case_g1, key):
    c = login(client, world, key)
    for url in (
        LIST,
        detail(case_g1),
        reverse("quarantine:case_notice", args=[case_g1.pk]),
        reverse("quarantine:index_list"),
        reverse("quarantine:site_list"),
        reverse("quarantine:lab_list"),
    ):
        assert c.get(url).status_code == 403, url
    assert c.post(reverse("quarantine:case_start", args=[case_g1.pk])).status_code == 403


def test_the_login_page_guards_the_list(client):
    response = client.get(LIST)
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_case_page_shows_the_person_masked_and_what_blocks_release(client, world, case_g1):
    with on(dt.date(2026, 1, 20)):
        html = login(client, world, "grid_g1").get(detail(case_g1)).content.decode()
    resident = world.resident_g1
    assert resident.masked_doc_number in html and resident.doc_number not in html
    assert resident.phone not in html
    assert "Day 11 of 14" in html
    assert "The quarantine period is not yet served: 4 days left (release from 2026-01-24)." in html
    assert "There is no result yet for the test of day 14 (due 2026-01-23)." in html
    assert "Overdue" in html  # the day-1 test had no result
    assert 'id="positive-alarm"' not in html


def test_a_positive_result_is_shown_loudly_on_the_case_and_in_the_list(client, world, case_g1):
    with on(START):
        actions.record_test_result(
            case_g1.tests.get(day=1), by=None, result="positive", sampled_on=START
        )
        c = login(client, world, "medic_a1")
        html = c.get(detail(case_g1)).content.decode()
        listed = c.get(LIST, {"flag": "positive"}).content.decode()
    assert 'id="positive-alarm"' in html
    assert "POSITIVE" in listed and world.resident_g1.name in listed


# --- list filters and budgets ----------------------------------------------------------------


def test_the_list_filters_overdue_ready_and_status(client, world):
    overdue = started(world, open_case(world))
    ready = started(world, open_case(world, world.resident_g1_spouse))
    for t in ready.tests.all():
        t.result, t.sampled_on = "negative", t.due_date
        t.save()
    done = in_review(world, world.resident_g2)
    c = login(client, world, "leader_a1")
    with on(SERVED):
        names = lambda **q: {  # noqa: E731
            case.resident.name for case in c.get(LIST, q).context["page"].items
        }
        assert names(flag="overdue") == {overdue.resident.name}
        assert names(flag="ready") == {ready.resident.name}
        assert names(status="release_review") == {done.resident.name}
        assert names() == {overdue.resident.name, ready.resident.name, done.resident.name}
        assert names(q="李") == {ready.resident.name}
        assert names(grid=world.grid_g2.pk) == {done.resident.name}


def test_the_list_stays_within_its_query_budget(client, world, django_assert_max_num_queries):
    for _ in range(60):
        case = CaseFactory.create(resident__household=world.household_g1)
        ScheduledTestFactory.create(case=case, day=1)
    c = login(client, world, "leader_a1")
    c.get(LIST)
    # session, user, rows (+1), count, grid choices
    with django_assert_max_num_queries(6):
        response = c.get(LIST, {"flag": "overdue"})
    assert len(response.context["page"].items) == 50


def test_the_case_page_stays_within_its_query_budget(
    client, world, room_a, django_assert_max_num_queries
):
    case = started(world, open_case(world, measure=DEFAULT_RULES.high), room=room_a)
    for n in range(10):
        actions.add_counselling_note(case, by=world.user("medic_a1"), text=f"note {n}")
    c = login(client, world, "leader_a1")
    c.get(detail(case))
    # session, user, case, tests, signoffs, last extension, fever check-ins, alerts, events,
    # notes, room, cadre and medic choices (13), and the health app's check-in section (3)
    with django_assert_max_num_queries(16):
        response = c.get(detail(case))
    assert response.status_code == 200 and len(response.context["notes"]) == 10


# --- actions through their forms -------------------------------------------------------------


def test_a_grid_worker_starts_a_centralised_case_in_a_room(client, world, room_a):
    case = open_case(world, measure=DEFAULT_RULES.high)
    c = login(client, world, "grid_g1")
    response = c.post(reverse("quarantine:case_start", args=[case.pk]), {"room": room_a.pk})
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.status, case.room) == (CaseStatus.IN_QUARANTINE, room_a)


def test_a_refused_action_shows_its_reason_in_place_and_writes_nothing(client, world, room_a):
    started(world, open_case(world, measure=DEFAULT_RULES.high), room=room_a)
    other = open_case(world, world.resident_g1_spouse, measure=DEFAULT_RULES.high)
    c = login(client, world, "grid_g1")
    response = c.post(reverse("quarantine:case_start", args=[other.pk]), {"room": room_a.pk})
    assert response.status_code == 422
    assert "is full (1 of 1 beds taken)" in response.content.decode()
    assert Case.objects.get(pk=other.pk).status == CaseStatus.REGISTERED


def test_an_extension_without_a_reason_is_refused(client, world, case_g1):
    c = login(client, world, "grid_g1")
    response = c.post(reverse("quarantine:case_extend", args=[case_g1.pk]), {"days": "7"})
    assert response.status_code == 422
    assert "Say why the quarantine is extended." in response.content.decode()
    assert Case.objects.get(pk=case_g1.pk).days == 14


def test_review_too_early_lists_every_blocker_on_the_page(client, world, case_g1):
    with on(dt.date(2026, 1, 20)):
        response = login(client, world, "grid_g1").post(
            reverse("quarantine:case_review", args=[case_g1.pk])
        )
    html = response.content.decode()
    assert response.status_code == 422
    assert "The case cannot go to release review yet:" in html
    assert "4 days left" in html


@pytest.mark.parametrize("key", ["grid_g2", "admin_b", "leader_a2"])
def test_actions_on_a_case_outside_the_jurisdiction_are_not_found(client, world, case_g1, key):
    c = login(client, world, key)
    names = ["case_start", "case_extend", "case_review", "case_refer", "case_note", "case_room"]
    if key != "admin_b":  # a township admin signs for neither role: 403 before looking
        names.append("case_sign")
    for name in names:
        response = c.post(reverse(f"quarantine:{name}", args=[case_g1.pk]), {"role": "cadre"})
        assert response.status_code == 404, name


def test_the_medic_and_the_grid_worker_sign_and_release_through_the_page(client, world):
    case = in_review(world)
    sign = reverse("quarantine:case_sign", args=[case.pk])
    with on(SERVED):
        c = login(client, world, "medic_a1")
        html = c.get(detail(case)).content.decode()
        assert 'id="sign-medic"' in html and 'id="sign-cadre"' not in html
        asked = c.post(sign, {"role": "medic"})
        assert asked.status_code == 200 and 'id="confirmation"' in asked.content.decode()
        assert f"Sign the release of {case.resident.name} as" in asked.content.decode()
        assert not SignOff.objects.filter(case=case).exists()  # asked first
        assert c.post(sign, {"role": "medic", "confirm": "1"}).status_code == 302
        c = login(client, world, "grid_g1")
        html = c.get(detail(case)).content.decode()
        assert 'id="sign-cadre"' in html and 'id="sign-medic"' not in html
        assert c.post(sign, {"role": "cadre", "confirm": "1"}).status_code == 302
        html = c.get(detail(case)).content.decode()
        assert "Nothing blocks release." in html
        assert f'data-confirm="Release {case.resident.name} from quarantine?' in html
        asked = c.post(reverse("quarantine:case_release", args=[case.pk]))
        assert asked.status_code == 200 and 'id="confirmation"' in asked.content.decode()
        assert Case.objects.get(pk=case.pk).status == CaseStatus.RELEASE_REVIEW
        response = c.post(reverse("quarantine:case_release", args=[case.pk]), {"confirm": "1"})
        notice = c.get(reverse("quarantine:release_notice", args=[case.pk])).content.decode()
    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).status == CaseStatus.RELEASED
    assert 'id="cadre-signer">grid_g1<' in notice and 'id="medic-signer">medic_a1<' in notice
    assert "2026-01-24" in notice


def test_signing_for_the_other_role_is_refused_on_the_page(client, world):
    case = in_review(world)
    with on(SERVED):
        response = login(client, world, "medic_a1").post(
            reverse("quarantine:case_sign", args=[case.pk]), {"role": "cadre", "confirm": "1"}
        )
    assert response.status_code == 422
    assert "Only a responsible cadre (包保干部) may sign as the cadre." in response.content.decode()
    assert not SignOff.objects.exists()


@pytest.mark.parametrize("key", ["admin_a", "office_a1"])
def test_staff_who_may_sign_for_neither_role_are_forbidden(client, world, key):
    case = in_review(world)
    response = login(client, world, key).post(
        reverse("quarantine:case_sign", args=[case.pk]), {"role": "cadre"}
    )
    assert response.status_code == 403


def test_the_release_notice_exists_only_for_a_released_case(client, world):
    case = in_review(world)
    url = reverse("quarantine:release_notice", args=[case.pk])
    assert login(client, world, "grid_g1").get(url).status_code == 404
    signed(world, case)
    with on(SERVED):
        actions.release(case, by=None)
    assert client.get(url).status_code == 200


def test_the_quarantine_notice_names_the_dates_place_tests_and_contacts(client, world, case_g1):
    actions.change_responsible(
        case_g1,
        by=None,
        cadre=world.user("grid_g1"),
        medic=world.user("medic_a1"),
        reason="包保分工",
    )
    html = (
        login(client, world, "grid_g1")
        .get(reverse("quarantine:case_notice", args=[case_g1.pk]))
        .content.decode()
    )
    assert "Notice of home quarantine" in html
    assert "from 2026-01-10 to 2026-01-23 (14 days) at 民族社区 第一网格 1栋 1单元 101" in html
    assert "2026-01-10、2026-01-23" in html
    assert "37.3 °C" in html and "grid_g1" in html and "medic_a1" in html
    assert world.resident_g1.doc_number not in html
    # Nothing from outside the app (no CDN); its print stylesheet and script are the app's
    # own files, as the Content-Security-Policy requires.
    assets = re.findall(r'<(?:link[^>]*href|script[^>]*src)="([^"]*)"', html)
    assert assets and all(a.startswith("/static/") for a in assets), assets


def test_a_medic_records_a_result_and_a_grid_worker_may_not(client, world, case_g1):
    item = case_g1.tests.get(day=1)
    url = reverse("quarantine:test_result", args=[item.pk])
    data = {f"t{item.pk}-result": "negative", f"t{item.pk}-sampled_on": "2026-01-10"}
    with on(dt.date(2026, 1, 11)):
        assert login(client, world, "grid_g1").post(url, data).status_code == 403
        assert login(client, world, "medic_a1").post(url, data).status_code == 302
    assert Item.objects.get(pk=item.pk).result == "negative"


def test_a_result_with_a_future_sample_date_is_refused_on_the_page(client, world, case_g1):
    item = case_g1.tests.get(day=1)
    data = {f"t{item.pk}-result": "negative", f"t{item.pk}-sampled_on": "2026-02-01"}
    with on(dt.date(2026, 1, 11)):
        response = login(client, world, "medic_a1").post(
            reverse("quarantine:test_result", args=[item.pk]), data
        )
    assert response.status_code == 422
    assert "The sample date 2026-02-01 is in the future." in response.content.decode()


def test_a_test_outside_the_jurisdiction_is_not_found(client, world, case_g1):
    item = case_g1.tests.get(day=1)
    response = login(client, world, "admin_b").post(
        reverse("quarantine:test_result", args=[item.pk]), {}
    )
    assert response.status_code == 404


def test_notes_and_referral_through_the_page(client, world, case_g1):
    c = login(client, world, "medic_a1")
    c.post(reverse("quarantine:case_note", args=[case_g1.pk]), {"text": "情绪稳定"})
    assert CounsellingNote.objects.get().text == "情绪稳定"
    response = c.post(
        reverse("quarantine:case_refer", args=[case_g1.pk]),
        {"hospital": "市第一医院", "reason": "发热 38.5℃，120接走"},
    )
    assert response.status_code == 302
    case = Case.objects.get(pk=case_g1.pk)
    assert (case.status, case.hospital) == (CaseStatus.REFERRED, "市第一医院")


def test_changing_the_responsible_staff_offers_only_signers_of_the_grid(client, world, case_g1):
    c = login(client, world, "leader_a1")
    form = c.get(detail(case_g1)).context["responsible_form"]
    assert {u.username for u in form.fields["cadre"].queryset} == {"grid_g1", "leader_a1"}
    assert {u.username for u in form.fields["medic"].queryset} == {"medic_a1"}
    response = c.post(
        reverse("quarantine:case_responsible", args=[case_g1.pk]),
        {
            "cadre": world.user("grid_g1").pk,
            "medic": world.user("medic_a1").pk,
            "reason": "包保分工",
        },
    )
    assert response.status_code == 302
    assert Case.objects.get(pk=case_g1.pk).cadre == world.user("grid_g1")


# --- index cases and close contacts ----------------------------------------------------------


def test_a_leader_registers_an_index_case_and_its_close_contact(client, world, room_a):
    c = login(client, world, "leader_a1")
    with on(START):
        response = c.post(
            reverse("quarantine:index_list"),
            {"name": "病例1", "kind": "confirmed", "reported_on": "2026-01-09"},
        )
        index = IndexCase.objects.get()
        assert response.status_code == 302 and index.community == world.community_a1
        found = c.get(reverse("quarantine:index_detail", args=[index.pk]), {"q": "张三丰"})
        assert world.resident_g1.name in found.content.decode()
        response = c.post(
            reverse("quarantine:index_contact", args=[index.pk]),
            {"resident": world.resident_g1.pk, "start_date": "2026-01-10", "room": room_a.pk},
        )
    case = Case.objects.get(index_case=index)
    assert response.status_code == 302 and response["Location"] == detail(case)
    assert (case.kind, case.room) == ("centralised", room_a)
    assert case.tests.filter(due_date=START).exists()


def test_a_close_contact_search_never_finds_people_outside_the_jurisdiction(client, world):
    index = actions.register_index_case(
        None, township=world.township_a, name="病例1", kind="confirmed", reported_on=START
    )
    c = login(client, world, "grid_g1")
    html = c.get(
        reverse("quarantine:index_detail", args=[index.pk]), {"q": world.resident_g2.name}
    ).content.decode()
    assert "Nobody in your jurisdiction matches" in html
    response = c.post(
        reverse("quarantine:index_contact", args=[index.pk]),
        {"resident": world.resident_g2.pk, "start_date": "2026-01-10"},
    )
    assert response.status_code == 422 and not Case.objects.exists()


def test_volunteers_cannot_register_index_cases(client, world):
    response = login(client, world, "volunteer_a1").post(
        reverse("quarantine:index_list"), {"name": "x", "kind": "confirmed"}
    )
    assert response.status_code == 403 and not IndexCase.objects.exists()


# --- sites and rooms -------------------------------------------------------------------------


def test_a_community_leader_adds_a_site_and_rooms_and_sees_the_occupancy(client, world):
    c = login(client, world, "leader_a1")
    response = c.post(
        reverse("quarantine:site_list"), {"name": "江汉宾馆", "address": "解放大道1号"}
    )
    site = Site.objects.get()
    assert response.status_code == 302 and site.township == world.township_a
    url = reverse("quarantine:site_detail", args=[site.pk])
    c.post(url, {"number": "101", "capacity": "2"})
    room = Room.objects.get()
    started(world, open_case(world, measure=DEFAULT_RULES.high), room=room)
    html = c.get(url).content.decode()
    assert 'id="site-occupancy" class="occupancy">1 / 2<' in html
    assert "1 / 2" in c.get(reverse("quarantine:site_list")).content.decode()
    response = c.post(
        reverse("quarantine:room_edit", args=[room.pk]), {"number": "101", "capacity": "0"}
    )
    assert response.status_code == 422 and Room.objects.get().capacity == 2


@pytest.mark.parametrize("key", ["grid_g1", "medic_a1", "office_a1"])
def test_only_leaders_and_township_admins_manage_sites(client, world, room_a, key):
    c = login(client, world, key)
    assert c.get(reverse("quarantine:site_list")).status_code == 200
    assert c.post(reverse("quarantine:site_list"), {"name": "x", "address": "y"}).status_code == 403
    assert c.get(reverse("quarantine:room_edit", args=[room_a.pk])).status_code == 403
    assert Site.objects.count() == 1


def test_a_site_of_another_township_is_not_found(client, world, room_a):
    c = login(client, world, "admin_b")
    assert c.get(reverse("quarantine:site_detail", args=[room_a.site_id])).status_code == 404
    assert c.get(reverse("quarantine:room_edit", args=[room_a.pk])).status_code == 404


def test_an_index_case_of_another_township_is_not_found(client, world):
    index = actions.register_index_case(
        None, township=world.township_a, name="病例1", kind="confirmed", reported_on=START
    )
    c = login(client, world, "admin_b")
    assert c.get(reverse("quarantine:index_detail", args=[index.pk])).status_code == 404


def test_the_room_of_a_case_can_be_changed_through_the_page(client, world, site_a, room_a):
    other = RoomFactory.create(site=site_a, number="802")
    case = started(world, open_case(world, measure=DEFAULT_RULES.high), room=room_a)
    response = login(client, world, "grid_g1").post(
        reverse("quarantine:case_room", args=[case.pk]), {"room": other.pk, "reason": "换房"}
    )
    assert response.status_code == 302 and Case.objects.get(pk=case.pk).room == other
