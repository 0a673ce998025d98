"""Who is calling the API: a bearer token, or the app's own session (with its CSRF check).

A token is issued by `POST /api/v1/auth/token` and sent as `Authorization: Bearer <token>`;
only its SHA-256 digest is stored (`core.models.ApiToken`). Pages of the app call the API
with the logged-in session; unsafe methods then need the CSRF token, as forms do.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError, HttpError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.throttling import AnonRateThrottle
from ninja.utils import check_csrf

from .models import ApiToken, User

BEARER = "bearer"


def bearer_token(request: HttpRequest) -> str | None:
    """The raw token of an `Authorization: Bearer …` header, if the request carries one."""
    scheme, _sep, token = request.headers.get("Authorization", "").partition(" ")
    token = token.strip()
    if scheme.lower() != BEARER or not token:
        return None
    return token


class TokenAuth(HttpBearer):
    """`Authorization: Bearer <token>` for scripts, mini-programs and township systems."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = ApiToken.objects.authenticate(token.strip())
        if user is not None:
            request.user = user
        return user


class SessionAuth(APIKeyCookie):
    """The logged-in session of the app's own pages; unsafe methods must pass the CSRF check.

    Unlike Ninja's own session auth, the CSRF check runs only for a logged-in session, so an
    anonymous request is told to authenticate (401) rather than that CSRF failed (403).
    """

    param_name = settings.SESSION_COOKIE_NAME

    def __call__(self, request: HttpRequest) -> Any:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not isinstance(user, User):
            return None
        if not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request):
            raise HttpError(
                403,
                _(
                    "The CSRF check failed. Send the X-CSRFToken header with the value of the "
                    "csrftoken cookie, or use an API token."
                ),
            )
        return user

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        return None  # __call__ decides; the cookie value itself is never used here


def caller(request: HttpRequest) -> User:
    """The staff user an authenticated endpoint runs for."""
    user = getattr(request, "auth", None)
    if not isinstance(user, User):
        raise AuthenticationError()
    return user


class TokenIssueThrottle(AnonRateThrottle):
    """Password guessing on the token endpoint: a few attempts a minute per client address."""

    scope = "fangkong_token"

    def __init__(self) -> None:
        super().__init__(rate=settings.FANGKONG_TOKEN_RATE)
