"""What a server process does once its application is built, before the first request.

`warm_and_freeze()` loads the URLconf (and with it every view module), then moves every
object alive at that moment — Django, the apps, the URL patterns, the translation catalogue —
into the collector's permanent generation (`gc.freeze`). They live as long as the process;
left in the oldest generation, every full collection walks them again: some 300,000 objects,
30–160 ms with the GIL held while every request of the process waits (measured during
bench/gate_scan.py, where those pauses made the 99th percentile). Called by `fangkong.wsgi`
and by the gate-scan benchmark's application.
"""

from __future__ import annotations

import gc

from django.conf import settings
from django.urls import get_resolver
from django.utils import translation


def warm_and_freeze() -> None:
    get_resolver().url_patterns  # noqa: B018 — imports the URLconf and every view module
    translation.activate(settings.LANGUAGE_CODE)  # loads the catalogue
    translation.deactivate()
    gc.collect()
    gc.freeze()
