import phonenumbers
import pytest
from hypothesis import given
from hypothesis import strategies as st

from fangkong.people.phones import InvalidPhone, format_phone, normalise_phone


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("13812345678", "13812345678"),
        ("138 1234 5678", "13812345678"),
        ("+86 138-1234-5678", "13812345678"),
        ("010-62345678", "01062345678"),
        ("(0755) 2345 6789", "075523456789"),
    ],
)
def test_valid_numbers_are_stored_as_digits(raw, stored):
    assert normalise_phone(raw) == stored


@pytest.mark.parametrize(
    "raw", ["12345", "1381234567", "23812345678", "abc", "010-1234", "+1 212 555 0100"]
)
def test_malformed_numbers_are_refused_with_a_reason(raw):
    with pytest.raises(InvalidPhone) as exc:
        normalise_phone(raw)
    assert exc.value.message


def test_landlines_display_with_area_code():
    assert format_phone("01062345678") == "010-62345678"
    assert format_phone("13812345678") == "13812345678"


@given(st.from_regex(r"\A1[0-9]{10}\Z"))
def test_mobile_fast_path_agrees_with_libphonenumber(number):
    try:
        expected = phonenumbers.is_valid_number(phonenumbers.parse(number, "CN"))
    except phonenumbers.NumberParseException:
        expected = False
    try:
        normalise_phone(number)
        ours = True
    except InvalidPhone:
        ours = False
    assert ours == expected


def test_full_width_digits_typed_with_an_ime_are_accepted():
    assert normalise_phone("１３８１２３４５６７８") == "13812345678"


@pytest.mark.parametrize("raw", ["1100000२१00", "١٣٨١٢٣٤٥٦٧٨"])
def test_digits_of_other_scripts_are_refused(raw):
    with pytest.raises(InvalidPhone):
        normalise_phone(raw)
