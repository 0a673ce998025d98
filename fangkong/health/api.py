"""API for the health app, mounted under /api/v1/ by fangkong.api.api."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["health"])
