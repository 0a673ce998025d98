"""The screening actions: each decision creates exactly what it implies, keeps its policy
version, and bad input writes nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import translation

from fangkong.core.errors import DomainError
from fangkong.core.models import AuditAction, AuditEntry
from fangkong.people.models import Resident
from fangkong.policy.models import Policy, PolicyStatus
from fangkong.policy.rules import DEFAULT_RULES
from fangkong.quarantine.models import Case, CaseKind, CaseReason
from fangkong.quarantine.models import ScheduledTest as ScheduledTest
from fangkong.screening import actions, reasons
from fangkong.screening.actions import (
    Arrival,
    CertificateInput,
    ObservationInput,
    StayInput,
)
from fangkong.screening.models import (
    ArrivalTest as DayTest,
)
from fangkong.screening.models import (
    Observation,
    Refusal,
    RefusalStatus,
    Registration,
    RegistrationLink,
    RegistrationStatus,
    Stay,
)

from .conftest import NOW, TODAY
from .factories import RegistrationFactory, RegistrationLinkFactory, StayFactory

pytestmark = pytest.mark.usefixtures("frozen")

D = dt.date
MINZU = "湖北省武汉市江汉区民族街道"


def journey(*stays: tuple[str, dt.date, dt.date], **kw) -> Arrival:
    values: dict[str, Any] = {"arrival_date": D(2024, 1, 21)}
    values.update(kw)
    return Arrival(stays=[StayInput(p, s, e) for p, s, e in stays], **values)


def written() -> tuple[int, ...]:
    return (
        Registration.objects.count(),
        Stay.objects.count(),
        Observation.objects.count(),
        Resident.objects.count(),
        Case.objects.count(),
        DayTest.objects.count(),
        AuditEntry.objects.count(),
    )


def zh_day(d: dt.date) -> str:
    with translation.override("zh-hans"):
        return reasons.day(d)


# --- each measure creates exactly what it implies -------------------------------------------


def test_a_high_risk_arrival_goes_to_centralised_quarantine_with_three_tests(world, areas):
    grid_worker = world.user("grid_g1")
    reg = actions.register_returnee(
        grid_worker,
        journey(
            (MINZU, D(2024, 1, 15), D(2024, 1, 20)), transport="train", transport_number="g123"
        ),
        resident=world.resident_g1,
    )
    reg.refresh_from_db()
    assert reg.status == RegistrationStatus.CONFIRMED
    assert (reg.level, reg.measure, reg.measure_days, reg.test_days) == (
        "high",
        "centralised_quarantine",
        14,
        [1, 7, 14],
    )
    assert reg.transport_number == "G123"
    case = Case.objects.get(registration=reg)
    assert (case.kind, case.reason, case.resident_id) == (
        CaseKind.CENTRALISED,
        CaseReason.RETURNEE,
        world.resident_g1.pk,
    )
    assert case.start_date == reg.arrival_date and case.policy_id == reg.policy_id
    assert sorted(ScheduledTest.objects.filter(case=case).values_list("day", flat=True)) == [
        1,
        7,
        14,
    ]
    assert not DayTest.objects.filter(registration=reg).exists()
    # The reason a person reads: the stay's dates, the place, the level and since when.
    assert MINZU in reg.decision_reason
    assert zh_day(D(2024, 1, 15)) in reg.decision_reason
    assert zh_day(D(2024, 1, 10)) in reg.decision_reason
    assert reg.decision_facts["stays"][0]["area_id"] == areas["minzu"].pk
    assert reg.decision_facts["window"] == ["2024-01-07", "2024-01-21"]
    assert list(
        AuditEntry.objects.filter(target_id=str(reg.pk), target_type="screening.registration")
        .order_by("id")
        .values_list("action", flat=True)
    ) == [AuditAction.CREATE, AuditAction.DECIDE]


def test_a_medium_risk_arrival_goes_to_home_quarantine_with_two_tests(world, areas):
    reg = actions.register_returnee(
        world.user("grid_g1"),
        journey(("湖北省武汉市江汉区花桥街道", D(2024, 1, 15), D(2024, 1, 20))),
        resident=world.resident_g1,
    )
    case = Case.objects.get(registration=reg)
    assert (reg.level, reg.measure, case.kind) == ("medium", "home_quarantine", CaseKind.HOME)
    assert case.address == world.household_g1.address
    assert sorted(case.tests.values_list("day", flat=True)) == [1, 14]


def test_a_low_risk_arrival_with_a_recent_certificate_needs_nothing_more(world, areas):
    reg = actions.register_returnee(
        world.user("grid_g1"),
        journey(
            ("北京市朝阳区", D(2024, 1, 10), D(2024, 1, 20)),
            certificate=CertificateInput(D(2024, 1, 14), "negative", "朝阳医院"),
        ),
        resident=world.resident_g1,
    )
    assert (reg.level, reg.measure) == ("low", "certificate_accepted")
    assert not Case.objects.filter(registration=reg).exists()
    assert not DayTest.objects.filter(registration=reg).exists()
    assert reg.cert_institution == "朝阳医院"


def test_a_low_risk_arrival_without_a_valid_certificate_gets_a_test_within_24_hours(world, areas):
    reg = actions.register_returnee(
        world.user("grid_g1"),
        journey(
            ("北京市朝阳区", D(2024, 1, 10), D(2024, 1, 20)),
            certificate=CertificateInput(D(2024, 1, 13), "negative"),  # 8 days before arrival
        ),
        resident=world.resident_g1,
    )
    assert (reg.level, reg.measure) == ("low", "test_within_24h")
    task = DayTest.objects.get(registration=reg)
    assert task.due_at == NOW + dt.timedelta(hours=24)
    assert not Case.objects.filter(registration=reg).exists()


def test_the_county_rule_applies_to_a_stay_known_only_to_its_county(world, areas):
    reg = actions.register_returnee(
        world.user("grid_g1"),
        journey(("河北省石家庄市藁城区", D(2024, 1, 15), D(2024, 1, 20))),
        resident=world.resident_g1,
    )
    assert reg.level == "high"
    assert reg.decision_facts["stays"][0]["county_rule"] is True
    assert "增村镇" in reg.decision_reason


def test_observations_are_recorded_as_seen_with_time_and_source(world, areas):
    seen = NOW - dt.timedelta(minutes=5)
    reg = actions.register_returnee(
        world.user("grid_g1"),
        journey(
            ("北京市朝阳区", D(2024, 1, 10), D(2024, 1, 20)),
            observations=[
                ObservationInput("health_code", "yellow", seen, "checked"),
                ObservationInput("trip_card", "带星号", seen, "shown"),
            ],
            symptoms=["干咳", " 干咳", "乏力"],
        ),
        resident=world.resident_g1,
    )
    assert list(reg.observations.values_list("kind", "value", "source", "observed_at")) == [
        ("health_code", "yellow", "checked", seen),
        ("trip_card", "带星号", "shown", seen),
    ]
    assert reg.symptoms == ["干咳", "乏力"]


def test_a_staff_member_may_register_a_new_person_into_a_household(world, areas):
    reg = actions.register_returnee(
        world.user("grid_g1"),
        journey(("北京市朝阳区", D(2024, 1, 10), D(2024, 1, 20))),
        person={"name": "周新来", "doc_number": "110105199003030015", "phone": "13900001111"},
        household=world.household_g1,
    )
    resident = Resident.objects.get(doc_number="110105199003030015")
    assert reg.resident_id == resident.pk and resident.household_id == world.household_g1.pk
    assert reg.grid_id == world.grid_g1.pk


# --- the policy version ----------------------------------------------------------------------


def test_a_decision_keeps_its_policy_version_when_a_new_one_takes_effect(world, areas, frozen):
    first = actions.register_returnee(
        world.user("grid_g1"),
        journey((MINZU, D(2024, 1, 15), D(2024, 1, 20))),
        resident=world.resident_g1,
    )
    v1 = first.policy
    assert v1 is not None and v1.label == "default-v1"
    stricter = DEFAULT_RULES.to_data()
    stricter["high"] = {"kind": "centralised_quarantine", "days": 21, "test_days": [1, 7, 14, 21]}
    v2 = Policy.objects.create(
        township=world.township_a,
        version=1,
        name="江汉街道 加严",
        status=PolicyStatus.ACTIVE,
        effective_from=TODAY,
        source_title="通知",
        rules=stricter,
    )
    second = actions.register_returnee(
        world.user("grid_g1"),
        journey((MINZU, D(2024, 1, 15), D(2024, 1, 20))),
        resident=world.resident_g1_spouse,
    )
    first.refresh_from_db()
    assert (first.policy_id, first.measure_days, first.test_days) == (v1.pk, 14, [1, 7, 14])
    assert (second.policy_id, second.measure_days, second.test_days) == (v2.pk, 21, [1, 7, 14, 21])
    assert Case.objects.get(registration=first).planned_end == D(2024, 2, 3)


def test_a_decision_is_taken_only_once(world, areas):
    reg = actions.register_returnee(
        world.user("grid_g1"),
        journey(("北京市朝阳区", D(2024, 1, 10), D(2024, 1, 20))),
        resident=world.resident_g1,
    )
    with pytest.raises(DomainError, match="already been decided"):
        actions.decide(world.user("grid_g1"), reg)


# --- bad input writes nothing ----------------------------------------------------------------


BAD = [
    pytest.param(
        journey(("火星省奥林匹斯市", D(2024, 1, 10), D(2024, 1, 20))),
        "stays",
        "火星省奥林匹斯市",
        id="unknown place",
    ),
    pytest.param(
        journey(("北京市朝阳区", D(2024, 1, 20), D(2024, 1, 10))),
        "stays",
        "the last day is before the first day",
        id="reversed dates",
    ),
    pytest.param(
        journey(
            ("北京市朝阳区", D(2024, 1, 5), D(2024, 1, 15)),
            (MINZU, D(2024, 1, 12), D(2024, 1, 20)),
        ),
        "stays",
        "overlap",
        id="overlapping stays",
    ),
    pytest.param(
        journey(("北京市朝阳区", D(2024, 1, 10), D(2024, 1, 22))),
        "stays",
        "ends after the arrival date",
        id="stay ending after arrival",
    ),
    pytest.param(
        journey(("北京市朝阳区", D(2024, 1, 10), D(2024, 1, 20)), arrival_date=D(2024, 1, 23)),
        "arrival_date",
        "in the future",
        id="arrival in the future",
    ),
    pytest.param(
        journey(
            ("北京市朝阳区", D(2024, 1, 10), D(2024, 1, 20)),
            certificate=CertificateInput(D(2024, 1, 22), "negative"),
        ),
        "certificate",
        "dated after the arrival date",
        id="certificate dated after arrival",
    ),
    pytest.param(journey(), "stays", "at least one place", id="no travel history"),
    pytest.param(
        journey(("北京市朝阳区", D(2024, 1, 10), D(2024, 1, 20)), transport="rocket"),
        "transport",
        "Choose train",
        id="unknown transport",
    ),
    pytest.param(
        journey(
            ("北京市朝阳区", D(2024, 1, 10), D(2024, 1, 20)),
            observations=[ObservationInput("health_code", "purple", NOW, "shown")],
        ),
        "observations",
        "green, yellow or red",
        id="a health code of no colour",
    ),
    pytest.param(
        journey(
            ("北京市朝阳区", D(2024, 1, 10), D(2024, 1, 20)),
            observations=[
                ObservationInput("health_code", "green", NOW + dt.timedelta(hours=2), "shown")
            ],
        ),
        "observations",
        "in the future",
        id="an observation from the future",
    ),
    pytest.param(
        journey(("北京市朝阳区", D(2024, 1, 10), D(2024, 1, 20)), contact_phone="12345"),
        "contact_phone",
        "",
        id="an impossible contact phone",
    ),
]


@pytest.mark.parametrize(("arrival", "field", "message"), BAD)
def test_bad_input_is_refused_with_a_message_and_nothing_is_written(
    world, areas, arrival, field, message
):
    before = written()
    with pytest.raises(DomainError) as caught:
        actions.register_returnee(world.user("grid_g1"), arrival, resident=world.resident_g1)
    assert field in caught.value.errors
    assert message in " ".join(caught.value.errors[field])
    assert written() == before


def test_every_problem_is_reported_at_once(world, areas):
    with pytest.raises(DomainError) as caught:
        actions.register_returnee(
            world.user("grid_g1"),
            journey(
                ("不存在的地方", D(2024, 1, 10), D(2024, 1, 12)),
                ("北京市朝阳区", D(2024, 1, 20), D(2024, 1, 15)),
                arrival_date=D(2024, 1, 25),
            ),
            resident=world.resident_g1,
        )
    errors = caught.value.errors
    assert set(errors) == {"stays", "arrival_date"}
    assert any("Place 1" in m for m in errors["stays"])
    assert any("Place 2" in m for m in errors["stays"])


def test_a_case_that_cannot_be_opened_undoes_the_whole_registration(world, areas):
    actions.register_returnee(
        world.user("grid_g1"),
        journey((MINZU, D(2024, 1, 15), D(2024, 1, 20))),
        resident=world.resident_g1,
    )
    before = written()
    with pytest.raises(DomainError, match="already has an open quarantine case"):
        actions.register_returnee(
            world.user("grid_g1"),
            journey((MINZU, D(2024, 1, 16), D(2024, 1, 20))),
            resident=world.resident_g1,
        )
    assert written() == before


# --- self-registration, confirmation, rejection ---------------------------------------------


def self_registration(link: RegistrationLink, **kw) -> Registration:
    values: dict[str, Any] = {
        "name": " 赵 返乡 ",
        "id_number": "110105199003030015",
        "phone": "139 0000 1111",
        "address": "1栋1单元 101",
        "submitted_from": "f" * 64,
    }
    values.update(kw)
    arrival = values.pop("arrival", journey((MINZU, D(2024, 1, 15), D(2024, 1, 20))))
    return actions.self_register(link, arrival, **values)


def test_a_self_registration_waits_for_the_grid_worker_without_a_decision(world, areas):
    link = RegistrationLinkFactory.create(grid=world.grid_g1)
    reg = self_registration(
        link,
        arrival=journey(
            (MINZU, D(2024, 1, 15), D(2024, 1, 20)),
            observations=[ObservationInput("health_code", "green", NOW, "self")],
        ),
    )
    reg.refresh_from_db()
    assert (reg.status, reg.source, reg.grid_id, reg.resident_id) == (
        "pending",
        "self",
        world.grid_g1.pk,
        None,
    )
    assert (reg.claimed_name, reg.claimed_doc_number, reg.claimed_phone) == (
        "赵 返乡",
        "110105199003030015",
        "13900001111",
    )
    assert (reg.level, reg.measure, reg.policy_id, reg.decided_at) == ("", "", None, None)
    assert reg.stays.get().code == "420103"
    assert reg.observations.get().source == "self"
    assert not Case.objects.exists()


def test_a_self_registration_with_a_wrong_id_number_writes_nothing(world, areas):
    link = RegistrationLinkFactory.create(grid=world.grid_g1)
    before = written()
    with pytest.raises(DomainError) as caught:
        self_registration(
            link,
            id_number="110105199003030014",
            address="",
            arrival=journey(("哪里都不是", D(2024, 1, 15), D(2024, 1, 20))),
        )
    assert {"doc_number", "address", "stays"} <= set(caught.value.errors)
    assert written() == before


def test_a_revoked_code_takes_no_registration(world, areas):
    old = actions.live_link(world.user("grid_g1"), world.grid_g1)
    new = actions.rotate_link(world.user("grid_g1"), world.grid_g1)
    old.refresh_from_db()
    assert old.revoked_at is not None and new.revoked_at is None and new.token != old.token
    with pytest.raises(DomainError, match="no longer valid"):
        self_registration(old)


def test_confirming_against_a_resident_decides_and_moves_the_registration_to_them(world, areas):
    link = RegistrationLinkFactory.create(grid=world.grid_g2)
    reg = self_registration(link, id_number=world.resident_g1.doc_number)
    reg = actions.confirm_registration(world.user("leader_a1"), reg, resident=world.resident_g1)
    reg.refresh_from_db()
    assert (reg.status, reg.resident_id, reg.grid_id) == (
        "confirmed",
        world.resident_g1.pk,
        world.grid_g1.pk,
    )
    assert reg.level == "high" and Case.objects.filter(registration=reg).count() == 1
    assert reg.confirmed_by == world.user("leader_a1")


def test_confirming_a_new_person_creates_the_resident_in_the_household(world, areas):
    link = RegistrationLinkFactory.create(grid=world.grid_g1)
    reg = self_registration(link)
    reg = actions.confirm_registration(
        world.user("grid_g1"), reg, household=world.household_g1, relation="child"
    )
    resident = Resident.objects.get(doc_number="110105199003030015")
    assert (resident.name, resident.phone, resident.relation) == ("赵 返乡", "13900001111", "child")
    assert reg.resident_id == resident.pk


def test_confirming_against_a_resident_with_another_id_number_is_refused(world, areas):
    link = RegistrationLinkFactory.create(grid=world.grid_g1)
    reg = self_registration(link)
    before = written()
    with pytest.raises(DomainError, match="differs from this resident"):
        actions.confirm_registration(world.user("grid_g1"), reg, resident=world.resident_g1)
    assert written() == before


def test_a_registration_is_confirmed_or_rejected_only_once(world, areas):
    link = RegistrationLinkFactory.create(grid=world.grid_g1)
    reg = self_registration(link, id_number=world.resident_g1.doc_number)
    actions.confirm_registration(world.user("grid_g1"), reg, resident=world.resident_g1)
    with pytest.raises(DomainError, match="no longer waiting"):
        actions.confirm_registration(world.user("grid_g1"), reg, resident=world.resident_g1)
    with pytest.raises(DomainError, match="no longer waiting"):
        actions.reject_registration(world.user("grid_g1"), reg, reason="重复登记")


def test_a_rejection_needs_a_reason_and_is_recorded(world):
    reg = RegistrationFactory.create(grid=world.grid_g1)
    with pytest.raises(DomainError, match="Say why"):
        actions.reject_registration(world.user("grid_g1"), reg, reason=" ")
    actions.reject_registration(world.user("grid_g1"), reg, reason="不在本网格居住")
    reg.refresh_from_db()
    assert (reg.status, reg.rejection_reason, reg.rejected_by) == (
        "rejected",
        "不在本网格居住",
        world.user("grid_g1"),
    )
    entry = AuditEntry.objects.get(target_id=str(reg.pk), action=AuditAction.UPDATE)
    assert entry.reason == "不在本网格居住"


def test_confirming_decides_with_the_stays_as_stored(world, areas):
    reg = RegistrationFactory.create(grid=world.grid_g1, claimed_doc_number="")
    StayFactory.create(registration=reg, start=D(2024, 1, 1), end=D(2024, 1, 5))  # outside
    reg = actions.confirm_registration(world.user("grid_g1"), reg, resident=world.resident_g1)
    assert reg.level == "low" and reg.measure == "test_within_24h"


# --- tests, refusals ----------------------------------------------------------------------


def test_a_24_hour_test_result_is_recorded_once(world, areas):
    reg = actions.register_returnee(
        world.user("grid_g1"),
        journey(("北京市朝阳区", D(2024, 1, 10), D(2024, 1, 20))),
        resident=world.resident_g1,
    )
    task = DayTest.objects.get(registration=reg)
    actions.record_test_task_result(world.user("medic_a1"), task, result="negative")
    task.refresh_from_db()
    assert (task.result, task.recorded_by) == ("negative", world.user("medic_a1"))
    with pytest.raises(DomainError, match="already been recorded"):
        actions.record_test_task_result(world.user("medic_a1"), task, result="positive")


def test_a_refusal_is_referred_to_the_police_officer_who_handles_it(world):
    refusal = actions.record_refusal(
        world.user("grid_g1"), world.resident_g1, kind="test", details="拒绝核酸检测"
    )
    assert (refusal.status, refusal.grid_id) == (RefusalStatus.REFERRED, world.grid_g1.pk)
    with pytest.raises(DomainError, match="Only the police officer"):
        actions.handle_refusal(world.user("leader_a1"), refusal, notes="已劝导")
    actions.handle_refusal(world.user("police_a1"), refusal, notes="已上门劝导，同意检测")
    refusal.refresh_from_db()
    assert (refusal.status, refusal.handled_by) == (RefusalStatus.HANDLED, world.user("police_a1"))
    with pytest.raises(DomainError, match="already been handled"):
        actions.handle_refusal(world.user("police_a1"), refusal, notes="再次")


def test_a_refusal_needs_what_happened(world):
    with pytest.raises(DomainError) as caught:
        actions.record_refusal(world.user("grid_g1"), world.resident_g1, kind="dance", details="")
    assert set(caught.value.errors) == {"kind", "details"}
    assert not Refusal.objects.exists()
