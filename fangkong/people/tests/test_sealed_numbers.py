"""Document and phone numbers at rest: sealed in the table, found through the blind index."""

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.exceptions import FieldError
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction

from fangkong.checkpoints.models import Gate, GateEntry
from fangkong.checkpoints.search import search as gate_search
from fangkong.core import audit, sealing
from fangkong.core.masking import mask_document
from fangkong.core.models import AuditAction, AuditEntry
from fangkong.core.sealed import reseal
from fangkong.people import actions
from fangkong.people.models import Resident
from fangkong.people.search import search_query
from fangkong.people.tests.factories import ResidentFactory, id_number
from fangkong.screening.models import Registration

NEW_KEY = "the-new-data-key-of-a-rotation-0123456789abcdef"


def raw(resident: Resident, *columns: str) -> tuple:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(columns)} FROM people_resident WHERE id = %s", [resident.pk]
        )
        return cursor.fetchone()


def test_the_table_holds_ciphertext_and_the_model_reads_the_number(world):
    r = world.resident_g1
    doc, phone, index, last4, masked = raw(
        r, "doc_number", "phone", "doc_index", "doc_last4", "doc_masked"
    )
    assert r.doc_number and r.phone
    assert r.doc_number not in doc and r.phone not in phone
    assert sealing.open_sealed(doc, "people.resident.doc_number") == r.doc_number
    assert index == sealing.document_index(r.doc_number) and r.doc_number not in index
    assert last4 == r.doc_number[-4:] and masked == r.masked_doc_number
    assert Resident.objects.get(pk=r.pk).doc_number == r.doc_number


def test_a_tampered_ciphertext_is_refused_when_read(world):
    r = world.resident_g1
    (doc,) = raw(r, "doc_number")
    changed = doc[:-6] + ("A" if doc[-6] != "A" else "B") + doc[-5:]
    with connection.cursor() as cursor:
        cursor.execute("UPDATE people_resident SET doc_number = %s WHERE id = %s", [changed, r.pk])
    with pytest.raises(sealing.SealError):
        Resident.objects.get(pk=r.pk)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="reads the SQLite database's bytes")
def test_the_sqlite_database_holds_no_demo_number_in_clear(db):
    call_command("demo", "--residents", "60", stdout=StringIO())
    people = list(Resident.objects.exclude(doc_number="").exclude(phone="")[:20])
    assert people
    connection.ensure_connection()
    image = connection.connection.serialize()  # the database file's bytes
    for person in people:
        assert person.doc_number.encode() not in image
        assert person.phone.encode() not in image
    # visitors at the gate and self-registrations: sealed too
    numbers = [
        n for e in GateEntry.objects.exclude(doc_number="") for n in (e.doc_number, e.phone) if n
    ] + [
        n
        for g in Registration.objects.exclude(claimed_doc_number="")
        for n in (g.claimed_doc_number, g.claimed_phone)
        if n
    ]
    assert len(numbers) >= 4
    for number in numbers:
        assert number.encode() not in image
    assert people[0].doc_masked.encode() in image  # the masked form is kept, on purpose


def test_the_document_is_unique_in_a_township_by_its_blind_index(world):
    holder = world.resident_g1
    with pytest.raises(IntegrityError), transaction.atomic():
        ResidentFactory.create(household=world.household_g2, doc_number=holder.doc_number)
    other = ResidentFactory.create(household=world.household_b, doc_number=holder.doc_number)
    assert other.township_id != holder.township_id


def test_equality_lookups_use_the_index_and_any_other_comparison_is_refused(world):
    r = world.resident_g1
    assert list(Resident.objects.filter(doc_number=r.doc_number)) == [r]
    assert list(Resident.objects.filter(phone__in=[r.phone, "13900000000"])) == [r]
    assert Resident.objects.filter(doc_number="").count() == 0
    with pytest.raises(FieldError):
        Resident.objects.filter(doc_number__startswith=r.doc_number[:6]).count()
    with pytest.raises(FieldError):
        Resident.objects.filter(phone__endswith=r.phone[-4:]).count()


def test_search_by_whole_number_and_the_gates_last_four(world):
    r = world.resident_g1
    assert list(Resident.objects.filter(search_query(r.doc_number))) == [r]
    assert list(Resident.objects.filter(search_query(r.phone))) == [r]
    gate = Gate.objects.create(township=world.township_a, community=world.community_a1, name="南门")
    found = gate_search(gate, r.doc_number[-4:])
    assert [f.id for f in found] == [r.pk]
    assert found[0].masked_document == r.masked_doc_number
    assert r.pk in [f.id for f in gate_search(gate, r.phone[-4:])]
    assert [f.id for f in gate_search(gate, r.phone)] == [r.pk]


def test_the_audit_log_keeps_only_masked_numbers_and_still_sees_a_change(world):
    by = world.user("grid_g1")
    number = id_number(7, dt.date(1990, 3, 7), female=True)
    r = actions.create_resident(
        by,
        name="欧阳娜娜",
        doc_type="id_card",
        doc_number=number,
        phone="13800138000",
        household=world.household_g1,
        relation="child",
    )
    changed = id_number(8, dt.date(1991, 4, 8), female=True)
    actions.update_resident(by, r, doc_number=changed, phone="13900139000")
    entries = AuditEntry.objects.filter(target_type="people.resident", target_id=str(r.pk))
    text = json.dumps([e.changes for e in entries], ensure_ascii=False)
    for full in (number, changed, "13800138000", "13900139000"):
        assert full not in text
    update = entries.get(action=AuditAction.UPDATE).changes
    assert update["doc_number"] == [mask_document(number), mask_document(changed)]
    assert update["phone"] == ["138****8000", "139****9000"]


def test_a_change_the_mask_hides_is_still_recorded(world):
    r = world.resident_g1
    before = audit.snapshot(r, ["doc_number", "name"])
    r.doc_number = r.doc_number[:5] + ("1" if r.doc_number[5] != "1" else "2") + r.doc_number[6:]
    after = audit.snapshot(r, ["doc_number", "name"])
    delta = audit.diff(before, after)
    assert list(delta) == ["doc_number"]
    assert str(delta["doc_number"][0]) == str(delta["doc_number"][1]) == r.masked_doc_number


def test_rotation_runs_in_batches_and_can_be_resumed(world, settings):
    people = list(Resident.objects.exclude(doc_number="").order_by("pk"))
    numbers = {r.pk: (r.doc_number, r.phone) for r in people}
    old_id = sealing.keyring().current.id
    settings.DATA_KEY_OLD = settings.DATA_KEY
    # a key id is one byte and the run's key is random: take a new key whose id differs
    for n in range(256):
        settings.DATA_KEY = f"{NEW_KEY}-{n}"
        if sealing.keyring().current.id != old_id:
            break
    new_id = sealing.keyring().current.id
    assert new_id != old_id

    # interrupted after one batch: rows under both keys, every one readable meanwhile
    call_command("rotate_data_key", "--batch-size", "2", "--max-batches", "1", stdout=StringIO())
    ids = {sealing.key_id_of(raw(r, "doc_number")[0]) for r in people}
    assert ids == {old_id, new_id}
    assert {r.pk: (r.doc_number, r.phone) for r in Resident.objects.all()} == numbers
    first = people[0]
    assert list(Resident.objects.filter(search_query(first.doc_number))) == [first]

    out = StringIO()
    call_command("rotate_data_key", "--batch-size", "2", stdout=out)
    assert "FANGKONG_DATA_KEY_OLD can go" in out.getvalue()

    settings.DATA_KEY_OLD = ""  # the old key retired: everything opens with the new one
    assert {sealing.key_id_of(raw(r, "doc_number")[0]) for r in people} == {new_id}
    assert {r.pk: (r.doc_number, r.phone) for r in Resident.objects.all()} == numbers
    for r in people:
        assert raw(r, "doc_index")[0] == sealing.document_index(r.doc_number)
        assert list(Resident.objects.filter(search_query(r.phone))) == [r]


def test_rotation_refuses_to_start_without_the_old_key(settings):
    from django.core.management.base import CommandError

    settings.DATA_KEY_OLD = ""
    with pytest.raises(CommandError):
        call_command("rotate_data_key", stdout=StringIO())


def test_the_migration_step_seals_numbers_stored_in_clear(world):
    r = world.resident_g1
    with connection.cursor() as cursor:  # as the table was before this change
        cursor.execute(
            "UPDATE people_resident SET doc_number = %s, phone = %s, doc_index = '' WHERE id = %s",
            [r.doc_number, r.phone, r.pk],
        )
    reseal(Resident, plain_ok=True)
    doc, index = raw(r, "doc_number", "doc_index")
    assert r.doc_number not in doc and index == sealing.document_index(r.doc_number)
    assert Resident.objects.get(pk=r.pk).doc_number == r.doc_number
