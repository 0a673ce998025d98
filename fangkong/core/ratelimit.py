"""Flood control for the public pages (self-registration, household health reports, supply
requests, the pass card): counted in Django's cache (local memory embedded, Redis when several
app servers share it, see CACHE_URL).

A page reached through a secret link counts its lookups with `refused_lookup`: a failed one
(unknown or revoked token) against the client address (FANGKONG_REPORT_RATE), a successful one
against the link itself (FANGKONG_LINK_RATE). So one address guessing tokens is refused further
guesses, while a household behind the same address (a shared NAT, a neighbour trying numbers)
keeps using its own genuine link.

A rate is "<n>/<period>" with the period one of s, min, h, day, optionally multiplied
("40/10min"). Only a keyed hash of the address is ever kept (`address_hash`), and only for
the window.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

_UNITS = {"s": 1, "min": 60, "h": 3600, "day": 86400}
_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*(s|min|h|day)\s*$")


def parse_rate(rate: str) -> tuple[int, int]:
    """'20/h' → (20 requests, 3600 seconds); '40/10min' → (40, 600)."""
    match = _RATE.match(rate)
    if match is None:
        raise ValueError(f"not a rate: {rate!r} (e.g. '20/h')")
    count, multiple, unit = match.groups()
    return int(count), int(multiple or 1) * _UNITS[unit]


def client_address(request: HttpRequest) -> str:
    """The connection's address, or the one the trusted proxies in front of the app (as many
    as NUM_PROXIES) put in X-Forwarded-For: a client cannot choose its own."""
    proxies = int(getattr(settings, "NINJA_NUM_PROXIES", 0) or 0)
    if proxies:
        forwarded = [
            a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return str(request.META.get("REMOTE_ADDR", ""))


def address_hash(request: HttpRequest) -> str:
    """A keyed hash of the client address (64 hex digits): equal for equal addresses, and not
    reversible by trying all 2³² IPv4 addresses without the secret key."""
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, client_address(request).encode(), hashlib.sha256).hexdigest()


def _hit(key: str, rate: str) -> bool:
    """Count one event under `key`; True once there were more than `rate` in the window."""
    limit, period = parse_rate(rate)
    window = int(time.time() // period)
    key = f"fangkong:{key}:{window}"
    cache.add(key, 0, timeout=period + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=period + 1)
        count = 1
    return count > limit


def over_limit(request: HttpRequest, scope: str, rate: str) -> bool:
    """Count this request against `scope`; True once the address made more than `rate`."""
    return _hit(f"{scope}:{address_hash(request)[:32]}", rate)


def refused_lookup(request: HttpRequest, scope: str, secret: str, *, found: bool) -> bool:
    """Count one lookup of a secret link of `scope`; True when it is to be answered 429.

    A failed lookup (`found` false) counts against the client address and is refused once
    the address failed more than FANGKONG_REPORT_RATE times. A successful one counts only
    against the link (keyed hash of `secret`), refused past FANGKONG_LINK_RATE: the failures
    of an address never lock a genuine link's holder out."""
    if not found:
        return over_limit(request, f"{scope}:miss", settings.FANGKONG_REPORT_RATE)
    key = hmac.new(settings.SECRET_KEY.encode(), secret.encode(), hashlib.sha256).hexdigest()
    return _hit(f"{scope}:link:{key[:32]}", settings.FANGKONG_LINK_RATE)
