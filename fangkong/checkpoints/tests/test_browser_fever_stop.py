"""A fever stop at the gate raises an alert (plan 三(五)4; issue 12), in a real browser on a
phone: the guard records a resident with a fever and is told to keep them apart at the gate,
not to send them to hospital; the grid worker finds the alert on the workbench."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from fangkong.browser import log_in, phone_problems, screenshot
from fangkong.conftest import World, ensure_default_policy
from fangkong.health.models import Alert

pytestmark = pytest.mark.browser


@pytest.fixture
def clock() -> Iterator[None]:
    """Real time here: the browser and the live server keep their own clocks."""
    yield None


def look(page: Page, step: str) -> None:
    screenshot(page, f"checkpoints-fever-{step}")
    assert phone_problems(page) == [], step


def test_a_fever_stop_at_the_gate_raises_an_alert_for_the_team(
    phone: Page, live_server, world: World, gate
) -> None:
    ensure_default_policy()
    person = world.resident_g2
    log_in(phone, world, "guard_a1")
    phone.goto("/gate/")
    phone.get_by_role("button", name=re.compile("南门")).click()
    phone.goto(f"/gate/?pick={person.pk}")
    expect(phone.locator("#chosen")).to_contain_text(person.name)
    phone.check("input[name=direction][value=in]")
    phone.fill("#id_temperature", "38.4")
    look(phone, "01-chosen")
    phone.click("#gate-form button[type=submit].go")
    answer = phone.locator("#answer")
    expect(answer).to_have_class(re.compile(r"\bstop\b"))
    fever = answer.locator("li[data-code=fever]")
    expect(fever).to_be_visible()
    look(phone, "02-fever-stop")
    alert = Alert.objects.get()
    assert (alert.resident_id, alert.source, alert.status) == (person.pk, "gate", "open")

    # The grid worker of the person has it on the workbench.
    phone.context.clear_cookies()
    log_in(phone, world, "grid_g2")
    alerts = phone.locator("#worklist-alerts")
    expect(alerts).to_contain_text(person.name)
    look(phone, "03-grid-workbench")
    alerts.get_by_role("link", name=person.name).click()
    expect(phone.locator("#alert-source")).to_be_visible()
    look(phone, "04-alert")
