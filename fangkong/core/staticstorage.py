"""How production keeps its static files: minified, named by content hash, and compressed.

`collectstatic` copies every file into STATIC_ROOT through this storage. Scripts and
stylesheets that are not already minified (`*.min.js`, `*.min.css`) are minified on the way
(rjsmin, rcssmin: comments and white space only, nothing renamed; `/*! … */` licence comments
kept); WhiteNoise's storage then names each file by its content hash (cached for a year) and
writes gzip and, with the `brotli` package installed, Brotli copies, which WhiteNoise serves
to a browser that accepts them. The guard's page on a slow network (issue 12 item 17) needs
all three.
"""

from __future__ import annotations

from typing import Any

import rcssmin
import rjsmin
from django.core.files.base import ContentFile
from whitenoise.storage import CompressedManifestStaticFilesStorage


def _js(text: str) -> str:
    return str(rjsmin.jsmin(text, keep_bang_comments=True))


def _css(text: str) -> str:
    return str(rcssmin.cssmin(text, keep_bang_comments=True))


MINIFIERS = {".js": _js, ".css": _css}


def minified(name: str, text: str) -> str | None:
    """`text` of the file `name` minified, or None when it is not a script or stylesheet or is
    minified already."""
    lower = name.lower()
    if lower.endswith((".min.js", ".min.css")):
        return None
    for suffix, minify in MINIFIERS.items():
        if lower.endswith(suffix):
            return minify(text)
    return None


class MinifiedCompressedManifestStorage(CompressedManifestStaticFilesStorage):  # type: ignore[misc]
    def _save(self, name: str, content: Any) -> str:
        if name.lower().endswith(tuple(MINIFIERS)):
            content.seek(0)  # the manifest step hands over a file it has just read to hash
            raw = content.read()
            try:
                text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
            except UnicodeDecodeError:
                text = None
            small = minified(name, text) if text is not None else None
            content = ContentFile(small.encode("utf-8") if small is not None else raw)
        return str(super()._save(name, content))
