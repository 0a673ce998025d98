"""The policy API: versions and risk areas, for every role and jurisdiction."""

import datetime as dt

import pytest
import time_machine

from fangkong.api.tests.client import ApiClient
from fangkong.conftest import ensure_default_policy
from fangkong.core.models import AuditAction, AuditEntry
from fangkong.policy.models import Policy, PolicyStatus, RiskArea
from fangkong.policy.tests.factories import PolicyFactory, RiskAreaFactory
from fangkong.policy.versions import in_force

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 1, 20)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(dt.datetime(2026, 1, 20, 9, 0), tick=False):
        yield


def api(world, key):
    return ApiClient(world.user(key))


@pytest.fixture
def versions(world):
    v1 = ensure_default_policy()
    a2 = PolicyFactory.create(township=world.township_a, version=2, name="A方案二")
    a3 = PolicyFactory.create(
        township=world.township_a, version=3, name="A方案三", status=PolicyStatus.DRAFT
    )
    b2 = PolicyFactory.create(township=world.township_b, version=2, name="B方案二")
    return {"v1": v1, "a2": a2, "a3": a3, "b2": b2}


NEW = {
    "name": "春节防控方案（调整）",
    "effective_from": "2026-01-22",
    "source_title": "关于调整隔离期限的通知",
    "source_number": "江汉防控〔2026〕3号",
    "source_date": "2026-01-18",
    "rules": {"high": {"days": 21, "test_days": [1, 7, 14, 21]}, "fever_threshold": "37.5"},
}


# --- versions --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("user", "labels"),
    [
        ("admin_a", ["420103001-v3", "420103001-v2", "default-v1"]),
        ("leader_a1", ["420103001-v2", "default-v1"]),
        ("grid_g1", ["420103001-v2", "default-v1"]),
        ("admin_b", ["420104002-v2", "default-v1"]),
    ],
)
def test_the_version_list_holds_what_applies_to_the_callers_township(world, versions, user, labels):
    response = api(world, user).get("/policy-versions")

    assert response.status_code == 200
    body = response.json()
    assert sorted(i["label"] for i in body["items"]) == sorted(labels)
    assert body["count"] == len(labels)
    assert [i["label"] for i in body["items"] if i["in_force"]] == [labels[-2]]


@pytest.mark.parametrize("user", ["police_a1", "guard_a1", "volunteer_a1"])
def test_roles_that_do_not_work_cases_may_not_read_versions(world, versions, user):
    assert api(world, user).get("/policy-versions").status_code == 403
    assert api(world, user).get(f"/policy-versions/{versions['v1'].pk}").status_code == 403


def test_without_a_token_the_api_asks_for_one(world, versions):
    assert ApiClient().get("/policy-versions").status_code == 401


def test_a_version_comes_with_every_rule_as_json(world, versions):
    body = api(world, "grid_g1").get(f"/policy-versions/{versions['v1'].pk}").json()

    assert body["label"] == "default-v1"
    assert body["township"] is None
    assert body["rules"]["high"] == {
        "kind": "centralised_quarantine",
        "days": 14,
        "test_days": [1, 7, 14],
    }
    assert body["rules"]["fever_threshold"] == "37.3"
    assert body["effective_from"] == "2024-01-01"


@pytest.mark.parametrize(
    ("user", "key"), [("admin_b", "a3"), ("leader_a1", "a3"), ("admin_b", "a2")]
)
def test_a_version_that_does_not_apply_is_not_found(world, versions, user, key):
    assert api(world, user).get(f"/policy-versions/{versions[key].pk}").status_code == 404


def test_the_version_list_stays_within_its_query_budget(
    world, versions, django_assert_max_num_queries
):
    for n in range(30):
        PolicyFactory.create(township=world.township_a, version=10 + n)
    client = api(world, "admin_a")
    client.get("/me")

    with django_assert_max_num_queries(6):
        response = client.get("/policy-versions")
    assert response.json()["count"] == 33


def test_an_admin_creates_a_draft_from_metadata_and_rules(world, versions):
    response = api(world, "admin_a").post("/policy-versions", NEW)

    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "draft"
    assert body["version"] == 4
    assert body["township"] == world.township_a.pk
    assert body["based_on"] == versions["a2"].pk  # the version in force
    assert body["rules"]["high"] == {
        "kind": "centralised_quarantine",
        "days": 21,
        "test_days": [1, 7, 14, 21],
    }
    assert body["rules"]["fever_threshold"] == "37.5"
    assert body["rules"]["medium"]["days"] == 14  # left out: kept from the version in force
    assert body["source_number"] == "江汉防控〔2026〕3号"


@pytest.mark.parametrize(
    ("rules", "key"),
    [
        ({"high": {"test_days": [1, 7, 15]}}, "rules.high.test_days"),
        ({"high": {"kind": "jail"}}, "rules.high.kind"),
        ({"fever_threshold": "44"}, "rules.fever_threshold"),
        ({"weeks": 2}, "rules.weeks"),
        ({"symptoms": []}, "rules.symptoms"),
    ],
)
def test_invalid_rules_are_refused_naming_the_rule(world, versions, rules, key):
    response = api(world, "admin_a").post("/policy-versions", {**NEW, "rules": rules})

    assert response.status_code == 422
    assert list(response.json()["errors"]) == [key]
    assert Policy.objects.count() == 4


def test_missing_metadata_is_refused(world, versions):
    response = api(world, "admin_a").post("/policy-versions", {**NEW, "source_title": " "})

    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["source_title"]


@pytest.mark.parametrize(
    ("user", "status"), [("leader_a1", 403), ("grid_g1", 403), ("guard_a1", 403)]
)
def test_only_township_admins_create_versions(world, versions, user, status):
    assert api(world, user).post("/policy-versions", NEW).status_code == status
    assert Policy.objects.count() == 4


def test_an_admin_activates_a_draft_from_a_date(world, versions):
    draft = versions["a3"]

    response = api(world, "admin_a").post(
        f"/policy-versions/{draft.pk}/activate", {"effective_from": "2026-01-20"}
    )

    assert response.status_code == 200
    assert response.json()["status"] == "active"
    assert response.json()["in_force"] is True
    assert in_force(world.township_a.pk, TODAY) == draft
    assert AuditEntry.objects.filter(action=AuditAction.ACTIVATE, target_id=str(draft.pk)).exists()


@pytest.mark.parametrize(
    ("user", "key", "body", "status"),
    [
        ("admin_a", "a3", {"effective_from": "2026-01-19"}, 422),  # in the past
        ("admin_a", "a2", {"effective_from": "2026-01-20"}, 422),  # already active
        ("admin_a", "v1", {"effective_from": "2026-01-20"}, 403),  # the general version
        ("admin_b", "a3", {"effective_from": "2026-01-20"}, 404),  # another township's draft
        ("leader_a1", "a3", {"effective_from": "2026-01-20"}, 404),  # drafts are not theirs
        ("leader_a1", "a2", {"effective_from": "2026-01-20"}, 403),
        ("admin_a", "a3", {"effective_from": "tomorrow"}, 422),
    ],
)
def test_activation_is_refused_when_not_allowed(world, versions, user, key, body, status):
    response = api(world, user).post(f"/policy-versions/{versions[key].pk}/activate", body)

    assert response.status_code == status
    assert Policy.objects.get(pk=versions["a3"].pk).status == PolicyStatus.DRAFT


def test_an_admin_withdraws_a_draft(world, versions):
    draft = versions["a3"]
    client = api(world, "admin_a")

    assert client.post(f"/policy-versions/{draft.pk}/withdraw", {"reason": ""}).status_code == 422
    response = client.post(f"/policy-versions/{draft.pk}/withdraw", {"reason": "文件作废"})

    assert response.status_code == 200
    assert response.json()["status"] == "withdrawn"


# --- risk areas ------------------------------------------------------------------------------


def test_a_risk_area_is_registered_from_free_text(world):
    response = api(world, "admin_a").post(
        "/risk-areas",
        {
            "place": "河北省石家庄市藁城区增村镇",
            "level": "high",
            "start": "2026-01-10",
            "end": None,
        },
    )

    assert response.status_code == 201
    body = response.json()
    assert body == {
        "id": RiskArea.objects.get().pk,
        "code": "130109",
        "division_name": "河北省石家庄市藁城区",
        "sub_name": "增村镇",
        "level": "high",
        "start": "2026-01-10",
        "end": None,
    }


def test_an_unresolved_place_is_a_422_naming_it(world):
    response = api(world, "admin_a").post(
        "/risk-areas", {"place": "火星省奥林匹斯山", "level": "high", "start": "2026-01-10"}
    )

    assert response.status_code == 422
    assert "火星省奥林匹斯山" in response.json()["errors"]["place"][0]
    assert not RiskArea.objects.exists()


def test_risk_area_dates_before_the_epidemic_or_far_ahead_are_refused_in_chinese(world):
    client = api(world, "admin_a")
    client.client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"
    data = {"place": "北京市朝阳区将台乡", "level": "medium"}

    early = client.post("/risk-areas", {**data, "start": "2019-11-30"})
    late = client.post("/risk-areas", {**data, "start": "2026-01-10", "end": "2099-01-01"})

    assert early.status_code == 422 and late.status_code == 422
    assert early.json()["errors"]["start"] == ["开始日期不能早于 2019-12-01，请核对日期。"]
    assert "结束日期不能晚于" in late.json()["errors"]["end"][0]
    assert not RiskArea.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"level": "low"}, "level"),
        ({"level": "severe"}, "level"),
        ({"end": "2026-01-09"}, "end"),
        ({"start": "10/01/2026"}, "start"),
        ({"place": ""}, "place"),
    ],
)
def test_bad_risk_areas_are_refused_naming_the_field(world, body, field):
    data = {"place": "北京市朝阳区将台乡", "level": "medium", "start": "2026-01-10", **body}

    response = api(world, "admin_a").post("/risk-areas", data)

    assert response.status_code == 422
    assert field in response.json()["errors"]
    assert not RiskArea.objects.exists()


@pytest.mark.parametrize("user", ["leader_a1", "grid_g1", "medic_a1", "police_a1", "guard_a1"])
def test_only_township_admins_register_or_end_areas(world, user):
    area = RiskAreaFactory.create()
    client = api(world, user)

    assert (
        client.post(
            "/risk-areas", {"place": "北京市朝阳区", "level": "high", "start": "2026-01-10"}
        ).status_code
        == 403
    )
    assert client.post(f"/risk-areas/{area.pk}/end", {"end": "2026-01-19"}).status_code == 403
    assert RiskArea.objects.count() == 1
    area.refresh_from_db()
    assert area.end is None


@pytest.mark.parametrize(
    ("user", "status"),
    [
        ("admin_b", 200),
        ("leader_a1", 200),
        ("grid_g1", 200),
        ("medic_a1", 200),
        ("police_a1", 200),
        ("guard_a1", 403),
        ("volunteer_a1", 403),
    ],
)
def test_the_register_is_read_by_registry_and_case_readers(world, user, status):
    RiskAreaFactory.create()

    assert api(world, user).get("/risk-areas").status_code == status


def test_risk_areas_are_filtered_by_day_and_level(world, django_assert_max_num_queries):
    RiskAreaFactory.create(start=dt.date(2026, 1, 10))
    RiskAreaFactory.create(sub_name="岗上镇", start=dt.date(2026, 1, 1), end=dt.date(2026, 1, 5))
    RiskAreaFactory.create(
        code="110105", division_name="北京市朝阳区", sub_name="将台乡", level="medium"
    )
    client = api(world, "grid_g1")
    client.get("/me")

    def subs(**params):
        return sorted(i["sub_name"] for i in client.get("/risk-areas", **params).json()["items"])

    with django_assert_max_num_queries(4):
        assert subs() == ["增村镇", "将台乡", "岗上镇"]
    assert subs(on="2026-01-03") == ["岗上镇"]
    assert subs(on="2026-01-20") == ["增村镇", "将台乡"]
    assert subs(on="2026-01-20", level="high") == ["增村镇"]
    assert subs(status="ended") == ["岗上镇"]
    assert client.get("/risk-areas", on="yesterday").status_code == 422


def test_an_area_is_ended_through_the_api(world):
    area = RiskAreaFactory.create(start=dt.date(2026, 1, 10), township=world.township_a)
    client = api(world, "admin_a")

    assert client.post(f"/risk-areas/{area.pk}/end", {"end": "2026-01-09"}).status_code == 422
    response = client.post(f"/risk-areas/{area.pk}/end", {"end": "2026-01-19"})

    assert response.status_code == 200
    assert response.json()["end"] == "2026-01-19"
    assert client.post(f"/risk-areas/{area.pk}/end", {"end": "2026-01-20"}).status_code == 422
    assert api(world, "grid_g1").get(f"/risk-areas/{area.pk}").json()["end"] == "2026-01-19"
