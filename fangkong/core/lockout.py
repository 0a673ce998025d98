"""What a locked-out login gets (django-axes calls this): the lockout page in the browser,
a JSON error like every other API error on the API."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

STATUS = 429


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    message = _(
        "Too many wrong passwords for this account from this address. Wait a quarter of an "
        "hour and try again, or ask your township administrator to unlock it."
    )
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse({"detail": message}, status=STATUS)
        response["Retry-After"] = "900"
        return response
    return render(request, "registration/locked.html", {"message": message}, status=STATUS)
