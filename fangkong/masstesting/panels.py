"""What masstesting brings to pages it does not own (fangkong.core.registry): the open rounds panel
of the workbench, the rounds link, and a lockdown's testing round (the answers lockdown asks,
`fangkong/lockdown/testing.py`)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from fangkong.core.registry import Panel, provide, register_nav, register_panel
from fangkong.lockdown import testing as lockdown_testing

from .lockdowns import (
    add_to_lockdown_round,
    lockdown_coverage,
    lockdown_results,
    open_lockdown_round,
)
from .templatetags.masstesting import rounds_panel


def _panel(request: HttpRequest) -> dict[str, Any]:
    return rounds_panel({"user": request.user, "request": request})


register_panel("masstesting", Panel("masstesting/_panel.html", _panel), order=60)
register_nav(
    "masstesting", "masstesting:round_list", _("Testing rounds"), order=160, any_of=("view_rounds",)
)

# A lockdown opens its round, adds people to it, and reads it to decide its lifting.
provide(lockdown_testing.OPEN_ROUND, open_lockdown_round)
provide(lockdown_testing.ADD_TO_ROUND, add_to_lockdown_round)
provide(lockdown_testing.ROUND_RESULTS, lockdown_results)
provide(lockdown_testing.ROUND_COVERAGE, lockdown_coverage)
