"""What a locked-out login gets (django-axes calls this): the lockout page in the browser,
a JSON error like every other API error on the API. Also for an address refused after too
many failed logins across usernames (`backends`), saying until when."""

from __future__ import annotations

import datetime as dt
import math
import time
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

STATUS = 429


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    message = _(
        "Too many wrong passwords for this account from this address. Wait a quarter of an "
        "hour and try again, or ask your township administrator to unlock it."
    )
    retry_after = 900
    until = getattr(request, "fangkong_address_refused_until", None)  # core.backends
    if until is not None:
        retry_after = max(1, math.ceil(until - time.time()))
        at = timezone.localtime(dt.datetime.fromtimestamp(until, tz=dt.UTC))
        message = _(
            "Too many failed logins from this network address. Try again after %(time)s; "
            "if you did not make them, tell your township administrator."
        ) % {"time": f"{at:%H:%M}"}
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse({"detail": message}, status=STATUS)
        response["Retry-After"] = str(retry_after)
        return response
    return render(request, "registration/locked.html", {"message": message}, status=STATUS)
