"""The workbench's worklists (health.worklists), scoped to the user, each a count and the
first rows, in a fixed number of queries however much there is to do."""

import datetime as dt

import pytest
from django.urls import reverse

from fangkong.health import actions
from fangkong.health.models import CheckInVia
from fangkong.health.worklists import ROWS, worklists_for
from fangkong.people.tests.factories import HouseholdFactory, ResidentFactory
from fangkong.quarantine import models as quarantine_models
from fangkong.screening.models import (
    Refusal,
    RefusalKind,
    RefusalStatus,
    Registration,
    RegistrationSource,
    RegistrationStatus,
)

from .conftest import START, TODAY, at, quarantine_case, township_policy
from .factories import AlertFactory, CheckInFactory

pytestmark = pytest.mark.django_db

WORKBENCH = reverse("core:workbench")


def lists(user, now=None):
    return {w.key: w for w in worklists_for(user, now=now)}


def names(worklist):
    return sorted(r.label for r in worklist.rows)


def checkin(case, slot=1, temperature="36.5", symptoms=()):
    return CheckInFactory.create(case=case, slot=slot, temperature=temperature)


# ---- who gets which lists ---------------------------------------------------------------------


CASE_DESK = [
    "alerts",
    "missing-checkins",
    "tests-due",
    "arrival-tests-overdue",
    "release-review",
    "pending-registrations",
]
LEADERS = ["escalated-alerts", *CASE_DESK, "refusals"]
#: the medical worker reviews free-text symptoms and screens no returnees
MEDIC = [
    "alerts",
    "symptom-reviews",
    "missing-checkins",
    "tests-due",
    "release-review",
    "pending-registrations",
]


@pytest.mark.parametrize(
    ("user", "expected"),
    [
        ("grid_g1", CASE_DESK),
        ("medic_a1", MEDIC),
        ("office_a1", CASE_DESK),
        ("leader_a1", LEADERS),
        ("admin_a", LEADERS),
        ("police_a1", ["refusals"]),
        ("guard_a1", []),
        ("volunteer_a1", []),
    ],
)
def test_each_role_gets_the_worklists_of_its_work(world, user, expected):
    assert [w.key for w in worklists_for(world.user(user))] == expected


# ---- check-ins missing today ----------------------------------------------------------------


def test_check_ins_missing_today_lists_cases_with_fewer_than_the_days_checks(world, in_quarantine):
    none_yet = in_quarantine(world.resident_g1)
    half = in_quarantine(world.resident_g1_spouse)
    checkin(half, 1)
    done = in_quarantine(world.resident_g2, by="grid_g2")
    checkin(done, 1)
    checkin(done, 2)
    CheckInFactory.create(case=none_yet, slot=1, date=TODAY - dt.timedelta(days=1))  # yesterday

    missing = lists(world.user("leader_a1"))["missing-checkins"]

    assert missing.count == 2
    assert [r.label for r in missing.rows] == ["张三丰", "李秀英"]  # fewest done first
    assert "0 of 2 checks today" in missing.rows[0].detail
    assert missing.rows[0].url == reverse("quarantine:case_detail", args=[none_yet.pk])
    assert "1 of 2 checks today" in missing.rows[1].detail


def test_the_number_of_checks_a_day_is_the_cases_policys(world):
    thrice = township_policy(world, checks_per_day=3)
    case = quarantine_case(world, world.resident_g1, policy=thrice)
    checkin(case, 1)
    checkin(case, 2)

    missing = lists(world.user("grid_g1"))["missing-checkins"]

    assert missing.count == 1
    assert "2 of 3 checks today" in missing.rows[0].detail


def test_only_cases_in_quarantine_need_check_ins(world):
    from fangkong.conftest import ensure_default_policy
    from fangkong.quarantine import actions as quarantine

    policy = ensure_default_policy()
    quarantine.open_case(  # registered: not yet in quarantine
        world.resident_g1,
        by=world.user("grid_g1"),
        measure=policy.as_rules().medium,
        policy=policy,
        reason="returnee",
        start_date=TODAY,
    )

    assert lists(world.user("grid_g1"))["missing-checkins"].count == 0


def test_a_grid_worker_sees_their_grid_the_medic_the_community_and_other_townships_nothing(
    world, case_g1, case_g2
):
    assert names(lists(world.user("grid_g1"))["missing-checkins"]) == ["张三丰"]
    assert names(lists(world.user("grid_g2"))["missing-checkins"]) == ["王二小"]
    assert names(lists(world.user("medic_a1"))["missing-checkins"]) == ["张三丰", "王二小"]
    assert lists(world.user("leader_a2"))["missing-checkins"].count == 0
    assert lists(world.user("admin_b"))["missing-checkins"].count == 0


# ---- alerts and escalation ---------------------------------------------------------------------


def raise_alert(case, temperature="38.5"):
    return actions.record_checkin(case, case.resident, temperature, [], via=CheckInVia.LINK).alert


def test_an_unacknowledged_alert_reaches_the_leader_after_the_policys_minutes_not_before(
    client, world, case_g1, clock
):
    alert = raise_alert(case_g1)
    leader = world.user("leader_a1")
    client.force_login(leader)

    clock.move_to(at(minute=29))
    before = client.get(WORKBENCH)
    assert before.context["worklists"][0].key == "escalated-alerts"
    assert before.context["worklists"][0].count == 0
    assert 'class="escalated"' not in before.content.decode()

    clock.move_to(at(minute=30))
    after = client.get(WORKBENCH)
    escalated = after.context["worklists"][0]
    assert escalated.count == 1 and escalated.prominent
    assert escalated.rows[0].label == "张三丰"
    assert escalated.rows[0].url == reverse("health:alert_detail", args=[alert.pk])
    html = after.content.decode()
    assert 'id="worklist-escalated-alerts"' in html and "prominent" in html


def test_an_alert_acknowledged_in_time_never_escalates(world, case_g1, clock):
    alert = raise_alert(case_g1)
    actions.acknowledge(alert, by=world.user("medic_a1"), now=at(minute=10))

    got = lists(world.user("leader_a1"), now=at(hour=12))

    assert got["escalated-alerts"].count == 0
    assert got["alerts"].count == 1 and got["alerts"].flagged == 0


def test_the_escalation_time_comes_from_the_policy(world, clock):
    case = quarantine_case(
        world, world.resident_g1, policy=township_policy(world, alert_escalation_minutes=10)
    )
    raise_alert(case)

    assert lists(world.user("leader_a1"), now=at(minute=9))["escalated-alerts"].count == 0
    assert lists(world.user("leader_a1"), now=at(minute=10))["escalated-alerts"].count == 1


def test_other_roles_see_escalated_alerts_flagged_first_in_their_alert_list(
    world, case_g1, in_quarantine, clock
):
    raise_alert(case_g1)
    clock.move_to(at(minute=40))
    raise_alert(in_quarantine(world.resident_g1_spouse))

    alerts = lists(world.user("grid_g1"))["alerts"]

    assert alerts.count == 2 and alerts.flagged == 1
    assert [(r.label, r.flag) for r in alerts.rows] == [("张三丰", "escalated"), ("李秀英", "")]


def test_alerts_are_scoped_to_the_jurisdiction(world, case_g1, case_g2):
    raise_alert(case_g1)
    raise_alert(case_g2)

    assert names(lists(world.user("grid_g1"))["alerts"]) == ["张三丰"]
    assert names(lists(world.user("medic_a1"))["alerts"]) == ["张三丰", "王二小"]
    assert lists(world.user("admin_b"))["alerts"].count == 0
    assert "alerts" not in lists(world.user("police_a1"))


# ---- tests, release review, registrations, refusals --------------------------------------------


def test_tests_due_today_and_overdue_are_listed_with_overdue_flagged(world, case_g1):
    # START 1-15, tests on quarantine days 1 and 14: 1-15 (overdue on 1-20) and 1-28
    items = {t.day: t for t in case_g1.tests.all()}
    items[14].due_date = TODAY
    items[14].save()

    tests = lists(world.user("grid_g1"))["tests-due"]

    assert tests.count == 2 and tests.flagged == 1
    assert [r.flag for r in tests.rows] == ["overdue", ""]
    assert lists(world.user("grid_g2"))["tests-due"].count == 0

    items[1].result = quarantine_models.TestItemResult.NEGATIVE
    items[1].save()
    assert lists(world.user("grid_g1"))["tests-due"].count == 1


def test_cases_that_served_their_period_with_negative_tests_wait_for_release_review(world):
    served = quarantine_case(world, world.resident_g1, start=TODAY - dt.timedelta(days=14))
    last_day = quarantine_case(world, world.resident_g1_spouse, start=TODAY - dt.timedelta(days=13))
    assert served.planned_end < TODAY == last_day.planned_end
    for case in (served, last_day):
        case.tests.update(result=quarantine_models.TestItemResult.NEGATIVE)

    review = lists(world.user("grid_g1"))["release-review"]
    assert [r.label for r in review.rows] == ["张三丰"]
    assert review.more_url == "/quarantine/?flag=ready"

    # the quarantine app's rule: a test without its result keeps the case out
    served.tests.filter(day=14).update(result="")
    assert lists(world.user("grid_g1"))["release-review"].count == 0
    assert lists(world.user("grid_g2"))["release-review"].count == 0


def test_pending_self_registrations_are_listed_for_the_grid(world):
    for grid, status in (
        (world.grid_g1, RegistrationStatus.PENDING),
        (world.grid_g1, RegistrationStatus.REJECTED),
        (world.grid_g2, RegistrationStatus.PENDING),
    ):
        Registration.objects.create(
            township=world.township_a,
            community=world.community_a1,
            grid=grid,
            status=status,
            source=RegistrationSource.SELF,
            claimed_name="回乡人",
            arrival_date=TODAY,
        )

    assert lists(world.user("grid_g1"))["pending-registrations"].count == 1
    assert lists(world.user("leader_a1"))["pending-registrations"].count == 2
    assert lists(world.user("admin_b"))["pending-registrations"].count == 0


def test_referred_refusals_are_the_police_officers_list_and_nobody_elses_health_data(
    client, world, case_g1
):
    raise_alert(case_g1)
    for status in (RefusalStatus.REFERRED, RefusalStatus.HANDLED):
        Refusal.objects.create(
            township=world.township_a,
            community=world.community_a1,
            grid=world.grid_g1,
            resident=world.resident_g1,
            kind=RefusalKind.TEST,
            details="拒绝核酸检测",
            status=status,
        )
    client.force_login(world.user("police_a1"))

    response = client.get(WORKBENCH)

    assert [(w.key, w.count) for w in response.context["worklists"]] == [("refusals", 1)]
    html = response.content.decode()
    assert 'id="worklist-refusals"' in html and "Refused a test" in html
    assert "38.5" not in html and "alerts" not in html
    assert "refusals" not in lists(world.user("grid_g1"))
    assert lists(world.user("leader_a2"))["refusals"].count == 0


@pytest.mark.parametrize("user", ["guard_a1", "volunteer_a1"])
def test_guards_and_volunteers_get_no_worklist_and_no_health_data(client, world, case_g1, user):
    raise_alert(case_g1)
    client.force_login(world.user(user))

    response = client.get(WORKBENCH)

    assert response.context["worklists"] == []
    assert 'id="worklists"' not in response.content.decode()


# ---- query budget ------------------------------------------------------------------------------


def populate(world, n):
    """n people in quarantine in grid G1, with check-ins, alerts, tests due and overdue, a
    pending registration and a refusal each."""
    household = HouseholdFactory.create(grid=world.grid_g1)
    for i in range(n):
        resident = ResidentFactory.create(household=household)
        case = quarantine_case(world, resident, start=START - dt.timedelta(days=i % 10))
        checkin(case, 1)
        if i % 3 == 0:
            AlertFactory.create(case=case, raised_at=at(hour=7))
        Registration.objects.create(
            township=world.township_a,
            community=world.community_a1,
            grid=world.grid_g1,
            status=RegistrationStatus.PENDING,
            source=RegistrationSource.SELF,
            claimed_name=f"回乡人{i}",
            arrival_date=TODAY,
        )
        Refusal.objects.create(
            township=world.township_a,
            community=world.community_a1,
            grid=world.grid_g1,
            resident=resident,
            kind=RefusalKind.REPORT,
            details="拒绝登记",
        )
        if i % 4 == 0:
            # fixture only: the state, not the verb
            case.status = quarantine_models.CaseStatus.RELEASE_REVIEW
            case.save(update_fields=["status"])


@pytest.mark.parametrize("n", [2, 40])
def test_the_worklists_cost_the_same_queries_for_2_or_40_cases(world, n, django_assert_num_queries):
    populate(world, n)
    leader = world.user("leader_a1")

    # the policies, all the counts at once, the rows of each of the 6 lists (the missing
    # check-ins in two steps)
    with django_assert_num_queries(9):
        got = worklists_for(leader)

    assert got[1].count == len(range(0, n, 3))
    assert len(got[1].rows) == min(got[1].count, ROWS)
    # cases under release review are still in quarantine and report daily
    assert lists(leader)["missing-checkins"].count == n
    # under review: every 4th (the others served have tests still pending)
    assert lists(leader)["release-review"].count == len(range(0, n, 4))


@pytest.mark.parametrize("n", [2, 40])
def test_the_whole_workbench_stays_within_its_budget_however_many_cases(
    client, world, n, django_assert_max_num_queries
):
    populate(world, n)
    client.force_login(world.user("leader_a1"))
    client.get(WORKBENCH)

    # (+1: the lockdown panel, with no lockdown; lockdown/tests/test_panel pins it with some)
    # (+1: the gate stops panel, one query whatever the stops; checkpoints/tests/test_panel)
    # (+2: the closure panel, no community closed; closure/tests/test_panel pins it with some)
    # (+1: the urgent reports panel, rows and count in one query; urgent/tests/test_panels)
    # (+1: the notices panel, one query for the notices waiting for the leader or the office)
    # (+2: the daily report card, the communities and today's reports with their reminders)
    # (+2: the duty roster panel with no post: its posts, one's own next shift; roster/tests)
    # (+1: the rectifications panel, rows and count in one query; inspections/tests)
    # (+3: the tasks panel: today's recurring duties, mine, the overdue ones; tasks/tests)
    # (+3: the supplies panel, communities, stock by batch, item kinds with a threshold)
    # (+2: the disinfection panel with no place: yesterday's and today's places, and the
    # lockdowns' public areas of the day)
    with django_assert_max_num_queries(40):
        response = client.get(WORKBENCH)
    assert response.status_code == 200


def test_all_counts_come_from_one_query_and_an_empty_scope_costs_none(
    world, case_g1, django_assert_num_queries
):
    from fangkong.core.models import User
    from fangkong.health.worklists import count_each
    from fangkong.quarantine.models import Case

    nowhere = User(username="nowhere", role="grid_worker")  # bound to no jurisdiction
    with django_assert_num_queries(1):
        counts = count_each(
            {
                "g1": Case.objects.visible_to(world.user("grid_g1")),
                "g2": Case.objects.visible_to(world.user("grid_g2")),
                "nowhere": Case.objects.visible_to(nowhere),
            }
        )
    assert counts == {"g1": 1, "g2": 0, "nowhere": 0}
    with django_assert_num_queries(0):
        assert count_each({"nowhere": Case.objects.visible_to(nowhere)}) == {"nowhere": 0}
