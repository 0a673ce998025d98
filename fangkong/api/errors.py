"""One error body for the whole API: `{"detail": "<sentence>", "errors": {field: [messages]}}`.

`errors` is present for 422 only, keyed by the request field ('' for the whole record), with
the same messages the forms show. Every other refusal carries one translated sentence.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError

from fangkong.core.errors import DomainError

if TYPE_CHECKING:
    from ninja import NinjaAPI

logger = logging.getLogger("fangkong.api")


def unexpected_message() -> str:
    return _(
        "Something went wrong on the server; nothing more was done. Try again later, and tell "
        "the township's administrator if it happens again."
    )


def too_big_message() -> str:
    return _(
        "The request is too large (at most %(mb)s MB). Send fewer records at a time, or upload "
        "large files through the import page."
    ) % {"mb": settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024) or 1}


def not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    """Any path under /api/ that no endpoint serves: the API's JSON 404, even with DEBUG on."""
    return JsonResponse(
        {"detail": _("There is no such address in the API; see /api/v1/docs.")}, status=404
    )


def unprocessable(
    api: NinjaAPI, request: HttpRequest, errors: Mapping[str, list[str]]
) -> HttpResponse:
    return api.create_response(
        request,
        {
            "detail": _("The request was not accepted; see the message of each field."),
            "errors": dict(errors),
        },
        status=422,
    )


def _field_of(loc: Sequence[Any]) -> str:
    """The request field an error is about: ('body', 'payload', 'tags', 1) → 'tags'."""
    parts = [str(p) for p in loc if not isinstance(p, int)]
    if parts[:1] == ["body"]:
        parts = parts[2:]  # "body", then the name of the body parameter
    elif parts[:1] and parts[0] in ("query", "path", "header", "cookie", "form"):
        parts = parts[1:]
    return parts[0] if parts else ""


def _is_day(bound: Any) -> bool:
    """A bound of a date field (pydantic may hand it over as a date or as its ISO text)."""
    return isinstance(bound, dt.date) or (
        isinstance(bound, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", bound) is not None
    )


def _message_of(error: Mapping[str, Any]) -> str:
    """A sentence a person can act on, for the usual kinds of pydantic error."""
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return _("This field is required.")
    if kind == "string_too_long":
        return _("Enter at most %(max)s characters.") % {"max": ctx.get("max_length")}
    if kind in ("enum", "literal_error"):
        values = str(ctx.get("expected", "")).replace("' or '", "', '")
        return _("Choose one of these codes: %(values)s.") % {"values": values}
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return _("Enter a whole number.")
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than") and _is_day(
        ctx.get("ge", ctx.get("gt", ctx.get("le", ctx.get("lt"))))
    ):
        if kind.startswith("greater"):
            return _("Enter a date on or after %(min)s.") % {"min": ctx.get("ge", ctx.get("gt"))}
        return _("Enter a date on or before %(max)s.") % {"max": ctx.get("le", ctx.get("lt"))}
    if kind in ("greater_than_equal", "greater_than"):
        return _("Enter a number of at least %(min)s.") % {"min": ctx.get("ge", ctx.get("gt"))}
    if kind in ("less_than_equal", "less_than"):
        return _("Enter a number of at most %(max)s.") % {"max": ctx.get("le", ctx.get("lt"))}
    if kind == "string_too_short":
        return _("Enter at least %(min)s characters.") % {"min": ctx.get("min_length")}
    if kind == "too_long":
        return _("Give at most %(max)s items.") % {"max": ctx.get("max_length")}
    if kind == "too_short":
        return _("Give at least %(min)s items.") % {"min": ctx.get("min_length")}
    if kind.startswith("uuid"):
        return _("Enter a UUID, such as 123e4567-e89b-12d3-a456-426614174000.")
    if kind == "string_unicode":
        return _("This text is not valid Unicode.")
    if kind == "string_pattern_mismatch":
        return _("This value has the wrong format.")
    if kind == "finite_number":
        return _("Enter a finite number, such as 36.5.")
    if kind in ("decimal_max_digits", "decimal_whole_digits"):
        return _("This number has too many digits.")
    if kind == "decimal_max_places":
        return _("Enter at most %(n)s digits after the decimal point.") % {
            "n": ctx.get("decimal_places")
        }
    if kind in ("decimal_parsing", "decimal_type", "float_parsing", "float_type"):
        return _("Enter a number.")
    if kind.startswith("date"):
        return _("Enter a date as YYYY-MM-DD (ISO 8601).")
    if kind.startswith("bool"):
        return _("Enter true or false.")
    if kind in ("string_type", "list_type", "model_type", "dict_type"):
        return _("This value has the wrong type.")
    if kind == "json_invalid":
        return _("The request body is not valid JSON.")
    if kind == "extra_forbidden":
        return _("This field is not known.")
    return str(error.get("msg", _("This value is not valid.")))


def validation_errors(exc: ValidationError) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for error in exc.errors:
        out.setdefault(_field_of(error.get("loc", ())), []).append(_message_of(error))
    return out


def install(api: NinjaAPI) -> None:
    """Register the handlers that turn refusals into the API's error body."""

    def detail(request: HttpRequest, message: str, status: int) -> HttpResponse:
        return api.create_response(request, {"detail": message}, status=status)

    def on_domain_error(request: HttpRequest, exc: Any) -> HttpResponse:
        return unprocessable(api, request, exc.errors)

    def on_validation_error(request: HttpRequest, exc: Any) -> HttpResponse:
        return unprocessable(api, request, validation_errors(exc))

    def on_unauthenticated(request: HttpRequest, exc: Any) -> HttpResponse:
        response = detail(
            request,
            _("Authentication is required: send a valid API token or log in."),
            401,
        )
        response["WWW-Authenticate"] = "Bearer"
        return response

    def on_forbidden(request: HttpRequest, exc: Any) -> HttpResponse:
        return detail(request, _("Your role does not allow this."), 403)

    def on_not_found(request: HttpRequest, exc: Any) -> HttpResponse:
        return detail(request, _("Not found, or not in your jurisdiction."), 404)

    def on_throttled(request: HttpRequest, exc: Any) -> HttpResponse:
        return detail(request, _("Too many attempts. Wait a minute and try again."), 429)

    def on_http_error(request: HttpRequest, exc: Any) -> HttpResponse:
        if exc.status_code == 400 and exc.message.startswith("Cannot parse request body"):
            return detail(request, _("The request body is not valid JSON."), 400)
        return detail(request, exc.message, exc.status_code)

    def on_too_big(request: HttpRequest, exc: Any) -> HttpResponse:
        return detail(request, too_big_message(), 413)

    def on_suspicious(request: HttpRequest, exc: Any) -> HttpResponse:
        return detail(request, _("The request was malformed and was not accepted."), 400)

    def on_unexpected(request: HttpRequest, exc: Any) -> HttpResponse:
        """A bug: the traceback goes to the server's log, the caller gets one sentence."""
        logger.exception("Unexpected error in %s %s", request.method, request.path, exc_info=exc)
        return detail(request, unexpected_message(), 500)

    api.add_exception_handler(Exception, on_unexpected)
    api.add_exception_handler(RequestDataTooBig, on_too_big)
    api.add_exception_handler(SuspiciousOperation, on_suspicious)
    # A multipart body without its boundary, or one cut short: the request's fault, not ours.
    api.add_exception_handler(MultiPartParserError, on_suspicious)
    api.add_exception_handler(UnreadablePostError, on_suspicious)
    api.add_exception_handler(DomainError, on_domain_error)
    api.add_exception_handler(ValidationError, on_validation_error)
    api.add_exception_handler(AuthenticationError, on_unauthenticated)
    api.add_exception_handler(PermissionDenied, on_forbidden)
    api.add_exception_handler(Http404, on_not_found)
    api.add_exception_handler(Throttled, on_throttled)
    api.add_exception_handler(HttpError, on_http_error)


ERROR_SCHEMA = {
    "title": "ErrorOut",
    "type": "object",
    "description": "Every refusal: one translated sentence; for 422, the messages by field too",
    "required": ["detail"],
    "properties": {
        "detail": {"title": "Detail", "type": "string"},
        "errors": {
            "title": "Errors",
            "type": "object",
            "description": "422 only: messages by request field ('' for the whole record)",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
    },
}

_REFUSALS = {
    400: "The body is not valid JSON, or the request is malformed",
    401: "No valid token or session",
    403: "Your role does not allow this",
    404: "Not found, or not in your jurisdiction",
    413: "The body is larger than the server accepts",
    422: "A field is missing or not valid; `errors` names it",
    429: "Too many attempts; wait and try again",
}


def _refusals_of(operation: Mapping[str, Any]) -> list[int]:
    """The refusals an operation can answer with, from what it takes and how it is guarded."""
    codes = [422]
    if operation.get("requestBody"):
        codes += [400, 413]
    if operation.get("security"):
        codes += [401, 403, 404]
    return sorted(codes)


def document(schema: dict[str, Any]) -> dict[str, Any]:
    """Add the API's refusals (4xx, with the shared error body) to every operation of an
    OpenAPI document, where the operation does not declare them itself."""
    schema.setdefault("components", {}).setdefault("schemas", {})["ErrorOut"] = ERROR_SCHEMA
    ref = {"$ref": "#/components/schemas/ErrorOut"}
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            # Ninja keys the declared answers by number; JSON keys are text, so one key per
            # status (a 401 declared and a 401 added would be two "401" keys in the document).
            responses = {str(k): v for k, v in operation.get("responses", {}).items()}
            operation["responses"] = responses
            for code in _refusals_of(operation):
                responses.setdefault(
                    str(code),
                    {
                        "description": _REFUSALS[code],
                        "content": {"application/json": {"schema": ref}},
                    },
                )
    return schema
