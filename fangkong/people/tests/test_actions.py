import datetime as dt

import pytest

from fangkong.core.errors import DomainError
from fangkong.core.masking import mask_document
from fangkong.core.models import AuditAction, AuditEntry
from fangkong.people import actions
from fangkong.people.models import Resident
from fangkong.people.registry import likely_duplicates
from fangkong.people.tests.factories import id_number


def audit_rows(obj, action):
    return AuditEntry.objects.filter(
        target_type=obj._meta.label_lower, target_id=str(obj.pk), action=action
    )


def test_creating_a_resident_derives_birth_date_gender_and_pinyin_and_is_audited(world):
    by = world.user("grid_g1")
    number = id_number(7, dt.date(1990, 3, 7), female=True)
    r = actions.create_resident(
        by,
        name="欧阳娜娜",
        doc_type="id_card",
        doc_number=number,
        phone="138 0013 8000",
        household=world.household_g1,
        relation="child",
        tags=["infant"],
    )
    assert (r.birth_date, r.gender, r.phone) == (dt.date(1990, 3, 7), "F", "13800138000")
    assert (r.name_pinyin, r.name_initials) == ("ouyangnana", "oynn")
    assert (r.grid, r.community_id, r.township_id) == (
        world.grid_g1,
        world.community_a1.pk,
        world.township_a.pk,
    )
    entry = audit_rows(r, AuditAction.CREATE).get()
    assert entry.actor == by and entry.township == world.township_a
    # the log keeps the number masked, never in full
    assert entry.changes["doc_number"] == mask_document(number) != number
    assert entry.changes["tags"] == ["infant"]


def test_a_document_number_cannot_exist_twice_in_a_township_and_the_error_names_the_holder(world):
    existing = world.resident_g2  # a leader of the community sees the holder
    with pytest.raises(DomainError) as exc:
        actions.create_resident(
            world.user("leader_a1"),
            name="冒名",
            doc_number=existing.doc_number,
            household=world.household_g2,
        )
    assert existing.name in exc.value.errors["doc_number"][0]
    assert str(existing.pk) in exc.value.errors["doc_number"][0]
    assert Resident.objects.filter(doc_number=existing.doc_number).count() == 1


def test_the_same_document_number_may_exist_in_another_township(world):
    r = actions.create_resident(
        world.user("admin_b"),
        name="同号",
        doc_number=world.resident_g1.doc_number,
        household=world.household_b,
    )
    assert r.township == world.township_b


@pytest.mark.parametrize(
    ("fields", "bad_field"),
    [
        ({"doc_number": "110105194912310021"}, "doc_number"),
        ({"doc_number": "110105194902300024"}, "doc_number"),
        ({"phone": "12345"}, "phone"),
        ({"name": "  "}, "name"),
        ({"doc_type": "none", "doc_number": ""}, "no_doc_reason"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(world, fields, bad_field):
    before = (Resident.objects.count(), AuditEntry.objects.count())
    data = {"name": "测试", "doc_number": id_number(300), "household": world.household_g1} | fields
    with pytest.raises(DomainError) as exc:
        actions.create_resident(world.user("grid_g1"), **data)
    assert bad_field in exc.value.errors
    assert (Resident.objects.count(), AuditEntry.objects.count()) == before


def test_update_records_only_the_changed_fields(world):
    r = world.resident_g1
    actions.update_resident(world.user("grid_g1"), r, phone="13900001111", tags=["chronic"])
    entry = audit_rows(r, AuditAction.UPDATE).get()
    assert set(entry.changes) == {"phone", "tags"}
    assert entry.changes["phone"][1] == "139****1111"  # masked
    assert entry.changes["tags"] == [[], ["chronic"]]


def test_an_update_that_changes_nothing_writes_no_audit_row(world):
    r = world.resident_g1
    actions.update_resident(world.user("grid_g1"), r, phone=r.phone)
    assert not audit_rows(r, AuditAction.UPDATE).exists()


def test_reveal_returns_the_full_value_and_records_who_and_why(world):
    by = world.user("grid_g1")
    value = actions.reveal(by, world.resident_g1, field="doc_number", reason="核实身份")
    assert value == world.resident_g1.doc_number
    entry = audit_rows(world.resident_g1, AuditAction.REVEAL).get()
    assert (entry.actor, entry.reason, entry.changes) == (by, "核实身份", {"field": "doc_number"})


def test_reveal_without_a_reason_is_refused_and_not_recorded(world):
    with pytest.raises(DomainError):
        actions.reveal(world.user("grid_g1"), world.resident_g1, field="phone", reason=" ")
    assert not AuditEntry.objects.filter(action=AuditAction.REVEAL).exists()


def test_likely_duplicates_without_document_are_found_and_merged_keeping_history(world):
    keep = world.resident_g1
    dup = actions.create_resident(
        world.user("grid_g1"),
        name=keep.name,
        doc_type="none",
        no_doc_reason="证件遗失",
        birth_date=keep.birth_date,
        household=world.household_g1,
        tags=["chronic"],
    )
    assert keep in likely_duplicates(dup)
    actions.merge_residents(world.user("office_a1"), keep=keep, duplicate=dup, reason="同一人")
    dup.refresh_from_db()
    assert dup.merged_into == keep
    assert "chronic" in keep.tag_values
    assert not Resident.objects.active().filter(pk=dup.pk).exists()
    assert (
        audit_rows(keep, AuditAction.MERGE).exists() and audit_rows(dup, AuditAction.MERGE).exists()
    )


def test_two_different_document_numbers_are_never_merged(world):
    with pytest.raises(DomainError):
        actions.merge_residents(
            world.user("office_a1"),
            keep=world.resident_g1,
            duplicate=world.resident_g1_spouse,
            reason="x",
        )


def test_a_village_household_hangs_directly_off_its_village_group(world):
    h = actions.create_household(world.user("leader_a2"), grid=world.village_group, number="9号")
    assert h.building is None and h.grid == world.village_group
    assert h.address == "新河村 一组 9号"
    with pytest.raises(DomainError):
        actions.create_household(world.user("leader_a2"), grid=world.village_group, number="9号")


def test_delete_needs_a_reason_and_keeps_the_snapshot_in_the_audit_log(world):
    r = world.resident_g2
    pk = r.pk
    with pytest.raises(DomainError):
        actions.delete_resident(world.user("grid_g2"), r, reason="")
    actions.delete_resident(world.user("grid_g2"), r, reason="迁出")
    assert not Resident.objects.filter(pk=pk).exists()
    entry = AuditEntry.objects.get(action=AuditAction.DELETE, target_id=str(pk))
    assert entry.changes["name"] == "王二小" and entry.reason == "迁出"


def test_a_merged_record_is_history_and_cannot_be_edited_or_deleted(world):
    keep = world.resident_g1
    dup = actions.create_resident(
        world.user("grid_g1"),
        name=keep.name,
        doc_type="none",
        no_doc_reason="证件遗失",
        birth_date=keep.birth_date,
        household=world.household_g1,
    )
    actions.merge_residents(world.user("office_a1"), keep=keep, duplicate=dup, reason="同一人")
    with pytest.raises(DomainError):
        actions.update_resident(world.user("grid_g1"), dup, name="改名")
    with pytest.raises(DomainError):
        actions.delete_resident(world.user("grid_g1"), dup, reason="清理")
    with pytest.raises(DomainError):
        actions.merge_residents(world.user("office_a1"), keep=dup, duplicate=keep, reason="反向")
