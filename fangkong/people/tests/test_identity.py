import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import ric
from stdnum.exceptions import ValidationError

from fangkong.people.identity import (
    DocType,
    InvalidDocument,
    check_digit,
    parse_document,
    parse_id_card,
    upgrade_legacy,
)

TODAY = dt.date(2026, 11, 28)


@pytest.mark.parametrize(
    ("number", "birth", "gender"),
    [
        ("11010519491231002X", dt.date(1949, 12, 31), "F"),
        ("110105194912310029"[:17] + "X", dt.date(1949, 12, 31), "F"),
        ("440524188001010014", dt.date(1880, 1, 1), None),  # before 1890: impossible
        ("420103198005170013", dt.date(1980, 5, 17), "M"),
    ],
)
def test_known_numbers(number, birth, gender):
    if gender is None:
        with pytest.raises(InvalidDocument):
            parse_id_card(number, today=TODAY)
        return
    if check_digit(number[:17]) != number[17]:
        number = number[:17] + check_digit(number[:17])
    doc = parse_id_card(number, today=TODAY)
    assert (doc.birth_date, doc.gender) == (birth, gender)


@pytest.mark.parametrize(
    ("number", "reason"),
    [
        ("110105194912310021", "check digit"),
        ("110105194902300024", "does not exist"),  # 30 February
        ("110105203001010011", "impossible"),  # born in the future
        ("990105194912310021", "region"),
        ("11010519491231002", "18 characters"),
        ("11010519491231002Y", "18 characters"),
        ("", "required"),
    ],
)
def test_invalid_numbers_say_why(number, reason):
    with pytest.raises(InvalidDocument) as exc:
        parse_document("id_card", number, today=TODAY)
    assert exc.value.message


def test_lowercase_x_and_spaces_are_normalised():
    doc = parse_id_card(" 110105 19491231002x ", today=TODAY)
    assert doc.number == "11010519491231002X"


def test_legacy_fifteen_digit_number_is_upgraded():
    doc = parse_id_card("110105491231002", today=TODAY)
    assert doc.legacy
    assert doc.number == "11010519491231002X"
    assert doc.birth_date == dt.date(1949, 12, 31)
    assert upgrade_legacy("110105491231002") == "11010519491231002X"


def test_no_document_needs_an_empty_number():
    assert parse_document("none", "").doc_type is DocType.NONE
    with pytest.raises(InvalidDocument):
        parse_document("none", "E12345678")


@pytest.mark.parametrize(
    ("doc_type", "number", "ok"),
    [
        ("passport", "E12345678", True),
        ("passport", "E1234", True),
        ("passport", "E-123", False),
        ("hk_macau_permit", "H12345678", True),
        ("hk_macau_permit", "X12345678", False),
        ("taiwan_permit", "12345678", True),
        ("taiwan_permit", "1234", False),
    ],
)
def test_other_documents_by_format(doc_type, number, ok):
    if ok:
        assert parse_document(doc_type, number).number == number
    else:
        with pytest.raises(InvalidDocument):
            parse_document(doc_type, number)


def stdnum_accepts_check_digit_and_birth_date(number: str) -> bool:
    """python-stdnum's verdict without its county table (which rejects real IDs whose county
    code was created after the holder's birth year, e.g. 江汉区 420103 before 1983)."""
    if number[-1] != ric.calc_check_digit(number):
        return False
    try:
        born = ric.get_birth_date(number)
    except ValidationError:
        return False
    return dt.date(1890, 1, 1) <= born <= TODAY


@given(
    st.sampled_from(["110105", "420103", "440524", "650102", "810000", "830000"]),
    st.from_regex(r"\A[0-9]{8}\Z")
    | st.dates(min_value=dt.date(1850, 1, 1)).map(lambda d: f"{d:%Y%m%d}"),
    st.from_regex(r"\A[0-9]{3}\Z"),
    st.sampled_from("0123456789X") | st.just("stdnum"),
)
def test_agrees_with_python_stdnum_on_check_digit_and_birth_date(region, birth, seq, last):
    number = region + birth + seq
    number += ric.calc_check_digit(number + "0") if last == "stdnum" else last
    try:
        parse_id_card(number, today=TODAY)
        ours = True
    except InvalidDocument:
        ours = False
    assert ours == stdnum_accepts_check_digit_and_birth_date(number)


@given(st.from_regex(r"\A(00|19|20|99)[0-9]{16}\Z"))
def test_numbers_outside_any_province_are_rejected(number):
    with pytest.raises(InvalidDocument):
        parse_id_card(number, today=TODAY)


@given(
    st.dates(min_value=dt.date(1890, 1, 1), max_value=TODAY),
    st.integers(min_value=0, max_value=999),
    st.sampled_from(["110105", "420103", "440524", "650102"]),
)
def test_every_generated_valid_number_parses_back_to_its_birth_date_and_gender(born, seq, region):
    first17 = f"{region}{born:%Y%m%d}{seq:03d}"
    number = first17 + check_digit(first17)
    doc = parse_id_card(number, today=TODAY)
    assert doc.birth_date == born
    assert doc.gender == ("M" if seq % 2 else "F")


@given(st.from_regex(r"\A[0-9]{17}\Z"), st.sampled_from("0123456789X"))
def test_a_wrong_check_digit_is_always_rejected(first17, last):
    if last == check_digit(first17):
        return
    with pytest.raises(InvalidDocument):
        parse_id_card(first17 + last, today=TODAY)


def test_full_width_id_numbers_are_normalised():
    assert (
        parse_id_card("１１０１０５１９４９１２３１００２ｘ", today=TODAY).number
        == "11010519491231002X"
    )


def test_id_numbers_in_other_scripts_are_refused():
    with pytest.raises(InvalidDocument):
        parse_id_card("११०१०५१९४९१२३१००२X", today=TODAY)
