"""Reading uploads safely (every bad file gets a clear message) and writing neutralised .xlsx."""

import datetime as dt
import io
import zipfile

import pytest
import xlsxwriter
from django.utils import translation
from python_calamine import CalamineWorkbook

from fangkong.core.spreadsheets import (
    SpreadsheetError,
    XlsxStream,
    cell_text,
    column_letter,
    neutralise,
    read_table,
    xlsx_has_formulas,
)

MAX = 10 * 1024 * 1024


@pytest.fixture(autouse=True)
def in_english():
    """Messages are asserted in their English source form, whatever the catalogue says."""
    with translation.override("en"):
        yield


def write(tmp_path, name, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def xlsx(rows, *, formula_at=None) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet()
    date_format = book.add_format({"num_format": "yyyy-mm-dd"})
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            if isinstance(value, dt.datetime):
                sheet.write_datetime(r, c, value, date_format)
            else:
                sheet.write(r, c, value)
    if formula_at:
        sheet.write_formula(*formula_at, "=1+1", None, 2)
    book.close()
    return buffer.getvalue()


def ods(rows, *, formula=False) -> bytes:
    """A minimal OpenDocument spreadsheet, as LibreOffice or WPS would save it."""

    def cells(values):
        return "".join(
            f'<table:table-cell office:value-type="string"><text:p>{v}</text:p></table:table-cell>'
            for v in values
        )

    body = "".join(f"<table:table-row>{cells(r)}</table:table-row>" for r in rows)
    if formula:
        body += (
            '<table:table-row><table:table-cell table:formula="of:=1+1" '
            'office:value-type="float" office:value="2"><text:p>2</text:p></table:table-cell>'
            "</table:table-row>"
        )
    ns = (
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
    )
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ns} '
        f'office:version="1.2"><office:body><office:spreadsheet><table:table table:name="居民">'
        f"{body}</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
        zf.writestr(
            "META-INF/manifest.xml",
            '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest='
            '"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
            '<manifest:file-entry manifest:full-path="/" manifest:media-type='
            '"application/vnd.oasis.opendocument.spreadsheet"/></manifest:manifest>',
        )
    return buffer.getvalue()


def table_rows(path, name=None):
    table = read_table(path, filename=name or path.name, max_bytes=MAX)
    return table.headers, list(table.rows)


@pytest.mark.parametrize(
    ("name", "data", "fragment"),
    [
        ("empty.xlsx", b"", "empty"),
        ("empty.csv", b"", "empty"),
        ("blank.csv", b"\r\n  \n", "empty"),
        (
            "photo.xlsx",
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4,
            "not a spreadsheet",
        ),
        ("broken.xlsx", b"PK\x03\x04" + b"\x00" * 300, "damaged"),
        ("report.docx.xlsx", None, "not an .xlsx or .ods"),
        ("names.txt", b"a,b\n1,2\n", "Only .xlsx, .xls, .ods and .csv"),
    ],
)
def test_bad_files_are_refused_with_a_message_a_person_can_act_on(tmp_path, name, data, fragment):
    if data is None:  # a Word document renamed to .xlsx: a zip, but not a workbook
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as zf:
            zf.writestr("word/document.xml", "<w:document/>")
        data = buffer.getvalue()
    path = write(tmp_path, name, data)
    with pytest.raises(SpreadsheetError) as exc:
        read_table(path, filename=name, max_bytes=MAX)
    assert fragment in exc.value.message


def test_a_file_over_the_limit_is_refused_before_it_is_opened(tmp_path):
    path = tmp_path / "big.xlsx"
    with path.open("wb") as fh:  # 50 MB, sparse: nothing is parsed, so content does not matter
        fh.truncate(50 * 1024 * 1024)
    with pytest.raises(SpreadsheetError) as exc:
        read_table(path, filename="big.xlsx", max_bytes=40 * 1024 * 1024)
    assert "50 MB" in exc.value.message and "40 MB" in exc.value.message


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_is_read_in_utf8_with_or_without_bom_and_in_gb18030(tmp_path, encoding):
    text = "姓名,证件号码\r\n张三丰 , 420103198005170033\r\n\r\n李四,\r\n"
    path = write(tmp_path, "r.csv", text.encode(encoding))
    headers, rows = table_rows(path)
    assert headers == ["姓名", "证件号码"]
    assert rows == [["张三丰", "420103198005170033"], ["", ""], ["李四", ""]]


def test_csv_cells_may_hold_line_breaks_and_unicode_separators(tmp_path):
    text = '姓名,备注\r\n张三,"第一行\n第二行"\r\n李四,a\u2028b\r\n'
    path = write(tmp_path, "r.csv", text.encode("utf-8"))
    assert table_rows(path) == (
        ["姓名", "备注"],
        [["张三", "第一行\n第二行"], ["李四", "a\u2028b"]],
    )


def test_xlsx_cells_come_back_as_text_with_numbers_and_dates_as_people_typed_them(tmp_path):
    born = dt.datetime(1980, 5, 17)
    path = write(
        tmp_path,
        "r.xlsx",
        xlsx(
            [
                ["姓名", "电话", "生日", "党员", "证件"],
                [" 张三 ", 13912345678, born, True, 110105198503090011],
            ]
        ),
    )
    headers, rows = table_rows(path)
    assert headers == ["姓名", "电话", "生日", "党员", "证件"]
    name, phone, birth, party, doc = rows[0]
    assert (name, phone, birth, party) == ("张三", "13912345678", "1980-05-17", "是")
    assert "E+17" in doc  # 18 digits typed as a number lost its last digits: never stored as is


def test_real_formula_cells_are_located_by_row_and_column(tmp_path):
    path = write(tmp_path, "f.xlsx", xlsx([["a", "b"], ["x", "y"]], formula_at=(2, 1)))
    table = read_table(path, filename="f.xlsx", max_bytes=MAX)
    assert table.formula_cells == {(3, 1)}
    assert not table.has_formulas


def test_ods_is_read_and_its_formulas_are_noticed(tmp_path):
    path = write(tmp_path, "r.ods", ods([["姓名", "电话"], ["张三", "13912345678"]]))
    assert table_rows(path) == (["姓名", "电话"], [["张三", "13912345678"]])
    assert not read_table(path, filename="r.ods", max_bytes=MAX).has_formulas
    path = write(tmp_path, "f.ods", ods([["姓名"], ["张三"]], formula=True))
    assert read_table(path, filename="f.ods", max_bytes=MAX).has_formulas


def test_a_workbook_renamed_to_another_spreadsheet_extension_is_read_by_its_content(tmp_path):
    path = write(tmp_path, "r.xls", xlsx([["姓名"], ["张三"]]))
    assert table_rows(path) == (["姓名"], [["张三"]])


def test_neutralise_prefixes_every_formula_trigger():
    for text in ("=1+1", "+86", "-2", "@SUM(A1)", "\tx", "\rx"):
        assert neutralise(text) == "'" + text
    assert neutralise("张三") == "张三" and neutralise("") == ""


def test_the_stream_writes_text_cells_only_so_nothing_is_evaluated(tmp_path):
    path = tmp_path / "out.xlsx"
    book = XlsxStream(path)
    book.add_sheet("s", ["name", "note"])
    book.write_row(['=HYPERLINK("http://x","y")', "@cmd"])
    book.write_row(["-1", 12])
    book.close()
    data = path.read_bytes()
    assert not xlsx_has_formulas(data)
    rows = [
        list(r)
        for r in CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).iter_rows()
    ]
    assert rows[1] == ['\'=HYPERLINK("http://x","y")', "'@cmd"]
    assert rows[2] == ["'-1", "12"]  # numbers are written as text too


def test_cell_text_and_column_letters():
    assert cell_text(3.0) == "3" and cell_text(2.5) == "2.5" and cell_text(None) == ""
    assert cell_text(dt.datetime(2020, 1, 2, 3, 4)) == "2020-01-02 03:04:00"
    assert [column_letter(i) for i in (0, 25, 26, 27)] == ["A", "Z", "AA", "AB"]
