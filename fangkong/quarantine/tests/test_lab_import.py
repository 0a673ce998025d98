"""Lab results from a spreadsheet: matched by document number to the person's open case and
the pending test nearest the sample date; every row that does not match is reported with its
reason; the rest is written in one transaction with one audit entry."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from fangkong.core.errors import DomainError
from fangkong.core.jobs import JobStatus
from fangkong.core.models import AuditEntry
from fangkong.core.spreadsheets import read_table
from fangkong.people.tests.import_files import csv_bytes, save, xlsx_bytes
from fangkong.policy.rules import DEFAULT_RULES
from fangkong.quarantine import actions, lab_jobs
from fangkong.quarantine.lab_import import TEMPLATE_HEADERS, LabImport, parse_date
from fangkong.quarantine.models import CaseEvent, EventAction, LabImportJob
from fangkong.quarantine.models import ScheduledTest as Item

from .cases import START, on, open_case, started

HEADERS = list(TEMPLATE_HEADERS)  # 证件号码, 姓名, 采样日期, 检测结果, 检测机构
DAY14 = dt.date(2026, 1, 23)


def lab_row(resident, sampled_on, result="阴性", **extra):
    values = {
        "证件号码": resident.doc_number,
        "姓名": resident.name,
        "采样日期": sampled_on.isoformat() if isinstance(sampled_on, dt.date) else sampled_on,
        "检测结果": result,
        "检测机构": "区疾控中心",
    }
    values.update(extra)
    return values


def table_of(tmp_path, rows, headers=HEADERS, name="lab.xlsx", **kw):
    data = csv_bytes(rows, headers) if name.endswith(".csv") else xlsx_bytes(rows, headers, **kw)
    return read_table(save(tmp_path, name, data), filename=name, max_bytes=10**8)


def check(world, tmp_path, rows, *, user="medic_a1", today=DAY14, **kw):
    return LabImport(world.user(user), today=today).check(table_of(tmp_path, rows, **kw))


def problems(result):
    return [(p.row, p.column, p.message) for p in result.problems]


@pytest.fixture
def case_g1(world):
    return started(world, open_case(world))  # home, 14 days, tests day 1 (1-10), day 14 (1-23)


def item(case, day):
    return case.tests.get(day=day)


# --- matching --------------------------------------------------------------------------------


def test_each_row_takes_the_pending_test_due_nearest_its_sample_date(world, tmp_path, case_g1):
    r = world.resident_g1
    result = check(world, tmp_path, [lab_row(r, DAY14), lab_row(r, START)])
    assert problems(result) == []
    assert [(m.row, m.item_id) for m in result.matches] == [
        (2, item(case_g1, 14).pk),
        (3, item(case_g1, 1).pk),
    ]


def test_a_sample_taken_the_evening_before_counts_for_the_next_day_s_test(world, tmp_path, case_g1):
    result = check(world, tmp_path, [lab_row(world.resident_g1, DAY14 - dt.timedelta(days=1))])
    assert [m.item_id for m in result.matches] == [item(case_g1, 14).pk]


def test_a_late_sample_answers_the_overdue_test(world, tmp_path, case_g1):
    result = check(world, tmp_path, [lab_row(world.resident_g1, dt.date(2026, 1, 12))], today=DAY14)
    assert [m.item_id for m in result.matches] == [item(case_g1, 1).pk]


def test_a_sample_never_counts_for_a_test_due_two_days_later(world, tmp_path, case_g1):
    with on(START):
        actions.record_test_result(item(case_g1, 1), by=None, result="negative", sampled_on=START)
    result = check(world, tmp_path, [lab_row(world.resident_g1, dt.date(2026, 1, 15))])
    assert result.matches == []
    assert problems(result) == [
        (
            2,
            "采样日期",
            "张三丰 has no test waiting for a result that is due by 2026-01-16 (the day after "
            "the sample).",
        )
    ]


@pytest.mark.parametrize(
    ("change", "column", "message"),
    [
        (
            {"证件号码": "110105198503090011"},
            "证件号码",
            "Nobody with this document number is registered in your jurisdiction.",
        ),
        ({"姓名": "张三"}, "姓名", "The name 张三 does not match the person registered"),
        ({"检测结果": "弱阳"}, "检测结果", "The result must be 阴性, 阳性 or 无效, not 弱阳."),
        ({"检测结果": ""}, "检测结果", "The result must be 阴性, 阳性 or 无效, not empty."),
        ({"采样日期": "1月15日"}, "采样日期", "not a date; write it like 2026-01-15"),
        ({"采样日期": ""}, "采样日期", "The sample date is missing."),
        ({"采样日期": "2026-01-24"}, "采样日期", "The sample date 2026-01-24 is in the future."),
        ({"采样日期": "2026-01-09"}, "采样日期", "before the quarantine began (2026-01-10)"),
        ({"证件号码": ""}, "证件号码", "The document number is missing."),
    ],
)
def test_a_row_that_does_not_match_is_reported_with_its_reason(
    world, tmp_path, case_g1, change, column, message
):
    result = check(world, tmp_path, [lab_row(world.resident_g1, DAY14, **change)])
    assert result.matches == [] and result.unmatched == {2}
    ((row, col, text),) = problems(result)
    assert (row, col) == (2, column) and message in text


def test_a_person_outside_the_user_s_jurisdiction_is_not_matched(world, tmp_path):
    outside = open_case(world, world.resident_b, by="admin_b")
    started(world, outside)
    result = check(world, tmp_path, [lab_row(world.resident_b, DAY14)])
    assert problems(result) == [
        (2, "证件号码", "Nobody with this document number is registered in your jurisdiction.")
    ]
    assert check(world, tmp_path, [lab_row(world.resident_b, DAY14)], user="admin_b").matches


def test_a_person_without_an_open_case_is_reported(world, tmp_path, case_g1):
    result = check(world, tmp_path, [lab_row(world.resident_g1_spouse, DAY14)])
    assert problems(result) == [(2, "证件号码", "李秀英 has no open quarantine case.")]


def test_the_same_person_and_date_twice_in_the_file_is_a_duplicate(world, tmp_path, case_g1):
    r = world.resident_g1
    result = check(world, tmp_path, [lab_row(r, DAY14), lab_row(r, DAY14)])
    assert len(result.matches) == 1
    assert problems(result) == [
        (3, "证件号码", "The same person and sample date are already in row 2.")
    ]


def test_importing_the_same_file_twice_fills_no_other_test(world, tmp_path, case_g1):
    rows = [lab_row(world.resident_g1, DAY14)]
    with on(DAY14):
        LabImport(world.user("medic_a1")).write(check(world, tmp_path, rows))
    again = check(world, tmp_path, rows)
    assert again.matches == []
    assert "already recorded for 张三丰 (was this file imported before?)" in problems(again)[0][2]
    assert item(case_g1, 1).result == ""


def test_optional_columns_may_be_left_out_and_headers_may_vary(world, tmp_path, case_g1):
    rows = [{"身份证号": world.resident_g1.doc_number, "采样时间": "2026/1/23", "结果": "阴性"}]
    result = check(world, tmp_path, rows, headers=["身份证号", "采样时间", "结果"])
    assert problems(result) == [] and len(result.matches) == 1


@pytest.mark.parametrize(
    "text",
    ["2026-01-15", "2026/1/15", "2026.1.15", "2026年1月15日", "20260115", "2026-01-15 08:30"],
)
def test_sample_dates_are_read_in_the_usual_spellings(text):
    assert parse_date(text) == dt.date(2026, 1, 15)


def test_a_csv_file_is_read_as_well(world, tmp_path, case_g1):
    result = check(world, tmp_path, [lab_row(world.resident_g1, DAY14)], name="lab.csv")
    assert len(result.matches) == 1


# --- bad files -------------------------------------------------------------------------------


def test_a_file_without_the_required_columns_is_refused_as_a_whole(world, tmp_path, case_g1):
    result = check(world, tmp_path, [{"姓名": "张三丰"}], headers=["姓名", "备注"])
    assert result.file_error
    assert (
        "Required columns are missing: 证件号码、采样日期、检测结果" in result.problems[0].message
    )


def test_a_file_with_only_a_header_is_refused(world, tmp_path, case_g1):
    result = check(world, tmp_path, [])
    assert result.file_error and "no results" in result.problems[0].message


def test_a_workbook_with_formulas_is_refused(world, tmp_path, case_g1):
    result = check(
        world, tmp_path, [lab_row(world.resident_g1, DAY14)], formulas={(1, 3): '="阴性"'}
    )
    assert result.file_error and "formulas" in result.problems[0].message


def upload(name, data):
    return SimpleUploadedFile(name, data)


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("lab.pdf", b"%PDF-1.4", "Only .xlsx, .xls, .ods and .csv files can be imported"),
        ("lab.xlsx", b"\x00\x01binary\x00", "This file is not a spreadsheet"),
        ("lab.xlsx", b"", "The file is empty"),
    ],
)
def test_a_file_that_is_not_a_spreadsheet_is_refused_and_nothing_is_stored(
    world, name, data, message
):
    with pytest.raises(DomainError, match=message):
        lab_jobs.start_lab_import(world.user("medic_a1"), upload(name, data))
    assert not LabImportJob.objects.exists()


def test_a_damaged_workbook_is_refused_by_the_check(world):
    data = b"PK\x03\x04" + b"\x00garbage" * 50
    with on(DAY14):
        job = lab_jobs.start_lab_import(world.user("medic_a1"), upload("lab.xlsx", data))
    assert job.status == JobStatus.REFUSED and "damaged" in job.message
    assert not job.file


# --- the job: check, confirm, write ----------------------------------------------------------


def test_a_clean_file_is_checked_then_written_with_one_audit_entry(world, case_g1):
    other = started(world, open_case(world, world.resident_g2))
    rows = [
        lab_row(world.resident_g1, START),
        lab_row(world.resident_g1, DAY14, "阳性"),
        lab_row(world.resident_g2, START, "无效"),
    ]
    medic = world.user("medic_a1")
    with on(DAY14):
        job = lab_jobs.start_lab_import(medic, upload("结果.xlsx", xlsx_bytes(rows, HEADERS)))
        assert (job.status, job.matched_rows, job.unmatched_rows) == (JobStatus.CHECKED, 3, 0)
        assert not Item.objects.exclude(result="").exists(), "the check writes nothing"
        job = lab_jobs.confirm_lab_import(medic, job, skip_unmatched=False)
    assert job.status == JobStatus.DONE, job.message
    assert (job.negative, job.positive, job.invalid) == (1, 1, 1)
    assert not job.file
    first, last = item(case_g1, 1), item(case_g1, 14)
    assert (first.result, first.sampled_on, first.recorded_by, first.lab, first.lab_import) == (
        "negative",
        START,
        medic,
        "区疾控中心",
        job,
    )
    assert last.result == "positive"
    assert CaseEvent.objects.filter(case=case_g1, action=EventAction.POSITIVE_RESULT).count() == 1
    retest = Item.objects.get(retest_of=item(other, 1))
    assert (retest.due_date, retest.result) == (DAY14, "")
    assert CaseEvent.objects.filter(case=other, action=EventAction.RETEST).count() == 1
    entries = AuditEntry.objects.filter(action="import", target_type="quarantine.labimportjob")
    assert entries.count() == 1 and entries.get().changes["results"] == 3


def test_with_unmatched_rows_nothing_is_written_unless_they_are_skipped(world, case_g1):
    rows = [lab_row(world.resident_g1, DAY14), lab_row(world.resident_b, DAY14)]
    medic = world.user("medic_a1")
    with on(DAY14):
        job = lab_jobs.start_lab_import(medic, upload("lab.xlsx", xlsx_bytes(rows, HEADERS)))
        assert (job.matched_rows, job.unmatched_rows, job.can_apply_all) == (1, 1, False)
        assert job.problems == [
            [3, "证件号码", "Nobody with this document number is registered in your jurisdiction."]
        ]
        with pytest.raises(DomainError, match="1 rows do not match a test"):
            lab_jobs.confirm_lab_import(medic, job, skip_unmatched=False)
        assert item(case_g1, 14).result == ""
        job = lab_jobs.confirm_lab_import(medic, job, skip_unmatched=True)
    assert job.status == JobStatus.DONE and "1 rows that did not match were skipped" in job.message
    assert item(case_g1, 14).result == "negative"


def test_a_test_recorded_between_the_check_and_the_write_stops_the_whole_write(
    world, tmp_path, case_g1
):
    rows = [lab_row(world.resident_g1, START), lab_row(world.resident_g1, DAY14)]
    checked = check(world, tmp_path, rows)
    with on(DAY14):
        actions.record_test_result(item(case_g1, 14), by=None, result="positive", sampled_on=DAY14)
        with pytest.raises(DomainError, match="Nothing was written"):
            LabImport(world.user("medic_a1")).write(checked)
    assert item(case_g1, 1).result == ""
    assert not AuditEntry.objects.filter(action="import").exists()


def test_a_case_closed_between_the_check_and_the_write_gets_no_result(world, tmp_path, case_g1):
    checked = check(world, tmp_path, [lab_row(world.resident_g1, DAY14)])
    with on(DAY14):
        actions.refer_to_hospital(case_g1, by=None, hospital="市第一医院", reason="发热")
        with pytest.raises(DomainError, match="Nothing was written"):
            LabImport(world.user("medic_a1")).write(checked)
    assert item(case_g1, 14).result == ""


def test_a_file_where_nothing_matches_is_refused_after_the_check(world):
    rows = [lab_row(world.resident_b, DAY14)]
    with on(DAY14):
        job = lab_jobs.start_lab_import(
            world.user("medic_a1"), upload("lab.xlsx", xlsx_bytes(rows, HEADERS))
        )
    assert job.status == JobStatus.REFUSED and job.unmatched_rows == 1
    assert "No row of this file can be applied" in job.message


def test_a_centralised_close_contact_s_first_test_is_matched_the_same_day(world, tmp_path, room_a):
    case = open_case(world, measure=DEFAULT_RULES.high, room=room_a)
    result = check(world, tmp_path, [lab_row(world.resident_g1, START)], today=START)
    assert [m.item_id for m in result.matches] == [item(case, 1).pk]


def test_only_staff_who_record_tests_may_upload(world):
    with pytest.raises(Exception) as exc:
        lab_jobs.start_lab_import(world.user("grid_g1"), upload("lab.csv", b"a,b\n1,2\n"))
    assert type(exc.value).__name__ == "PermissionDenied"
