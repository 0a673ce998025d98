"""Phone numbers: validated with Google's libphonenumber metadata (phonenumbers).

Stored as digits only: a mobile as its 11 digits, a landline as 0 + area code + number.
Mobile numbers take a fast path: which 4-digit prefixes libphonenumber accepts is worked out
once from its own metadata, so an import of 100k rows does not parse every number with the
full library. Prefixes whose validity depends on later digits still go through phonenumbers.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

import phonenumbers
from django.utils.translation import gettext_lazy as _

_MOBILE = re.compile(r"^1\d{10}$", re.ASCII)
_STRIP = re.compile(r"[\s\-()（）]")


class InvalidPhone(ValueError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _valid(digits: str) -> bool:
    try:
        return phonenumbers.is_valid_number(phonenumbers.parse(digits, "CN"))
    except phonenumbers.NumberParseException:
        return False


@cache
def _mobile_prefix_verdict(prefix: str) -> bool | None:
    """True/False when every number with this 4-digit prefix is valid/invalid; None if mixed."""
    probes = [_valid(prefix + tail) for tail in ("0000000", "5555555", "9999999", "1234567")]
    if all(probes):
        return True
    if not any(probes):
        return False
    return None


def normalise_phone(raw: str) -> str:
    """Digits-only national form of a valid CN mobile or landline; InvalidPhone otherwise."""
    text = _STRIP.sub("", unicodedata.normalize("NFKC", str(raw or "")))
    if text.startswith("+86"):
        text = text[3:]
    elif text.startswith("0086"):
        text = text[4:]
    if _MOBILE.match(text):
        verdict = _mobile_prefix_verdict(text[:4])
        if verdict is None:
            verdict = _valid(text)
        if verdict:
            return text
        raise InvalidPhone(str(_("Not a valid mainland China mobile number.")))
    if not (text.isascii() and text.isdigit()):
        raise InvalidPhone(str(_("A phone number may contain only digits, spaces and '-'.")))
    try:
        parsed = phonenumbers.parse(text, "CN")
    except phonenumbers.NumberParseException:
        raise InvalidPhone(str(_("Not a valid phone number."))) from None
    if not phonenumbers.is_valid_number(parsed):
        raise InvalidPhone(
            str(_("Not a valid phone number (a landline needs its area code, e.g. 010-12345678)."))
        )
    if parsed.country_code != 86:
        raise InvalidPhone(str(_("Only mainland China numbers are accepted.")))
    national = str(parsed.national_number)
    if phonenumbers.number_type(parsed) == phonenumbers.PhoneNumberType.MOBILE:
        return national
    return "0" + national


def format_phone(digits: str) -> str:
    """For display: landlines as 010-12345678, mobiles unchanged."""
    if not digits.startswith("0"):
        return digits
    parsed = phonenumbers.parse(digits, "CN")
    area = phonenumbers.length_of_geographical_area_code(parsed)
    if not area:
        return digits
    return f"{digits[: area + 1]}-{digits[area + 1 :]}"
