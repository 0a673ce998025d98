"""What a pass's QR code says: the pass number, signed with the site's secret key.

    FKP1:<pass number>:<signature>

The signature (Django's `Signer`, salted for passes) lets the gate and the sampling point
tell a forged code from a real one before any lookup; whether a real pass is still valid
(not revoked, of this community) is for the caller to check against the `Pass` row. The
text is short and upper-case-free so the QR stays small enough to scan off a worn card.
"""

from __future__ import annotations

from django.core import signing

PREFIX = "FKP1"
_SALT = "fangkong.checkpoints.pass"


class BadPayload(ValueError):
    """The text is not a pass code of this site (forged, damaged or something else)."""


def _signer() -> signing.Signer:
    return signing.Signer(salt=_SALT, sep=":")


def qr_text(pass_number: str) -> str:
    """The text the QR code of pass `pass_number` carries."""
    return f"{PREFIX}:{_signer().sign(pass_number)}"


def pass_number_of(text: str) -> str:
    """The pass number a scanned text names; raises BadPayload unless its signature holds."""
    text = (text or "").strip()
    head, sep, rest = text.partition(":")
    if head != PREFIX or not sep:
        raise BadPayload(text)
    try:
        return _signer().unsign(rest)
    except signing.BadSignature as error:
        raise BadPayload(text) from error
