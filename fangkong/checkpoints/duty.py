"""Who is on duty now at a gate, as the duty roster says.

The roster (`fangkong.roster`) sits above the checkpoints (its posts are the gates), so it is
not imported: it registers its answer to `GATE_ON_DUTY` (`fangkong/roster/panels.py`) with
`fangkong.core.registry`. Without the roster installed nobody is known to be on duty: the gate
works as before, the page just names nobody.
"""

from __future__ import annotations

import datetime as dt

from fangkong.core.registry import answer_to

#: the roster names the people on duty at a gate: (gate id, now) → list[str] (their names)
GATE_ON_DUTY = "gate_on_duty"


def on_duty(gate_id: int, now: dt.datetime | None = None) -> list[str]:
    """The names of the people on duty at the gate now; [] when nobody answers or is on it."""
    try:
        answer = answer_to(GATE_ON_DUTY)
    except LookupError:
        return []
    return [str(name) for name in answer(gate_id, now)]
