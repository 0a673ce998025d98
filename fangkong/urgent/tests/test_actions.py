"""The actions: who reports and acknowledges, the deadline from the policy in force, and
refusals that change nothing."""

import datetime as dt

import pytest
from django.utils import timezone

from fangkong.core.errors import DomainError
from fangkong.core.models import AuditEntry
from fangkong.policy.models import Policy, PolicyStatus
from fangkong.policy.rules import DEFAULT_RULES, PolicyRules
from fangkong.urgent import actions
from fangkong.urgent.models import Status, UrgentReport

from .helpers import report

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("key", ["leader_a1", "office_a1", "grid_g1", "grid_g2"])
def test_community_staff_report_for_their_community(world, key):
    made = report(world, key)
    assert (made.status, made.community, made.reported_by) == (
        Status.REPORTED,
        world.community_a1,
        world.user(key),
    )
    assert made.escalate_at == made.reported_at + dt.timedelta(
        minutes=DEFAULT_RULES.urgent_report_escalation_minutes
    )
    assert AuditEntry.objects.filter(target_type="urgent.urgentreport", action="create").exists()


def test_the_deadline_follows_the_townships_own_policy(world):
    Policy.objects.create(
        township=world.township_a,
        version=2,
        name="江汉街道加强版",
        status=PolicyStatus.ACTIVE,
        effective_from=dt.date(2026, 1, 1),
        source_title="江汉街道通知",
        rules=PolicyRules.from_data(
            {**DEFAULT_RULES.to_data(), "urgent_report_escalation_minutes": 10}
        ).to_data(),
    )
    made = report(world)
    assert made.escalate_at - made.reported_at == dt.timedelta(minutes=10)
    other = report(world, "admin_b", community=world.community_b1)
    assert other.escalate_at - other.reported_at == dt.timedelta(
        minutes=DEFAULT_RULES.urgent_report_escalation_minutes
    )


@pytest.mark.parametrize(
    ("key", "community", "message"),
    [
        ("leader_a2", "community_a1", "only for a community of your jurisdiction"),
        ("grid_g1", "community_a2", "only for a community of your jurisdiction"),
        ("admin_b", "community_a1", "only for a community of your jurisdiction"),
        ("medic_a1", "community_a1", "may not make urgent reports"),
        ("volunteer_a1", "community_a1", "may not make urgent reports"),
    ],
)
def test_nobody_reports_for_another_community(world, key, community, message):
    with pytest.raises(DomainError, match=message):
        report(world, key, community=getattr(world, community))
    assert not UrgentReport.objects.exists()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"what": "  "}, "what"),
        ({"place": ""}, "place"),
        ({"what": "x" * 2001}, "what"),
        ({"category": "party"}, "category"),
        ({"occurred_at": dt.timedelta(hours=1)}, "occurred_at"),
        ({"occurred_at": -dt.timedelta(days=31)}, "occurred_at"),
    ],
)
def test_a_bad_report_changes_nothing(world, fields, field):
    if isinstance(fields.get("occurred_at"), dt.timedelta):
        fields = {"occurred_at": timezone.now() + fields["occurred_at"]}
    with pytest.raises(DomainError) as caught:
        report(world, **fields)
    assert field in caught.value.errors
    assert not UrgentReport.objects.exists()
    assert not AuditEntry.objects.filter(target_type="urgent.urgentreport").exists()


@pytest.mark.parametrize(
    ("ago", "message"),
    [(dt.timedelta(hours=-1), "in the future"), (dt.timedelta(days=31), "last 30 days")],
)
def test_when_it_happened_is_checked(world, ago, message):
    with pytest.raises(DomainError, match=message):
        report(world, occurred_at=timezone.now() - ago)
    assert not UrgentReport.objects.exists()


def test_the_township_acknowledges_then_closes(world, clock):
    made = report(world)
    clock.shift(dt.timedelta(minutes=5))
    done = actions.acknowledge(world.user("admin_a"), made, note="已派人处理")
    assert (done.status, done.acknowledged_by, done.acknowledgement) == (
        Status.ACKNOWLEDGED,
        world.user("admin_a"),
        "已派人处理",
    )
    assert not done.is_escalated() and not done.was_escalated()
    closed = actions.close(world.user("admin_a"), done, outcome="物资已送达")
    assert (closed.status, closed.outcome) == (Status.CLOSED, "物资已送达")
    assert AuditEntry.objects.filter(target_type="urgent.urgentreport").count() == 3


def test_an_unacknowledged_report_escalates_after_the_policys_minutes(world, clock):
    made = report(world)
    minutes = DEFAULT_RULES.urgent_report_escalation_minutes
    clock.shift(dt.timedelta(minutes=minutes - 1))
    assert not made.is_escalated()
    assert not UrgentReport.objects.escalated(timezone.now()).exists()
    clock.shift(dt.timedelta(minutes=1))
    assert made.is_escalated()
    assert list(UrgentReport.objects.escalated(timezone.now())) == [made]
    late = actions.acknowledge(world.user("admin_a"), made)
    assert not late.is_escalated() and late.was_escalated()
    assert list(UrgentReport.objects.was_escalated(timezone.now())) == [made]
    entry = AuditEntry.objects.filter(action="update").get()
    assert entry.changes["escalated"] is True


@pytest.mark.parametrize(
    ("key", "message"),
    [
        ("leader_a1", "Only the township acknowledges"),
        ("office_a1", "Only the township acknowledges"),
        ("admin_b", "Only the township of this community"),
    ],
)
def test_only_its_township_acknowledges(world, key, message):
    made = report(world)
    with pytest.raises(DomainError, match=message):
        actions.acknowledge(world.user(key), made)
    made.refresh_from_db()
    assert made.status == Status.REPORTED and made.acknowledged_at is None


def test_twice_and_out_of_order_are_refused(world):
    made = report(world)
    admin = world.user("admin_a")
    with pytest.raises(DomainError, match="Acknowledge the report before closing it"):
        actions.close(admin, made, outcome="x")
    actions.acknowledge(admin, made)
    with pytest.raises(DomainError, match="already acknowledged by admin_a"):
        actions.acknowledge(admin, made)
    with pytest.raises(DomainError) as caught:
        actions.close(admin, made, outcome=" ")
    assert "outcome" in caught.value.errors
    actions.close(admin, made, outcome="处理完毕")
    with pytest.raises(DomainError, match="already closed"):
        actions.close(admin, made, outcome="again")
    made.refresh_from_db()
    assert made.outcome == "处理完毕"
