"""The disinfection log: places, entries (the agent taken from the stock in the same
transaction), the day's coverage, the workbench panel and the daily report's figures."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from fangkong.conftest import ensure_default_policy
from fangkong.core.errors import DomainError
from fangkong.disinfection import actions, coverage, daily_report, queries
from fangkong.disinfection.models import Entry, Place
from fangkong.supplies.models import Movement
from fangkong.supplies.tests.helpers import balance, kind, lot

from .conftest import at

pytestmark = pytest.mark.django_db

YESTERDAY = dt.date(2026, 1, 19)


@pytest.fixture(autouse=True)
def policy(db):
    return ensure_default_policy()


def place(world, name="3号楼电梯", kind_="lift", community=None, owner=None, **kw):
    community = community or world.community_a1
    by = world.user("leader_a1" if community == world.community_a1 else "leader_a2")
    made = actions.save_place(by, community, name=name, kind=kind_, owner=owner, **kw)
    if "created_at" not in kw:
        Place.objects.filter(pk=made.pk).update(
            created_at=at(YESTERDAY, 0, 0) - dt.timedelta(days=5)
        )
        made.refresh_from_db()
    return made


def agent(world, quantity=10):
    item = kind(world, "84消毒液", unit="升", equipment_key="disinfectant", is_agent=True)
    return lot(world, quantity, item=item, batch="D1")


def test_the_category_follows_the_kind_unless_chosen(world):
    assert place(world, "南门", "gate").category == coverage.KEY
    assert place(world, "电梯", "lift").category == coverage.BUSY
    assert place(world, "垃圾桶", "bin").category == coverage.ORDINARY
    assert place(world, "幸福养老院", "care_home", category="busy").category == coverage.BUSY


def test_an_entry_with_an_agent_writes_a_stock_out_in_the_same_transaction(world):
    p = place(world)
    d = agent(world, 10)
    entry = actions.record(world.user("volunteer_a1"), p, agent=d, amount="1.5")
    assert entry.movement is not None
    assert entry.movement.delta == Decimal("-1.5")
    assert entry.movement.purpose == "disinfection"
    assert entry.movement.signed_by == world.user("volunteer_a1")
    assert balance(d) == Decimal("8.5")


def test_an_entry_that_would_take_the_agent_below_zero_is_refused_and_writes_nothing(world):
    p = place(world)
    d = agent(world, 1)
    moves = Movement.objects.count()
    with translation.override("zh-hans"), pytest.raises(DomainError) as refused:
        actions.record(world.user("medic_a1"), p, agent=d, amount=2)
    assert "库存" in refused.value.message
    assert not Entry.objects.exists()
    assert Movement.objects.count() == moves
    assert balance(d) == Decimal(1)


def test_an_entry_in_the_future_is_refused_in_chinese_and_writes_nothing(world):
    p = place(world)
    with translation.override("zh-hans"), pytest.raises(DomainError) as refused:
        actions.record(world.user("guard_a1"), p, done_at=timezone.now() + dt.timedelta(hours=1))
    assert "不能晚于现在" in refused.value.message
    assert not Entry.objects.exists()


@pytest.mark.parametrize("key", ["volunteer_a1", "guard_a1", "grid_g1", "medic_a1"])
def test_who_records(world, key):
    actions.record(world.user(key), place(world))
    assert Entry.objects.count() == 1


@pytest.mark.parametrize("key", ["police_a1", "leader_a2", "admin_b", "office_a1"])
def test_who_may_not_record_here(world, key):
    with pytest.raises(DomainError):
        actions.record(world.user(key), place(world))
    assert not Entry.objects.exists()


def test_only_the_leader_and_office_manage_places(world):
    with pytest.raises(DomainError):
        actions.save_place(world.user("volunteer_a1"), world.community_a1, name="东门", kind="gate")
    assert not Place.objects.exists()


def test_the_days_coverage_and_the_daily_report(world):
    lift = place(world, "电梯", "lift")  # 4 a day
    gate = place(world, "南门", "gate")  # 2 a day
    bins = place(world, "垃圾桶", "bin")  # 1 a day
    by = world.user("volunteer_a1")
    for hour in (7, 15):
        actions.record(by, gate, done_at=at(YESTERDAY, hour))
    actions.record(by, bins, done_at=at(YESTERDAY, 8))
    actions.record(by, lift, done_at=at(YESTERDAY, 8))
    actions.record(by, bins, done_at=at(hour=8))
    found = {r.place.name: r.status for r in queries.day_of(Place.objects.all(), YESTERDAY)}
    assert found == {"电梯": "missed", "南门": "covered", "垃圾桶": "covered"}
    today = {r.place.name: r.status for r in queries.day_of(Place.objects.all(), at().date())}
    assert today == {"电梯": "due", "南门": "due", "垃圾桶": "covered"}
    figures = daily_report.compute(YESTERDAY, [world.community_a1.pk, world.community_a2.pk])
    assert figures[world.community_a1.pk] == {
        daily_report.DUE: 3,
        daily_report.COVERED: 2,
        daily_report.MISSED: 1,
    }
    assert figures[world.community_a2.pk] == {
        daily_report.DUE: 0,
        daily_report.COVERED: 0,
        daily_report.MISSED: 0,
    }
    # today is not over: nothing is missed yet
    assert (
        daily_report.compute(at().date(), [world.community_a1.pk])[world.community_a1.pk][
            daily_report.MISSED
        ]
        == 0
    )


def test_the_policy_sets_the_times_a_day(world):
    from fangkong.policy.rules import DEFAULT_RULES

    policy = ensure_default_policy()
    policy.rules = {**DEFAULT_RULES.to_data(), "busy_spot_disinfections_per_day": 1}
    policy.save(update_fields=["rules"])
    lift = place(world, "电梯", "lift")
    actions.record(world.user("volunteer_a1"), lift, done_at=at(YESTERDAY, 8))
    assert queries.day_of(Place.objects.all(), YESTERDAY)[0].status == "covered"


def test_a_missed_place_is_flagged_to_its_owner_and_the_leader(client, world):
    place(world, "电梯", "lift", owner=world.user("grid_g1"))
    place(world, "南门", "gate", owner=world.user("guard_a1"))
    actions.record(world.user("guard_a1"), Place.objects.get(name="南门"), done_at=at(YESTERDAY, 7))
    actions.record(
        world.user("guard_a1"), Place.objects.get(name="南门"), done_at=at(YESTERDAY, 17)
    )

    def panel(key):
        client.force_login(world.user(key))
        html = client.get(reverse("core:workbench")).content.decode()
        return html.split('id="disinfection-panel"', 1)[1].split("</section>", 1)[0]

    leader = panel("leader_a1")
    assert "Missed yesterday" in leader and "电梯" in leader.split("disinfection-due")[0]
    owner = panel("grid_g1")
    assert "电梯" in owner.split("disinfection-due")[0]
    other = panel("guard_a1")
    assert "Missed yesterday" not in other


def test_the_panel_is_not_shown_to_a_role_without_the_log(client, world):
    client.force_login(world.user("police_a1"))
    assert 'id="disinfection-panel"' not in client.get(reverse("core:workbench")).content.decode()
