"""Flood control per client address: requests to the public pages (self-registration,
household health reports, supply requests, the pass card), and failed logins across usernames
(`backends`). Counted in Django's cache (local memory embedded, Redis when several app servers
share it, see CACHE_URL).

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

import contextlib
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
            a.strip()
            for a in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",")
            if a.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return str(request.META.get("REMOTE_ADDR", ""))


def address_hash(request: HttpRequest) -> str:
    """A keyed hash of the client address (64 hex digits): equal for equal addresses, and not
    reversible by trying all 2³² IPv4 addresses without the secret key."""
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, client_address(request).encode(), hashlib.sha256).hexdigest()


def _window_key(request: HttpRequest, scope: str, period: int) -> str:
    return f"fangkong:{scope}:{address_hash(request)[:32]}:{int(time.time() // period)}"


def _incr(key: str, period: int) -> int:
    cache.add(key, 0, timeout=period + 1)
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=period + 1)
        return 1


def over_limit(request: HttpRequest, scope: str, rate: str) -> bool:
    """Count this request against `scope`; True once the address made more than `rate`."""
    limit, period = parse_rate(rate)
    return _incr(_window_key(request, scope, period), period) > limit


def take(request: HttpRequest, scope: str, rate: str) -> float | None:
    """Count one accepted use of `scope` by this address, unless the address already had
    `rate`'s count in the current window: then nothing is counted and the answer is when the
    window ends (a Unix time), so the page can say when to try again. `give_back` undoes a
    use that ended up refused, so only accepted ones count."""
    limit, period = parse_rate(rate)
    key = _window_key(request, scope, period)
    if _incr(key, period) <= limit:
        return None
    _decr(key)
    return (int(time.time() // period) + 1) * period


def give_back(request: HttpRequest, scope: str, rate: str) -> None:
    """Undo one `take` of this address (the use was refused after all)."""
    _limit, period = parse_rate(rate)
    _decr(_window_key(request, scope, period))


def _decr(key: str) -> None:
    with contextlib.suppress(ValueError):  # the window ended in between: nothing to undo
        cache.decr(key)


def failures(request: HttpRequest, scope: str, rate: str) -> int:
    """How many failures `count_failure` counted for this address in the current window."""
    _limit, period = parse_rate(rate)
    return int(cache.get(_window_key(request, scope, period), 0))


def count_failure(request: HttpRequest, scope: str, rate: str) -> None:
    """Count a failure of this address; at the rate's count within one window, the address is
    refused (`refused_until`) for the rate's whole period from now."""
    limit, period = parse_rate(rate)
    if _incr(_window_key(request, scope, period), period) >= limit:
        refused = f"fangkong:{scope}:refused:{address_hash(request)[:32]}"
        cache.set(refused, time.time() + period, timeout=period)


def refused_until(request: HttpRequest, scope: str) -> float | None:
    """Until when (a Unix time) `count_failure` refuses this address, if it does."""
    until = cache.get(f"fangkong:{scope}:refused:{address_hash(request)[:32]}")
    return float(until) if until is not None and until > time.time() else None


def _hit(key: str, rate: str) -> bool:
    """Count one event under `key`; True once there were more than `rate` in the window."""
    limit, period = parse_rate(rate)
    return _incr(f"fangkong:{key}:{int(time.time() // period)}", period) > limit


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
