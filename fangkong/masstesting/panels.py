"""What masstesting brings to pages it does not own (fangkong.core.registry): the open rounds panel
of the workbench, the rounds link, and a lockdown's testing round (the answers lockdown asks,
`fangkong/lockdown/testing.py`)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from fangkong.core.registry import (
    RECORDS_SHOWN,
    Panel,
    ResidentRecord,
    provide,
    register_nav,
    register_panel,
    register_resident_records,
)
from fangkong.lockdown import testing as lockdown_testing

from .lockdowns import (
    add_to_lockdown_round,
    lockdown_coverage,
    lockdown_results,
    open_lockdown_round,
)
from .models import MemberResult, RoundMember
from .templatetags.masstesting import rounds_panel


def _panel(request: HttpRequest) -> dict[str, Any]:
    return rounds_panel({"user": request.user, "request": request})


register_panel("masstesting", Panel("masstesting/_panel.html", _panel), order=60)
register_nav(
    "masstesting",
    "masstesting:round_list",
    _("Testing rounds"),
    order=160,
    group="testing",
    any_of=("view_rounds",),
)


def _rounds(user: Any, resident: Any) -> list[ResidentRecord]:
    """The testing rounds the person is on, sampled or not, with the result."""
    members = (
        RoundMember.objects.visible_to(user)
        .filter(resident=resident)
        .select_related("round")
        .order_by("-round__opened_at", "-id")[:RECORDS_SHOWN]
    )
    rows = []
    for m in members:
        if m.result:
            state = m.get_result_display()
        elif m.sampled_at:
            state = gettext("sampled, no result yet")
        else:
            state = gettext("not sampled")
        rows.append(
            ResidentRecord(
                m.sampled_at or m.round.opened_at,
                gettext("Testing round"),
                f"{m.round.name} · {state}",
                reverse("masstesting:round_detail", args=[m.round_id]),
                m.result == MemberResult.POSITIVE,
            )
        )
    return rows


register_resident_records("masstesting.members", _rounds, order=70)

# A lockdown opens its round, adds people to it, and reads it to decide its lifting.
provide(lockdown_testing.OPEN_ROUND, open_lockdown_round)
provide(lockdown_testing.ADD_TO_ROUND, add_to_lockdown_round)
provide(lockdown_testing.ROUND_RESULTS, lockdown_results)
provide(lockdown_testing.ROUND_COVERAGE, lockdown_coverage)
