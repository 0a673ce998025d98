"""Whether a community is under closed management on a day, as the closure app says.

The closure app sits above the checkpoints (it manages their gates), so it is not imported:
it registers its answer (`fangkong/closure/panels.py`) with `fangkong.core.registry`, and a
missing answer fails loudly instead of quietly letting everyone through.
"""

from __future__ import annotations

import datetime as dt

from fangkong.core.registry import answer_to


class ClosureUnavailable(RuntimeError):
    pass


def closed_management_on(community_id: int, day: dt.date) -> bool:
    try:
        answer = answer_to("closed_management_on")
    except LookupError as exc:
        raise ClosureUnavailable(
            "No installed app answers closed_management_on (fangkong.closure): the gate "
            "cannot tell whether closed management is on."
        ) from exc
    return bool(answer(community_id, day))
