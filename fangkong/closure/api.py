"""The closure part of the JSON API (mounted by fangkong/api/api.py)."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["closure"])
