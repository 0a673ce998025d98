"""Chinese vehicle plates (机动车号牌): normalise and validate. Plain Python.

A plate is a province abbreviation, an issuing-authority letter, then five characters
(ordinary plates) or six (new-energy plates: 'D'/'F' first or last), letters and digits
without I and O; some end in 学/警/挂/港/澳/领/使. Spaces, dots and middle dots typed between
the parts are dropped, and letters are upper-cased.
"""

from __future__ import annotations

import re
import unicodedata

PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
_ALNUM = "[A-HJ-NP-Z0-9]"
_PLATE = re.compile(
    rf"^[{PROVINCES}][A-HJ-NP-Z](?:{_ALNUM}{{5}}|[DF]{_ALNUM}{{5}}|{_ALNUM}{{5}}[DF]"
    rf"|{_ALNUM}{{4}}[学警挂港澳领使])$"
)
_SEPARATORS = re.compile(r"[\s.·•\-]")


class InvalidPlate(ValueError):
    pass


def normalise_plate(raw: str) -> str:
    """The plate without separators, upper case; InvalidPlate unless it has a plate's form."""
    text = _SEPARATORS.sub("", unicodedata.normalize("NFKC", raw or "")).upper()
    if not _PLATE.match(text):
        raise InvalidPlate(text)
    return text
