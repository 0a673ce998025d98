"""The quarantine endpoints under /api/v1/: the same jurisdictions and roles as the pages, and
a refused transition answered 422 with the sentences of what blocks it."""

from __future__ import annotations

import datetime as dt

import pytest

from fangkong.api.tests.client import ApiClient
from fangkong.policy.rules import DEFAULT_RULES
from fangkong.quarantine import actions
from fangkong.quarantine.models import Case, CaseStatus, IndexCase, SignOff
from fangkong.quarantine.models import ScheduledTest as Item

from .cases import SERVED, START, assign, in_review, on, open_case, started

pytestmark = pytest.mark.django_db


def api(world, key):
    client = ApiClient(world.user(key))
    client.headers["Accept-Language"] = "en"  # messages asserted in their source form
    return client


@pytest.fixture
def case_g1(world):
    return started(world, open_case(world))


# --- reading ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "count"),
    [
        ("grid_g1", 1),
        ("medic_a1", 1),
        ("leader_a1", 1),
        ("admin_a", 1),
        ("grid_g2", 0),
        ("leader_a2", 0),
        ("admin_b", 0),
    ],
)
def test_the_list_holds_the_callers_jurisdiction_only(world, case_g1, key, count):
    response = api(world, key).get("/cases")
    assert response.status_code == 200
    assert response.json()["count"] == count
    detail = api(world, key).get(f"/cases/{case_g1.pk}")
    assert detail.status_code == (200 if count else 404)


@pytest.mark.parametrize("key", ["guard_a1", "volunteer_a1", "police_a1"])
def test_roles_without_health_records_get_403_everywhere(world, case_g1, key):
    client = api(world, key)
    assert client.get("/cases").status_code == 403
    assert client.get(f"/cases/{case_g1.pk}").status_code == 403
    assert client.get(f"/cases/{case_g1.pk}/tests").status_code == 403
    assert client.post(f"/cases/{case_g1.pk}/start").status_code == 403
    index = {"name": "病例1", "kind": "confirmed", "reported_on": "2026-01-09"}
    assert client.post("/index-cases", index).status_code == 403


def test_a_case_comes_with_its_tests_signatures_and_blockers(world, case_g1):
    with on(dt.date(2026, 1, 20)):
        body = api(world, "grid_g1").get(f"/cases/{case_g1.pk}").json()
    assert body["person"] == {
        "id": world.resident_g1.pk,
        "name": "张三丰",
        "masked_doc_number": world.resident_g1.masked_doc_number,
    }
    assert (body["status"], body["kind"], body["start_date"], body["planned_end"]) == (
        "in_quarantine",
        "home",
        "2026-01-10",
        "2026-01-23",
    )
    assert body["day_number"] == 11 and body["policy_version"] == "default-v1"
    assert [(t["day"], t["due_date"], t["result"], t["overdue"]) for t in body["tests"]] == [
        (1, "2026-01-10", None, True),
        (14, "2026-01-23", None, False),
    ]
    assert body["has_overdue"] is True and body["has_positive"] is False
    assert body["release"]["ok"] is False
    assert [b["code"] for b in body["release"]["blockers"]] == [
        "wrong_status",
        "period_not_served",
        "test_pending",
        "test_pending",
        "missing_cadre_signoff",
        "missing_medic_signoff",
    ]
    assert body["release"]["blockers"][1]["message"] == (
        "The quarantine period is not yet served: 4 days left (release from 2026-01-24)."
    )


def test_the_list_filters_like_the_page(world, case_g1):
    with on(START):
        actions.record_test_result(
            case_g1.tests.get(day=1), by=None, result="positive", sampled_on=START
        )
    client = api(world, "leader_a1")
    assert client.get("/cases", flag="positive").json()["count"] == 1
    assert client.get("/cases", status="released").json()["count"] == 0
    assert client.get("/cases", status="all").json()["items"][0]["has_positive"] is True
    bad = client.get("/cases", status="closed")
    assert bad.status_code == 422 and "status" in bad.json()["errors"]


# --- transitions -----------------------------------------------------------------------------


def test_a_release_review_asked_too_early_is_refused_with_the_blockers(world, case_g1):
    with on(dt.date(2026, 1, 20)):
        response = api(world, "grid_g1").post(f"/cases/{case_g1.pk}/review")
    assert response.status_code == 422
    messages = response.json()["errors"][""]
    assert messages[0] == "The case cannot go to release review yet:"
    assert "There is no result yet for the test of day 1 (due 2026-01-10)." in messages
    assert Case.objects.get(pk=case_g1.pk).status == CaseStatus.IN_QUARANTINE


def test_the_whole_release_through_the_api(world):
    case = assign(world, open_case(world))
    grid, medic = api(world, "grid_g1"), api(world, "medic_a1")
    with on(START):
        assert grid.post(f"/cases/{case.pk}/start").json()["status"] == "in_quarantine"
    for t in medic.get(f"/cases/{case.pk}/tests").json():
        with on(dt.date.fromisoformat(t["due_date"])):
            response = medic.post(
                f"/tests/{t['id']}/result", {"result": "negative", "sampled_on": t["due_date"]}
            )
        assert response.status_code == 200 and response.json()["result"] == "negative"
    with on(SERVED):
        assert grid.post(f"/cases/{case.pk}/review").json()["status"] == "release_review"
        assert medic.post(f"/cases/{case.pk}/sign", {"role": "medic"}).status_code == 200
        body = grid.post(f"/cases/{case.pk}/sign", {"role": "cadre"}).json()
        assert body["release"] == {"ok": True, "blockers": []}
        assert {(s["role"], s["user"]["name"]) for s in body["signoffs"]} == {
            ("medic", "medic_a1"),
            ("cadre", "grid_g1"),
        }
        released = grid.post(f"/cases/{case.pk}/release", {"reason": "期满"})
    assert released.status_code == 200 and released.json()["status"] == "released"
    assert released.json()["closed_at"] is not None


def test_signing_for_the_wrong_role_is_422_and_for_no_role_403(world):
    case = in_review(world)
    with on(SERVED):
        wrong = api(world, "medic_a1").post(f"/cases/{case.pk}/sign", {"role": "cadre"})
        none = api(world, "admin_a").post(f"/cases/{case.pk}/sign", {"role": "cadre"})
        unknown = api(world, "grid_g1").post(f"/cases/{case.pk}/sign", {"role": "boss"})
    assert wrong.status_code == 422
    assert wrong.json()["errors"]["role"] == [
        "Only a responsible cadre (包保干部) may sign as the cadre."
    ]
    assert none.status_code == 403
    assert unknown.status_code == 422 and "role" in unknown.json()["errors"]
    assert not SignOff.objects.exists()


def test_release_without_signatures_is_refused_naming_them(world):
    case = in_review(world)
    with on(SERVED):
        response = api(world, "grid_g1").post(f"/cases/{case.pk}/release")
    assert response.status_code == 422
    assert "The responsible cadre (包保干部) has not signed yet." in response.json()["errors"][""]


def test_extend_refer_and_notes(world, case_g1):
    client = api(world, "grid_g1")
    missing = client.post(f"/cases/{case_g1.pk}/extend", {"days": 3, "reason": " "})
    assert missing.status_code == 422 and missing.json()["errors"]["reason"]
    assert client.post(f"/cases/{case_g1.pk}/extend", {"days": 0, "reason": "x"}).status_code == 422
    body = client.post(f"/cases/{case_g1.pk}/extend", {"days": 7, "reason": "复查"}).json()
    assert body["planned_end"] == "2026-01-30" and body["test_days"] == [1, 14, 21]
    note = client.post(f"/cases/{case_g1.pk}/notes", {"text": "情绪稳定"})
    assert note.status_code == 201 and note.json()["by"]["name"] == "grid_g1"
    referred = client.post(
        f"/cases/{case_g1.pk}/refer", {"hospital": "市第一医院", "reason": "发热"}
    ).json()
    assert (referred["status"], referred["hospital"]) == ("referred", "市第一医院")
    again = client.post(f"/cases/{case_g1.pk}/refer", {"hospital": "x", "reason": "y"})
    assert again.status_code == 422 and "closed" in again.json()["errors"][""][0]


def test_a_centralised_case_starts_in_a_room_of_the_township_only(world, room_a):
    case = open_case(world, measure=DEFAULT_RULES.high)
    outside = api(world, "admin_b")
    assert outside.post(f"/cases/{case.pk}/start", {"room": room_a.pk}).status_code == 404
    client = api(world, "grid_g1")
    assert client.post(f"/cases/{case.pk}/start").status_code == 422
    body = client.post(f"/cases/{case.pk}/start", {"room": room_a.pk}).json()
    assert body["room"] == room_a.pk and body["address"] == "江汉隔离酒店 801"


def test_results_are_recorded_by_those_who_record_tests_only(world, case_g1):
    item = case_g1.tests.get(day=1)
    body = {"result": "invalid", "sampled_on": "2026-01-10"}
    with on(dt.date(2026, 1, 11)):
        assert api(world, "grid_g1").post(f"/tests/{item.pk}/result", body).status_code == 403
        assert api(world, "admin_b").post(f"/tests/{item.pk}/result", body).status_code == 404
        response = api(world, "medic_a1").post(f"/tests/{item.pk}/result", body)
        tests = api(world, "medic_a1").get(f"/cases/{case_g1.pk}/tests").json()
    assert response.status_code == 200 and response.json()["superseded"] is True
    retest = Item.objects.get(retest_of=item)
    assert {"id": retest.pk, "retest_of": item.pk, "due_date": "2026-01-11"}.items() <= next(
        t for t in tests if t["id"] == retest.pk
    ).items()
    future = api(world, "medic_a1").post(
        f"/tests/{retest.pk}/result", {"result": "negative", "sampled_on": "2099-01-01"}
    )
    assert future.status_code == 422 and "sampled_on" in future.json()["errors"]


# --- index cases and close contacts ----------------------------------------------------------


def test_an_index_case_and_its_close_contact_through_the_api(world, room_a):
    client = api(world, "leader_a1")
    with on(START):
        created = client.post(
            "/index-cases", {"name": "病例1", "kind": "confirmed", "reported_on": "2026-01-09"}
        )
        assert created.status_code == 201
        index = created.json()
        assert index["community"] == world.community_a1.pk
        contact = client.post(
            "/close-contacts",
            {"index_case_id": index["id"], "resident_id": world.resident_g1.pk, "room": room_a.pk},
        )
    assert contact.status_code == 201, contact.json()
    body = contact.json()
    assert (body["kind"], body["reason"], body["index_case"]) == (
        "centralised",
        "close_contact",
        index["id"],
    )
    assert body["tests"][0]["due_date"] == "2026-01-10"
    assert [i["name"] for i in api(world, "leader_a1").get("/index-cases").json()] == ["病例1"]
    # no resident and no grid: a grid worker is told the reference, not the name
    assert [i["name"] for i in api(world, "grid_g1").get("/index-cases").json()] == [
        f"Index case #{index['id']}"
    ]
    assert api(world, "admin_b").get("/index-cases").json() == []


def test_a_close_contact_outside_the_jurisdiction_is_422(world):
    index = actions.register_index_case(
        None, township=world.township_a, name="病例1", kind="confirmed", reported_on=START
    )
    client = api(world, "grid_g1")
    response = client.post(
        "/close-contacts", {"index_case_id": index.pk, "resident_id": world.resident_g2.pk}
    )
    assert response.status_code == 422 and "resident_id" in response.json()["errors"]
    other = api(world, "admin_b").post(
        "/close-contacts", {"index_case_id": index.pk, "resident_id": world.resident_b.pk}
    )
    assert other.status_code == 422 and "index_case_id" in other.json()["errors"]
    assert not Case.objects.exists()


def test_an_index_case_needs_a_valid_kind_and_date(world):
    client = api(world, "leader_a1")
    bad = client.post("/index-cases", {"name": "x", "kind": "rumour", "reported_on": "2026-01-09"})
    assert bad.status_code == 422 and "kind" in bad.json()["errors"]
    assert not IndexCase.objects.exists()
    good = {"name": "病例1", "kind": "confirmed", "reported_on": "2026-01-09"}
    assert api(world, "volunteer_a1").post("/index-cases", good).status_code == 403
    assert not IndexCase.objects.exists()
