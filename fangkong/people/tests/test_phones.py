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


@given(st.from_regex(r"\A1\d{10}\Z"))
def test_mobile_fast_path_agrees_with_libphonenumber(number):
    expected = phonenumbers.is_valid_number(phonenumbers.parse(number, "CN"))
    try:
        normalise_phone(number)
        ours = True
    except InvalidPhone:
        ours = False
    assert ours == expected
