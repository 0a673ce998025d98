"""Two-factor sign-in (issue 10, item 17): a TOTP code from an authenticator app (django-otp),
required for township administrators, optional for everyone else.

After the password, a township admin without a confirmed device is sent to enrol (QR code and
secret, confirmed with a code); one with a device must enter a code. Until then every page
and the admin site redirect there, and the session counts as anonymous for the API (a token
for an admin is issued only with a valid `otp`). Wrong codes are throttled by django-otp
(each failure doubles the wait before the next attempt).
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote

import segno
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import User
from .roles import Role

#: paths an admin may open before the code: signing in and out, enrolling, static files
_OPEN_PREFIXES = ("/login/", "/logout/", "/account/2fa/", "/static/", "/i18n/")


def required_for(user: object) -> bool:
    """Whether `user` must give a code to use the app (township administrators)."""
    return isinstance(user, User) and user.role == Role.TOWNSHIP_ADMIN


def has_device(user: User) -> bool:
    return bool(user_has_device(user, confirmed=True))


def is_verified(request: HttpRequest) -> bool:
    check = getattr(request.user, "is_verified", None)
    return bool(check and check())


class TwoFactorMiddleware:
    """After django-otp's OTPMiddleware: holds a township admin's session at the code page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and required_for(user)
            and not is_verified(request)
            and not request.path.startswith(_OPEN_PREFIXES)
        ):
            if request.path.startswith("/api/"):
                # the API's session auth sees nobody; a bearer token still works
                request.user = AnonymousUser()
            else:
                assert isinstance(user, User)
                name = "core:twofactor_verify" if has_device(user) else "core:twofactor_setup"
                return redirect(f"{reverse(name)}?next={quote(request.get_full_path())}")
        return self.get_response(request)


def otpauth_uri(device: TOTPDevice, user: User) -> str:
    """The otpauth:// address an authenticator app reads from the QR code."""
    uri: str = device.config_url
    return uri


def qr_svg(data: str) -> str:
    """An inline SVG QR code (segno: no image library, no CDN)."""
    svg: str = segno.make(data, error="m").svg_inline(scale=4, border=2)
    return svg


def secret_text(device: TOTPDevice) -> str:
    """The base32 secret in groups of four, for typing into an app by hand."""
    from base64 import b32encode

    raw = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def check_api_code(user: User, otp: str | None) -> str | None:
    """Why `otp` does not let `user` have an API token (None: it does, or none is needed)."""
    if not required_for(user):
        return None
    if not has_device(user):
        return _(
            "Township administrators sign in with a code from an authenticator app: log in on "
            "the website once to set it up, then ask for a token with the otp field."
        )
    if not otp:
        return _("Enter the 6-digit code from your authenticator app in the otp field.")
    for device in TOTPDevice.objects.filter(user=user, confirmed=True):
        allowed, _why = device.verify_is_allowed()
        if not allowed:
            return _("Too many wrong codes. Wait a moment, then try again with a new code.")
        if device.verify_token(otp.strip()):
            return None
    return _("The code is wrong or has expired. Enter the current code from your app.")
