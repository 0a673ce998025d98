"""Password logins, refused for an address that failed too often across usernames.

django-axes locks one username from one address after a few wrong passwords; that does not
stop one address trying one common password against many usernames (password spraying).
Here every failed login counts against its address, whatever the username: past
FANGKONG_LOGIN_SLOW_AFTER failures each attempt waits a little, and at the count of
FANGKONG_LOGIN_ADDRESS_FAILURES the address is refused, even with a correct password, until
the period has passed. As an authentication backend it covers every login that goes through
`django.contrib.auth.authenticate`: the login page, the admin's and `POST /auth/token`.

A refusal raises PermissionDenied, which `authenticate` reports as a failed login; the flag
set on the request makes the axes middleware answer with `lockout.lockout_response` (429,
the page or JSON saying when to try again).
"""

from __future__ import annotations

from time import sleep
from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from . import ratelimit

SCOPE = "login-failures"


class AddressGuardedModelBackend(ModelBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        if request is None or password is None:
            return super().authenticate(request, username, password, **kwargs)
        rate = settings.FANGKONG_LOGIN_ADDRESS_FAILURES
        until = ratelimit.refused_until(request, SCOPE)
        if until is not None:
            request.fangkong_address_refused_until = until  # type: ignore[attr-defined]
            request.axes_locked_out = True  # type: ignore[attr-defined]
            raise PermissionDenied
        if ratelimit.failures(request, SCOPE, rate) >= settings.FANGKONG_LOGIN_SLOW_AFTER:
            sleep(settings.FANGKONG_LOGIN_SLOW_SECONDS)
        user = super().authenticate(request, username, password, **kwargs)
        if user is None:
            ratelimit.count_failure(request, SCOPE, rate)
        return user
