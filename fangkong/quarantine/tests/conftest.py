"""Fixtures of the quarantine tests: messages in English, a site with rooms, the browser."""

import pytest
from django.utils import translation

from fangkong.quarantine.models import Room, Site

from .factories import RoomFactory, SiteFactory


@pytest.fixture(autouse=True)
def in_english():
    """Messages are asserted in their English source form, whatever the catalogue says."""
    with translation.override("en"):
        yield


@pytest.fixture
def client():
    """Pages in English (the source strings the tests assert), whatever the catalogue says."""
    from django.test import Client

    return Client(HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Uploaded lab files go to a throwaway directory."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def site_a(world) -> Site:
    return SiteFactory.create(township=world.township_a, name="江汉隔离酒店")


@pytest.fixture
def room_a(site_a) -> Room:
    return RoomFactory.create(site=site_a, number="801", capacity=1)
