"""Checking one row of the spreadsheet: its place, the person, and the other columns.

`check_row` turns a row's cells into the cleaned values of a resident, or adds its problems to
the result. A person's fields are checked with the same rules as the forms
(`registry.clean_person`), after a fast path, `fast_person`, that answers the same for the
common case (a well-formed ID card number) with less work. `match_place` finds the row's
community, grid, building and unit among the places the user may import into; it never
creates them.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from fangkong.core.errors import DomainError
from fangkong.core.text import NOT_IN_A_LINE, NOT_IN_TEXT, TextRefused, clean_text
from fangkong.core.textfields import text_message

from ..identity import EARLIEST_BIRTH, PROVINCES, DocType, check_digit, normalise
from ..phones import InvalidPhone, normalise_phone
from ..registry import clean_person
from ..romanization import romanize
from .columns import (
    COLUMN_BY_KEY,
    DOC_TYPE_VALUES,
    RELATION_VALUES,
    RESIDENCE_VALUES,
    TAG_VALUES,
    code_of,
    normal,
)
from .results import CheckResult

if TYPE_CHECKING:
    from .resident_import import ResidentImport

_ASCII_ID18 = re.compile(r"[0-9]{17}[0-9X]")
_TAG_SPLIT = re.compile(r"[、,，;；/\s]+")
_SCIENTIFIC = re.compile(r"^\d(\.\d+)?E\+?\d+$", re.IGNORECASE)
_DATE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:\s.*)?$")
_DATE_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


def _parse_date(text: str) -> dt.date | None:
    match = _DATE.match(text) or _DATE_COMPACT.match(text)
    if match is None:
        raise ValueError(text)
    return dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))


#: the column that may hold several lines
_MULTILINE = "notes"


def clean_cells(
    importer: ResidentImport, row: int, values: dict[str, str], result: CheckResult
) -> bool:
    """The row's cells NFC-normalised in place; False, with a problem per cell naming the
    row and the column, when a cell holds what is not text (`core.text`). One search over
    the whole row in the common case."""
    lines = "".join(v for k, v in values.items() if k != _MULTILINE)
    notes = values.get(_MULTILINE, "")
    if (
        NOT_IN_A_LINE.search(lines) is None
        and NOT_IN_TEXT.search(notes) is None
        and unicodedata.is_normalized("NFC", lines + notes)
    ):
        return True
    ok = True
    for key, text in values.items():
        try:
            values[key] = clean_text(text, multiline=key == _MULTILINE, max_length=10**6)
        except TextRefused as exc:
            ok = False
            header = importer.column_header(key)
            result.add(row, header, text_message(exc, header))
    return ok


def fast_person(
    name: str,
    doc_number: str,
    gender: str,
    birth_date: dt.date | None,
    phone: str,
    *,
    today: dt.date,
) -> dict[str, Any] | None:
    """What `registry.clean_person` returns for a person with a well-formed 18-character
    ID card number, computed with less work; None whenever anything is unusual, and
    `clean_person` itself then decides (and words every refusal). An import calls this
    100,000 times; `tests/test_importing.py` proves with hypothesis that whenever it
    answers, the answer equals clean_person's."""
    if len(doc_number) != 18 or _ASCII_ID18.fullmatch(doc_number) is None:
        return None
    if doc_number[:2] not in PROVINCES:
        return None
    try:
        born = dt.date(int(doc_number[6:10]), int(doc_number[10:12]), int(doc_number[12:14]))
    except ValueError:
        return None
    if born > today or born < EARLIEST_BIRTH:
        return None
    if check_digit(doc_number[:17]) != doc_number[17]:
        return None
    sex = "M" if int(doc_number[16]) % 2 else "F"
    if (birth_date and birth_date != born) or (gender and gender != sex):
        return None
    name = " ".join(name.split())
    if not name:
        return None
    phone = phone.strip()
    if phone:
        try:
            phone = normalise_phone(phone)
        except InvalidPhone:
            return None
    pinyin, initials = romanize(name)
    return {
        "name": name,
        "doc_type": DocType.ID_CARD.value,
        "doc_number": doc_number,
        "no_doc_reason": "",
        "gender": sex,
        "birth_date": born,
        "phone": phone,
        "name_pinyin": pinyin,
        "name_initials": initials,
    }


def check_row(
    importer: ResidentImport, row: int, values: dict[str, str], result: CheckResult
) -> tuple[dict[str, Any] | None, tuple[Any, str] | None]:
    """The cleaned fields of a valid row (else its problems are added to `result`), and
    the key by which its document number is compared with the other rows of the file."""
    if not clean_cells(importer, row, values, result):
        return None, None
    errors: list[tuple[str, str]] = []
    get = values.get

    # -- place
    place = match_place(importer, values, errors)

    # -- person
    doc_type_text = get("doc_type", "")
    doc_number = get("doc_number", "")
    no_doc_reason = get("no_doc_reason", "")
    if doc_type_text:
        doc_type = code_of(importer.doc_types, doc_type_text)
        if doc_type is None:
            errors.append(
                (
                    "doc_type",
                    _("Unknown document type %(value)s; use one of: %(allowed)s.")
                    % {
                        "value": doc_type_text,
                        "allowed": "、".join(v[0] for v in DOC_TYPE_VALUES.values()),
                    },
                )
            )
    elif doc_number:
        doc_type = DocType.ID_CARD.value
    elif no_doc_reason:
        doc_type = DocType.NONE.value
    else:
        doc_type = None
        errors.append(
            (
                "doc_number",
                _("The document number is empty. Fill it in, or give the reason for no document."),
            )
        )
    if doc_number and _SCIENTIFIC.match(doc_number):
        errors.append(
            (
                "doc_number",
                _(
                    "The number was stored as a number and lost its last digits. Format "
                    "the column as text and type the number again."
                ),
            )
        )
        doc_type = None
    birth_date = None
    birth_text = get("birth_date", "")
    if birth_text:
        try:
            birth_date = _parse_date(birth_text)
        except ValueError:
            errors.append(
                (
                    "birth_date",
                    _("The birth date is not a valid date; write it like 1980-05-17."),
                )
            )
    gender = ""
    gender_text = get("gender", "")
    if gender_text:
        gender = code_of(importer.genders, gender_text) or ""
        if not gender:
            errors.append(("gender", _("Write the gender as 男 or 女.")))
    person: dict[str, Any] | None = None
    if doc_type == DocType.ID_CARD.value:
        person = fast_person(
            get("name", ""), doc_number, gender, birth_date, get("phone", ""), today=importer.today
        )
    fields = {
        "name": get("name", ""),
        "doc_type": doc_type,
        "doc_number": doc_number,
        "no_doc_reason": no_doc_reason,
        "gender": gender,
        "birth_date": birth_date,
        "phone": get("phone", ""),
    }
    if doc_type is None:
        # The document is already wrong; still report the person's other problems.
        fields.update(doc_type=DocType.NONE.value, doc_number="", no_doc_reason="-")
    try:
        if person is None:
            person = clean_person(fields, today=importer.today)
    except DomainError as exc:
        for fieldname, messages in exc.errors.items():
            if doc_type is None and fieldname in ("doc_type", "doc_number", "no_doc_reason"):
                continue
            errors.extend((fieldname or "name", m) for m in messages)
    township = place["township_id"] if place else importer.user.township_id
    if person is not None and doc_type is not None and person["doc_number"]:
        doc_key: tuple[Any, str] | None = (township, person["doc_number"])
    elif doc_number and doc_type is not None:
        doc_key = (township, normalise(doc_number))
    else:
        doc_key = None

    # -- the rest
    relation = choice(values, "relation", importer.relations, RELATION_VALUES, errors)
    residence = choice(values, "residence_type", importer.residences, RESIDENCE_VALUES, errors)
    tags: list[str] = []
    tags_text = get("tags", "")
    if tags_text:
        for label in _TAG_SPLIT.split(tags_text):
            if not label:
                continue
            code = code_of(importer.tags, label)
            if code is None:
                errors.append(
                    (
                        "tags",
                        _("Unknown vulnerable group %(value)s; use any of: %(allowed)s.")
                        % {
                            "value": label,
                            "allowed": "、".join(v[0] for v in TAG_VALUES.values()),
                        },
                    )
                )
            elif code not in tags:
                tags.append(code)
    party = yes_no(importer, values, "party_member", errors)
    away = yes_no(importer, values, "works_away", errors)
    texts = {}
    for key, limit in (
        ("away_place", 200),
        ("away_contact", 100),
        ("no_doc_reason", 200),
        ("notes", 2000),
    ):
        text = get(key, "")
        if len(text) > limit:
            errors.append((key, _("The text is longer than %(max)s characters.") % {"max": limit}))
        texts[key] = text
    if person is not None and len(person["name"]) > 50:
        errors.append(("name", _("The name is longer than 50 characters.")))

    if errors:
        for key, message in errors:
            result.add(row, importer.column_header(key), message)
        return None, doc_key
    assert person is not None and place is not None
    person.update(
        relation=relation,
        residence_type=residence,
        party_member=party,
        works_away=away,
        away_place=texts["away_place"],
        away_contact=texts["away_contact"],
        notes=texts["notes"],
        tags=tuple(tags),
        **place,
    )
    return person, doc_key


def match_place(
    importer: ResidentImport, values: dict[str, str], errors: list[tuple[str, str]]
) -> dict[str, Any] | None:
    get = values.get
    community_name = get("community", "")
    grid_name = get("grid", "")
    building_name = get("building", "")
    unit_name = get("unit", "")
    number = get("number", "")
    for key, text in (("community", community_name), ("grid", grid_name), ("number", number)):
        if not text:
            errors.append(
                (key, _("%(column)s is required.") % {"column": COLUMN_BY_KEY[key].header})
            )
    if not community_name or not grid_name or not number:
        return None
    if len(number) > 50:
        errors.append(("number", _("The text is longer than %(max)s characters.") % {"max": 50}))
        return None
    if community_name not in importer.communities:
        if community_name in importer.outside:
            errors.append(
                (
                    "community",
                    _("%(name)s is outside your jurisdiction; you may import only into %(yours)s.")
                    % {
                        "name": community_name,
                        "yours": "、".join(n for n in importer.communities) or "-",
                    },
                )
            )
        else:
            errors.append(
                (
                    "community",
                    _(
                        "Unknown community or village %(name)s. Use the name shown in "
                        "Fangkong; an import never creates communities."
                    )
                    % {"name": community_name},
                )
            )
        return None
    community = importer.communities[community_name]
    if community is None:
        errors.append(
            (
                "community",
                _("Several communities are named %(name)s; import them one township at a time.")
                % {"name": community_name},
            )
        )
        return None
    grid = importer.grids.get((community.id, grid_name))
    if grid is None:
        errors.append(
            (
                "grid",
                _(
                    "Unknown grid %(name)s in %(community)s (known: %(known)s). An import "
                    "never creates grids."
                )
                % {
                    "name": grid_name,
                    "community": community_name,
                    "known": "、".join(importer.grid_names.get(community.id, [])) or "-",
                },
            )
        )
        return None
    building = unit = None
    if building_name:
        building = importer.buildings.get((grid.id, building_name))
        if building is None:
            errors.append(
                (
                    "building",
                    _(
                        "Unknown building %(name)s in %(grid)s. Add the building in "
                        "Fangkong first; an import never creates buildings."
                    )
                    % {"name": building_name, "grid": grid_name},
                )
            )
            return None
        unit_names = importer.unit_names.get(building.id, [])
        if unit_name:
            unit = importer.units.get((building.id, unit_name))
            if unit is None:
                errors.append(
                    (
                        "unit",
                        _("Unknown unit %(name)s in %(building)s (known: %(known)s).")
                        % {
                            "name": unit_name,
                            "building": building_name,
                            "known": "、".join(unit_names) or "-",
                        },
                    )
                )
                return None
        elif unit_names:
            errors.append(
                (
                    "unit",
                    _("Building %(building)s has units (%(known)s); fill in the unit.")
                    % {"building": building_name, "known": "、".join(unit_names)},
                )
            )
            return None
    elif unit_name:
        errors.append(("building", _("A unit was given without its building.")))
        return None
    household_key = (
        grid.id,
        building.id if building else None,
        unit.id if unit else None,
        number,
    )
    return {
        "township_id": community.township_id,
        "community_id": community.id,
        "grid_id": grid.id,
        "household_key": household_key,
        "_grid": grid,
        "_building": building,
        "_unit": unit,
    }


def choice(
    values: dict[str, str],
    key: str,
    lookup: dict[str, str],
    allowed: dict[Any, tuple[str, ...]],
    errors: list[tuple[str, str]],
) -> str:
    text = values.get(key, "")
    if not text:
        return str(next(iter(allowed)).value)
    code = code_of(lookup, text)
    if code is None:
        errors.append(
            (
                key,
                _("Unknown value %(value)s; use one of: %(allowed)s.")
                % {"value": text, "allowed": "、".join(v[0] for v in allowed.values())},
            )
        )
        return ""
    return code


def yes_no(
    importer: ResidentImport, values: dict[str, str], key: str, errors: list[tuple[str, str]]
) -> bool:
    text = values.get(key, "")
    if text in importer.no or not text:
        return False
    if text in importer.yes:
        return True
    text = normal(text)
    if not text or text in importer.no:
        return False
    if text in importer.yes:
        return True
    errors.append((key, _("Write 是 or 否.")))
    return False
