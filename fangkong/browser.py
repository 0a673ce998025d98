"""Browser journeys: Debian's Chromium driven by Playwright against Django's live server.

Tests marked `browser` use the `phone` fixture: a fresh browser context the size of a phone
(375 × 812) whose relative URLs go to pytest-django's `live_server`. Playwright cannot
download browsers here, so it launches `/usr/bin/chromium`; when that is missing the tests
are skipped with the reason, unless FANGKONG_REQUIRE_BROWSER=1 (`make test-browser`, CI),
which makes them fail instead.

Playwright's sync API runs an asyncio loop in the test's thread, and Django refuses database
calls from a thread with a running loop; the fixtures therefore set
DJANGO_ALLOW_ASYNC_UNSAFE for the duration (the live server answers in its own thread).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from django.conf import settings

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 375, "height": 812}
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"


def browser_required() -> bool:
    return os.environ.get("FANGKONG_REQUIRE_BROWSER") == "1"


def skip_or_fail(reason: str) -> None:
    """Skip the test, or fail it when browser tests are required."""
    if browser_required():
        pytest.fail(f"{reason} (FANGKONG_REQUIRE_BROWSER=1)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def chromium() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        skip_or_fail(f"{CHROMIUM} is not installed (apt-get install chromium fonts-wqy-microhei)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - dev dependency
        skip_or_fail("the playwright package is not installed (pip install -e '.[dev]')")
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
            )
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def phone(chromium: Browser, live_server: Any) -> Iterator[Page]:
    """A page in a phone-sized context, in Chinese, pointed at the live server."""
    context = chromium.new_context(
        viewport=PHONE,  # type: ignore[arg-type]
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
        base_url=live_server.url,
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


def screenshot(page: Page, name: str) -> Path:
    """Save a full-page screenshot as test-artifacts/<name>.png (git-ignored)."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{re.sub(r'[^A-Za-z0-9_.-]+', '-', name)}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def phone_problems(page: Page) -> list[str]:
    """What makes the page unusable on the phone: files the page asked for that failed to
    load (the stylesheet, scripts; not the browser's own favicon request) and content wider
    than the screen."""
    failed = page.evaluate(
        "performance.getEntriesByType('resource')"
        ".filter(e => e.responseStatus >= 400 && !e.name.endsWith('/favicon.ico'))"
        ".map(e => e.name)"
    )
    problems = [f"{url} failed to load" for url in failed]
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > PHONE["width"]:
        problems.append(f"the page is {width}px wide on a {PHONE['width']}px screen")
    return problems


def enter_second_factor(page: Page, user: Any) -> None:
    """Right after the password in a journey: a township admin (core.twofactor) is asked for
    the code of their authenticator app; it is computed here from their device."""
    from django_otp.plugins.otp_totp.models import TOTPDevice
    from playwright.sync_api import expect

    from fangkong.core import twofactor
    from fangkong.core.management.commands.otp import current_code

    if not twofactor.required_for(user):
        return
    expect(page).to_have_url(re.compile(r"/account/2fa/"))
    device = TOTPDevice.objects.filter(user=user).order_by("-confirmed").first()
    assert device is not None
    page.fill("#id_code", current_code(device))
    page.click("#twofactor-verify button[type=submit], #twofactor-setup form button.primary")
    expect(page).not_to_have_url(re.compile(r"/account/2fa/"))


def log_in(page: Page, world: Any, key: str) -> None:
    """Sign `world.user(key)` in on the login page (a township admin with their second factor)
    and wait until the login page is left."""
    from playwright.sync_api import expect

    from fangkong.conftest import PASSWORD

    user = world.user(key)
    page.context.clear_cookies()  # whoever was signed in before is signed out
    page.goto("/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("form button[type=submit]")
    enter_second_factor(page, user)
    expect(page).not_to_have_url(re.compile(r"/login/"))


# --- production serving and slow networks (issue 12 item 17) ---------------------------------

#: What production keeps in STATIC_ROOT (settings.py with DEBUG off): minified, hashed, gzip and
#: Brotli copies, served by WhiteNoise from the collected files (no finders).
PRODUCTION_STATIC = {
    "STORAGES": {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "fangkong.core.staticstorage.MinifiedCompressedManifestStorage"},
    },
    "WHITENOISE_USE_FINDERS": False,
    "WHITENOISE_AUTOREFRESH": False,
}
#: Slow 3G as the issue measured it: 400 ms latency, 400 kbit/s down and up.
SLOW_3G = {
    "offline": False,
    "latency": 400,
    "downloadThroughput": 400_000 / 8,
    "uploadThroughput": 400_000 / 8,
}


def collect_production_static(root: Path, ignore: tuple[str, ...] = ()) -> None:
    """`collectstatic` into `root` through the production storage (`ignore`: patterns of
    files no page under test uses, to save time: the admin's, the API docs')."""
    from django.core.management import call_command
    from django.test import override_settings

    with override_settings(STATIC_ROOT=root, **PRODUCTION_STATIC):
        call_command("collectstatic", interactive=False, verbosity=0, ignore_patterns=list(ignore))


class ProductionServer:
    """Django's live-server thread without the test handler for static files: WhiteNoise (in
    MIDDLEWARE) answers /static/ from `root` as in production, compressed copies included.
    Use with the `transactional_db` fixture, like pytest-django's `live_server`."""

    def __init__(self, root: Path) -> None:
        from django.db import connections
        from django.test import override_settings
        from django.test.testcases import LiveServerThread

        self.settings = override_settings(
            STATIC_ROOT=root,
            ALLOWED_HOSTS=["localhost", "127.0.0.1", "testserver"],
            **PRODUCTION_STATIC,
        )
        self.settings.enable()
        overrides: dict[str, Any] = {
            c.alias: c
            for c in connections.all()
            if c.vendor == "sqlite" and c.is_in_memory_db()  # type: ignore[attr-defined]
        }
        self.overrides = overrides
        self.thread = LiveServerThread(
            "localhost",
            static_handler=lambda handler: handler,  # type: ignore[arg-type]
            connections_override=overrides,
        )
        self.thread.daemon = True
        for conn in overrides.values():
            conn.inc_thread_sharing()
        self.thread.start()
        self.thread.is_ready.wait()
        if self.thread.error:
            self.stop()
            raise self.thread.error
        self.url = f"http://localhost:{self.thread.port}"

    def stop(self) -> None:
        self.thread.terminate()
        for conn in self.overrides.values():
            conn.dec_thread_sharing()
        self.settings.disable()


class NetworkLog:
    """Every response a page received over the network while emulating `conditions` (CDP
    Network.emulateNetworkConditions), with the cache off: URL, bytes on the wire
    (encodedDataLength: headers and the possibly compressed body) and content encoding."""

    def __init__(self, page: Page, conditions: dict[str, Any]) -> None:
        self.cdp = page.context.new_cdp_session(page)
        self.urls: dict[str, str] = {}
        self.encodings: dict[str, str] = {}
        self.bytes: dict[str, float] = {}
        self.cdp.on("Network.responseReceived", self._response)
        self.cdp.on("Network.loadingFinished", self._finished)
        self.cdp.send("Network.enable")
        self.cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
        self.cdp.send("Network.emulateNetworkConditions", conditions)

    def _response(self, event: dict[str, Any]) -> None:
        response = event["response"]
        self.urls[event["requestId"]] = response["url"]
        headers = {k.lower(): v for k, v in response.get("headers", {}).items()}
        self.encodings[event["requestId"]] = headers.get("content-encoding", "")

    def _finished(self, event: dict[str, Any]) -> None:
        self.bytes[event["requestId"]] = event["encodedDataLength"]

    def total(self) -> int:
        return int(sum(self.bytes.values()))

    def rows(self) -> list[tuple[str, int, str]]:
        """(URL, bytes, encoding), largest first: the report when a limit is missed."""
        return sorted(
            (
                (self.urls.get(rid, rid), int(n), self.encodings.get(rid, ""))
                for rid, n in self.bytes.items()
            ),
            key=lambda row: -row[1],
        )
