"""The import pages: upload → dry run in the background → confirm → import; who may do it."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from fangkong.core.jobs import JobStatus
from fangkong.core.models import AuditEntry
from fangkong.core.spreadsheets import read_xlsx_bytes
from fangkong.people.importing.columns import TEMPLATE_HEADERS
from fangkong.people.job_models import ImportJob
from fangkong.people.models import Resident
from fangkong.people.tests.factories import with_document_prefix
from fangkong.people.tests.import_files import csv_bytes, id_card, row, xlsx_bytes

pytestmark = pytest.mark.usefixtures("media_root")


@pytest.fixture(autouse=True)
def in_english(client):
    """Messages are asserted in their English source form, whatever the catalogue says: the
    browser asks for English (the job keeps that language for its background work)."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def media_root(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def login(client, world, key):
    client.force_login(world.user(key))
    return client


def upload(client, data: bytes, name="residents.xlsx"):
    return client.post(reverse("imports:upload"), {"file": SimpleUploadedFile(name, data)})


def uploaded_files(media_root):
    return [p for p in media_root.rglob("*") if p.is_file()] if media_root.exists() else []


@pytest.mark.parametrize(
    ("user", "status"),
    [
        ("leader_a1", 200),
        ("office_a1", 200),
        ("admin_a", 200),
        ("grid_g1", 403),
        ("medic_a1", 403),
        ("guard_a1", 403),
        ("volunteer_a1", 403),
        ("police_a1", 403),
    ],
)
def test_only_roles_that_import_people_reach_the_import_pages(client, world, user, status):
    login(client, world, user)
    assert client.get(reverse("imports:job_list")).status_code == status
    template = client.get(reverse("imports:template"))
    assert template.status_code == status
    if status == 200:  # read to the end: the streamed file is closed after its last part
        assert b"".join(template.streaming_content).startswith(b"PK")
    assert upload(client, xlsx_bytes([row()])).status_code in ((302,) if status == 200 else (403,))


def test_a_grid_worker_cannot_import_and_nothing_is_stored(client, world, media_root):
    login(client, world, "grid_g1")
    assert upload(client, xlsx_bytes([row()])).status_code == 403
    assert not ImportJob.objects.exists() and not uploaded_files(media_root)


def test_upload_runs_the_dry_run_shows_problems_by_row_and_column_and_writes_nothing(
    client, world, media_root
):
    login(client, world, "leader_a1")
    data = xlsx_bytes([row(), row(**{"姓名": "乙", "证件号码": id_card(2), "联系电话": "12"})])
    count = Resident.objects.count()
    response = upload(client, data)
    job = ImportJob.objects.get()
    assert response["Location"] == reverse("imports:job_detail", args=[job.pk])
    assert (job.status, job.total_rows, job.valid_rows, job.error_rows) == ("checked", 2, 1, 1)
    page = client.get(response["Location"]).content.decode()
    assert "联系电话" in page and '<td data-label="Row">3</td>' in page
    assert Resident.objects.count() == count
    assert uploaded_files(media_root), "the file waits for the decision"


def test_confirming_a_clean_file_imports_it_once_with_one_audit_entry_and_deletes_the_file(
    client, world, media_root
):
    login(client, world, "office_a1")
    upload(client, xlsx_bytes([row(), row(**{"姓名": "乙", "证件号码": id_card(2)})]))
    job = ImportJob.objects.get()
    response = client.post(reverse("imports:job_confirm", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert (job.status, job.imported_residents, job.imported_households) == ("done", 2, 1)
    assert set(
        Resident.objects.filter(doc_number__in=[id_card(1), id_card(2)]).values_list(
            "name", flat=True
        )
    ) == {
        "测试甲",
        "乙",
    }
    assert AuditEntry.objects.filter(action="import").count() == 1
    assert not uploaded_files(media_root) and not job.file
    # a second confirmation does nothing
    assert client.post(reverse("imports:job_confirm", args=[job.pk])).status_code == 422
    assert AuditEntry.objects.filter(action="import").count() == 1


def test_a_file_with_errors_is_not_imported_as_a_whole_but_valid_rows_can_be(client, world):
    login(client, world, "leader_a1")
    upload(
        client, xlsx_bytes([row(), row(**{"姓名": "乙", "证件号码": id_card(2), "联系电话": "12"})])
    )
    job = ImportJob.objects.get()
    response = client.post(reverse("imports:job_confirm", args=[job.pk]))
    assert response.status_code == 422 and "rows have errors" in response.content.decode()
    assert not with_document_prefix("110105").exists()
    client.post(reverse("imports:job_confirm", args=[job.pk]), {"only_valid": "on"})
    job.refresh_from_db()
    assert (job.status, job.imported_residents) == ("done", 1)
    assert list(with_document_prefix("110105").values_list("name", flat=True)) == ["测试甲"]


def test_the_import_checks_again_and_writes_nothing_when_the_registry_changed(client, world):
    login(client, world, "leader_a1")
    upload(client, xlsx_bytes([row(), row(**{"姓名": "乙", "证件号码": id_card(2)})]))
    job = ImportJob.objects.get()
    # someone registers the same person between the check and the confirmation
    Resident.objects.filter(pk=world.resident_g2.pk).update(doc_number=id_card(2))
    client.post(reverse("imports:job_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == "checked" and "nothing was written" in job.message
    assert not Resident.objects.filter(doc_number=id_card(1)).exists()


@pytest.mark.parametrize(
    ("name", "data", "fragment"),
    [
        ("empty.xlsx", b"", "empty"),
        ("fake.xlsx", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" * 100, "not a spreadsheet"),
        ("list.pdf", b"%PDF-1.4\n", "Only .xlsx, .xls, .ods and .csv"),
    ],
)
def test_bad_uploads_are_refused_at_once_with_a_message_and_nothing_stored(
    client, world, media_root, name, data, fragment
):
    login(client, world, "leader_a1")
    response = upload(client, data, name)
    assert response.status_code == 422
    assert fragment in response.content.decode()
    assert not ImportJob.objects.exists() and not uploaded_files(media_root)


def test_a_50_mb_file_is_refused_before_it_is_parsed(client, world, media_root):
    login(client, world, "leader_a1")
    big = b"PK\x03\x04" + b"\x00" * (50 * 1024 * 1024)
    response = upload(client, big)
    assert response.status_code == 422
    assert "files up to 40 MB are accepted" in response.content.decode()
    assert not ImportJob.objects.exists() and not uploaded_files(media_root)


@override_settings(FANGKONG_MAX_UPLOAD_BYTES=1000)
def test_a_file_just_over_the_configured_limit_is_refused(client, world, media_root):
    login(client, world, "leader_a1")
    response = upload(client, csv_bytes([row()] * 20))
    assert response.status_code == 422 and "are accepted" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_a_workbook_that_is_not_a_workbook_is_refused_by_the_background_check(
    client, world, media_root
):
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("word/document.xml", "<w:document/>")
    login(client, world, "leader_a1")
    upload(client, buffer.getvalue())
    job = ImportJob.objects.get()
    assert job.status == JobStatus.REFUSED and "not an .xlsx or .ods" in job.message
    assert not uploaded_files(media_root)


def test_missing_columns_and_header_only_files_are_refused_with_the_reason(client, world):
    login(client, world, "leader_a1")
    upload(client, xlsx_bytes([row()], headers=["姓名", "证件号码"]))
    upload(client, xlsx_bytes([]))
    missing, empty = ImportJob.objects.order_by("pk")
    assert missing.status == "refused" and "房号/门牌号" in missing.problems[0][2]
    assert empty.status == "refused" and "no residents" in empty.problems[0][2]


def test_formula_cells_are_reported_by_row_and_column(client, world):
    login(client, world, "leader_a1")
    upload(client, xlsx_bytes([row(**{"备注": '=HYPERLINK("http://x")'})]))
    job = ImportJob.objects.get()
    assert job.status == "refused"
    assert job.problems[0][:2] == [2, "备注"] and "formula" in job.problems[0][2]


def test_a_job_of_another_community_or_township_is_not_found(client, world):
    login(client, world, "leader_a1")
    upload(client, xlsx_bytes([row()]))
    job = ImportJob.objects.get()
    assert client.get(reverse("imports:job_detail", args=[job.pk])).status_code == 200
    login(client, world, "office_a1")  # same community: the same import desk
    assert client.get(reverse("imports:job_detail", args=[job.pk])).status_code == 200
    for other in ("leader_a2", "admin_b"):
        login(client, world, other)
        assert client.get(reverse("imports:job_detail", args=[job.pk])).status_code == 404
        assert client.post(reverse("imports:job_confirm", args=[job.pk])).status_code == 404
    login(client, world, "admin_a")  # the township sees its communities' imports
    assert client.get(reverse("imports:job_detail", args=[job.pk])).status_code == 200


def test_the_progress_partial_polls_while_running_and_stops_when_done(client, world):
    login(client, world, "leader_a1")
    upload(client, xlsx_bytes([row()]))
    job = ImportJob.objects.get()
    ImportJob.objects.filter(pk=job.pk).update(
        status=JobStatus.CHECKING, total_rows=100_000, processed_rows=25_000
    )
    url = reverse("imports:job_detail", args=[job.pk])
    partial = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert 'hx-trigger="every 1s"' in partial and 'value="25"' in partial
    assert "<html" not in partial
    ImportJob.objects.filter(pk=job.pk).update(status=JobStatus.CHECKED)
    partial = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in partial


def test_cancelling_deletes_the_file(client, world, media_root):
    login(client, world, "leader_a1")
    upload(client, xlsx_bytes([row()]))
    job = ImportJob.objects.get()
    client.post(reverse("imports:job_cancel", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == "cancelled" and not uploaded_files(media_root)


def test_the_template_download_is_an_xlsx_with_the_chinese_headers(client, world):
    login(client, world, "office_a1")
    response = client.get(reverse("imports:template"))
    assert response["Content-Disposition"].startswith("attachment")
    rows = read_xlsx_bytes(b"".join(response.streaming_content))
    assert tuple(rows[0]) == TEMPLATE_HEADERS


def test_the_problem_list_can_be_downloaded(client, world):
    login(client, world, "leader_a1")
    upload(
        client, xlsx_bytes([row(), row(**{"姓名": "乙", "证件号码": id_card(2), "联系电话": "12"})])
    )
    job = ImportJob.objects.get()
    response = client.get(reverse("imports:problems_download", args=[job.pk]))
    rows = read_xlsx_bytes(b"".join(response.streaming_content))
    assert rows[1][:2] == ["3", "联系电话"]


def test_the_upload_still_requires_the_csrf_token(world, media_root):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    login(client, world, "leader_a1")
    assert upload(client, xlsx_bytes([row()])).status_code == 403
    assert not ImportJob.objects.exists() and not uploaded_files(media_root)
