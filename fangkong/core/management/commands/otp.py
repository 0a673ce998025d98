"""`fangkong otp USERNAME [--enrol]`: the current two-factor code of a user's authenticator
device, for the demo and for scripts on the server (the fuzz run's township admin). With
`--enrol`, a user without a device gets one first and its secret is printed too (add it to an
authenticator app to sign in on a phone). Whoever can run this already holds the database."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from fangkong.core import twofactor
from fangkong.core.models import User


def current_code(device: TOTPDevice) -> str:
    value = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    return f"{value:0{device.digits}d}"


class Command(BaseCommand):
    help = "Print the current two-factor code of a user (--enrol: create their device first)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("username")
        parser.add_argument("--enrol", action="store_true", help="Create a device if none.")

    def handle(self, *args: Any, username: str, enrol: bool, **options: Any) -> None:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no user {username!r}")
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            if not enrol:
                raise CommandError(f"{username} has no authenticator device (use --enrol)")
            device = TOTPDevice.objects.create(user=user, name="fangkong otp", confirmed=True)
            self.stderr.write(f"secret: {twofactor.secret_text(device)}")
            self.stderr.write(f"uri: {twofactor.otpauth_uri(device, user)}")
        self.stdout.write(current_code(device))
