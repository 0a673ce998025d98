"""The import's writer thread: its own connection, one transaction, all or nothing.

Needs a database where a second connection sees committed rows: PostgreSQL here (the test
database on SQLite is in memory, where the writer runs inline, as in every other test).
"""

import datetime as dt

import pytest
from django.db import connection, connections
from django.utils import translation

from fangkong.core import sealing
from fangkong.core.models import AuditEntry
from fangkong.core.spreadsheets import read_table
from fangkong.people.importing.resident_import import ResidentImport
from fangkong.people.importing.writing import BatchWriter
from fangkong.people.models import Household
from fangkong.people.tests.factories import with_document_prefix
from fangkong.people.tests.import_files import id_card, row, save, xlsx_bytes

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the writer thread needs a shared database"
    ),
]


@pytest.fixture(autouse=True)
def in_english():
    """Messages are asserted in their English source form, whatever the catalogue says."""
    with translation.override("en"):
        yield


def rows(n, **extra):
    return [
        row(**{"姓名": f"人{i}", "证件号码": id_card(i), "房号/门牌号": f"{500 + i // 4}", **extra})
        for i in range(n)
    ]


def run(world, tmp_path, data, monkeypatch, **kw):
    # several chunks in flight
    monkeypatch.setattr("fangkong.people.importing.resident_import.CHUNK", 7)
    path = save(tmp_path, "r.xlsx", xlsx_bytes(data))
    importer = ResidentImport(world.user("leader_a1"), today=dt.date(2026, 11, 28))
    assert BatchWriter(importer).threaded
    return importer.import_table(read_table(path, filename="r.xlsx", max_bytes=10**8), **kw)


def test_chunks_are_written_by_the_writer_thread_in_one_transaction(world, tmp_path, monkeypatch):
    _result, summary = run(world, tmp_path, rows(40), monkeypatch, filename="r.xlsx")
    assert summary is not None and summary.residents == 40 and summary.households == 10
    assert with_document_prefix("110105").count() == 40
    assert AuditEntry.objects.filter(action="import").count() == 1


def test_an_error_late_in_the_file_rolls_back_the_chunks_already_written(
    world, tmp_path, monkeypatch
):
    data = rows(40)
    data[35]["证件号码"] = data[2]["证件号码"]  # a duplicate found after chunks were written
    households = Household.objects.count()
    result, summary = run(world, tmp_path, data, monkeypatch)
    assert summary is None and result.error_rows == {4, 37}
    assert not with_document_prefix("110105").exists()
    assert Household.objects.count() == households
    assert not AuditEntry.objects.filter(action="import").exists()


def test_a_database_refusal_in_the_writer_comes_back_as_a_clear_error(world, tmp_path, monkeypatch):
    from fangkong.core.errors import DomainError

    original = BatchWriter._write_chunk

    def registered_meanwhile(self, households, records):
        if any(values[8] == id_card(15) for _row, _key, _tags, values in records):
            # someone else registers this person after the check, before the write (the
            # number is sealed: the uniqueness is on its blind index)
            other = connections.create_connection("default")
            with other.cursor() as cursor:
                cursor.execute(
                    "UPDATE people_resident SET doc_index = %s WHERE id = %s",
                    [sealing.document_index(id_card(15)), world.resident_g2.pk],
                )
            other.close()
        original(self, households, records)

    monkeypatch.setattr(BatchWriter, "_write_chunk", registered_meanwhile)
    with pytest.raises(DomainError, match="Nothing was written"):
        run(world, tmp_path, rows(20), monkeypatch)
    assert not with_document_prefix("110105").exclude(pk=world.resident_g2.pk).exists()
    assert not AuditEntry.objects.filter(action="import").exists()
