"""Fixtures of the inspection tests: English messages and a small photo."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from django.utils import translation
from PIL import Image


@pytest.fixture(autouse=True)
def in_english(client) -> Iterator[None]:
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def photo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()
