"""Under /api/, every error answer is the API's JSON body, whoever produced it.

The API's own handlers (`fangkong.api.errors`) answer for what happens inside an endpoint.
What Django answers before or around one — a host not allowed, a method the path does not
take (405), a refusal of a middleware, or a crash with DEBUG on (the technical page) — is an
HTML page; this middleware, first in the list, puts one translated sentence in its place. The
traceback of a 500 has already been logged by Django ("django.request").
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from . import errors

PREFIX = "/api/"


def _sentence(status: int) -> str:
    if status >= 500:
        return errors.unexpected_message()
    if status == 404:
        return _("There is no such address in the API; see /api/v1/docs.")
    if status == 405:
        return _("This address does not take this method; see /api/v1/docs.")
    if status == 413:
        return errors.too_big_message()
    if status == 401:
        return _("Authentication is required: send a valid API token or log in.")
    if status == 403:
        return _(
            "This request was refused. Send a valid API token, or the CSRF token with a session."
        )
    return _("The request was malformed and was not accepted.")


class JsonErrors:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code >= 400
            and request.path.startswith(PREFIX)
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            replaced = JsonResponse({"detail": _sentence(response.status_code)})
            replaced.status_code = response.status_code
            for header in ("Allow", "WWW-Authenticate", "Retry-After"):
                if header in response:
                    replaced[header] = response[header]
            return replaced
        return response
