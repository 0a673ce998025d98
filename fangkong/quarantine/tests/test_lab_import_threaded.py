"""The lab import's writer thread: its own connection, one transaction, all or nothing.

Needs a database where a second connection sees committed rows: PostgreSQL here (the test
database on SQLite is in memory, where the writer runs inline, as in every other test).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection, connections

from fangkong.core.errors import DomainError
from fangkong.core.models import AuditEntry
from fangkong.core.spreadsheets import read_table
from fangkong.people.tests.import_files import save, xlsx_bytes
from fangkong.quarantine.lab_import import TEMPLATE_HEADERS, LabImport, ResultWriter
from fangkong.quarantine.models import CaseEvent
from fangkong.quarantine.models import ScheduledTest as Item

from .cases import START, open_case, started

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the writer thread needs a shared database"
    ),
]

DAY14 = dt.date(2026, 1, 23)


def row(resident, sampled_on, result="阴性"):
    return {
        "证件号码": resident.doc_number,
        "姓名": resident.name,
        "采样日期": sampled_on.isoformat(),
        "检测结果": result,
    }


def table(tmp_path, rows):
    path = save(tmp_path, "lab.xlsx", xlsx_bytes(rows, list(TEMPLATE_HEADERS)))
    return read_table(path, filename="lab.xlsx", max_bytes=10**8)


@pytest.fixture
def cases(world):
    people = [world.resident_g1, world.resident_g1_spouse, world.resident_g2]
    return [started(world, open_case(world, r)) for r in people]


def apply(world, tmp_path, rows, monkeypatch, **kw):
    monkeypatch.setattr("fangkong.quarantine.lab_import.CHUNK", 2)  # several chunks in flight
    importer = LabImport(world.user("leader_a1"), today=DAY14)
    assert ResultWriter(importer, job_id=None, filename="").threaded
    return importer.apply(table(tmp_path, rows), **kw)


def test_chunks_are_written_by_the_writer_thread_in_one_transaction(
    world, tmp_path, cases, monkeypatch
):
    rows = [row(c.resident, d) for c in cases for d in (START, DAY14)]
    _check, summary = apply(world, tmp_path, rows, monkeypatch, filename="lab.xlsx")
    assert summary is not None and summary.applied == 6
    assert not Item.objects.filter(result="").exists()
    assert CaseEvent.objects.filter(action="test_result").count() == 6
    assert AuditEntry.objects.filter(action="import").count() == 1


def test_a_row_that_does_not_match_late_in_the_file_rolls_back_what_was_written(
    world, tmp_path, cases, monkeypatch
):
    rows = [row(c.resident, d) for c in cases for d in (START, DAY14)]
    rows.append(row(world.resident_b, DAY14))  # outside the jurisdiction, after 3 chunks
    check, summary = apply(world, tmp_path, rows, monkeypatch)
    assert summary is None and check.unmatched == {8}
    assert not Item.objects.exclude(result="").exists()
    assert not CaseEvent.objects.filter(action="test_result").exists()
    assert not AuditEntry.objects.filter(action="import").exists()


def test_skipping_the_rows_that_do_not_match_writes_the_others(world, tmp_path, cases, monkeypatch):
    rows = [row(world.resident_b, DAY14), *(row(c.resident, DAY14) for c in cases)]
    _check, summary = apply(world, tmp_path, rows, monkeypatch, skip_unmatched=True)
    assert summary is not None and (summary.applied, summary.skipped_rows) == (3, 1)
    assert Item.objects.filter(result="negative").count() == 3


def test_a_test_recorded_by_someone_else_meanwhile_stops_the_whole_write(
    world, tmp_path, cases, monkeypatch
):
    rows = [row(c.resident, DAY14) for c in cases]
    target = cases[2].tests.get(day=14)
    original = ResultWriter._write_chunk

    def recorded_meanwhile(self, matches):
        if any(m.item_id == target.pk for m in matches):
            other = connections.create_connection("default")
            with other.cursor() as cursor:
                cursor.execute(
                    "UPDATE quarantine_scheduledtest SET result = 'positive' WHERE id = %s",
                    [target.pk],
                )
            other.close()
        return original(self, matches)

    monkeypatch.setattr(ResultWriter, "_write_chunk", recorded_meanwhile)
    with pytest.raises(DomainError, match="Nothing was written"):
        apply(world, tmp_path, rows, monkeypatch)
    assert Item.objects.filter(result="negative").count() == 0
    assert Item.objects.get(pk=target.pk).result == "positive"
