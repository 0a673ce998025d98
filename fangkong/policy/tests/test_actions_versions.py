"""Making, editing, activating and withdrawing policy versions (`policy.actions`)."""

import datetime as dt
from dataclasses import replace
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from fangkong.conftest import ensure_default_policy
from fangkong.core.errors import DomainError
from fangkong.core.models import AuditAction, AuditEntry
from fangkong.policy import actions
from fangkong.policy.models import Policy, PolicyStatus
from fangkong.policy.rules import DEFAULT_RULES, Measure, MeasureKind
from fangkong.policy.versions import in_force
from fangkong.policy.views import affected_cases
from fangkong.quarantine import actions as quarantine_actions
from fangkong.quarantine.models import Case, CaseReason
from fangkong.quarantine.models import ScheduledTest as ScheduledTest
from fangkong.screening.models import Registration, RegistrationSource

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 1, 20)
CQ = MeasureKind.CENTRALISED_QUARANTINE
META: dict[str, Any] = {
    "name": "春节防控方案（调整）",
    "effective_from": TODAY,
    "source_title": "关于调整隔离期限的通知",
    "source_number": "江汉防控〔2026〕3号",
    "source_date": dt.date(2026, 1, 18),
}


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(dt.datetime(2026, 1, 20, 9, 0), tick=False):
        yield


def draft_for(world, key="admin_a", rules=DEFAULT_RULES):
    return actions.create_draft(world.user(key), rules=rules, today=TODAY, **META)


def test_copying_the_version_in_force_makes_a_draft_for_the_admins_township(world):
    v1 = ensure_default_policy()

    draft = actions.copy_version(world.user("admin_a"), v1, today=TODAY)

    assert draft.status == PolicyStatus.DRAFT
    assert draft.township == world.township_a
    assert draft.version == 2  # the next number after the general v1
    assert draft.based_on == v1
    assert draft.as_rules() == v1.as_rules()
    assert draft.source_title == v1.source_title
    assert draft.effective_from == TODAY
    assert AuditEntry.objects.get(action=AuditAction.CREATE, target_id=str(draft.pk)).actor == (
        world.user("admin_a")
    )
    assert in_force(world.township_a.pk, TODAY) == v1  # a draft is never in force


def test_each_copy_takes_the_next_number_of_its_township(world):
    v1 = ensure_default_policy()
    a2 = actions.copy_version(world.user("admin_a"), v1, today=TODAY)
    a3 = actions.copy_version(world.user("admin_a"), a2, today=TODAY)
    b2 = actions.copy_version(world.user("admin_b"), v1, today=TODAY)

    assert (a2.version, a3.version, b2.version) == (2, 3, 2)


def test_a_user_without_a_township_cannot_make_a_version(world):
    world.user("admin_a").township = None

    with pytest.raises(DomainError, match="township administrator"):
        actions.copy_version(world.user("admin_a"), ensure_default_policy(), today=TODAY)


def test_a_draft_is_edited_and_the_change_audited(world):
    draft = draft_for(world)
    rules = replace(DEFAULT_RULES, high=Measure(CQ, 21, (1, 7, 14, 21)))

    actions.update_draft(world.user("admin_a"), draft, rules=rules, today=TODAY, **META)

    draft.refresh_from_db()
    assert draft.as_rules().high == Measure(CQ, 21, (1, 7, 14, 21))
    entry = AuditEntry.objects.get(action=AuditAction.UPDATE, target_id=str(draft.pk))
    assert entry.changes["rules"][1]["high"]["days"] == 21


def test_invalid_numbers_are_refused_naming_each_rule_and_nothing_is_saved(world):
    draft = draft_for(world)
    bad = replace(
        DEFAULT_RULES,
        high=Measure(CQ, 14, (1, 7, 15)),
        fever_threshold=DEFAULT_RULES.temperature_max + 1,
    )

    with pytest.raises(DomainError) as caught:
        actions.update_draft(world.user("admin_a"), draft, rules=bad, today=TODAY, **META)

    assert set(caught.value.errors) == {"rules.high.test_days", "rules.fever_threshold"}
    draft.refresh_from_db()
    assert draft.as_rules() == DEFAULT_RULES


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"name": "  "}, "name"),
        ({"source_title": ""}, "source_title"),
        ({"source_date": TODAY + dt.timedelta(days=1)}, "source_date"),
        ({"source_number": "号" * 101}, "source_number"),
    ],
)
def test_a_version_needs_a_name_and_a_source_document(world, change, field):
    with pytest.raises(DomainError) as caught:
        actions.create_draft(
            world.user("admin_a"), rules=DEFAULT_RULES, today=TODAY, **{**META, **change}
        )

    assert list(caught.value.errors) == [field]
    assert not Policy.objects.filter(status=PolicyStatus.DRAFT).exists()


def test_an_active_version_is_never_edited(world):
    draft = draft_for(world)
    actions.activate(world.user("admin_a"), draft, effective_from=TODAY, today=TODAY)

    with pytest.raises(DomainError, match="Only a draft can be edited"):
        actions.update_draft(world.user("admin_a"), draft, rules=DEFAULT_RULES, today=TODAY, **META)


def test_another_township_may_not_change_the_draft_or_the_general_version(world):
    draft = draft_for(world)

    for target in (draft, ensure_default_policy()):
        with pytest.raises(PermissionDenied):
            actions.update_draft(
                world.user("admin_b"), target, rules=DEFAULT_RULES, today=TODAY, **META
            )
        with pytest.raises(PermissionDenied):
            actions.activate(world.user("admin_b"), target, effective_from=TODAY, today=TODAY)
        with pytest.raises(PermissionDenied):
            actions.withdraw(world.user("admin_b"), target, reason="不要了")


def test_activating_puts_the_version_in_force_from_its_date_and_is_audited(world):
    draft = draft_for(world)
    start = TODAY + dt.timedelta(days=3)

    actions.activate(world.user("admin_a"), draft, effective_from=start, today=TODAY)

    draft.refresh_from_db()
    assert draft.status == PolicyStatus.ACTIVE
    assert draft.effective_from == start
    assert draft.activated_by == world.user("admin_a")
    assert draft.activated_at is not None
    assert in_force(world.township_a.pk, start - dt.timedelta(days=1)) == ensure_default_policy()
    assert in_force(world.township_a.pk, start) == draft
    assert in_force(world.township_b.pk, start) == ensure_default_policy()
    entry = AuditEntry.objects.get(action=AuditAction.ACTIVATE)
    assert entry.target_id == str(draft.pk)
    assert entry.changes["status"] == ["draft", "active"]


def test_a_version_cannot_take_effect_in_the_past(world):
    draft = draft_for(world)

    with pytest.raises(DomainError) as caught:
        actions.activate(
            world.user("admin_a"), draft, effective_from=TODAY - dt.timedelta(days=1), today=TODAY
        )

    assert list(caught.value.errors) == ["effective_from"]
    draft.refresh_from_db()
    assert draft.status == PolicyStatus.DRAFT


def test_a_version_is_activated_only_once(world):
    draft = draft_for(world)
    actions.activate(world.user("admin_a"), draft, effective_from=TODAY, today=TODAY)

    with pytest.raises(DomainError, match="Only a draft can be activated"):
        actions.activate(world.user("admin_a"), draft, effective_from=TODAY, today=TODAY)


def test_withdrawing_a_draft_needs_a_reason_and_is_audited(world):
    draft = draft_for(world)

    with pytest.raises(DomainError):
        actions.withdraw(world.user("admin_a"), draft, reason="  ")
    actions.withdraw(world.user("admin_a"), draft, reason="上级文件已撤回")

    draft.refresh_from_db()
    assert draft.status == PolicyStatus.WITHDRAWN
    entry = AuditEntry.objects.get(action=AuditAction.TRANSITION, target_id=str(draft.pk))
    assert entry.reason == "上级文件已撤回"
    with pytest.raises(DomainError, match="Only a draft can be activated"):
        actions.activate(world.user("admin_a"), draft, effective_from=TODAY, today=TODAY)


# --- a new version never rewrites a decision -------------------------------------------------


def returnee_case(world, resident, level="high"):
    policy = in_force(resident.township_id, TODAY)
    registration = Registration.objects.create(
        township_id=resident.township_id,
        community_id=resident.community_id,
        grid_id=resident.grid_id,
        source=RegistrationSource.STAFF,
        resident=resident,
        arrival_date=TODAY,
        policy=policy,
        level=level,
        measure=policy.as_rules().measure_for(level).kind.value,
        decided_at=timezone.now(),
    )
    return quarantine_actions.open_case(
        resident,
        by=world.user("grid_g1"),
        measure=policy.as_rules().measure_for(level),
        policy=policy,
        reason=CaseReason.RETURNEE,
        start_date=TODAY,
        registration_id=registration.pk,
    )


def snapshot(case):
    case = Case.objects.get(pk=case.pk)
    tests = list(ScheduledTest.objects.filter(case=case).values_list("day", "due_date", "result"))
    return (case.policy_id, case.kind, case.days, case.test_days, case.planned_end, tests)


def test_activating_a_new_version_leaves_cases_untouched_and_lists_those_it_would_treat_differently(
    world,
):
    v1 = ensure_default_policy()
    high = returnee_case(world, world.resident_g1, "high")
    medium = returnee_case(world, world.resident_g2, "medium")
    before = {c.pk: snapshot(c) for c in (high, medium)}
    admin = world.user("admin_a")
    draft = actions.copy_version(admin, v1, today=TODAY)
    longer = replace(draft.as_rules(), high=Measure(CQ, 21, (1, 7, 14, 21)))
    actions.update_draft(admin, draft, rules=longer, today=TODAY, **META)

    listed, total = affected_cases(admin, draft)
    assert [(d.case.id, d.would_be.days) for d in listed] == [(high.pk, 21)]
    assert total == 1

    actions.activate(admin, draft, effective_from=TODAY, today=TODAY)

    assert in_force(world.township_a.pk, TODAY) == draft
    assert {c.pk: snapshot(c) for c in (high, medium)} == before
    assert Case.objects.get(pk=high.pk).policy == v1
    assert Registration.objects.get(pk=high.registration_id).policy == v1
    listed, total = affected_cases(admin, draft)
    assert [d.case.id for d in listed] == [high.pk]


def test_the_list_of_affected_cases_is_limited_to_the_readers_jurisdiction(world):
    high = returnee_case(world, world.resident_g1, "high")
    returnee_case(world, world.resident_g2, "high")
    draft = draft_for(world, rules=replace(DEFAULT_RULES, high=Measure(CQ, 21, (1, 21))))

    mine, _ = affected_cases(world.user("grid_g1"), draft)
    assert [d.case.id for d in mine] == [high.pk]
    assert len(affected_cases(world.user("admin_a"), draft)[0]) == 2
    assert affected_cases(world.user("admin_b"), draft) == ([], 0)
