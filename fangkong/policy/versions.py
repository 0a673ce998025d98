"""Which policy version is in force for a place on a day.

The most specific version wins: a township's own active version over the general default
(township empty); among equally specific ones, the latest effective date, then the highest
version number. Decisions call `in_force` once and keep the version they got.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import F
from django.utils.translation import gettext as _

from fangkong.core.errors import DomainError

from .models import Policy, PolicyStatus


def in_force(township_id: int | None, on: dt.date) -> Policy:
    """The active version that applies to `township_id` on `on`.

    Raises DomainError when none does (a deployment without its first version).
    """
    candidates = Policy.objects.filter(
        status=PolicyStatus.ACTIVE, effective_from__lte=on
    ).select_related("township")
    own = (
        candidates.filter(township_id=township_id).order_by(
            F("effective_from").desc(), F("version").desc()
        )
        if township_id is not None
        else candidates.none()
    )
    found = (
        own.first()
        or candidates.filter(township__isnull=True)
        .order_by(F("effective_from").desc(), F("version").desc())
        .first()
    )
    if found is None:
        raise DomainError(_("No policy version is in force on %(day)s.") % {"day": on})
    return found
