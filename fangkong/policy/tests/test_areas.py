"""The risk-area register: adding, ending, and what the rest of the system reads from it."""

import datetime as dt

import pytest

from fangkong.core.errors import DomainError
from fangkong.core.models import AuditAction, AuditEntry
from fangkong.policy import actions, divisions
from fangkong.policy.actions import AreaRow
from fangkong.policy.areas import county_risk, facts_during
from fangkong.policy.models import RiskArea
from fangkong.policy.places import AreaFact, Place
from fangkong.policy.rules import Level
from fangkong.policy.tests.factories import RiskAreaFactory

pytestmark = pytest.mark.django_db

JAN_10 = dt.date(2026, 1, 10)
JAN_20 = dt.date(2026, 1, 20)
ZENGCUN = Place("130109", "河北省石家庄市藁城区", "增村镇")


def test_an_area_is_registered_with_its_resolved_place_and_audited(world):
    area = actions.add_area(
        world.user("admin_a"),
        place=divisions.resolve("河北省石家庄市藁城区增村镇"),
        level="high",
        start=JAN_10,
        source="石家庄市公告",
    )

    assert (area.code, area.division_name, area.sub_name) == (
        "130109",
        "河北省石家庄市藁城区",
        "增村镇",
    )
    assert area.township == world.township_a
    assert area.entered_by == world.user("admin_a")
    entry = AuditEntry.objects.get(action=AuditAction.CREATE, target_id=str(area.pk))
    assert entry.changes["code"] == "130109"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"level": "low"}, "level"),
        ({"end": JAN_10 - dt.timedelta(days=1)}, "end"),
    ],
)
def test_a_low_level_or_an_end_before_the_start_is_refused(world, kwargs, field):
    with pytest.raises(DomainError) as caught:
        actions.add_area(
            world.user("admin_a"), **{"place": ZENGCUN, "level": "high", "start": JAN_10, **kwargs}
        )

    assert list(caught.value.errors) == [field]
    assert not RiskArea.objects.exists()


def test_the_same_place_and_level_for_an_overlapping_period_is_refused(world):
    RiskAreaFactory.create(start=JAN_10)

    with pytest.raises(DomainError, match="already registered"):
        actions.add_area(world.user("admin_a"), place=ZENGCUN, level="high", start=JAN_20)
    # a different level, or a period after the first ended, is another entry
    actions.add_area(world.user("admin_a"), place=ZENGCUN, level="medium", start=JAN_20)
    assert RiskArea.objects.count() == 2


def test_the_same_place_written_differently_below_the_county_is_a_duplicate(world):
    RiskAreaFactory.create(sub_name="幸福小区（一期）")

    with pytest.raises(DomainError, match="already registered"):
        actions.add_area(
            world.user("admin_a"),
            place=Place("130109", "河北省石家庄市藁城区", "幸福小区(一期)"),
            level="high",
            start=JAN_20,
        )


def test_many_areas_are_registered_all_or_nothing(world):
    good = AreaRow(ZENGCUN, "high", JAN_10, origin="line 1")
    bad = AreaRow(
        Place("110105", "北京市朝阳区", "将台乡"), "medium", JAN_20, JAN_10, origin="line 2"
    )
    twice = AreaRow(ZENGCUN, "high", JAN_20, origin="line 3")

    with pytest.raises(DomainError) as caught:
        actions.add_areas(world.user("admin_a"), [good, bad, twice], how="test")

    messages = caught.value.errors[""]
    assert messages[0].startswith("line 2") and "before the start date" in messages[0]
    assert messages[1].startswith("line 3") and "given twice" in messages[1]
    assert not RiskArea.objects.exists()
    assert not AuditEntry.objects.filter(action=AuditAction.CREATE).exists()

    areas = actions.add_areas(world.user("admin_a"), [good], how="test")
    assert [a.full_name for a in areas] == ["河北省石家庄市藁城区增村镇"]
    assert AuditEntry.objects.filter(action=AuditAction.CREATE, reason="test").count() == 1


def test_ending_an_area_records_its_last_day_once(world):
    area = RiskAreaFactory.create(start=JAN_10, township=world.township_a)

    with pytest.raises(DomainError, match="before the start date"):
        actions.end_area(world.user("admin_a"), area, end=JAN_10 - dt.timedelta(days=1))
    actions.end_area(world.user("admin_a"), area, end=JAN_20)

    assert area.end == JAN_20
    assert RiskArea.objects.get().end == JAN_20
    with pytest.raises(DomainError, match="already ended"):
        actions.end_area(world.user("admin_a"), area, end=JAN_20)
    assert AuditEntry.objects.get(action=AuditAction.UPDATE).changes == {
        "end": [None, "2026-01-20"]
    }


# --- facts for the classifier ----------------------------------------------------------------


def test_facts_during_a_period_are_the_areas_at_risk_on_some_day_of_it(
    db, django_assert_num_queries
):
    before = RiskAreaFactory.create(start=dt.date(2026, 1, 1), end=dt.date(2026, 1, 9))
    overlapping = RiskAreaFactory.create(start=dt.date(2026, 1, 1), end=JAN_10, sub_name="A镇")
    ongoing = RiskAreaFactory.create(start=dt.date(2026, 1, 5), level="medium", sub_name="B镇")
    RiskAreaFactory.create(start=dt.date(2026, 1, 21), sub_name="C镇")  # after

    with django_assert_num_queries(1):
        facts = facts_during(JAN_10, JAN_20)

    assert facts == [
        AreaFact(
            Place("130109", "河北省石家庄市藁城区", "A镇"),
            "high",
            dt.date(2026, 1, 1),
            JAN_10,
            overlapping.pk,
        ),
        AreaFact(
            Place("130109", "河北省石家庄市藁城区", "B镇"),
            "medium",
            dt.date(2026, 1, 5),
            None,
            ongoing.pk,
        ),
    ]
    assert before.pk not in {f.area_id for f in facts}


# --- the county's own level ------------------------------------------------------------------


def test_a_county_without_areas_is_low_risk(db):
    RiskAreaFactory.create(code="110105", division_name="北京市朝阳区", sub_name="将台乡")

    assert county_risk("130109", JAN_20) == (Level.LOW, [])


def test_the_county_takes_the_highest_level_in_force_inside_it(db, django_assert_num_queries):
    medium = RiskAreaFactory.create(level="medium", sub_name="廉州镇", start=JAN_10)
    high = RiskAreaFactory.create(level="high", sub_name="增村镇", start=JAN_10)
    RiskAreaFactory.create(
        level="high", sub_name="岗上镇", start=dt.date(2026, 1, 1), end=dt.date(2026, 1, 15)
    )
    RiskAreaFactory.create(level="high", code="130102", division_name="河北省石家庄市长安区")

    with django_assert_num_queries(1):
        level, areas = county_risk("130109", JAN_20)

    assert level == Level.HIGH
    assert areas == [high, medium]


@pytest.mark.parametrize("code", ["13", "1301"])
def test_an_area_declared_for_the_prefecture_or_province_covers_the_county(db, code):
    around = RiskAreaFactory.create(level="medium", code=code, division_name="河北省", sub_name="")

    assert county_risk("130109", JAN_20) == (Level.MEDIUM, [around])
    assert county_risk("140100", JAN_20) == (Level.LOW, [])


def test_the_county_level_follows_the_day(db):
    RiskAreaFactory.create(start=JAN_10, end=dt.date(2026, 1, 15))

    assert county_risk("130109", dt.date(2026, 1, 9))[0] == Level.LOW
    assert county_risk("130109", dt.date(2026, 1, 15))[0] == Level.HIGH
    assert county_risk("130109", dt.date(2026, 1, 16))[0] == Level.LOW
