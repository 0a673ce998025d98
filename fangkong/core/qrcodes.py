"""QR codes drawn here as inline SVG by segno: no image service, works offline."""

from __future__ import annotations

import segno
from django.utils.safestring import SafeString, mark_safe


def qr_svg(text: str, *, scale: int = 6) -> SafeString:
    """The QR code of `text` (error correction M) as inline SVG, safe to put in a page: the
    markup is segno's own, the text only encoded in it."""
    return mark_safe(str(segno.make(text, error="m").svg_inline(scale=scale, border=2)))
