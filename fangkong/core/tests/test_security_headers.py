"""Response headers: a Content-Security-Policy on every page (no inline script anywhere),
HSTS only when the site is served over HTTPS (`SECURE_COOKIES=1`), and the small ones."""

import runpy
from pathlib import Path

import pytest
from django.test import override_settings
from django.urls import reverse

import fangkong.settings

SETTINGS_FILE = Path(fangkong.settings.__file__)


def directives(header: str) -> dict[str, list[str]]:
    parts = (p.strip().split() for p in header.split(";") if p.strip())
    return {p[0]: p[1:] for p in parts}


@pytest.mark.parametrize("name", ["login", "core:workbench"])
def test_every_page_has_a_policy_without_inline_script(client, world, name):
    client.force_login(world.user("grid_g1"))
    response = client.get(reverse(name))
    policy = directives(response.headers["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["default-src"] == ["'self'"]


def test_error_pages_and_the_api_have_the_policy_too(client, world):
    client.force_login(world.user("grid_g1"))
    page = client.get(reverse("people:resident_detail", args=[world.resident_g2.pk]))
    api = client.get("/api/v1/residents")
    for response in (page, api):
        assert "'unsafe-inline'" not in response.headers["Content-Security-Policy"]


def test_the_api_docs_page_alone_allows_the_data_images_swagger_draws(client, world):
    client.force_login(world.user("admin_a"))
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    policy = directives(response.headers["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"]  # Swagger UI's scripts are files of the app
    assert policy["style-src"] == ["'self'"]
    assert policy["img-src"] == ["'self'", "data:"]  # its stylesheet draws icons as data: SVGs
    login = directives(client.get(reverse("core:workbench")).headers["Content-Security-Policy"])
    assert login["img-src"] == ["'self'"]


def test_small_headers_are_sent(client, world):
    response = client.get(reverse("login"))
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"


def _settings(monkeypatch, tmp_path, **env: str) -> dict:
    monkeypatch.setenv("FANGKONG_VAR_DIR", str(tmp_path))
    monkeypatch.setenv("SECRET_KEY", "settings-test-key")
    for name in ("SECURE_COOKIES", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(SETTINGS_FILE))


def test_hsts_is_on_only_when_the_site_is_served_over_https(monkeypatch, tmp_path):
    plain = _settings(monkeypatch, tmp_path)
    assert plain.get("SECURE_HSTS_SECONDS", 0) == 0
    https = _settings(monkeypatch, tmp_path, SECURE_COOKIES="1")
    assert https["SECURE_HSTS_SECONDS"] == 365 * 24 * 3600
    assert https["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is False
    assert https.get("SECURE_SSL_REDIRECT", False) is False  # the proxy in front decides
    tuned = _settings(
        monkeypatch,
        tmp_path,
        SECURE_COOKIES="1",
        SECURE_HSTS_SECONDS="600",
        SECURE_HSTS_INCLUDE_SUBDOMAINS="1",
    )
    assert tuned["SECURE_HSTS_SECONDS"] == 600
    assert tuned["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True


def test_behind_a_proxy_https_is_taken_from_x_forwarded_proto_only_when_configured(
    monkeypatch, tmp_path
):
    assert (
        _settings(monkeypatch, tmp_path, SECURE_COOKIES="1").get("SECURE_PROXY_SSL_HEADER") is None
    )
    proxied = _settings(monkeypatch, tmp_path, SECURE_COOKIES="1", NUM_PROXIES="1")
    assert proxied["SECURE_PROXY_SSL_HEADER"] == ("HTTP_X_FORWARDED_PROTO", "https")
    assert _settings(monkeypatch, tmp_path, NUM_PROXIES="1").get("SECURE_PROXY_SSL_HEADER") is None


@override_settings(SECURE_HSTS_SECONDS=3600)
def test_hsts_header_goes_out_on_https_requests(client, db):
    assert "Strict-Transport-Security" not in client.get(reverse("login")).headers
    secure = client.get(reverse("login"), secure=True)
    assert secure.headers["Strict-Transport-Security"] == "max-age=3600"


def test_no_hsts_header_without_secure_cookies(client, db):
    # The test settings are the defaults: SECURE_COOKIES unset.
    assert "Strict-Transport-Security" not in client.get(reverse("login"), secure=True).headers
