"""The lockdown demo on the `world` fixture."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from fangkong.core.errors import DomainError
from fangkong.demo.lockdown import build_demo_lockdown
from fangkong.lockdown.models import DisinfectionTask, Lockdown, SupplyStatus
from fangkong.lockdown.summary import summarise
from fangkong.quarantine.models import Case, CaseKind, IndexCase

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 1, 20)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(
        dt.datetime(2026, 1, 20, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False
    ):
        yield


def test_the_demo_locks_the_unit_of_a_confirmed_case(world):
    made = build_demo_lockdown(world.township_a, today=TODAY)

    assert made == 2
    lockdown = Lockdown.objects.get()
    assert (lockdown.unit, lockdown.locked_by) == (world.unit_g1, world.user("leader_a1"))
    index = IndexCase.objects.get()
    assert index.kind == "confirmed" and index.reported_on == TODAY - dt.timedelta(days=2)
    assert index.resident == world.resident_g1 and lockdown.index_case == index
    assert Case.objects.filter(kind=CaseKind.LOCKDOWN).count() == 2

    s = summarise(lockdown, now=timezone.now())
    assert (s.coverage.expected, s.coverage.sampled, s.coverage.negative) == (2, 1, 1)
    assert s.coverage.positive == 0
    assert (s.slots_done, len(s.slots)) == (2, 6)
    assert not DisinfectionTask.objects.filter(area="电梯", done_at__isnull=False).exists()
    statuses = sorted((r.request.status, r.request.urgency, r.overdue) for r in s.requests)
    assert statuses == [
        (SupplyStatus.ASSIGNED, "normal", False),
        (SupplyStatus.DELIVERED, "normal", False),
        (SupplyStatus.OPEN, "urgent", True),
    ]
    assert (s.requests_open, s.requests_overdue) == (2, 1)
    # nothing outside the unit
    assert not Case.objects.filter(resident=world.resident_g2).exists()


def test_the_demo_on_the_demo_township():
    from fangkong.conftest import ensure_default_policy
    from fangkong.demo.township import MIN_RESIDENTS, build_demo_township

    ensure_default_policy()
    # The township builder runs the lockdown demo itself (after the epidemic, closure and
    # checkpoint demos); a second run is refused, the unit being locked already.
    summary = build_demo_township(residents=max(MIN_RESIDENTS, 300), today=TODAY)
    made = summary.lockdown_members
    with pytest.raises(DomainError):
        build_demo_lockdown(summary.township, today=TODAY)
    lockdown = Lockdown.objects.get()
    assert 2 <= made <= 60 and lockdown.members.count() == made
    s = summarise(lockdown, now=timezone.now())
    assert s.coverage.sampled == made // 2 == s.coverage.negative
    assert s.requests_overdue == 1
