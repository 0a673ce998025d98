"""The guard at the gate, in a real browser on a phone-sized screen: picks the gate, scans a
resident's pass the way a USB scanner does (the code typed into the field), and is told to
STOP a person in home quarantine. Then the same with the phone's camera, fed a video of the
pass's QR code (Chromium's fake capture device)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import segno
from PIL import Image
from playwright.sync_api import Browser, Page, expect

from fangkong.browser import CHROMIUM, CHROMIUM_ARGS, PHONE, log_in, phone_problems, screenshot
from fangkong.checkpoints.models import GateEntry, Pass
from fangkong.checkpoints.payload import qr_text
from fangkong.conftest import World

from .helpers import put_in_quarantine

pytestmark = pytest.mark.browser


@pytest.fixture
def clock() -> Iterator[None]:
    """Real time here: the browser and the live server keep their own clocks."""
    yield None


def look(page: Page, step: str) -> None:
    screenshot(page, f"checkpoints-{step}")
    assert phone_problems(page) == [], step


def test_a_guard_scans_a_pass_and_is_told_to_stop_a_person_in_quarantine(
    phone: Page, world: World, gate, pass_of
) -> None:
    put_in_quarantine(world, world.resident_g1)
    card = pass_of(world.resident_g1)
    log_in(phone, world, "guard_a1")
    phone.goto("/gate/")
    look(phone, "01-pick-gate")
    phone.get_by_role("button", name=re.compile("南门")).click()
    expect(phone.locator("#id_code")).to_be_visible()
    look(phone, "02-gate")

    phone.check("input[name=direction][value=out]")
    phone.fill("#id_temperature", "36.6")
    phone.fill("#id_code", qr_text(card.number))
    phone.press("#id_code", "Enter")  # what a USB scanner sends after the code

    answer = phone.locator("#answer")
    expect(answer).to_have_class(re.compile(r"\bstop\b"))
    expect(answer).to_contain_text("张三丰")
    expect(answer.locator("li[data-code=quarantine]")).to_be_visible()
    look(phone, "03-stop")
    font = answer.locator(".word").evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    assert font >= 40
    entry = GateEntry.objects.get()
    assert (entry.verdict, entry.reasons, entry.direction) == ("stop", ["quarantine"], "out")

    # Next person: a fresh form, and the stop is in the guard's recent list.
    phone.click("#next")
    expect(phone.locator("#recent li.stop")).to_have_count(1)

    # The visitor and vehicle screens fit the phone too.
    phone.goto(f"/gate/?tab=visitor&pick={world.resident_g2.pk}")
    expect(phone.locator("#chosen")).to_contain_text("王二小")
    look(phone, "03b-visitor")
    phone.goto("/gate/?tab=vehicle")
    look(phone, "03c-vehicle")

    # The police officer reads the log (masked), the stop among the entries.
    phone.context.clear_cookies()
    log_in(phone, world, "police_a1")
    phone.goto("/gate/log/")
    expect(phone.locator("tr.entry.stop")).to_have_count(1)
    assert world.resident_g1.doc_number not in phone.content()
    look(phone, "03d-log")


def _y4m_of(text: str, path: Path, frames: int = 15) -> Path:
    """A short Y4M video (4:2:0) of the QR code of `text`, centred on white."""
    width, height = 640, 480
    qr = segno.make(text, error="m")
    import io

    buffer = io.BytesIO()
    qr.save(buffer, kind="png", scale=8, border=4)
    image = Image.new("L", (width, height), 255)
    code = Image.open(io.BytesIO(buffer.getvalue())).convert("L")
    image.paste(code, ((width - code.width) // 2, (height - code.height) // 2))
    y = image.tobytes()
    chroma = bytes([128]) * ((width // 2) * (height // 2))
    with path.open("wb") as out:
        out.write(f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(frames):
            out.write(b"FRAME\n" + y + chroma + chroma)
    return path


def test_the_camera_reads_the_pass(
    chromium: Browser, live_server, world: World, gate, pass_of, tmp_path: Path
) -> None:
    put_in_quarantine(world, world.resident_g1)
    card = pass_of(world.resident_g1)
    video = _y4m_of(qr_text(card.number), tmp_path / "pass.y4m")
    # A browser of its own (the shared one has no fake camera), from the same Playwright.
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
        log_in(page, world, "guard_a1")
        page.goto("/gate/")
        page.get_by_role("button", name=re.compile("南门")).click()
        page.fill("#id_temperature", "36.5")
        page.click("#scan-start")
        answer = page.locator("#answer")
        expect(answer).to_have_class(re.compile(r"\bstop\b"))
        expect(answer).to_contain_text("张三丰")
        look(page, "04-camera-stop")
        assert GateEntry.objects.get().gate_pass_id == card.pk
        context.close()
    finally:
        camera.close()


def test_the_grid_worker_issues_a_buildings_passes_and_prints_the_cards(
    phone: Page, world: World
) -> None:
    log_in(phone, world, "grid_g1")
    phone.goto(f"/gate/passes/building/{world.building_g1.pk}/")
    look(phone, "05-building-passes")
    phone.click("#issue-missing button")
    expect(phone.locator(".messages")).to_contain_text("2")
    phone.click("#print-all")
    expect(phone.locator(".pass-card")).to_have_count(2)
    expect(phone.locator(".pass-card svg").first).to_be_visible()
    screenshot(phone, "checkpoints-06-cards")
    card = Pass.objects.valid().order_by("number").first()
    assert card is not None
    text = qr_text(card.number)
    phone.goto(f"/gate/card/{text}/")
    expect(phone.locator(".phone-card .qr svg")).to_be_visible()
    look(phone, "07-card-on-phone")
