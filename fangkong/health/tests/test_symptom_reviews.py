"""The plan's symptoms (issue 12 item 4): the default list follows the plan (发热、咳嗽、腹泻 …)
in a new policy version, the old one unchanged; a symptom in free text that is on no list is
never stored silently: it raises a review item on the medical worker's worklist, resolved by
raising an alert or by saying why no action is needed."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.apps import apps
from django.urls import reverse

from fangkong.core.errors import DomainError
from fangkong.health import actions
from fangkong.health.actions import Person
from fangkong.health.models import (
    Alert,
    AlertSource,
    CheckInVia,
    ReviewDecision,
    ReviewStatus,
    SymptomReview,
)
from fangkong.health.worklists import worklists_for
from fangkong.policy.models import Policy
from fangkong.policy.rules import DEFAULT_RULES, DEFAULT_SYMPTOMS
from fangkong.policy.versions import in_force

from .conftest import TODAY

pytestmark = pytest.mark.django_db

MIGRATION = importlib.import_module("fangkong.policy.migrations.0005_plan_symptom_list")


@pytest.mark.parametrize(
    ("symptom", "listed"),
    [
        ("发热", True),
        ("咳嗽", True),
        ("腹泻", True),
        ("乏力", True),
        ("咽痛", True),
        ("嗅觉味觉减退", True),
        ("肌肉酸痛", True),
        ("结膜炎", True),
        ("干咳", False),  # a cough is 咳嗽, as the plan says; no second word for it
    ],
)
def test_the_default_list_follows_the_plan(symptom, listed):
    assert (symptom in DEFAULT_SYMPTOMS) is listed
    assert DEFAULT_SYMPTOMS[:3] == ("发热", "咳嗽", "腹泻")


def test_a_new_general_version_lists_the_plans_symptoms_and_version_1_is_kept(world):
    first = Policy.objects.get(township__isnull=True, version=1)
    first.rules = {**first.rules, "symptoms": ["发热", "干咳", "腹泻"]}  # as version 1 had it
    first.save()
    MIGRATION.add_version(apps, None)
    general = Policy.objects.filter(township__isnull=True).order_by("version")
    assert general.count() == 2
    first, newest = general
    assert first.rules["symptoms"] == ["发热", "干咳", "腹泻"]  # history unchanged
    assert (newest.version, newest.based_on_id, newest.status) == (2, first.pk, "active")
    assert newest.rules["symptoms"] == list(DEFAULT_SYMPTOMS)
    assert newest.effective_from == TODAY  # from the day the migration runs, not before
    # everything else is version 1's
    assert {k: v for k, v in newest.rules.items() if k != "symptoms"} == {
        k: v for k, v in first.rules.items() if k != "symptoms"
    }
    assert in_force(world.township_a.pk, TODAY) == newest
    assert in_force(world.township_a.pk, TODAY - dt.timedelta(days=1)) == first
    MIGRATION.add_version(apps, None)  # run again: nothing more
    assert Policy.objects.filter(township__isnull=True).count() == 2


def test_a_free_text_symptom_of_a_check_in_raises_a_review_not_silence(world, case_g1):
    checkin = actions.record_checkin(
        case_g1, case_g1.resident, "36.6", ["头痛"], via=CheckInVia.STAFF
    )
    assert checkin.alert is None
    review = SymptomReview.objects.get()
    assert (review.symptoms, review.resident, review.case) == (["头痛"], case_g1.resident, case_g1)
    assert (review.checkin, review.status, review.source) == (checkin, "open", "checkin")


def test_a_listed_symptom_raises_an_alert_and_no_review(world, case_g1):
    checkin = actions.record_checkin(
        case_g1, case_g1.resident, "36.6", ["乏力"], via=CheckInVia.STAFF
    )
    assert checkin.alert is not None
    assert not SymptomReview.objects.exists()


def test_a_report_with_only_free_text_raises_a_review_and_no_alert(world):
    reported = actions.report_symptoms(
        Person.of_resident(world.resident_g1),
        temperature="36.8",
        symptoms=["头晕", "腹泻"],
        source=AlertSource.STAFF,
    )
    assert reported.alert is not None and reported.review is not None
    assert reported.review.symptoms == ["头晕"] and reported.review.alert == reported.alert
    only_free = actions.report_symptoms(
        Person.of_resident(world.resident_g2),
        temperature=None,
        symptoms=["头晕"],
        source=AlertSource.STAFF,
    )
    assert only_free.alert is None and only_free.review is not None


def test_the_review_is_on_the_medical_workers_worklist_of_the_community_only(world, case_g1):
    actions.record_checkin(case_g1, case_g1.resident, "36.6", ["头痛"], via=CheckInVia.STAFF)
    medic = {w.key: w for w in worklists_for(world.user("medic_a1"))}
    assert medic["symptom-reviews"].count == 1
    assert medic["symptom-reviews"].rows[0].label == case_g1.resident.name
    assert "头痛" in medic["symptom-reviews"].rows[0].detail
    assert not SymptomReview.objects.visible_to(world.user("leader_a2")).exists()
    assert not SymptomReview.objects.visible_to(world.user("guard_a1")).exists()


def test_a_review_that_needs_a_doctor_raises_the_alert(world, case_g1):
    actions.record_checkin(case_g1, case_g1.resident, "36.6", ["头痛"], via=CheckInVia.STAFF)
    review = actions.resolve_review(
        SymptomReview.objects.get(), by=world.user("medic_a1"), decision=ReviewDecision.ALERT
    )
    alert = Alert.objects.get()
    assert (review.status, review.alert, review.resolved_by) == (
        ReviewStatus.RESOLVED,
        alert,
        world.user("medic_a1"),
    )
    assert (alert.resident, alert.case, alert.source, alert.symptoms) == (
        case_g1.resident,
        case_g1,
        "review",
        ["头痛"],
    )
    with pytest.raises(DomainError, match="already reviewed"):
        actions.resolve_review(review, by=world.user("medic_a1"), decision=ReviewDecision.ALERT)


def test_no_action_needs_a_reason(world, case_g1):
    actions.record_checkin(case_g1, case_g1.resident, "36.6", ["头痛"], via=CheckInVia.STAFF)
    review = SymptomReview.objects.get()
    with pytest.raises(DomainError) as refused:
        actions.resolve_review(review, by=world.user("medic_a1"), decision="no_action")
    assert "notes" in refused.value.errors
    review.refresh_from_db()
    assert review.status == "open"
    actions.resolve_review(
        review, by=world.user("medic_a1"), decision="no_action", notes="电话随访，系旧疾"
    )
    review.refresh_from_db()
    assert (review.status, review.notes) == ("resolved", "电话随访，系旧疾")
    assert not Alert.objects.exists()


def test_the_review_page_resolves_for_those_who_handle_alerts_only(client, world, case_g1):
    actions.record_checkin(case_g1, case_g1.resident, "36.6", ["头痛"], via=CheckInVia.STAFF)
    review = SymptomReview.objects.get()
    url = reverse("health:review_resolve", args=[review.pk])
    client.force_login(world.user("guard_a1"))
    assert client.get(reverse("health:review_list")).status_code == 403
    assert client.post(url, {"decision": "alert"}).status_code == 403
    client.force_login(world.user("leader_a2"))  # another community
    assert client.post(url, {"decision": "alert"}).status_code == 404
    assert not Alert.objects.exists()
    client.force_login(world.user("medic_a1"))
    page = client.get(reverse("health:review_list")).content.decode()
    assert f'id="review-{review.pk}"' in page and "头痛" in page
    response = client.post(url, {"decision": "alert"})
    alert = Alert.objects.get()
    assert response["Location"] == reverse("health:alert_detail", args=[alert.pk])


def test_the_policy_defaults_keep_the_list_in_the_rules_data():
    assert DEFAULT_RULES.to_data()["symptoms"] == list(DEFAULT_SYMPTOMS)
