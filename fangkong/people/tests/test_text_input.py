"""Text that is not text and implausible dates, where residents come in: the page's form,
the API and the import (row and column named). Refused with a Chinese message naming the
field; nothing is written."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from fangkong.api.tests.client import ApiClient
from fangkong.core.models import AuditEntry
from fangkong.core.spreadsheets import read_table
from fangkong.people.importing.resident_import import ResidentImport
from fangkong.people.models import Resident
from fangkong.people.tests.factories import id_number
from fangkong.people.tests.import_files import csv_bytes, row, save, xlsx_bytes

BIDI_NAME = "张\u202e三丰"
NUL_NAME = "张\x00三"
OLD_PASSPORT = {"doc_type": "passport", "doc_number": "E12345678", "birth_date": "1850-01-01"}


def form_data(**overrides):
    data = {
        "name": "欧阳娜娜",
        "doc_type": "id_card",
        "doc_number": id_number(7, dt.date(1990, 3, 7), female=True),
        "phone": "13800138000",
        "relation": "child",
        "residence_type": "registered",
        "gender": "F",
    }
    data.update(overrides)
    return data


def nothing_written(before: int) -> bool:
    return Resident.objects.count() == before and not AuditEntry.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"name": BIDI_NAME}, "name", "姓名含有改变文字方向的不可见字符"),
        ({"name": NUL_NAME}, "name", "空字符"),
        ({"name": "张\u200b三"}, "name", "零宽度"),
        (OLD_PASSPORT, "birth_date", "出生日期不能早于 1890-01-01"),
        (
            {**OLD_PASSPORT, "birth_date": "2999-01-01"},
            "birth_date",
            "出生日期不能晚于今天",
        ),
    ],
)
def test_the_page_refuses_with_a_chinese_message_and_writes_nothing(
    client, world, overrides, field, message
):
    client.force_login(world.user("grid_g1"))
    url = reverse("people:resident_create") + f"?household={world.household_g1.pk}"
    before = Resident.objects.count()

    response = client.post(url, form_data(**overrides), HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert response.status_code == 422
    assert any(message in m for m in response.context["form"].errors[field]), response.context[
        "form"
    ].errors
    assert nothing_written(before)


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"name": BIDI_NAME}, "name", "改变文字方向的不可见字符"),
        ({"name": NUL_NAME}, "name", "空字符"),
        ({"notes": "第一行\n\u202e第二行"}, "notes", "改变文字方向"),
        (OLD_PASSPORT, "birth_date", "请输入 1890-01-01 或之后的日期"),
    ],
)
def test_the_api_refuses_with_a_chinese_message_and_writes_nothing(
    world, overrides, field, message
):
    api = ApiClient(world.user("grid_g1"))
    api.client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"
    before = Resident.objects.count()
    body = {
        "name": "周新来",
        "doc_number": id_number(8, dt.date(1990, 3, 7)),
        "household": world.household_g1.pk,
        "relation": "child",
        "residence_type": "tenant",
        **overrides,
    }

    response = api.post("/residents", body)

    assert response.status_code == 422, response.json()
    assert any(message in m for m in response.json()["errors"][field]), response.json()
    assert nothing_written(before)


def test_the_api_keeps_line_breaks_of_notes_and_normalises_names(world):
    api = ApiClient(world.user("grid_g1"))
    response = api.post(
        "/residents",
        {
            "name": "Zoe\u0301",
            "doc_number": id_number(8, dt.date(1990, 3, 7)),
            "household": world.household_g1.pk,
            "relation": "child",
            "residence_type": "tenant",
            "notes": "第一行\r\n第二行",
        },
    )
    assert response.status_code == 201, response.json()
    resident = Resident.objects.get(pk=response.json()["id"])
    assert resident.name == "Zoé" and resident.notes == "第一行\n第二行"


def _check(world, tmp_path, name, data):
    path = save(tmp_path, name, data)
    table = read_table(path, filename=path.name, max_bytes=10**8)
    return ResidentImport(world.user("leader_a1"), today=dt.date(2026, 11, 28)).check(table)


@pytest.mark.parametrize(("kind", "make"), [("xlsx", xlsx_bytes), ("csv", csv_bytes)])
def test_an_import_names_the_row_and_column_of_text_that_is_not_text(world, tmp_path, kind, make):
    from django.utils import translation

    rows = [
        row(),
        row(**{"姓名": "李四", "证件号码": id_number(3, dt.date(1980, 1, 1)), "楼栋": "1\u200b栋"}),
        row(**{"姓名": "王\u202e五", "证件号码": id_number(4, dt.date(1980, 1, 1))}),
        row(**{"姓名": "赵六", "证件号码": id_number(5, dt.date(1980, 1, 1)), "备注": "a\u2066b"}),
    ]
    with translation.override("zh-hans"):
        result = _check(world, tmp_path, f"residents.{kind}", make(rows))
    found = {(p.row, p.column): p.message for p in result.problems if not p.warning}
    assert result.error_rows == {3, 4, 5}
    assert found[(3, "楼栋")] == "楼栋含有零宽度的不可见字符，请删除后重新输入。"
    assert "改变文字方向" in found[(4, "姓名")]
    assert "改变文字方向" in found[(5, "备注")]


def test_an_import_row_with_a_control_character_is_refused_on_its_cell(world, tmp_path):
    from django.utils import translation

    rows = [row(), row(**{"姓名": "钱\x07七", "证件号码": id_number(6, dt.date(1980, 1, 1))})]
    with translation.override("zh-hans"):
        result = _check(world, tmp_path, "residents.csv", csv_bytes(rows))
    found = {(p.row, p.column): p.message for p in result.problems if not p.warning}
    assert result.error_rows == {3}
    assert found[(3, "姓名")] == "姓名含有控制字符，请删除后重新输入。"


def test_an_import_file_with_nul_is_refused_and_nothing_is_written(world, tmp_path):
    from fangkong.core.spreadsheets import SpreadsheetError

    rows = [row(**{"姓名": "张\x00三"})]
    before = Resident.objects.count()
    with pytest.raises(SpreadsheetError):
        _check(world, tmp_path, "residents.csv", csv_bytes(rows))
    assert Resident.objects.count() == before


def test_an_import_refuses_a_birth_date_before_1890_on_its_row(world, tmp_path):
    from django.utils import translation

    rows = [
        row(),
        row(
            **{
                "姓名": "老人",
                "证件类型": "护照",
                "证件号码": "E12345678",
                "出生日期": "1850-01-01",
                "性别": "男",
            }
        ),
    ]
    before = Resident.objects.count()
    with translation.override("zh-hans"):
        result = _check(world, tmp_path, "residents.xlsx", xlsx_bytes(rows))
    found = {(p.row, p.column): p.message for p in result.problems if not p.warning}
    assert result.error_rows == {3}
    assert found[(3, "出生日期")] == "出生日期不能早于 1890-01-01，请核对日期。"
    assert Resident.objects.count() == before
