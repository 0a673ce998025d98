"""The one upload-job runner (`fangkong.core.jobs`) and its three kinds: the resident import,
a quarantine lab file and a testing round's lab file go through the same states, the same
steps and the same failure handling.

Here (masstesting) because it is the highest of the three apps: the test needs all of them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from fangkong.core import jobs
from fangkong.core.errors import DomainError
from fangkong.core.jobs import JobKind, JobStatus, UploadJob
from fangkong.core.models import AuditEntry
from fangkong.core.spreadsheets import SpreadsheetError
from fangkong.masstesting import actions, result_jobs
from fangkong.masstesting.models import RoundMember
from fangkong.masstesting.results import RoundResults
from fangkong.people import import_jobs
from fangkong.people.importing.writing import BatchWriter
from fangkong.people.models import Resident
from fangkong.people.tests.import_files import csv_bytes, id_card, row
from fangkong.quarantine import lab_jobs
from fangkong.quarantine.lab_import import TEMPLATE_HEADERS, ResultWriter
from fangkong.quarantine.models import ScheduledTest
from fangkong.quarantine.tests.cases import START, on, open_case, started

from .helpers import community_round, csv_upload

pytestmark = pytest.mark.django_db

ROUND_HEAD = ["试管编号", "证件号码", "检测结果", "检测时间"]
DAY3 = START + dt.timedelta(days=3)


@pytest.fixture(autouse=True)
def in_english_with_media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    with translation.override("en"):
        yield


@dataclass
class Kind:
    """One kind of upload job, as a user drives it, and what its apply writes."""

    name: str
    kind: JobKind[Any, Any, Any]
    start: Callable[[], UploadJob]
    confirm: Callable[[UploadJob], UploadJob]
    written: Callable[[], int]
    #: (class, method) of the kind's write step, to make it fail
    write_step: tuple[type, str]


def resident_kind(world) -> Kind:
    leader = world.user("leader_a1")
    data = csv_bytes([row(), row(**{"姓名": "乙", "证件号码": id_card(2)})])
    return Kind(
        "residents",
        import_jobs.RESIDENTS,
        lambda: import_jobs.start_import(leader, SimpleUploadedFile("r.csv", data)),
        lambda job: import_jobs.confirm_import(leader, job, only_valid=False),  # type: ignore[arg-type]
        lambda: Resident.objects.filter(doc_number__in=[id_card(1), id_card(2)]).count(),
        (BatchWriter, "_write_chunk"),
    )


def lab_kind(world) -> Kind:
    case = started(world, open_case(world, world.resident_g1))
    medic = world.user("medic_a1")
    lines = [",".join(TEMPLATE_HEADERS), f"{world.resident_g1.doc_number},,{START},阴性,区疾控"]
    data = "\n".join(lines).encode()

    def start() -> UploadJob:
        with on(DAY3):
            return lab_jobs.start_lab_import(medic, SimpleUploadedFile("lab.csv", data))

    def confirm(job: UploadJob) -> UploadJob:
        with on(DAY3):
            return lab_jobs.confirm_lab_import(medic, job, skip_unmatched=False)  # type: ignore[arg-type]

    return Kind(
        "lab results",
        lab_jobs.LAB_RESULTS,
        start,
        confirm,
        lambda: ScheduledTest.objects.filter(case=case).exclude(result="").count(),
        (ResultWriter, "_write_chunk"),
    )


def round_kind(world) -> Kind:
    rnd = community_round(world, extra=1)
    people = [m.resident for m in rnd.members.select_related("resident").order_by("id")]
    actions.sample(None, rnd, tube_code="S1", pooled=False, resident=people[0])
    medic = world.user("medic_a1")
    lines = [ROUND_HEAD, ["S1", "", "阴性", ""]]
    return Kind(
        "round results",
        result_jobs.ROUND_RESULTS,
        lambda: result_jobs.start_import(medic, rnd, csv_upload(lines)),
        lambda job: result_jobs.confirm_import(medic, job),  # type: ignore[arg-type]
        lambda: RoundMember.objects.filter(round=rnd).exclude(result="").count(),
        (RoundResults, "_write"),
    )


KINDS = [resident_kind, lab_kind, round_kind]


@pytest.fixture(params=KINDS, ids=["residents", "lab results", "round results"])
def kind(request, world) -> Kind:
    return request.param(world)


def stored_files(job: UploadJob) -> list[Path]:
    upload = job.file  # type: ignore[attr-defined]
    return [Path(upload.path)] if upload and Path(upload.path).exists() else []


def test_each_kind_is_a_kind_of_the_one_runner(kind: Kind) -> None:
    assert isinstance(kind.kind, JobKind)
    assert kind.kind.model is type(kind.start())


def test_the_states_from_upload_to_done(kind: Kind) -> None:
    job = kind.start()  # queued → checking → checked (the check runs inline in tests)
    assert job.status == JobStatus.CHECKED, job.message
    assert job.processed_rows == job.total_rows > 0
    assert stored_files(job), "the file waits for the decision"
    assert kind.written() == 0, "the check writes nothing"
    # the check's task run again finds nothing queued: the job stays as it is
    jobs.run_check(kind.kind, job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.CHECKED

    job = kind.confirm(job)  # import_queued → importing → done
    job.refresh_from_db()
    assert job.status == JobStatus.DONE, job.message
    assert job.finished_at is not None and job.message
    assert kind.written() > 0
    assert not job.file  # type: ignore[attr-defined]
    assert not jobs.progress_file(job).exists()
    # a finished job cannot be confirmed again nor cancelled
    with pytest.raises(DomainError):
        kind.confirm(job)
    with pytest.raises(DomainError, match="Only a file waiting for confirmation"):
        jobs.cancel(job, job.created_by, kind.kind.capability)  # type: ignore[attr-defined]


def test_a_checked_job_is_cancelled_with_its_file(kind: Kind) -> None:
    job = kind.start()
    path = stored_files(job)
    user = job.created_by  # type: ignore[attr-defined]
    jobs.cancel(job, user, kind.kind.capability)
    job.refresh_from_db()
    assert job.status == JobStatus.CANCELLED and job.finished_at is not None
    assert path and not path[0].exists()
    assert kind.written() == 0


def test_a_failing_apply_records_its_error_and_writes_nothing(kind: Kind, monkeypatch) -> None:
    job = kind.start()
    assert job.status == JobStatus.CHECKED, job.message
    cls, method = kind.write_step

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(cls, method, broken)
    job = kind.confirm(job)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.message == kind.kind.unexpected(job)
    assert f"{job.pk})" in job.message and "nothing was written" in job.message
    assert kind.written() == 0
    assert not AuditEntry.objects.filter(action="import").exists()
    assert not job.file  # type: ignore[attr-defined]


def test_every_kind_reads_its_file_through_the_runner(kind: Kind, monkeypatch) -> None:
    def refused(*args: object) -> None:
        raise SpreadsheetError("The runner read this file.")

    monkeypatch.setattr(jobs, "read_upload", refused)
    job = kind.start()
    job.refresh_from_db()
    assert (job.status, job.message) == (JobStatus.REFUSED, "The runner read this file.")
    assert not job.file  # type: ignore[attr-defined]


def test_a_job_whose_owner_lost_the_right_is_refused_by_the_runner(kind: Kind) -> None:
    job = kind.start()
    user = job.created_by  # type: ignore[attr-defined]
    # confirmed (queued for the apply), then the owner loses the role's right
    type(job)._default_manager.filter(pk=job.pk).update(status=JobStatus.IMPORT_QUEUED)
    user.role = "volunteer"
    user.save()
    jobs.run_apply(kind.kind, job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.REFUSED
    assert job.message == kind.kind.no_longer_allowed(job)
    assert kind.written() == 0 and not job.file  # type: ignore[attr-defined]
