"""Whether a community is under closed management on a day, as the closure app says.

`fangkong.closure.levels.closed_management_on` is the one answer; it is imported when first
asked so the checkpoints app loads without it, and a missing module fails loudly instead of
quietly letting everyone through.
"""

from __future__ import annotations

import datetime as dt
import importlib


class ClosureUnavailable(RuntimeError):
    pass


def closed_management_on(community_id: int, day: dt.date) -> bool:
    try:
        levels = importlib.import_module("fangkong.closure.levels")
        answer = levels.closed_management_on
    except (ImportError, AttributeError) as exc:
        raise ClosureUnavailable(
            "fangkong.closure.levels.closed_management_on is missing: the gate cannot tell "
            "whether closed management is on."
        ) from exc
    return bool(answer(community_id, day))
