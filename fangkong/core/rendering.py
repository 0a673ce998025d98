"""How a page answers: a full page, or only the partial that htmx asked for."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def is_htmx(request: HttpRequest) -> bool:
    """An htmx request that swaps part of the page. A history restore (the browser's Back
    after a pushed URL, with the page not in htmx's cache) needs the whole page instead."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not getattr(htmx, "history_restore_request", False)


def page_or_partial(
    request: HttpRequest,
    template: str,
    partial: str,
    context: Mapping[str, Any],
    *,
    status: int = 200,
) -> HttpResponse:
    """The whole `template`, or only its `{% partialdef partial %}` for an htmx request."""
    name = f"{template}#{partial}" if is_htmx(request) else template
    return render(request, name, dict(context), status=status)
