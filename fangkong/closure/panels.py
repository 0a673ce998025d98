"""What closure brings to other apps (fangkong.core.registry): the gate's question "is this
community under closed management on this day?" is answered by `levels.closed_management_on`."""

from __future__ import annotations

from fangkong.core.registry import provide

from .levels import closed_management_on

provide("closed_management_on", closed_management_on)
