"""Writing the daily report: corrections with reasons, the zero report, locking, return and
resubmission, reminders, the township's approval; refusals change nothing."""

import datetime as dt

import pytest
from django.utils import timezone

from fangkong.core.errors import DomainError
from fangkong.core.models import AuditEntry
from fangkong.quarantine.models import TestItemResult as Result
from fangkong.quarantine.tests.factories import CaseFactory, ScheduledTestFactory
from fangkong.reports import actions
from fangkong.reports.models import Correction, DailyReport, ReportStatus, Submission

pytestmark = pytest.mark.django_db


@pytest.fixture
def today():
    return timezone.localdate()


def _positive(world, day):
    case = CaseFactory.create(resident=world.resident_g1, start_date=day - dt.timedelta(days=3))
    ScheduledTestFactory.create(
        case=case,
        due_date=day,
        result=Result.POSITIVE,
        result_at=timezone.now(),
    )
    return case


def test_a_day_without_a_case_is_submitted_as_an_explicit_zero_report(world, today):
    office = world.user("office_a1")
    report = actions.submit(office, world.community_a1, today, zero_report=True)
    assert report.status == ReportStatus.SUBMITTED
    assert report.zero_report is True
    assert report.version == 1
    sub = Submission.objects.get(report=report)
    assert sub.zero_report and sub.figures["quarantine.index_cases"] == 0
    assert AuditEntry.objects.filter(target_type="reports.dailyreport").exists()


def test_without_the_zero_report_box_a_day_without_cases_is_refused(world, today):
    with pytest.raises(DomainError):
        actions.submit(world.user("office_a1"), world.community_a1, today, zero_report=False)
    assert not Submission.objects.exists()


def test_a_day_with_a_positive_result_cannot_be_a_zero_report(world, today):
    _positive(world, today)
    office = world.user("office_a1")
    with pytest.raises(DomainError):
        actions.submit(office, world.community_a1, today, zero_report=True)
    assert not Submission.objects.exists()
    report = actions.submit(office, world.community_a1, today, zero_report=False)
    assert report.figures["quarantine.tests_positive"] == 1
    assert report.zero_report is False


def test_a_correction_needs_a_reason_and_keeps_the_computed_value(world, today):
    office = world.user("office_a1")
    with pytest.raises(DomainError) as exc:
        actions.correct(
            office, world.community_a1, today, key="screening.returnees", value=3, reason=" "
        )
    assert exc.value.errors.get("reason")
    assert not Correction.objects.exists()
    actions.correct(
        office,
        world.community_a1,
        today,
        key="screening.returnees",
        value=3,
        reason="三人当晚到达，登记次日补录",
    )
    report = actions.submit(office, world.community_a1, today, zero_report=True)
    assert report.figures["screening.returnees"] == 3
    sub = report.submissions.get()
    assert sub.computed["screening.returnees"] == 0
    assert sub.corrections[0]["reason"] == "三人当晚到达，登记次日补录"
    assert sub.corrections[0]["computed"] == 0


@pytest.mark.parametrize("value", [-1, "x", None, 10_000_001])
def test_a_correction_must_be_a_whole_number(world, today, value):
    with pytest.raises(DomainError):
        actions.correct(
            world.user("office_a1"),
            world.community_a1,
            today,
            key="screening.returnees",
            value=value,
            reason="r",
        )
    assert not Correction.objects.exists()


def test_an_unknown_figure_cannot_be_corrected(world, today):
    with pytest.raises(DomainError):
        actions.correct(
            world.user("office_a1"), world.community_a1, today, key="x.y", value=1, reason="r"
        )


def test_a_submitted_report_is_locked_and_a_second_submission_refused(world, today):
    office = world.user("office_a1")
    actions.submit(office, world.community_a1, today, zero_report=True)
    with pytest.raises(DomainError):
        actions.submit(office, world.community_a1, today, zero_report=True)
    with pytest.raises(DomainError):
        actions.correct(
            office, world.community_a1, today, key="screening.returnees", value=1, reason="r"
        )
    assert Submission.objects.count() == 1
    assert not Correction.objects.exists()


def test_the_township_returns_a_report_and_the_resubmission_is_version_two(world, today):
    office, admin = world.user("office_a1"), world.user("admin_a")
    report = actions.submit(office, world.community_a1, today, zero_report=True)
    with pytest.raises(DomainError):
        actions.return_report(admin, report, comment="")
    actions.return_report(admin, report, comment="返乡人员数与台账不符")
    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED
    actions.correct(
        office, world.community_a1, today, key="screening.returnees", value=2, reason="补录"
    )
    report = actions.submit(office, world.community_a1, today, zero_report=True)
    assert report.version == 2
    first, second = report.submissions.order_by("number")
    assert first.return_comment == "返乡人员数与台账不符" and first.returned_at
    assert second.figures["screening.returnees"] == 2


@pytest.mark.parametrize("key", ["admin_b", "office_a1", "leader_a1"])
def test_only_the_communitys_township_returns_a_report(world, today, key):
    report = actions.submit(world.user("office_a1"), world.community_a1, today, zero_report=True)
    with pytest.raises(DomainError):
        actions.return_report(world.user(key), report, comment="请核实")
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED


@pytest.mark.parametrize("key", ["leader_a2", "grid_g1", "admin_b", "guard_a1"])
def test_who_may_not_prepare_this_communitys_report_is_refused(world, today, key):
    with pytest.raises(DomainError):
        actions.submit(world.user(key), world.community_a1, today, zero_report=True)
    assert not Submission.objects.exists()


def test_on_time_and_late_follow_the_policy_deadline(world, today):
    yesterday = today - dt.timedelta(days=1)
    tz = timezone.get_current_timezone()
    early = dt.datetime.combine(yesterday, dt.time(15, 0), tzinfo=tz)
    late = dt.datetime.combine(yesterday, dt.time(17, 0), tzinfo=tz)
    a1 = actions.submit(
        world.user("office_a1"), world.community_a1, yesterday, zero_report=True, now=early
    )
    a2 = actions.submit(
        world.user("leader_a2"), world.community_a2, yesterday, zero_report=True, now=late
    )
    assert a1.on_time is True
    assert a2.on_time is False


def test_a_day_to_come_cannot_be_reported(world, today):
    with pytest.raises(DomainError):
        actions.submit(
            world.user("office_a1"),
            world.community_a1,
            today + dt.timedelta(days=1),
            zero_report=True,
        )


def test_approval_names_the_missing_and_needs_a_remark_for_them(world, today):
    admin = world.user("admin_a")
    actions.submit(world.user("office_a1"), world.community_a1, today, zero_report=True)
    with pytest.raises(DomainError) as exc:
        actions.approve(admin, world.township_a, today)
    assert "新河村" in exc.value.message
    consolidated = actions.approve(admin, world.township_a, today, note="新河村电话报送，次日补录")
    assert consolidated.missing == ["新河村"]
    assert DailyReport.objects.get(community=world.community_a1, date=today).status == (
        ReportStatus.APPROVED
    )
    with pytest.raises(DomainError):
        actions.approve(admin, world.township_a, today, note="again")


def test_approval_by_another_township_is_refused(world, today):
    actions.submit(world.user("office_a1"), world.community_a1, today, zero_report=True)
    with pytest.raises(DomainError):
        actions.approve(world.user("admin_b"), world.township_a, today, note="x")
    with pytest.raises(DomainError):
        actions.approve(world.user("leader_a1"), world.township_a, today, note="x")
    assert DailyReport.objects.get(community=world.community_a1).status == ReportStatus.SUBMITTED


def test_a_reminder_goes_to_a_community_that_has_not_reported(world, today):
    admin = world.user("admin_a")
    reminder = actions.remind(admin, world.community_a2, today)
    assert reminder.report.community == world.community_a2
    actions.submit(world.user("leader_a2"), world.community_a2, today, zero_report=True)
    reminder.refresh_from_db()
    assert reminder.seen_at is not None
    with pytest.raises(DomainError):
        actions.remind(admin, world.community_a2, today)
    with pytest.raises(DomainError):
        actions.remind(world.user("admin_b"), world.community_a1, today)
