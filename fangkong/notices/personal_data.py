"""Does a text for the public look like it holds personal data? Pure rules, no Django.

Before a notice is submitted, reviewed, approved or published its text is checked (plan
四(五): nothing leaves without approval; a published notice names no resident, least of
all a case). Two sources of findings:

- the registry: the names, phones, document numbers and addresses of the community's
  residents and of the township's cases, as gathered by the caller (`Registry`). Phones and
  document numbers are sealed at rest, so the caller does not list them: it takes the
  candidate numbers of the text (`phone_candidates`, `document_candidates`), looks them up
  by their blind index and passes the ones found;
- patterns, whoever they belong to: an 11-digit mobile number and an 18-character identity
  card number.

`check(text, registry)` returns the findings in the order they occur in the text, each
with its kind and the fragment of the text it found (the text's own words, never the
registry's other data). A case's data is reported as such, before the same fragment as a
resident's. A two-character name is often part of a common word (高风 in 中高风险): the
drafter may say a name found is no one's name here (`not_names`), which the reviewers see.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

CASE_NAME = "case_name"
NAME = "name"
CASE_PHONE = "case_phone"
PHONE = "phone"
MOBILE = "mobile"
CASE_DOCUMENT = "case_document"
DOCUMENT = "document"
ID_NUMBER = "id_number"
CASE_ADDRESS = "case_address"
ADDRESS = "address"
KINDS = (
    CASE_NAME,
    NAME,
    CASE_PHONE,
    PHONE,
    MOBILE,
    CASE_DOCUMENT,
    DOCUMENT,
    ID_NUMBER,
    CASE_ADDRESS,
    ADDRESS,
)

#: shortest name looked for (a one-character "name" would be found in any text)
MIN_NAME = 2
#: shortest address (without spaces) looked for, whole or its last parts
MIN_ADDRESS = 6

_PHONE_LIKE = re.compile(
    r"(?<![0-9A-Za-z])(?:\+?86[\s\-]?)?(\d(?:[\s\-]?\d){6,11})(?![0-9A-Za-z])", re.ASCII
)
_MOBILE = re.compile(r"^1[3-9]\d{9}$", re.ASCII)
_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])\d{17}[0-9Xx](?![0-9A-Za-z])", re.ASCII)
_TOKEN = re.compile(r"(?<![0-9A-Za-z])(?=[A-Za-z]*\d)[0-9A-Za-z]{6,20}(?![0-9A-Za-z])", re.ASCII)
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Registry:
    """What is known of the people a text might name. Phones are digits only (as stored);
    document numbers upper-case."""

    names: frozenset[str] = frozenset()
    case_names: frozenset[str] = frozenset()
    phones: frozenset[str] = frozenset()
    case_phones: frozenset[str] = frozenset()
    documents: frozenset[str] = frozenset()
    case_documents: frozenset[str] = frozenset()
    addresses: frozenset[str] = frozenset()
    case_addresses: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Finding:
    kind: str
    #: the fragment of the (normalised) text found
    fragment: str
    #: where it starts in the normalised text
    at: int


def normalise(text: str) -> str:
    """The text as checked: NFKC (full-width digits and letters become ASCII)."""
    return unicodedata.normalize("NFKC", text or "")


def _digits(fragment: str) -> str:
    return re.sub(r"\D", "", fragment)


def phone_candidates(text: str) -> frozenset[str]:
    """The digit strings of the text that could be a phone as stored (7 to 12 digits, with
    spaces or dashes between them allowed, a +86 in front dropped)."""
    return frozenset(_digits(m.group(1)) for m in _PHONE_LIKE.finditer(normalise(text)))


def document_candidates(text: str) -> frozenset[str]:
    """The runs of 6 to 20 letters and digits (at least one digit) of the text, upper-case:
    what could be a document number as stored."""
    return frozenset(m.group(0).upper() for m in _TOKEN.finditer(normalise(text)))


def _occurrences(text: str, needle: str) -> list[int]:
    found = []
    start = text.find(needle)
    while start != -1:
        found.append(start)
        start = text.find(needle, start + 1)
    return found


def _address_forms(address: str) -> list[str]:
    """The address without spaces, and its last parts (from the second on) that are still
    long enough to point at one home: "民族社区 第一网格 1栋 1单元 101" is also found as
    "1栋1单元101"."""
    parts = address.split()
    forms = []
    for first in range(len(parts) - 1 if len(parts) > 1 else 1):
        joined = "".join(parts[first:])
        if len(joined) >= MIN_ADDRESS:
            forms.append(joined)
    return forms


def check(
    text: str, registry: Registry = Registry(), *, not_names: frozenset[str] = frozenset()
) -> tuple[Finding, ...]:
    """Everything in `text` that looks like personal data, in the order it occurs.

    `not_names` are words the drafter said are no one's name in this text (a resident named
    高风 and the words 中高风险): never reported as a name. Numbers and addresses cannot be
    cleared that way."""
    text = normalise(text)
    found: dict[tuple[int, str], Finding] = {}

    def add(kind: str, fragment: str, at: int) -> None:
        key = (at, fragment)
        if key not in found or KINDS.index(kind) < KINDS.index(found[key].kind):
            found[key] = Finding(kind, fragment, at)

    for names, kind in ((registry.case_names, CASE_NAME), (registry.names, NAME)):
        for name in names:
            name = name.strip()
            if len(name) >= MIN_NAME and name not in not_names:
                for at in _occurrences(text, name):
                    add(kind, name, at)

    for match in _PHONE_LIKE.finditer(text):
        digits = _digits(match.group(1))
        fragment = match.group(0)
        if digits in registry.case_phones:
            add(CASE_PHONE, fragment, match.start())
        elif digits in registry.phones:
            add(PHONE, fragment, match.start())
        elif _MOBILE.match(digits):
            add(MOBILE, fragment, match.start())

    for match in _TOKEN.finditer(text):
        number = match.group(0).upper()
        if number in registry.case_documents:
            add(CASE_DOCUMENT, match.group(0), match.start())
        elif number in registry.documents:
            add(DOCUMENT, match.group(0), match.start())
    for match in _ID_NUMBER.finditer(text):
        number = match.group(0).upper()
        if number not in registry.case_documents and number not in registry.documents:
            add(ID_NUMBER, match.group(0), match.start())

    squeezed = _SPACE.sub("", text)
    for addresses, kind in ((registry.case_addresses, CASE_ADDRESS), (registry.addresses, ADDRESS)):
        for address in addresses:
            for form in _address_forms(address):
                for at in _occurrences(squeezed, form):
                    add(kind, form, at)
                if form in squeezed:
                    break

    ordered = sorted(found.values(), key=lambda f: (f.at, KINDS.index(f.kind)))
    # one finding per fragment and kind (the first place it occurs)
    seen: set[tuple[str, str]] = set()
    result = []
    for finding in ordered:
        if (finding.kind, finding.fragment) not in seen:
            seen.add((finding.kind, finding.fragment))
            result.append(finding)
    return tuple(result)


NAME_KINDS = frozenset({CASE_NAME, NAME})


def kinds_of(findings: tuple[Finding, ...]) -> tuple[str, ...]:
    """The kinds found, each once, in the order of `KINDS`."""
    present = {f.kind for f in findings}
    return tuple(k for k in KINDS if k in present)
