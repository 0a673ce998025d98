"""Sampling on a phone (Chromium, phone-sized): a medical worker takes a tube, adds a resident
by the pass code (what a scanner types) and another by searching the last digits of the
document number; the round page shows the coverage."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Dialog, Page, expect

from fangkong.browser import CHROMIUM, CHROMIUM_ARGS, PHONE, phone_problems, screenshot
from fangkong.checkpoints.models import Pass
from fangkong.checkpoints.payload import qr_text
from fangkong.checkpoints.tests.test_browser_journey import _y4m_of
from fangkong.conftest import PASSWORD, World
from fangkong.core.models import AuditEntry
from fangkong.masstesting.models import RoundMember
from fangkong.people.tests.factories import ResidentFactory

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


def test_a_medic_scans_with_the_camera_finds_by_pinyin_and_takes_a_person_out(
    chromium: Browser, live_server, world: World, tmp_path: Path
) -> None:
    """Issue 12 item 12: the gate's camera scanner on the sampling page, the resident list's
    search (pinyin initials), and a person put into the wrong tube taken out (confirmed)."""
    rnd = community_round(world)
    wrong = ResidentFactory.create(household=world.household_g1, name="李四光")
    card = Pass.objects.create(
        township=world.township_a,
        community=world.community_a1,
        grid=world.grid_g1,
        resident=world.resident_g1,
        number="A1-000001",
    )
    video = _y4m_of(qr_text(card.number), tmp_path / "pass.y4m")
    camera = chromium.browser_type.launch(
        executable_path=str(CHROMIUM),
        headless=True,
        args=[
            *CHROMIUM_ARGS,
            "--use-fake-device-for-media-stream",
            "--use-fake-ui-for-media-stream",
            f"--use-file-for-fake-video-capture={video}",
        ],
    )
    try:
        context = camera.new_context(
            viewport=PHONE,  # type: ignore[arg-type]
            is_mobile=True,
            has_touch=True,
            locale="zh-CN",
            base_url=live_server.url,
        )
        context.grant_permissions(["camera"])
        context.set_default_timeout(15_000)
        page = context.new_page()
        page.goto("/login/")
        page.fill("#id_username", "medic_a1")
        page.fill("#id_password", PASSWORD)
        page.click("form button[type=submit]")
        expect(page).not_to_have_url(re.compile(r"/login/"))
        page.goto(f"/rounds/{rnd.pk}/sample/?tube=T0001")
        # the camera reads the pass and puts the person into the tube
        page.click("#scan-start")
        expect(page.locator("#in-tube li")).to_have_count(1)
        expect(page.locator("#in-tube")).to_contain_text("张三丰")
        # pinyin initials find 李四光, who goes in by mistake
        page.fill("#id_q", "lsg")
        page.click("#person-form button[type=submit]")
        expect(page.locator("#search-results")).to_contain_text("李四光")
        page.locator("#search-results button").first.click()
        expect(page.locator("#in-tube li")).to_have_count(2)
        look(page, "05-wrong-person-in-tube")
        # taking out asks first; dismissing keeps the person in the tube
        questions: list[str] = []

        def dismiss(dialog: Dialog) -> None:
            questions.append(dialog.message)
            dialog.dismiss()

        page.once("dialog", dismiss)
        page.locator("#in-tube li", has_text="李四光").locator("button").click()
        expect(page.locator("#in-tube li")).to_have_count(2)
        assert questions and "李四光" in questions[0] and "T0001" in questions[0]

        def accept(dialog: Dialog) -> None:
            dialog.accept()

        page.once("dialog", accept)
        page.locator("#in-tube li", has_text="李四光").locator("button").click()
        expect(page.locator("#in-tube li")).to_have_count(1)
        expect(page.locator("#in-tube")).not_to_contain_text("李四光")
        look(page, "06-taken-out")
        member = RoundMember.objects.get(round=rnd, resident=wrong)
        assert member.tube_id is None and member.sampled_at is None
        assert AuditEntry.objects.filter(
            target_type="masstesting.roundmember", target_id=str(member.pk)
        ).exists()
        context.close()
    finally:
        camera.close()
