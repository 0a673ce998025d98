"""Risk areas from a spreadsheet and from an announcement: every problem listed, all or
nothing (`registering`)."""

import datetime as dt

import pytest
import xlsxwriter

from fangkong.core.spreadsheets import SpreadsheetError
from fangkong.policy import actions, registering
from fangkong.policy.registering import check_announcement, date_of, level_of, read_register
from fangkong.policy.rules import Level
from fangkong.policy.tests.factories import RiskAreaFactory

pytestmark = pytest.mark.django_db

HEADERS = ["地区", "风险等级", "开始日期", "结束日期", "来源"]
GOOD = [
    ["河北省石家庄市藁城区增村镇", "高风险", "2026-01-10", "", "石家庄市公告"],
    ["北京市朝阳区将台乡", "中", "2026/1/12", "2026年1月20日", ""],
    ["黑龙江省绥化市望奎县", "高风险地区", "2026.1.11", "", ""],
]


def xlsx(tmp_path, rows, headers=HEADERS, name="areas.xlsx"):
    path = tmp_path / name
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    for r, values in enumerate([headers, *rows]):
        for c, value in enumerate(values):
            sheet.write_string(r, c, value)
    book.close()
    return path


def csv_file(tmp_path, text, name="areas.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def read(path):
    return read_register(path, filename=path.name, max_bytes=10**7)


def problems(checked):
    return [(p.row, p.text) for p in checked.problems]


def test_a_good_register_is_read_row_by_row(tmp_path):
    checked = read(xlsx(tmp_path, GOOD))

    assert checked.ok
    assert [(r.place.code, r.place.sub_name, r.level, r.start, r.end) for r in checked.rows] == [
        ("130109", "增村镇", "high", dt.date(2026, 1, 10), None),
        ("110105", "将台乡", "medium", dt.date(2026, 1, 12), dt.date(2026, 1, 20)),
        ("231221", "", "high", dt.date(2026, 1, 11), None),
    ]
    assert checked.rows[0].source == "石家庄市公告"
    assert checked.origins == [2, 3, 4]


def test_a_csv_with_other_header_spellings_is_read_too(tmp_path):
    path = csv_file(tmp_path, "地区名称,等级,起始日期\n河北省石家庄市藁城区增村镇,高,2026-01-10\n")

    checked = read(path)

    assert checked.ok
    assert [r.place.full_name for r in checked.rows] == ["河北省石家庄市藁城区增村镇"]


def test_every_bad_row_is_listed_with_its_row_number_and_reason(tmp_path):
    rows = [
        GOOD[0],
        ["火星省奥林匹斯山", "高风险", "2026-01-10", "", ""],  # unresolved place
        ["北京市朝阳区将台乡", "很高", "2026-01-10", "", ""],  # bad level
        ["北京市朝阳区将台乡", "低风险", "2026-01-10", "", ""],  # low is not registered
        ["上海市浦东新区", "中风险", "2026-01-20", "2026-01-10", ""],  # end before start
        ["天津市河西区", "中风险", "1月10日", "", ""],  # not a date
        ["天津市河东区", "中风险", "", "", ""],  # no start
        ["", "中风险", "2026-01-10", "", ""],  # no place
        ["", "", "", "", ""],  # blank rows are skipped
        GOOD[0],  # twice in the file
    ]

    checked = read(xlsx(tmp_path, rows))

    assert not checked.ok
    assert problems(checked) == [
        (3, "地区"),
        (4, "风险等级"),
        (5, "风险等级"),
        (6, "上海市浦东新区"),
        (7, "开始日期"),
        (8, "开始日期"),
        (9, "地区"),
        (11, "河北省石家庄市藁城区增村镇"),
    ]
    messages = [p.message for p in checked.problems]
    assert "火星省奥林匹斯山" in messages[0]
    assert "很高" in messages[1]
    assert "before the start date" in messages[3]
    assert "given twice" in messages[7]


def test_a_row_already_in_the_register_is_a_problem(tmp_path):
    RiskAreaFactory.create(start=dt.date(2026, 1, 1))

    checked = read(xlsx(tmp_path, GOOD))

    assert problems(checked) == [(2, "河北省石家庄市藁城区增村镇")]
    assert "already registered" in checked.problems[0].message


@pytest.mark.parametrize(
    ("headers", "missing"),
    [
        (["地区", "开始日期"], "风险等级"),
        (["名字", "风险等级", "开始日期"], "地区"),
        (["A", "B", "C"], "地区、风险等级、开始日期"),
    ],
)
def test_wrong_columns_are_named_and_no_row_is_read(tmp_path, headers, missing):
    checked = read(xlsx(tmp_path, [["河北省石家庄市藁城区增村镇", "高", "2026-01-10"]], headers))

    assert checked.rows == []
    assert [p.row for p in checked.problems] == [0]
    assert missing in checked.problems[0].message


def test_a_file_with_only_headers_has_nothing_to_import(tmp_path):
    checked = read(xlsx(tmp_path, []))

    assert not checked.ok
    assert "no rows" in checked.problems[0].message


def test_an_empty_or_foreign_file_is_refused_with_a_message(tmp_path):
    empty = tmp_path / "empty.xlsx"
    empty.write_bytes(b"")
    with pytest.raises(SpreadsheetError, match="empty"):
        read(empty)
    binary = tmp_path / "photo.xlsx"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    with pytest.raises(SpreadsheetError):
        read(binary)
    with pytest.raises(SpreadsheetError, match=r"\.txt"):
        read_register(csv_file(tmp_path, "x", "a.txt"), filename="a.txt", max_bytes=10**7)


def test_a_bad_file_writes_nothing_and_a_good_one_writes_every_row(tmp_path, world):
    from fangkong.policy.models import RiskArea

    bad = read(xlsx(tmp_path, [*GOOD, ["火星", "高", "2026-01-10", "", ""]], name="bad.xlsx"))
    assert not bad.ok
    assert RiskArea.objects.count() == 0

    good = read(xlsx(tmp_path, GOOD, name="good.xlsx"))
    actions.add_areas(world.user("admin_a"), good.rows, how="good.xlsx")
    assert RiskArea.objects.count() == 3


def test_the_template_reads_back_as_a_valid_register(tmp_path):
    path = tmp_path / "template.xlsx"

    registering.write_template(path)

    checked = read(path)
    assert checked.ok
    assert [r.place.code for r in checked.rows] == ["130109"]


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("高", Level.HIGH),
        ("中风险", Level.MEDIUM),
        ("高风险地区", Level.HIGH),
        ("medium", Level.MEDIUM),
        ("低", Level.LOW),
        ("很高", None),
        ("", None),
    ],
)
def test_level_words(text, level):
    assert level_of(text) == level


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("2026-01-10", dt.date(2026, 1, 10)),
        ("2026/1/9", dt.date(2026, 1, 9)),
        ("2026.1.9", dt.date(2026, 1, 9)),
        ("2026年1月9日", dt.date(2026, 1, 9)),
        ("2026-01-10 00:00:00", dt.date(2026, 1, 10)),
        ("2026-02-30", None),
        ("1月9日", None),
        ("", None),
    ],
)
def test_date_spellings(text, day):
    assert date_of(text) == day


# --- announcements ---------------------------------------------------------------------------

ANNOUNCEMENT = """关于调整中高风险地区的公告
高风险地区：
1. 河北省石家庄市藁城区增村镇
中风险地区：
2. 北京市朝阳区将台乡
3. 火星省奥林匹斯山
4. 上海市浦东新区幸福小区
"""


def test_an_announcement_is_resolved_line_by_line_and_unresolved_lines_block_it():
    checked, preview = check_announcement(ANNOUNCEMENT, start=dt.date(2026, 1, 10))

    assert [(e.line, place.code if place else None) for e, place, _why in preview] == [
        (3, "130109"),
        (5, "110105"),
        (6, None),
        (7, "310115"),
    ]
    assert not checked.ok
    assert [(p.row, p.text) for p in checked.problems] == [(6, "3. 火星省奥林匹斯山")]
    assert [n.row for n in checked.ignored] == [1]


def test_a_fixed_announcement_is_ready_to_register_with_its_date_and_source():
    text = ANNOUNCEMENT.replace("3. 火星省奥林匹斯山\n", "")

    checked, _preview = check_announcement(text, start=dt.date(2026, 1, 10), source="公告")

    assert checked.ok
    assert [(r.place.full_name, r.level, r.start, r.source) for r in checked.rows] == [
        ("河北省石家庄市藁城区增村镇", "high", dt.date(2026, 1, 10), "公告"),
        ("北京市朝阳区将台乡", "medium", dt.date(2026, 1, 10), "公告"),
        ("上海市浦东新区幸福小区", "medium", dt.date(2026, 1, 10), "公告"),
    ]


def test_text_without_any_place_is_a_problem():
    checked, preview = check_announcement("关于做好春节期间疫情防控工作的通知。", start=None)

    assert preview == []
    assert not checked.ok
    assert [p.row for p in checked.problems] == [0]
