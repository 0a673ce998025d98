"""The policy version pages, for every role and jurisdiction of the `world` fixture."""

import datetime as dt
from dataclasses import replace

import pytest
import time_machine
from django.urls import reverse

from fangkong.conftest import ensure_default_policy
from fangkong.policy import actions
from fangkong.policy.models import Policy, PolicyStatus
from fangkong.policy.rules import DEFAULT_RULES, Measure, MeasureKind
from fangkong.policy.tests.factories import PolicyFactory
from fangkong.policy.tests.test_actions_versions import returnee_case

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 1, 20)
READERS = ["admin_a", "leader_a1", "office_a1", "grid_g1", "medic_a1"]
NO_CASES = ["police_a1", "guard_a1", "volunteer_a1"]
CQ = MeasureKind.CENTRALISED_QUARANTINE


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(dt.datetime(2026, 1, 20, 9, 0), tick=False):
        yield


def login(client, world, key):
    client.force_login(world.user(key))
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def versions(world):
    """The general v1, township A's active v2 and draft v3, township B's active v2."""
    v1 = ensure_default_policy()
    a2 = PolicyFactory.create(township=world.township_a, version=2, name="A方案二")
    a3 = PolicyFactory.create(
        township=world.township_a, version=3, name="A方案三", status=PolicyStatus.DRAFT
    )
    b2 = PolicyFactory.create(township=world.township_b, version=2, name="B方案二")
    return {"v1": v1, "a2": a2, "a3": a3, "b2": b2}


def form_data(policy, **changes):
    """The edit form's POST for `policy`'s current values, with `changes`."""
    from fangkong.policy.forms import PolicyForm

    data = {k: v for k, v in PolicyForm.initial_for(policy).items() if v is not None}
    data = {k: v for k, v in data.items() if v is not False}
    data.update(changes)
    return {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in data.items()}


# --- list and detail -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("user", "shown"),
    [
        ("admin_a", ["A方案三", "A方案二", "春节期间社区（街道）疫情防控工作方案"]),
        ("leader_a1", ["A方案二", "春节期间社区（街道）疫情防控工作方案"]),
        ("grid_g1", ["A方案二", "春节期间社区（街道）疫情防控工作方案"]),
        ("medic_a1", ["A方案二", "春节期间社区（街道）疫情防控工作方案"]),
        ("admin_b", ["B方案二", "春节期间社区（街道）疫情防控工作方案"]),
    ],
)
def test_the_list_shows_the_general_versions_and_the_townships_own(
    client, world, versions, user, shown
):
    response = login(client, world, user).get(reverse("policy:version_list"))

    assert response.status_code == 200
    names = [p.name for p in response.context["page"].items]
    assert sorted(names) == sorted(shown)


def test_the_version_in_force_today_is_marked(client, world, versions):
    response = login(client, world, "leader_a1").get(reverse("policy:version_list"))

    assert response.context["current"] == versions["a2"]
    assert 'id="in-force"' in response.content.decode()


@pytest.mark.parametrize("user", NO_CASES)
def test_roles_that_do_not_work_cases_may_not_read_versions(client, world, versions, user):
    c = login(client, world, user)

    assert c.get(reverse("policy:version_list")).status_code == 403
    assert c.get(reverse("policy:version_detail", args=[versions["v1"].pk])).status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client, world, versions):
    assert client.get(reverse("policy:version_list")).status_code == 302


def test_the_list_stays_within_its_query_budget(
    client, world, versions, django_assert_max_num_queries
):
    for n in range(30):
        PolicyFactory.create(township=world.township_a, version=10 + n)
    c = login(client, world, "admin_a")
    c.get(reverse("policy:version_list"))

    with django_assert_max_num_queries(8):
        response = c.get(reverse("policy:version_list"))
    assert len(response.context["page"].items) == 33  # 30 + A's two + the general v1


@pytest.mark.parametrize(
    ("user", "key", "status"),
    [
        ("leader_a1", "a2", 200),
        ("grid_g1", "v1", 200),
        ("admin_a", "a3", 200),
        ("leader_a1", "a3", 404),  # drafts are for those who manage policy
        ("admin_b", "a3", 404),  # another township's draft does not exist for them
        ("admin_b", "a2", 404),
        ("leader_a2", "b2", 404),
    ],
)
def test_a_version_is_shown_only_where_it_applies(client, world, versions, user, key, status):
    response = login(client, world, user).get(
        reverse("policy:version_detail", args=[versions[key].pk])
    )

    assert response.status_code == status


def test_the_detail_page_shows_every_number_in_words(client, world, versions):
    html = (
        login(client, world, "grid_g1")
        .get(reverse("policy:version_detail", args=[versions["v1"].pk]))
        .content.decode()
    )

    for text in (
        "Centralised quarantine, 14 days, tests on days 1, 7, 14",
        "Home quarantine, 14 days, tests on days 1, 14",
        "Check of a negative test certificate",
        "7 days before arrival",
        "24 hours, at the township sampling point",
        "14 days before arrival",
        "37.3 °C",
        "34.0 °C",
        "43.0 °C",
        "发热、干咳、乏力、咽痛、嗅/味觉减退、腹泻",
        "30 minutes",
        "the whole county or district",
        "every scheduled test negative",
        "春节期间社区（街道）疫情防控工作方案",
    ):
        assert text in html, text
    assert 'id="rule-checks_per_day">2<' in html


# --- copy, edit, preview ---------------------------------------------------------------------


def test_an_admin_copies_the_version_in_force_into_a_draft_and_edits_it(client, world):
    v1 = ensure_default_policy()
    c = login(client, world, "admin_a")

    response = c.post(reverse("policy:version_copy", args=[v1.pk]))

    draft = Policy.objects.get(status=PolicyStatus.DRAFT)
    assert response.url == reverse("policy:version_edit", args=[draft.pk])
    assert (draft.township, draft.version, draft.based_on) == (world.township_a, 2, v1)
    page = c.get(response.url)
    assert page.status_code == 200
    for name in (
        "high_kind",
        "high_days",
        "high_test_days",
        "close_contact_kind",
        "lookback_days",
        "county_rule",
        "county_rule_level",
        "fever_threshold",
        "temperature_min",
        "temperature_max",
        "checks_per_day",
        "symptoms",
        "alert_escalation_minutes",
        "release_period_served",
        "release_medic_signoff",
        "certificate_valid_days",
        "test_within_hours",
        "close_contact_first_test_at_once",
        "source_number",
    ):
        assert f'name="{name}"' in page.content.decode(), name

    response = c.post(
        reverse("policy:version_edit", args=[draft.pk]),
        form_data(
            draft,
            high_days="21",
            high_test_days="1，7、14 21",
            symptoms="发热\n干咳\n\n腹泻",
            fever_threshold="37.5",
            county_rule_level="prefecture",
            source_number="江汉防控〔2026〕3号",
        ),
    )

    assert response.status_code == 302
    rules = Policy.objects.get(pk=draft.pk).as_rules()
    assert rules.high == Measure(CQ, 21, (1, 7, 14, 21))
    assert rules.symptoms == ("发热", "干咳", "腹泻")
    assert str(rules.fever_threshold) == "37.5"
    assert rules.county_rule_level == "prefecture"
    assert rules.county_rule is True
    assert rules.medium == DEFAULT_RULES.medium


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"high_test_days": "1,7,15"}, "high_test_days", "Test days must fall inside"),
        ({"high_test_days": "1,seven"}, "high_test_days", "like 1,7,14"),
        ({"fever_threshold": "44.0"}, "fever_threshold", "within the plausible range"),
        ({"close_contact_kind": "health_monitoring"}, "close_contact_kind", "must be quarantined"),
        ({"lookback_days": "0"}, "lookback_days", "from 1 to 60"),
        ({"symptoms": "发热\n发热"}, "symptoms", "listed twice"),
        ({"name": ""}, "name", "required"),
    ],
)
def test_a_bad_number_is_shown_on_its_field_and_nothing_is_saved(
    client, world, versions, changes, field, message
):
    draft = versions["a3"]
    response = login(client, world, "admin_a").post(
        reverse("policy:version_edit", args=[draft.pk]), form_data(draft, **changes)
    )

    assert response.status_code == 422
    errors = response.context["form"].errors
    assert list(errors) == [field]
    assert message in " ".join(errors[field])
    assert Policy.objects.get(pk=draft.pk).rules == draft.rules


def test_switching_every_release_criterion_off_is_shown_on_top(client, world, versions):
    draft = versions["a3"]
    data = {k: v for k, v in form_data(draft).items() if not k.startswith("release_")}

    response = login(client, world, "admin_a").post(
        reverse("policy:version_edit", args=[draft.pk]), data
    )

    assert response.status_code == 422
    assert "at least one release criterion" in " ".join(response.context["form"].non_field_errors())


@pytest.mark.parametrize(
    ("user", "on_draft", "on_copy"),
    [
        # readers do not see drafts at all; they may see the active version but not copy it
        ("leader_a1", 404, 403),
        ("grid_g1", 404, 403),
        ("admin_b", 404, 404),
        ("police_a1", 403, 403),
        ("guard_a1", 403, 403),
    ],
)
def test_only_the_townships_admin_may_copy_or_edit(
    client, world, versions, user, on_draft, on_copy
):
    c = login(client, world, user)
    draft = versions["a3"]

    assert c.get(reverse("policy:version_edit", args=[draft.pk])).status_code == on_draft
    edit = c.post(reverse("policy:version_edit", args=[draft.pk]), form_data(draft))
    assert edit.status_code == on_draft
    assert c.post(reverse("policy:version_copy", args=[versions["a2"].pk])).status_code == on_copy
    assert Policy.objects.filter(status=PolicyStatus.DRAFT).count() == 1
    assert Policy.objects.get(pk=draft.pk).rules == draft.rules


def test_another_townships_admin_may_copy_the_general_version_for_their_own(
    client, world, versions
):
    response = login(client, world, "admin_b").post(
        reverse("policy:version_copy", args=[versions["v1"].pk])
    )

    assert response.status_code == 302
    assert Policy.objects.get(status=PolicyStatus.DRAFT, township=world.township_b).version == 3


def test_an_admin_may_not_edit_the_general_version(client, world, versions):
    c = login(client, world, "admin_a")

    assert c.get(reverse("policy:version_edit", args=[versions["v1"].pk])).status_code == 403


def test_an_active_version_is_not_edited_but_copied(client, world, versions):
    c = login(client, world, "admin_a")

    response = c.get(reverse("policy:version_edit", args=[versions["a2"].pk]))

    assert response.url == reverse("policy:version_detail", args=[versions["a2"].pk])


def test_the_preview_shows_the_changes_and_the_open_cases_treated_differently(
    client, world, versions
):
    versions["a2"].delete()
    v1 = versions["v1"]
    case = returnee_case(world, world.resident_g1, "high")
    draft = versions["a3"]
    draft.rules = replace(DEFAULT_RULES, high=Measure(CQ, 21, (1, 7, 14, 21))).to_data()
    draft.save()

    html = (
        login(client, world, "admin_a")
        .get(reverse("policy:version_detail", args=[draft.pk]))
        .content.decode()
    )

    assert f"Compared with the version in force today ({v1.label})" in html
    assert "Arrival from a high-risk area" in html
    assert "Centralised quarantine, 21 days, tests on days 1, 7, 14, 21" in html
    assert f'href="/quarantine/cases/{case.pk}/"' in html
    assert world.resident_g1.name in html


def test_the_preview_of_unchanged_numbers_says_so(client, world, versions):
    versions["a3"].rules = versions["a2"].rules
    versions["a3"].save()

    html = (
        login(client, world, "admin_a")
        .get(reverse("policy:version_detail", args=[versions["a3"].pk]))
        .content.decode()
    )

    assert 'id="no-changes"' in html
    assert 'id="no-affected"' in html


def test_the_detail_page_stays_within_its_query_budget(
    client, world, versions, django_assert_max_num_queries
):
    returnee_case(world, world.resident_g1, "high")
    returnee_case(world, world.resident_g2, "medium")
    c = login(client, world, "admin_a")
    url = reverse("policy:version_detail", args=[versions["a3"].pk])
    c.get(url)

    with django_assert_max_num_queries(10):
        assert c.get(url).status_code == 200


# --- activate and withdraw -------------------------------------------------------------------


def test_an_admin_activates_a_draft_from_a_date(client, world, versions):
    draft = versions["a3"]
    start = TODAY + dt.timedelta(days=2)

    response = login(client, world, "admin_a").post(
        reverse("policy:version_activate", args=[draft.pk]), {"effective_from": start.isoformat()}
    )

    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.status, draft.effective_from, draft.activated_by) == (
        PolicyStatus.ACTIVE,
        start,
        world.user("admin_a"),
    )


def test_activating_from_a_past_date_is_refused_on_the_page(client, world, versions):
    draft = versions["a3"]

    response = login(client, world, "admin_a").post(
        reverse("policy:version_activate", args=[draft.pk]),
        {"effective_from": (TODAY - dt.timedelta(days=1)).isoformat()},
    )

    assert response.status_code == 422
    assert "never in the past" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == PolicyStatus.DRAFT


# Readers and other townships do not see the draft at all (404); guards may not read (403).
@pytest.mark.parametrize(
    ("user", "status"),
    [("leader_a1", 404), ("admin_b", 404), ("grid_g1", 404), ("volunteer_a1", 403)],
)
def test_only_the_townships_admin_may_activate_or_withdraw(client, world, versions, user, status):
    c = login(client, world, user)
    draft = versions["a3"]

    activate = c.post(
        reverse("policy:version_activate", args=[draft.pk]), {"effective_from": TODAY.isoformat()}
    )
    withdraw = c.post(reverse("policy:version_withdraw", args=[draft.pk]), {"reason": "不用了"})

    assert (activate.status_code, withdraw.status_code) == (status, status)
    draft.refresh_from_db()
    assert draft.status == PolicyStatus.DRAFT


def test_an_admin_withdraws_a_draft_with_a_reason(client, world, versions):
    draft = versions["a3"]
    c = login(client, world, "admin_a")

    assert (
        c.post(reverse("policy:version_withdraw", args=[draft.pk]), {"reason": ""}).status_code
        == 422
    )
    response = c.post(reverse("policy:version_withdraw", args=[draft.pk]), {"reason": "文件作废"})

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == PolicyStatus.WITHDRAWN


def test_a_copy_made_through_the_page_keeps_open_cases_as_they_were(client, world):
    v1 = ensure_default_policy()
    case = returnee_case(world, world.resident_g1, "high")
    admin = world.user("admin_a")
    draft = actions.copy_version(admin, v1, today=TODAY)
    c = login(client, world, "admin_a")
    c.post(
        reverse("policy:version_edit", args=[draft.pk]),
        form_data(draft, high_days="10", high_test_days="1,10"),
    )
    c.post(
        reverse("policy:version_activate", args=[draft.pk]), {"effective_from": TODAY.isoformat()}
    )

    case.refresh_from_db()
    assert (case.policy_id, case.days, case.test_days) == (v1.pk, 14, [1, 7, 14])
    html = c.get(reverse("policy:version_detail", args=[draft.pk])).content.decode()
    assert f'href="/quarantine/cases/{case.pk}/"' in html
