"""Fixtures of the policy tests: messages in English, and the browser (Chromium on Django's
live server)."""

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def in_english(request):
    """Messages are asserted in their English source form, whatever the catalogue says.
    (Pages asked for with the test client say `Accept-Language: en`; browser journeys keep
    the phone's Chinese.)"""
    if request.node.get_closest_marker("browser"):
        yield
        return
    with translation.override("en"):
        yield
