"""The testing round of a lockdown: masstesting's answers to the questions lockdown asks
(`fangkong/lockdown/testing.py`), registered in `panels.py`.

Lockdown sits below masstesting, so it does not import rounds; it asks these through
`fangkong.core.registry`.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.core.models import User
from fangkong.lockdown.models import Lockdown
from fangkong.lockdown.testing import Coverage, RoundResult
from fangkong.people.models import Resident

from .actions import add_to_round
from .models import MemberResult, Round, RoundMember, RoundStatus
from .rounds import open_round


def latest_round(lockdown: Lockdown) -> Round | None:
    return Round.objects.filter(lockdown=lockdown).order_by("-opened_at", "-id").first()


def open_lockdown_round(by: User | None, lockdown: Lockdown, residents: Sequence[Resident]) -> None:
    """The round of everyone on a new lockdown's register, over its unit or building."""
    open_round(
        by,
        scope=lockdown.unit if lockdown.unit is not None else lockdown.building,
        name=_("Lockdown of %(place)s, %(day)s")
        % {"place": lockdown, "day": timezone.localdate().isoformat()},
        residents=residents,
        lockdown=lockdown,
    )


def add_to_lockdown_round(by: User | None, lockdown: Lockdown, resident: Resident) -> None:
    """Into the lockdown's latest round while it samples, unless already in it."""
    rnd = latest_round(lockdown)
    if (
        rnd is not None
        and rnd.status == RoundStatus.OPEN
        and not RoundMember.objects.filter(round=rnd, resident=resident).exists()
    ):
        add_to_round(by, rnd, resident)


def lockdown_results(lockdown: Lockdown) -> dict[int, RoundResult] | None:
    """What the lockdown's latest round knows of each person in it (None: no round)."""
    rnd = latest_round(lockdown)
    if rnd is None:
        return None
    return {
        m.resident_id: RoundResult(
            sampled=m.sampled_at is not None, result=m.result, retest_needed=m.retest_needed
        )
        for m in RoundMember.objects.filter(round=rnd).only(
            "resident_id", "sampled_at", "result", "retest_needed"
        )
    }


def lockdown_coverage(lockdown: Lockdown) -> Coverage:
    """The latest round's numbers (all zero without a round)."""
    rnd = latest_round(lockdown)
    if rnd is None:
        return Coverage()
    row = RoundMember.objects.filter(round=rnd).aggregate(
        expected=Count("pk"),
        sampled=Count("pk", filter=Q(sampled_at__isnull=False)),
        negative=Count("pk", filter=Q(result=MemberResult.NEGATIVE)),
        positive=Count("pk", filter=Q(result=MemberResult.POSITIVE)),
        pending=Count("pk", filter=Q(sampled_at__isnull=False, result="")),
        retest=Count("pk", filter=Q(retest_needed=True)),
    )
    return Coverage(**row)
