"""The sentence the guard reads for each stop reason (translated with the rest of the UI)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from .gate import StopReason


def describe(code: str) -> str:
    texts = {
        StopReason.PASS_FORGED: _("This code is not a pass of this community (forged or damaged)."),
        StopReason.PASS_REVOKED: _("This pass has been revoked."),
        StopReason.PASS_OTHER_COMMUNITY: _("This is not a pass of this community."),
        StopReason.QUARANTINE: _("This person is in quarantine and may not pass the gate."),
        StopReason.LOCKDOWN: _("This person lives in a locked building and must stay at home."),
        StopReason.FEVER: _(
            "Fever: do not let through and do not send to hospital. Keep the person apart at "
            "the gate; the community team has been alerted and arranges for a medical "
            "institution to collect them."
        ),
        StopReason.HEALTH_CODE: _("The health code is not green."),
        StopReason.NOT_RESIDENT: _(
            "Closed management: only residents of this community may enter."
        ),
        StopReason.NON_ESSENTIAL: _(
            "Closed management: visits that are not essential are refused."
        ),
    }
    try:
        return str(texts[StopReason(code)])
    except ValueError:
        return code


def described(codes: list[str]) -> list[dict[str, str]]:
    return [{"code": c, "text": describe(c)} for c in codes]
