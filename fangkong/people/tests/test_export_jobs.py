"""Long exports run as a background job: scoped to the creator, masked unless revealed with a
reason, audited once, downloadable by the creator alone, deleted after a day."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone, translation

from fangkong.core import roles
from fangkong.core.masking import mask_document, mask_phone
from fangkong.core.models import AuditEntry
from fangkong.core.roles import Role
from fangkong.core.spreadsheets import read_xlsx_bytes, xlsx_has_formulas
from fangkong.people import export_views, exporting
from fangkong.people.capabilities import PeopleCapability
from fangkong.people.exporting import EXPORT_HEADERS
from fangkong.people.job_models import ExportJob, ExportStatus
from fangkong.people.models import Resident
from fangkong.people.tasks import export_residents

URL = reverse("people:resident_export")

pytestmark = pytest.mark.usefixtures("media_root", "small_inline_limit")


@pytest.fixture(autouse=True)
def in_english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def media_root(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def small_inline_limit(monkeypatch):
    """Any list longer than one row becomes a job in the small world."""
    monkeypatch.setattr(export_views, "EXPORT_INLINE_LIMIT", 1)


def login(client, world, key):
    client.force_login(world.user(key))
    return client


def start(client, query="", **form):
    response = client.post(f"{URL}?{query}" if query else URL, form)
    assert response.status_code == 302, response.content.decode()[:2000]
    job = ExportJob.objects.latest("pk")
    assert response["Location"] == reverse("imports:export_detail", args=[job.pk])
    return job


def queued_job(user, **fields):
    """A job as `start_export` leaves it, before the worker runs."""
    fields = {"query": "", "filename": "x.xlsx", "language": "en", **fields}
    return ExportJob.objects.create(
        created_by=user, township_id=user.township_id, community_id=user.community_id, **fields
    )


def run(job):
    export_residents.enqueue(job.pk)
    job.refresh_from_db()
    return job


def age(job, hours):
    """The job as if its file had been written `hours` ago."""
    ExportJob.objects.filter(pk=job.pk).update(
        finished_at=timezone.now() - dt.timedelta(hours=hours)
    )


def download(client, job):
    response = client.get(reverse("imports:export_download", args=[job.pk]))
    assert response.status_code == 200
    data = b"".join(response.streaming_content)
    return data, read_xlsx_bytes(data)


def by_name(rows):
    header = rows[0]
    return {r[header.index("姓名")]: dict(zip(header, r, strict=True)) for r in rows[1:]}


def stored_files(media_root):
    exports = media_root / "exports"
    return [p for p in exports.rglob("*") if p.is_file()] if exports.exists() else []


def test_a_list_within_the_limit_is_still_downloaded_at_once(client, world):
    login(client, world, "grid_g1")
    response = client.post(f"{URL}?q=zsf")  # one row: at the limit
    assert response.status_code == 200 and response.streaming
    assert b"".join(response.streaming_content).startswith(b"PK")
    assert not ExportJob.objects.exists()


def test_a_long_list_becomes_a_job_that_finishes_with_exactly_the_visible_rows(client, world):
    login(client, world, "leader_a1")
    job = start(client)
    job.refresh_from_db()
    assert job.status == ExportStatus.DONE and job.total_rows == job.processed_rows == 3
    page = client.get(reverse("imports:export_detail", args=[job.pk])).content.decode()
    assert reverse("imports:export_download", args=[job.pk]) in page
    data, rows = download(client, job)
    assert tuple(rows[0]) == EXPORT_HEADERS
    assert set(by_name(rows)) == {"张三丰", "李秀英", "王二小"}
    assert not xlsx_has_formulas(data)
    assert str(job.file.name).startswith("exports/")


def test_the_job_page_polls_while_the_job_is_waiting(client, world):
    user = world.user("leader_a1")
    job = queued_job(user)
    login(client, world, "leader_a1")
    response = client.get(reverse("imports:export_detail", args=[job.pk]), HTTP_HX_REQUEST="true")
    content = response.content.decode()
    assert response.status_code == 200 and 'hx-trigger="every 1s"' in content
    assert "<html" not in content  # only the partial
    assert client.get(reverse("imports:export_download", args=[job.pk])).status_code == 404


def test_the_file_is_masked_unless_revealed_with_a_reason(client, world):
    r = world.resident_g1
    login(client, world, "grid_g1")
    _data, rows = download(client, start(client))
    row = by_name(rows)["张三丰"]
    assert row["证件号码"] == mask_document(r.doc_number) != r.doc_number
    assert row["联系电话"] == mask_phone(r.phone) != r.phone

    assert client.post(URL, {"reveal": "on", "reason": ""}).status_code == 422
    assert ExportJob.objects.count() == 1

    job = start(client, reveal="on", reason="入户走访名单")
    assert job.reveal and job.reason == "入户走访名单"
    _data, rows = download(client, job)
    row = by_name(rows)["张三丰"]
    assert (row["证件号码"], row["联系电话"]) == (r.doc_number, r.phone)


def test_each_export_job_is_audited_exactly_once_and_downloads_add_nothing(client, world):
    login(client, world, "grid_g1")
    job = start(client, reveal="on", reason="核对")
    download(client, job)
    download(client, job)
    entry = AuditEntry.objects.get(action="export")
    assert entry.actor == world.user("grid_g1") and entry.reason == "核对"
    assert entry.changes == {"filter": {}, "rows": 2, "revealed": True}


def test_the_audit_entry_records_the_filter(client, world):
    login(client, world, "leader_a1")
    start(client, f"grid={world.grid_g1.pk}")
    entry = AuditEntry.objects.get(action="export")
    assert entry.changes == {
        "filter": {"grid": str(world.grid_g1.pk)},
        "rows": 2,
        "revealed": False,
    }


@pytest.mark.parametrize("other", ["grid_g2", "leader_a1", "admin_a", "admin_b"])
def test_only_the_creator_sees_the_job_and_downloads_its_file(client, world, other):
    login(client, world, "grid_g1")
    job = start(client)
    login(client, world, other)  # other grid, same community, same and other township
    assert client.get(reverse("imports:export_detail", args=[job.pk])).status_code == 404
    assert client.get(reverse("imports:export_download", args=[job.pk])).status_code == 404


@pytest.mark.parametrize("user", ["guard_a1", "volunteer_a1", "medic_a1", "police_a1"])
def test_roles_without_the_export_capability_get_403_on_job_pages(client, world, user):
    login(client, world, "grid_g1")
    job = start(client)
    login(client, world, user)
    assert client.get(reverse("imports:export_detail", args=[job.pk])).status_code == 403
    assert client.get(reverse("imports:export_download", args=[job.pk])).status_code == 403


def test_a_grid_workers_job_never_holds_another_grids_resident(client, world):
    login(client, world, "grid_g1")
    _data, rows = download(client, start(client))
    assert set(by_name(rows)) == {"张三丰", "李秀英"}
    # a stored filter naming the other grid is invalid for them: nothing, never its rows
    job = run(queued_job(world.user("grid_g1"), query=f"grid={world.grid_g2.pk}"))
    assert job.status == ExportStatus.DONE
    _data, rows = download(client, job)
    assert set(by_name(rows)) == set()


def test_the_worker_scopes_again_by_the_creator_at_run_time(client, world):
    """A job queued by a community leader who was moved to a grid meanwhile holds the grid."""
    user = world.user("leader_a1")
    job = queued_job(user)
    user.role, user.grid = Role.GRID_WORKER, world.grid_g1
    user.save()
    run(job)
    assert job.status == ExportStatus.DONE and job.total_rows == 2
    login(client, world, "leader_a1")
    _data, rows = download(client, job)
    assert set(by_name(rows)) == {"张三丰", "李秀英"}


def test_a_creator_deactivated_before_the_run_gets_a_failed_job_and_no_file(world, media_root):
    user = world.user("leader_a1")
    job = queued_job(user)
    user.is_active = False
    user.save()
    run(job)
    assert job.status == ExportStatus.FAILED and "may no longer export" in job.message
    assert not job.file and not stored_files(media_root)
    assert not AuditEntry.objects.filter(action="export").exists()


def test_a_creator_who_may_no_longer_reveal_gets_a_failed_job(world, media_root, monkeypatch):
    user = world.user("leader_a1")
    job = queued_job(user, reveal=True, reason="核对")
    # the role loses full values meanwhile (no role today exports without revealing)
    caps = roles.ROLE_CAPABILITIES[Role.COMMUNITY_LEADER] - {PeopleCapability.REVEAL_SENSITIVE}
    monkeypatch.setitem(roles.ROLE_CAPABILITIES, Role.COMMUNITY_LEADER, caps)
    run(job)
    assert job.status == ExportStatus.FAILED
    assert "may not export full document numbers" in job.message
    assert not stored_files(media_root)
    assert not AuditEntry.objects.filter(action="export").exists()


def test_a_file_is_deleted_a_day_after_it_was_written_and_the_job_says_so(
    client, world, media_root
):
    login(client, world, "grid_g1")
    job = start(client)
    assert len(stored_files(media_root)) == 1
    age(job, 23)
    served = client.get(reverse("imports:export_download", args=[job.pk]))
    assert served.status_code == 200 and b"".join(served.streaming_content).startswith(b"PK")
    age(job, 25)
    start(client)  # a new export clears the old files
    job.refresh_from_db()
    assert job.status == ExportStatus.EXPIRED and not job.file
    assert len(stored_files(media_root)) == 1  # only the new job's file
    assert client.get(reverse("imports:export_download", args=[job.pk])).status_code == 404
    page = client.get(reverse("imports:export_detail", args=[job.pk])).content.decode()
    assert "Expired" in page and "deleted" in page


def test_an_old_file_is_not_served_even_before_any_new_export(client, world, media_root):
    login(client, world, "grid_g1")
    job = start(client)
    with time_machine.travel(timezone.now() + dt.timedelta(hours=25)):
        login(client, world, "grid_g1")  # the session of yesterday has expired too
        assert client.get(reverse("imports:export_download", args=[job.pk])).status_code == 404
    assert not stored_files(media_root)


def test_the_writer_reports_its_progress_every_n_rows_and_at_the_end(world, tmp_path, monkeypatch):
    monkeypatch.setattr(exporting, "PROGRESS_EVERY", 2)
    seen: list[int] = []
    qs = Resident.objects.all()
    count = exporting.write_residents_xlsx(
        tmp_path / "x.xlsx", qs, reveal=False, progress=seen.append
    )
    assert count == 5 and seen == [2, 4, 5]
