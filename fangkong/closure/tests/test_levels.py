"""A community's level with its history: setting, following the county, closed management,
the checklist made when it turns on, and who may set it."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fangkong.closure import actions, levels
from fangkong.closure.models import ChecklistItem, CommunityLevel
from fangkong.core.errors import DomainError
from fangkong.core.models import AuditEntry
from fangkong.policy.models import Policy, PolicyStatus
from fangkong.policy.rules import DEFAULT_RULES, Level, PolicyRules
from fangkong.policy.tests.factories import RiskAreaFactory
from fangkong.policy.versions import in_force

from .conftest import TODAY, at

pytestmark = pytest.mark.django_db


def county_area(level="medium", **kw):
    """A risk area inside township A's county (420103)."""
    values = {
        "code": "420103",
        "division_name": "湖北省武汉市江汉区",
        "sub_name": "民意街道",
        "level": level,
        "start": dt.date(2026, 1, 15),
        **kw,
    }
    return RiskAreaFactory.create(**values)


def test_with_no_entry_a_community_follows_its_low_risk_county(world):
    now = levels.community_level(world.community_a1, TODAY)
    assert (now.level, now.source, now.since, now.closed_management) == (
        Level.LOW,
        "county",
        None,
        False,
    )


def test_set_medium_turns_closed_management_on_and_makes_the_checklist(world):
    admin = world.user("admin_a")
    entry = actions.set_level(admin, world.community_a1, level="medium", reason="本社区出现病例")

    now = levels.community_level(world.community_a1, TODAY)
    assert (now.level, now.source, now.since, now.closed_management) == (
        Level.MEDIUM,
        "township",
        entry.at,
        True,
    )
    assert levels.closed_management_on(world.community_a1.pk, TODAY) is True
    kinds = list(ChecklistItem.objects.filter(community=world.community_a1).values_list("kind"))
    assert sorted(k for (k,) in kinds) == sorted(
        ["entrance", "team", "publicity", "equipment", "rules", "inspection"]
    )
    audit = AuditEntry.objects.get(target_type="closure.communitylevel")
    assert audit.reason == "本社区出现病例"
    assert audit.changes["closed_management"] == [False, True]
    assert audit.actor == admin


def test_set_low_turns_it_off_and_keeps_the_history(world, clock):
    admin = world.user("admin_a")
    actions.set_level(admin, world.community_a1, level="medium", reason="病例")
    clock.move_to(at(TODAY, 10))
    actions.set_level(admin, world.community_a1, level="low", reason="解除")

    assert levels.closed_management_on(world.community_a1.pk, TODAY) is False
    history = list(CommunityLevel.objects.filter(community=world.community_a1))
    assert [(e.source, e.level) for e in history] == [("township", "low"), ("township", "medium")]
    # the checklist stays (its history), only closed management is off
    assert ChecklistItem.objects.filter(community=world.community_a1).count() == 6
    # the level of a past moment is still known
    assert levels.community_level(world.community_a1, TODAY - dt.timedelta(days=1)).level == (
        Level.LOW
    )


def test_the_level_of_a_day_is_the_latest_entry_at_or_before_it(world, clock):
    admin = world.user("admin_a")
    actions.set_level(
        admin, world.community_a1, level="high", reason="旧", at=at(TODAY - dt.timedelta(3))
    )
    actions.set_level(
        admin, world.community_a1, level="medium", reason="降", at=at(TODAY - dt.timedelta(1))
    )

    def day(n):
        return TODAY - dt.timedelta(days=n)

    assert levels.community_level(world.community_a1, day(4)).level == Level.LOW
    assert levels.community_level(world.community_a1, day(3)).level == Level.HIGH
    assert levels.community_level(world.community_a1, day(2)).level == Level.HIGH
    assert levels.community_level(world.community_a1, day(1)).level == Level.MEDIUM


def test_following_the_county_tracks_its_risk_areas(world):
    admin = world.user("admin_a")
    actions.set_level(admin, world.community_a1, level="low", reason="先定低")
    area = county_area("medium")
    assert levels.community_level(world.community_a1, TODAY).closed_management is False

    actions.follow_county(admin, world.community_a1, reason="随县")

    now = levels.community_level(world.community_a1, TODAY)
    assert (now.level, now.source, now.closed_management) == (Level.MEDIUM, "county", True)
    assert ChecklistItem.objects.filter(community=world.community_a1).count() == 6

    area.end = TODAY - dt.timedelta(days=1)
    area.save()
    levels.forget(world.community_a1.pk)
    now = levels.community_level(world.community_a1, TODAY)
    assert (now.level, now.closed_management) == (Level.LOW, False)
    assert levels.closed_management_on(world.community_a1.pk, TODAY) is False


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("420103", Level.MEDIUM),  # the county itself
        ("4201", Level.MEDIUM),  # the prefecture around it
        ("42", Level.MEDIUM),  # the province
        ("420104", Level.LOW),  # the next county
        ("430103", Level.LOW),
    ],
)
def test_the_county_level_is_the_register_s(world, code, expected):
    RiskAreaFactory.create(code=code, division_name="x", sub_name="", level="medium")
    assert levels.community_level(world.community_a1, TODAY).level == expected
    # the same answer as the register's own county_risk
    from fangkong.policy.areas import county_risk

    assert county_risk("420103", TODAY)[0] == expected


def test_a_high_area_outranks_a_medium_one_and_high_is_closed(world):
    county_area("medium")
    county_area("high", sub_name="另一街道")
    now = levels.community_level(world.community_a2, TODAY)
    assert (now.level, now.closed_management) == (Level.HIGH, True)


def test_set_high_turns_closed_management_on(world):
    actions.set_level(world.user("admin_a"), world.community_a2, level="high", reason="高风险")
    assert levels.closed_management_on(world.community_a2.pk, TODAY) is True


def test_the_policys_threshold_decides(world):
    data = PolicyRules.from_data(
        {**DEFAULT_RULES.to_data(), "closed_management_from": "high"}
    ).to_data()
    Policy.objects.create(
        township=world.township_a,
        version=2,
        name="只高风险封闭",
        status=PolicyStatus.ACTIVE,
        effective_from=dt.date(2026, 1, 1),
        source_title="通知",
        rules=data,
    )
    actions.set_level(world.user("admin_a"), world.community_a1, level="medium", reason="中")
    assert levels.closed_management_on(world.community_a1.pk, TODAY) is False
    assert ChecklistItem.objects.filter(community=world.community_a1).count() == 0
    # township B still has the general version: medium closes there
    actions.set_level(world.user("admin_b"), world.community_b1, level="medium", reason="中")
    assert levels.closed_management_on(world.community_b1.pk, TODAY) is True


def test_rules_by_township_agree_with_in_force(world):
    PolicyFactoryPolicy = Policy.objects.create(
        township=world.township_a,
        version=2,
        name="A",
        status=PolicyStatus.ACTIVE,
        effective_from=TODAY + dt.timedelta(days=1),
        source_title="t",
        rules=DEFAULT_RULES.to_data(),
    )
    for day in (TODAY, TODAY + dt.timedelta(days=1)):
        found = levels.rules_by_township([world.township_a.pk, world.township_b.pk], day)
        for township in (world.township_a, world.township_b):
            assert found[township.pk] == in_force(township.pk, day).as_rules()
    assert PolicyFactoryPolicy.pk


def test_one_communitys_level_takes_two_queries_and_a_list_two_as_well(world):
    actions.set_level(world.user("admin_a"), world.community_a1, level="medium", reason="x")
    with CaptureQueriesContext(connection) as one:
        levels.community_level(world.community_a1, TODAY)
    from fangkong.core.models import Community

    with CaptureQueriesContext(connection) as many:
        levels.community_levels(Community.objects.all(), TODAY)
    assert len(one) == 2
    assert len(many) == 2


def test_the_gate_answer_is_cached_and_dropped_when_a_level_is_written(world):
    pk = world.community_a1.pk
    assert levels.closed_management_on(pk, TODAY) is False
    with CaptureQueriesContext(connection) as cached:
        assert levels.closed_management_on(pk, TODAY) is False
    assert len(cached) == 0
    actions.set_level(world.user("admin_a"), world.community_a1, level="medium", reason="x")
    assert levels.closed_management_on(pk, TODAY) is True


# --- refusals ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "user", ["leader_a1", "office_a1", "grid_g1", "medic_a1", "guard_a1", "police_a1", "admin_b"]
)
def test_only_the_communitys_township_admin_sets_the_level(world, user):
    with pytest.raises(DomainError):
        actions.set_level(world.user(user), world.community_a1, level="medium", reason="x")
    with pytest.raises(DomainError):
        actions.follow_county(world.user(user), world.community_a1, reason="x")
    assert not CommunityLevel.objects.exists()
    assert not AuditEntry.objects.filter(target_type="closure.communitylevel").exists()


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"level": "medium", "reason": "  "}, "reason"),
        ({"level": "severe", "reason": "x"}, "level"),
        ({"level": "", "reason": "x"}, "level"),
        ({"level": "medium", "reason": "x", "at": at(TODAY, 9)}, "at"),
    ],
)
def test_bad_input_changes_nothing(world, kwargs, field):
    with pytest.raises(DomainError) as caught:
        actions.set_level(world.user("admin_a"), world.community_a1, **kwargs)
    assert field in caught.value.errors
    assert not CommunityLevel.objects.exists()
    assert not ChecklistItem.objects.exists()


def test_setting_the_same_level_again_is_refused(world):
    admin = world.user("admin_a")
    actions.set_level(admin, world.community_a1, level="medium", reason="x")
    with pytest.raises(DomainError, match="already"):
        actions.set_level(admin, world.community_a1, level="medium", reason="y")
    assert CommunityLevel.objects.count() == 1
