"""The writes of inspections: what they record, audit, and refuse (with nothing written)."""

import datetime as dt

import pytest
from django.utils import timezone

from fangkong.core.errors import DomainError
from fangkong.core.models import AuditEntry
from fangkong.inspections import actions
from fangkong.inspections.models import (
    Check,
    CheckResult,
    Finding,
    FindingStatus,
    Inspection,
    Merit,
)
from fangkong.policy.rules import SIX_ONES

from .helpers import a_finding, a_round

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def test_a_round_checks_the_policys_items_the_six_ones_by_default(world):
    item = a_round(world)
    assert tuple(item.checks.values_list("item", flat=True)) == SIX_ONES
    assert AuditEntry.objects.filter(target_type="inspections.inspection").count() == 1


@pytest.mark.parametrize(
    ("by", "kw", "message"),
    [
        ("grid_g1", {}, "Your role may not do this."),
        ("leader_a2", {}, "This community is outside your jurisdiction."),
        ("leader_a1", {"kind": "township"}, "Only the township's staff"),
        ("leader_a1", {"on": dt.date.today() + dt.timedelta(days=2)}, "on or after its day"),
        ("leader_a1", {"on": dt.date.today() - dt.timedelta(days=40)}, "within 30 days"),
        ("leader_a1", {"inspectors": "  "}, "Name who inspects."),
    ],
)
def test_a_round_is_refused(world, by, kw, message):
    with pytest.raises(DomainError, match=message):
        a_round(world, by=by, **kw)
    assert not Inspection.objects.exists()


def test_the_township_inspects_any_community_of_its_own(world):
    item = a_round(world, by="admin_a", community="community_a2", kind="township")
    assert item.community == world.community_a2
    with pytest.raises(DomainError):
        a_round(world, by="admin_b", community="community_a2", kind="township")


def test_a_finding_marks_its_item_not_met_and_carries_a_photo(world, photo):
    item = a_round(world)
    finding = a_finding(world, item, item="entrance", photo=photo, place="南门")
    assert str(finding.photo.name).endswith(".png")
    assert Check.objects.get(inspection=item, item="entrance").result == CheckResult.UNMET
    assert finding.status == FindingStatus.OPEN and finding.owner == world.user("grid_g1")


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"what": " "}, "what"),
        ({"owner": "leader_a2"}, "owner"),  # staff of another community
        ({"owner": "admin_a"}, "owner"),  # the township's, not the community's
        ({"deadline": dt.date.today() - dt.timedelta(days=1)}, "deadline"),
        ({"deadline": dt.date.today() + dt.timedelta(days=120)}, "deadline"),
        ({"item": "no_such_item"}, "item"),
        ({"photo": b"not a photo"}, "photo"),
    ],
)
def test_a_finding_is_refused_with_nothing_written(world, kw, field):
    item = a_round(world)
    with pytest.raises(DomainError) as caught:
        a_finding(world, item, **kw)
    assert field in caught.value.errors
    assert not Finding.objects.exists()


def test_finishing_needs_a_finding_for_every_item_not_met_and_then_locks_the_round(world):
    item = a_round(world)
    actions.record_check(world.user("leader_a1"), item, item="team", result=CheckResult.UNMET)
    with pytest.raises(DomainError, match="needs a finding"):
        actions.finish(world.user("leader_a1"), item)
    a_finding(world, item, item="team", what="值守人员不足")
    actions.finish(world.user("leader_a1"), item)
    item.refresh_from_db()
    assert item.finished_at is not None
    with pytest.raises(DomainError, match="finished"):
        a_finding(world, item)
    with pytest.raises(DomainError, match="finished"):
        actions.record_check(world.user("leader_a1"), item, item="team", result="met")


def test_a_rectification_without_evidence_is_refused_and_with_it_waits_for_verification(
    world, photo
):
    finding = a_finding(world)
    with pytest.raises(DomainError, match="only with evidence"):
        actions.rectify(world.user("grid_g1"), finding, evidence="  ")
    finding.refresh_from_db()
    assert finding.status == FindingStatus.OPEN and finding.rectified_at is None
    with pytest.raises(DomainError, match="Only the person"):
        actions.rectify(world.user("grid_g2"), finding, evidence="已整改")
    done = actions.rectify(world.user("grid_g1"), finding, evidence="", photo=photo)
    assert done.status == FindingStatus.RECTIFIED and done.evidence_file
    with pytest.raises(DomainError, match="not waiting"):
        actions.rectify(world.user("grid_g1"), finding, evidence="再次")


def test_verification_closes_or_sends_back_with_a_new_deadline(world):
    finding = a_finding(world)
    with pytest.raises(DomainError, match="Only a rectified finding"):
        actions.verify(world.user("leader_a1"), finding, accepted=True)
    actions.rectify(world.user("grid_g1"), finding, evidence="已安排专人值守")
    with pytest.raises(DomainError, match="Your role"):
        actions.verify(world.user("grid_g1"), finding, accepted=True)
    with pytest.raises(DomainError, match="still wrong"):
        actions.verify(world.user("leader_a1"), finding, accepted=False)
    with pytest.raises(DomainError, match="new deadline"):
        actions.verify(world.user("leader_a1"), finding, accepted=False, note="夜间仍无人")
    later = TODAY() + dt.timedelta(days=2)
    back = actions.verify(
        world.user("leader_a1"), finding, accepted=False, note="夜间仍无人", new_deadline=later
    )
    assert back.status == FindingStatus.OPEN and back.deadline == later and back.rejections == 1
    actions.rectify(world.user("grid_g1"), finding, evidence="夜班已排")
    closed = actions.verify(world.user("office_a1"), finding, accepted=True)
    assert closed.status == FindingStatus.CLOSED


def test_overdue_is_open_past_the_deadline(world):
    finding = a_finding(world)
    Finding.objects.filter(pk=finding.pk).update(deadline=TODAY() - dt.timedelta(days=2))
    finding.refresh_from_db()
    assert finding.is_overdue() and finding.days_late() == 2
    assert list(Finding.objects.overdue(TODAY())) == [finding]


def _merit(world, by="leader_a1", community="community_a1", **kw):
    return actions.record_merit(
        world.user(by),
        township_id=world.township_a.pk,
        community=getattr(world, community) if community else None,
        kind=kw.pop("kind", "commendation"),
        subject_kind=kw.pop("subject_kind", "organisation"),
        subject=kw.pop("subject", "交通管控组"),
        reason=kw.pop("reason", "卡口值守到位"),
        decision=kw.pop("decision", "通报表扬"),
        decided_on=kw.pop("decided_on", TODAY()),
        **kw,
    )


def test_commendations_and_penalties_are_recorded_with_reason_and_decision(world):
    merit = _merit(world)
    assert merit.township_id == world.township_a.pk
    township_wide = _merit(world, by="admin_a", community=None, kind="penalty", subject="张三")
    assert township_wide.community is None


@pytest.mark.parametrize(
    ("by", "community", "kw", "message"),
    [
        ("office_a1", "community_a1", {}, "may not record"),
        ("leader_a2", "community_a1", {}, "outside your jurisdiction"),
        ("leader_a1", None, {}, "Only the township"),
        ("leader_a1", "community_a1", {"reason": ""}, "Give the reason"),
        ("leader_a1", "community_a1", {"decision": ""}, "what was decided"),
        ("leader_a1", "community_a1", {"kind": "x"}, "commendation or a penalty"),
        (
            "leader_a1",
            "community_a1",
            {"decided_on": dt.date.today() + dt.timedelta(days=3)},
            "on or after its day",
        ),
    ],
)
def test_a_decision_is_refused(world, by, community, kw, message):
    with pytest.raises(DomainError, match=message):
        _merit(world, by=by, community=community, **kw)
    assert not Merit.objects.exists()


def test_a_finding_is_its_owners_task_done_on_rectification_and_renewed_when_sent_back(world):
    from fangkong.tasks import sources
    from fangkong.tasks.models import SourceKind, Status, Task

    finding = a_finding(world)
    task = finding.task
    assert task is not None
    assert (task.assignee, task.due_date, task.source_kind, task.source_id) == (
        world.user("grid_g1"),
        finding.deadline,
        SourceKind.INSPECTION,
        finding.pk,
    )
    source = sources.resolve(world.user("grid_g1"), SourceKind.INSPECTION, finding.pk)
    assert source is not None and source.url.endswith(f"/inspections/findings/{finding.pk}/")
    assert sources.resolve(world.user("leader_a2"), SourceKind.INSPECTION, finding.pk) is None
    actions.rectify(world.user("grid_g1"), finding, evidence="已整改")
    task.refresh_from_db()
    assert task.status == Status.DONE
    later = TODAY() + dt.timedelta(days=3)
    back = actions.verify(
        world.user("leader_a1"), finding, accepted=False, note="仍未张贴", new_deadline=later
    )
    assert back.task is not None and back.task != task and back.task.due_date == later
    assert back.task.status == Status.OPEN
    assert Task.objects.filter(source_kind=SourceKind.INSPECTION, source_id=finding.pk).count() == 2
