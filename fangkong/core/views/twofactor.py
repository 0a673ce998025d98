"""Two-factor pages: enrol an authenticator app, and enter its code after the password."""

from __future__ import annotations

from urllib.parse import quote

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from fangkong.core import twofactor
from fangkong.core.models import User


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("6-digit code from your authenticator app"),
        max_length=8,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "autofocus": True}
        ),
    )


def staff_user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return target
    return "/"


def _check(device: TOTPDevice, form: CodeForm) -> bool:
    allowed, _why = device.verify_is_allowed()
    if not allowed:
        form.add_error(
            "code", _("Too many wrong codes. Wait a moment, then try again with a new code.")
        )
        return False
    if not device.verify_token(form.cleaned_data["code"].strip()):
        form.add_error(
            "code", _("The code is wrong or has expired. Enter the current code from your app.")
        )
        return False
    return True


@login_required
@require_http_methods(["GET", "POST"])
def setup(request: HttpRequest) -> HttpResponse:
    """Enrol: a new secret shown as a QR code and as text, confirmed with a code from the app.
    Required for township admins without a device, open to anyone from their account."""
    user = staff_user(request)
    if twofactor.has_device(user) and not twofactor.is_verified(request):
        # replacing a device needs the code of the current one first
        return redirect(f"{reverse('core:twofactor_verify')}?next={quote(request.get_full_path())}")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=_("Authenticator app"), confirmed=False)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and _check(device, form):
        # the new device replaces any earlier one
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        otp_login(request, device)
        return redirect(_next(request))
    context = {
        "form": form,
        "qr": twofactor.qr_svg(twofactor.otpauth_uri(device, user)),
        "secret": twofactor.secret_text(device),
        "required": twofactor.required_for(user),
        "enrolled": twofactor.has_device(user),
        "next": _next(request),
    }
    return render(request, "core/twofactor_setup.html", context, status=422 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """The code after the password, for someone with a confirmed device."""
    user = staff_user(request)
    devices = list(TOTPDevice.objects.filter(user=user, confirmed=True))
    if not devices:
        return redirect(f"{reverse('core:twofactor_setup')}?next={quote(_next(request))}")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and _check(devices[0], form):
        otp_login(request, devices[0])
        return redirect(_next(request))
    return render(
        request,
        "core/twofactor_verify.html",
        {"form": form, "next": _next(request)},
        status=422 if form.errors else 200,
    )
