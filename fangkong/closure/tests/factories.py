"""Helpers of the closure tests: photos as bytes, levels and gates through the actions."""

from __future__ import annotations

import io

from PIL import Image


def photo_bytes(fmt: str = "PNG", size: tuple[int, int] = (8, 8)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format=fmt)
    return buffer.getvalue()
