"""Sampling on a phone (Chromium, phone-sized): a medical worker takes a tube, adds a resident
by the pass code (what a scanner types) and another by searching the last digits of the
document number; the round page shows the coverage."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from fangkong.browser import phone_problems, screenshot
from fangkong.checkpoints.models import Pass
from fangkong.checkpoints.payload import qr_text
from fangkong.conftest import PASSWORD, World
from fangkong.masstesting.models import RoundMember

from .helpers import community_round

pytestmark = pytest.mark.browser


@pytest.fixture
def clock() -> Iterator[None]:
    """Real time here: the browser and the live server keep their own clocks."""
    yield None


def look(page: Page, step: str) -> None:
    screenshot(page, f"masstesting-{step}")
    assert phone_problems(page) == [], step


def test_a_medic_samples_two_people_into_a_pooled_tube(phone: Page, world: World) -> None:
    rnd = community_round(world)
    card = Pass.objects.create(
        township=world.township_a,
        community=world.community_a1,
        grid=world.grid_g1,
        resident=world.resident_g1,
        number="A1-000001",
    )
    page = phone
    page.goto("/login/")
    page.fill("#id_username", "medic_a1")
    page.fill("#id_password", PASSWORD)
    page.click("form button[type=submit]")
    expect(page).not_to_have_url(re.compile(r"/login/"))

    page.goto(f"/rounds/{rnd.pk}/sample/")
    look(page, "01-tube")
    page.fill("#id_tube", "t0001")
    page.click("#tube-form button[type=submit]")
    expect(page.locator("#tube-count")).to_have_text(re.compile(r"0 / 10|0 of 10|0.*10"))
    page.fill("#id_code", qr_text(card.number))
    page.click("#person-form button[type=submit]")
    expect(page.locator("#in-tube li")).to_have_count(1)
    page.fill("#id_q", world.resident_g2.doc_number[-4:])
    page.click("#person-form button[type=submit]")
    page.locator("#search-results button").first.click()
    expect(page.locator("#in-tube li")).to_have_count(2)
    look(page, "02-tube-with-two")
    page.fill("#id_code", "FKP1:forged:code")
    page.click("#person-form button[type=submit]")
    expect(page.locator("#person-errors")).to_be_visible()
    look(page, "03-forged-pass")

    page.goto(f"/rounds/{rnd.pk}/")
    expect(page.locator("#n-sampled")).to_have_text("2")
    look(page, "04-round-page")
    assert RoundMember.objects.filter(round=rnd, tube__code="T0001").count() == 2
