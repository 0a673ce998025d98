"""The lab file of a round: by tube and by document number; problems leave nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied

from fangkong.core import jobs
from fangkong.core.jobs import JobStatus
from fangkong.core.models import AuditEntry
from fangkong.core.spreadsheets import read_table
from fangkong.masstesting import actions, result_jobs
from fangkong.masstesting.models import RoundImportJob, RoundMember, Tube
from fangkong.masstesting.results import RoundResults
from fangkong.quarantine.capabilities import QuarantineCapability

from .helpers import community_round, csv_upload, write_csv

pytestmark = pytest.mark.django_db

HEAD = ["试管编号", "证件号码", "检测结果", "检测时间"]


def _table(tmp_path: Path, rows: list[list[str]]):
    path = write_csv(tmp_path / "r.csv", [HEAD, *rows])
    return read_table(path, filename="r.csv", max_bytes=10**8)


@pytest.fixture
def sampled(world):
    """A round of 12: ten in pooled tube P1, one in P2, one in single tube S1."""
    rnd = community_round(world, extra=9)
    people = [m.resident for m in rnd.members.select_related("resident").order_by("id")]
    for person in people[:10]:
        actions.sample(None, rnd, tube_code="P1", pooled=True, resident=person)
    actions.sample(None, rnd, tube_code="P2", pooled=True, resident=people[10])
    actions.sample(None, rnd, tube_code="S1", pooled=False, resident=people[11])
    return rnd, people


def _members(rnd, code: str):
    return list(
        RoundMember.objects.filter(round=rnd, tube__code=code).values_list(
            "result", "retest_needed"
        )
    )


def test_pooled_positive_flags_every_member(world, sampled, tmp_path) -> None:
    rnd, _people = sampled
    rows = [
        ["P1", "", "阳性", "2026-01-20 12:00"],
        ["P2", "", "阴性", ""],
        ["S1", "", "negative", ""],
    ]
    check, summary = RoundResults(world.user("medic_a1"), rnd).apply(
        _table(tmp_path, rows), filename="r.csv"
    )
    assert check.unmatched_rows == 0 and summary is not None
    assert _members(rnd, "P1") == [("", True)] * 10
    assert _members(rnd, "P2") == [("negative", False)]
    assert _members(rnd, "S1") == [("negative", False)]
    assert (summary.negative, summary.positive, summary.retest) == (2, 0, 10)
    assert Tube.objects.get(round=rnd, code="P1").result == "positive"
    assert AuditEntry.objects.filter(action="import", target_type="masstesting.round").count() == 1


def test_negative_pool_makes_everyone_negative(world, sampled, tmp_path) -> None:
    rnd, _people = sampled
    RoundResults(world.user("medic_a1"), rnd).apply(_table(tmp_path, [["P1", "", "阴性", ""]]))
    assert _members(rnd, "P1") == [("negative", False)] * 10
    assert _members(rnd, "P2") == [("", False)]


def test_single_positive_and_invalid(world, sampled, tmp_path) -> None:
    rnd, _people = sampled
    RoundResults(world.user("medic_a1"), rnd).apply(
        _table(tmp_path, [["S1", "", "阳性", ""], ["P2", "", "无效", ""]])
    )
    assert _members(rnd, "S1") == [("positive", False)]
    assert _members(rnd, "P2") == [("invalid", True)]


def test_retest_result_is_the_persons(world, sampled, tmp_path) -> None:
    rnd, people = sampled
    RoundResults(world.user("medic_a1"), rnd).apply(_table(tmp_path, [["P1", "", "阳性", ""]]))
    actions.sample(None, rnd, tube_code="R1", pooled=False, resident=people[0])
    actions.sample(None, rnd, tube_code="R2", pooled=False, resident=people[1])
    _check, summary = RoundResults(world.user("medic_a1"), rnd).apply(
        _table(tmp_path, [["R1", "", "阳性", ""], ["", people[1].doc_number, "阴性", ""]])
    )
    assert summary is not None
    first = RoundMember.objects.get(round=rnd, resident=people[0])
    second = RoundMember.objects.get(round=rnd, resident=people[1])
    assert (first.result, first.retest_needed) == ("positive", False)
    assert (second.result, second.retest_needed) == ("negative", False)
    third = RoundMember.objects.get(round=rnd, resident=people[2])
    assert (third.result, third.retest_needed) == ("", True)


def test_problems_by_row_and_nothing_written(world, sampled, tmp_path) -> None:
    rnd, _people = sampled
    rows = [
        ["P1", "", "阴性", ""],  # 2: fine
        ["X9", "", "阴性", ""],  # 3: unknown tube
        ["", "110101199001011234", "阴性", ""],  # 4: unknown document
        ["", world.resident_village.doc_number, "阴性", ""],  # 5: not in the round
        ["P2", "", "maybe", ""],  # 6: bad result
        ["P1", "", "阴性", ""],  # 7: duplicate of row 2
        ["S1", "", "阴性", "yesterday"],  # 8: bad time
        ["", "", "阴性", ""],  # 9: neither
    ]
    check = RoundResults(world.user("medic_a1"), rnd).check(_table(tmp_path, rows))
    by_row = {p.row: p.message for p in check.problems}
    assert set(by_row) == {3, 4, 5, 6, 7, 8, 9}
    assert "X9 is not a tube of this round" in by_row[3]
    assert "No registered person" in by_row[4]
    assert "not expected in this round" in by_row[5]
    assert "not maybe" in by_row[6]
    assert "already in row 2" in by_row[7]
    assert "not a date" in by_row[8]
    assert check.matched_rows == 1 and check.unmatched_rows == 7
    _check, summary = RoundResults(world.user("medic_a1"), rnd).apply(_table(tmp_path, rows))
    assert summary is None
    assert not RoundMember.objects.filter(round=rnd).exclude(result="").exists()
    assert not Tube.objects.filter(round=rnd).exclude(result="").exists()
    assert not AuditEntry.objects.filter(action="import").exists()


def test_a_tube_result_twice_is_refused(world, sampled, tmp_path) -> None:
    rnd, people = sampled
    RoundResults(world.user("medic_a1"), rnd).apply(_table(tmp_path, [["P2", "", "阴性", ""]]))
    check, summary = RoundResults(world.user("medic_a1"), rnd).apply(
        _table(tmp_path, [["P2", "", "阳性", ""], ["", people[10].doc_number, "阳性", ""]])
    )
    assert summary is None
    assert [p.message for p in check.problems] == [
        "Tube P2 already has a result.",
        "This person already has a result in this round.",
    ]
    assert _members(rnd, "P2") == [("negative", False)]


def test_not_sampled_person(world, tmp_path) -> None:
    rnd = community_round(world)
    check = RoundResults(world.user("medic_a1"), rnd).check(
        _table(tmp_path, [["", world.resident_g1.doc_number, "阴性", ""]])
    )
    assert [p.message for p in check.problems] == ["This person was not sampled in this round."]


def test_missing_columns(world, tmp_path) -> None:
    rnd = community_round(world)
    path = write_csv(tmp_path / "bad.csv", [["姓名", "检测结果"], ["张三", "阴性"]])
    check = RoundResults(world.user("medic_a1"), rnd).check(
        read_table(path, filename="bad.csv", max_bytes=10**6)
    )
    assert check.file_error and "试管编号" in check.problems[0].message


def test_job_lifecycle(world, sampled, settings, tmp_path) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    rnd, _people = sampled
    medic = world.user("medic_a1")
    job = result_jobs.start_import(
        medic, rnd, csv_upload([HEAD, ["P1", "", "阳性", ""], ["P2", "", "阴性", ""]])
    )
    assert job.status == JobStatus.CHECKED and job.matched_rows == 2
    assert not RoundMember.objects.filter(round=rnd, retest_needed=True).exists()
    job = result_jobs.confirm_import(medic, job)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE, job.message
    assert (job.negative, job.positive, job.retest) == (1, 0, 10)
    assert RoundMember.objects.filter(round=rnd, retest_needed=True).count() == 10
    assert not job.file


def test_job_with_problems_is_refused(world, sampled, settings, tmp_path) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    rnd, _people = sampled
    job = result_jobs.start_import(
        world.user("medic_a1"),
        rnd,
        csv_upload([HEAD, ["P1", "", "阳性", ""], ["ZZ", "", "阴性", ""]]),
    )
    assert job.status == JobStatus.REFUSED
    assert job.problems == [[3, "试管编号", "Tube ZZ is not a tube of this round."]]
    assert not RoundMember.objects.filter(round=rnd, retest_needed=True).exists()


def test_person_rows_only(world, sampled, tmp_path) -> None:
    rnd, people = sampled
    _check, summary = RoundResults(world.user("medic_a1"), rnd).apply(
        _table(
            tmp_path,
            [["", people[11].doc_number, "阳性", ""], ["", people[10].doc_number, "无效", ""]],
        )
    )
    assert summary is not None
    assert (summary.negative, summary.positive, summary.retest) == (0, 1, 1)
    assert _members(rnd, "S1") == [("positive", False)]
    assert _members(rnd, "P2") == [("invalid", True)]
    assert _members(rnd, "P1") == [("", False)] * 10


@pytest.mark.parametrize("share", ["few", "most"])
def test_person_rows_match_alike_whichever_way_the_join_runs(
    world, sampled, tmp_path, monkeypatch, share
) -> None:
    """On SQLite a file naming most of the round is joined from the members' side (its
    CROSS JOIN order); the answers are the same as by staged number."""
    rnd, people = sampled
    RoundResults(world.user("medic_a1"), rnd).apply(
        _table(tmp_path, [["", people[11].doc_number, "阴性", ""]])
    )
    original = RoundResults._person_join
    monkeypatch.setattr(
        RoundResults,
        "_person_join",
        lambda self, persons: original(self, 0 if share == "few" else 10**9),
    )
    rows = [
        ["", people[0].doc_number, "阴性", ""],  # 2: fine
        ["", people[11].doc_number, "阴性", ""],  # 3: already has a result
        ["", world.resident_village.doc_number, "阴性", ""],  # 4: not in the round
        ["", "110101199001011234", "阴性", ""],  # 5: unknown document
        ["", people[0].doc_number, "阴性", ""],  # 6: duplicate of row 2
        ["", people[1].doc_number, "阳性", ""],  # 7: fine
    ]
    check = RoundResults(world.user("medic_a1"), rnd).check(_table(tmp_path, rows))
    by_row = {p.row: p.message for p in check.problems}
    assert set(by_row) == {3, 4, 5, 6}
    assert "already has a result" in by_row[3]
    assert "not expected in this round" in by_row[4]
    assert "No registered person" in by_row[5]
    assert "already in row 2" in by_row[6]
    assert (check.matched_rows, check.unmatched_rows) == (2, 4)
    _check, summary = RoundResults(world.user("medic_a1"), rnd).apply(
        _table(tmp_path, [rows[0], rows[5]])
    )
    assert summary is not None and (summary.negative, summary.positive) == (1, 1)
    first = RoundMember.objects.get(round=rnd, resident=people[0])
    second = RoundMember.objects.get(round=rnd, resident=people[1])
    assert (first.result, second.result) == ("negative", "positive")


def test_an_unknown_document_number_without_duplicates_is_found(world, sampled, tmp_path) -> None:
    rnd, people = sampled
    rows = [["", people[0].doc_number, "阴性", ""], ["", "110101199001011234", "阴性", ""]]
    check = RoundResults(world.user("medic_a1"), rnd).check(_table(tmp_path, rows))
    assert [(p.row, p.message) for p in check.problems] == [
        (3, "No registered person has this document number.")
    ]


def test_a_rounds_file_is_stored_by_the_shared_job_store(world, sampled, settings, tmp_path):
    """The round's job is stored by `core.jobs.store_upload` with its own fields (the round,
    the round's township), no factory shim; a user without RECORD_TESTS stores nothing."""
    settings.MEDIA_ROOT = str(tmp_path)
    rnd, _people = sampled
    medic = world.user("medic_a1")
    upload = csv_upload([HEAD, ["P1", "", "阳性", ""]])
    job = jobs.store_upload(
        RoundImportJob,
        medic,
        upload,
        QuarantineCapability.RECORD_TESTS,
        round=rnd,
        township_id=rnd.township_id,
    )
    stored = RoundImportJob.objects.get(pk=job.pk)
    assert (stored.round_id, stored.township_id, stored.created_by_id) == (
        rnd.pk,
        rnd.township_id,
        medic.pk,
    )
    assert stored.status == JobStatus.QUEUED and stored.file
    with pytest.raises(PermissionDenied):
        jobs.store_upload(
            RoundImportJob,
            world.user("guard_a1"),
            csv_upload([HEAD, ["P1", "", "阳性", ""]]),
            QuarantineCapability.RECORD_TESTS,
            round=rnd,
            township_id=rnd.township_id,
        )
    assert RoundImportJob.objects.count() == 1
