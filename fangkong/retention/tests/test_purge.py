"""`fangkong purge` (issue 10, item 14): dry run lists and changes nothing; a real run takes
people out of exactly the closed records past their window, in batches, audited, once; open
cases and their data are never touched; counts survive."""

import datetime as dt
import uuid
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from fangkong.checkpoints.models import Direction, EntryKind, Gate, GateEntry, Verdict
from fangkong.core.models import AuditEntry
from fangkong.health.models import Alert, AlertOutcome, AlertStatus, CheckIn, SymptomReview
from fangkong.health.tests.factories import AlertFactory, CheckInFactory
from fangkong.quarantine.models import Case, CaseStatus
from fangkong.quarantine.tests.factories import CaseFactory
from fangkong.retention import actions
from fangkong.retention.models import RetainedCount
from fangkong.retention.windows import Kind
from fangkong.screening.models import Registration, RegistrationStatus, Stay
from fangkong.screening.tests.factories import RegistrationFactory, StayFactory

NOW = dt.datetime(2026, 3, 31, 10, 0)
OLD = dt.date(2026, 2, 1)  # closed 58 days ago: past the 30-day default
RECENT = dt.date(2026, 3, 20)  # 11 days ago: kept


def at(day, hour=12):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def closed_case(resident, day, status=CaseStatus.RELEASED):
    return CaseFactory.create(resident=resident, status=status, closed_at=at(day))


def entry(world, *, kind, day, **fields):
    gate, _ = Gate.objects.get_or_create(
        township_id=world.township_a.pk, community=world.community_a1, name="南门"
    )
    return GateEntry.objects.create(
        township_id=world.township_a.pk,
        community=world.community_a1,
        gate=gate,
        at=at(day),
        direction=Direction.IN,
        kind=kind,
        verdict=Verdict.ALLOW,
        client_key=uuid.uuid4(),
        **fields,
    )


DECIDED = {"level": "low", "decided_at": at(OLD)}


@pytest.fixture
def records(world):
    r1, r2 = world.resident_g1, world.resident_g2
    old = closed_case(r1, OLD)
    CheckInFactory.create(case=old, date=dt.date(2026, 1, 20), slot=1)
    CheckInFactory.create(case=old, date=dt.date(2026, 1, 20), slot=2, fever=True)
    AlertFactory.create(
        case=old, status=AlertStatus.CLOSED, closed_at=at(OLD), outcome=AlertOutcome.RULED_OUT
    )
    referred = closed_case(world.resident_g1_spouse, OLD, CaseStatus.REFERRED)
    recent = closed_case(world.resident_village, RECENT)
    CheckInFactory.create(case=recent, date=dt.date(2026, 3, 10))
    # an open case with old readings and an old closed alert: never touched
    still_open = CaseFactory.create(resident=r2, status=CaseStatus.IN_QUARANTINE)
    CheckInFactory.create(case=still_open, date=dt.date(2026, 1, 15))
    AlertFactory.create(case=still_open, status=AlertStatus.CLOSED, closed_at=at(OLD))

    reg_old = RegistrationFactory.create(
        grid=world.grid_g1,
        status=RegistrationStatus.CONFIRMED,
        resident=r1,
        confirmed_at=at(OLD),
        contact_phone="13800000000",
        decision_reason="1月15日至1月21日在湖北省武汉市江汉区",
        **DECIDED,
    )
    StayFactory.create(registration=reg_old)
    reg_pending = RegistrationFactory.create(grid=world.grid_g1, created_at=at(OLD))
    reg_open_case = RegistrationFactory.create(
        grid=world.grid_g1,
        status=RegistrationStatus.CONFIRMED,
        resident=r2,
        confirmed_at=at(OLD),
        **DECIDED,
    )
    still_open.registration = reg_open_case
    still_open.save()

    visitor_old = entry(world, kind=EntryKind.VISITOR, day=OLD, name="访客甲", phone="13900000000")
    visitor_recent = entry(world, kind=EntryKind.VISITOR, day=RECENT, name="访客乙")
    resident_old = entry(world, kind=EntryKind.RESIDENT, day=OLD, resident=r1)
    return {
        "old": old,
        "referred": referred,
        "recent": recent,
        "still_open": still_open,
        "reg_old": reg_old,
        "reg_pending": reg_pending,
        "reg_open_case": reg_open_case,
        "visitor_old": visitor_old,
        "visitor_recent": visitor_recent,
        "resident_old": resident_old,
    }


EXPECTED = {
    Kind.ALERT: 1,
    Kind.CHECKIN: 2,
    Kind.CASE: 2,
    Kind.REGISTRATION: 1,
    Kind.GATE_ENTRY: 1,
    Kind.VISITOR: 1,
}


def township_a(outcomes, world):
    return next(o for o in outcomes if o.township.pk == world.township_a.pk)


def snapshot():
    return (
        Case.objects.count(),
        CheckIn.objects.count(),
        Alert.objects.count(),
        list(Registration.objects.values_list("claimed_name", "resident_id").order_by("pk")),
        list(GateEntry.objects.values_list("name", "resident_id").order_by("pk")),
        Stay.objects.count(),
        AuditEntry.objects.count(),
    )


@pytest.mark.django_db
def test_the_dry_run_lists_counts_by_kind_and_changes_nothing(world, records):
    before = snapshot()
    out = StringIO()
    call_command("purge", "--dry-run", stdout=out)
    assert snapshot() == before
    text = out.getvalue()
    assert "dry run" in text
    for kind, n in EXPECTED.items():
        assert f"{world.township_a.name}\t{kind.value}\twould " in text
        line = next(
            x for x in text.splitlines() if x.startswith(f"{world.township_a.name}\t{kind.value}\t")
        )
        assert line.endswith(f"\t{n}"), line
    assert "total\t8" in text


@pytest.mark.django_db
def test_the_purge_takes_out_exactly_the_old_closed_records(world, records):
    outcomes = actions.purge(how="test")
    assert township_a(outcomes, world).counts == EXPECTED

    remaining = set(Case.objects.values_list("pk", flat=True))
    assert remaining == {records["recent"].pk, records["still_open"].pk}
    assert not CheckIn.objects.filter(case_id=records["old"].pk).exists()
    # the open case keeps its old check-in and its old closed alert
    assert CheckIn.objects.filter(case=records["still_open"]).count() == 1
    assert Alert.objects.filter(case=records["still_open"]).count() == 1
    assert CheckIn.objects.filter(case=records["recent"]).count() == 1

    reg = Registration.objects.get(pk=records["reg_old"].pk)
    assert (reg.claimed_name, reg.claimed_doc_number, reg.contact_phone, reg.decision_reason) == (
        "",
        "",
        "",
        "",
    )
    assert reg.status == RegistrationStatus.CONFIRMED and reg.arrival_date  # counts kept
    assert not Stay.objects.filter(registration=reg).exists()
    assert Registration.objects.get(pk=records["reg_pending"].pk).claimed_name
    assert Registration.objects.get(pk=records["reg_open_case"].pk).claimed_name

    v = GateEntry.objects.get(pk=records["visitor_old"].pk)
    assert (v.name, v.phone) == ("", "")
    assert GateEntry.objects.get(pk=records["resident_old"].pk).resident_id is None
    assert GateEntry.objects.get(pk=records["visitor_recent"].pk).name == "访客乙"
    assert GateEntry.objects.count() == 3  # rows kept: gate counts by day still work


@pytest.mark.django_db
def test_counts_by_community_and_day_survive_the_purge(world, records):
    before = {kind: actions.counts(kind, world.township_a.pk) for kind in actions.DELETED}
    assert before[Kind.CHECKIN][(world.community_a1.pk, dt.date(2026, 1, 20), "fever")] == 1
    actions.purge(how="test")
    after = {kind: actions.counts(kind, world.township_a.pk) for kind in actions.DELETED}
    assert after == before
    assert RetainedCount.objects.filter(kind=Kind.CASE).count() >= 1


@pytest.mark.django_db
def test_the_purge_runs_in_batches_is_audited_and_a_second_run_does_nothing(world, records):
    batches = []
    call_command("purge", "--batch", "1", "--by", "admin_a", stdout=StringIO())
    # run again through the action to see the batches: nothing is left
    second = actions.purge(how="test", batch=1, on_batch=lambda k, n: batches.append((k, n)))
    assert township_a(second, world).total == 0
    assert batches == []

    entry_ = AuditEntry.objects.get(target_type="retention.retainedcount")
    assert entry_.actor == world.user("admin_a")
    assert entry_.township_id == world.township_a.pk
    assert entry_.changes["counts"] == {k.value: n for k, n in EXPECTED.items()}
    assert "个人信息清理" in entry_.target_repr and "健康打卡：2" in entry_.target_repr


@pytest.mark.django_db
def test_a_run_from_the_command_line_says_so_in_the_audit_log(world, records):
    call_command("purge", stdout=StringIO())
    entry_ = AuditEntry.objects.get(target_type="retention.retainedcount")
    assert entry_.actor is None
    assert "fangkong purge" in entry_.reason


@pytest.mark.django_db
def test_one_batch_holds_at_most_the_batch_size(world, records):
    batches = []
    actions.purge(how="test", batch=1, on_batch=lambda k, n: batches.append((k, n)))
    assert all(n == 1 for _k, n in batches)
    assert len(batches) == sum(EXPECTED.values())


@pytest.mark.django_db
def test_a_shorter_window_in_the_policy_takes_the_recent_ones_too(world, records):
    from dataclasses import replace

    from fangkong.policy.versions import in_force

    policy = in_force(world.township_a.pk, NOW.date())
    policy.rules = replace(policy.as_rules(), retention_case_days=5).to_data()
    policy.save()
    outcome = township_a(actions.plan(), world)
    assert outcome.counts[Kind.CASE] == 2  # the recent case still has a check-in kept 30 days
    policy.rules = replace(policy.as_rules(), retention_checkin_days=5).to_data()
    policy.save()
    assert township_a(actions.plan(), world).counts[Kind.CASE] == 3


@pytest.mark.django_db
def test_the_pages_still_show_what_was_purged(client, world, records):
    from django.urls import reverse

    actions.purge(how="test")
    client.force_login(world.user("admin_a"))
    reg = records["reg_old"]
    for url in (
        reverse("screening:registration_list") + "?status=confirmed",
        reverse("screening:registration_detail", args=[reg.pk]),
        reverse("checkpoints:log") + f"?day={OLD.isoformat()}",
        reverse("quarantine:case_list") + "?status=closed",
        reverse("health:alert_list"),
    ):
        assert client.get(url).status_code == 200, url


def test_the_symptom_reviews_of_purged_alerts_go_with_them(world, records):
    def review(alert):
        return SymptomReview.objects.create(
            township_id=alert.township_id,
            community_id=alert.community_id,
            grid_id=alert.grid_id,
            resident_id=alert.resident_id,
            symptoms=["头晕"],
            source="checkin",
            alert=alert,
            case_id=alert.case_id,
        )

    old = review(Alert.objects.get(case=records["old"]))
    kept = review(Alert.objects.get(case=records["still_open"]))
    actions.purge(how="test")
    assert not SymptomReview.objects.filter(pk=old.pk).exists()
    assert SymptomReview.objects.filter(pk=kept.pk).exists()
