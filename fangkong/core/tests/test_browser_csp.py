"""The Content-Security-Policy in a real browser: the public self-service pages (a returnee's
self-registration from the grid's QR code, a household's personal report link), the guard's
gate and the staff pages whose buttons were inline handlers work under it, and Chromium
reports no violation on any of them."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

import pytest
from django.utils import timezone
from playwright.sync_api import ConsoleMessage, Page, expect

from fangkong.browser import enter_second_factor
from fangkong.checkpoints.models import Gate, GateEntry
from fangkong.checkpoints.passes import issue
from fangkong.checkpoints.payload import qr_text
from fangkong.conftest import PASSWORD, World
from fangkong.health.models import CheckIn
from fangkong.health.tests.conftest import quarantine_case
from fangkong.screening import actions as screening
from fangkong.screening.models import Registration, RegistrationLink

pytestmark = pytest.mark.browser

# Every violation is also a `securitypolicyviolation` event on the document: kept in a list
# the test reads back, besides Chromium's console message ("Refused to ...").
LISTEN = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(
    e.violatedDirective + " " + e.blockedURI + " " + e.sourceFile + ":" + e.lineNumber
  );
});
"""


@pytest.fixture
def page(phone: Page) -> Iterator[Page]:
    phone.context.add_init_script(LISTEN)
    console: list[str] = []

    def keep(message: ConsoleMessage) -> None:
        if message.type == "error" or "Content Security Policy" in message.text:
            console.append(message.text)

    phone.on("console", keep)
    phone.on("pageerror", lambda error: console.append(f"page error: {error}"))
    phone.console_errors = console  # type: ignore[attr-defined]
    policies: dict[str, str | None] = {}
    phone.on(
        "response",
        lambda r: (
            policies.__setitem__(r.url, r.headers.get("content-security-policy"))
            if r.request.resource_type == "document"
            else None
        ),
    )
    yield phone
    # Every page the test saw was under the policy (not merely free of complaints).
    assert policies
    for url, policy in policies.items():
        # django-csp writes the directives in no fixed order: compare them one by one
        directives = {d.strip() for d in (policy or "").split(";")}
        assert "script-src 'self'" in directives and "unsafe" not in (policy or ""), url


def violations(page: Page) -> list[str]:
    reported = page.evaluate("window.__csp || []")
    refused = [m for m in page.console_errors if "Content Security Policy" in m]  # type: ignore[attr-defined]
    return [*reported, *refused]


def log_in(page: Page, world: World, key: str) -> None:
    page.goto("/login/")
    page.fill("#id_username", world.user(key).username)
    page.fill("#id_password", PASSWORD)
    page.click("form button[type=submit]")
    expect(page).not_to_have_url(re.compile(r"/login/"))
    enter_second_factor(page, world.user(key))  # a township admin's code (core.twofactor)
    assert violations(page) == []


def test_the_self_registration_page_works_under_the_policy(page: Page, world: World) -> None:
    today = timezone.localdate()
    link = screening.live_link(None, world.grid_g1)
    page.goto(f"/screening/r/{link.token}/")
    expect(page.locator("#self-registration")).to_be_visible()
    page.fill("#id_name", "返乡人")
    page.fill("#id_id_number", world.resident_g1.doc_number)
    page.fill("#id_phone", "13800138000")
    page.fill("#id_address", "1栋1单元101")
    page.fill("#id_arrival_date", today.isoformat())
    page.select_option("#id_transport", "train")
    page.fill("#id_transport_number", "G1234")
    page.fill("#id_stays-0-place", "北京市朝阳区")
    page.fill("#id_stays-0-start", (today - dt.timedelta(days=6)).isoformat())
    page.fill("#id_stays-0-end", (today - dt.timedelta(days=1)).isoformat())
    page.select_option("#id_health_code", "green")
    assert violations(page) == []
    page.click("#submit-registration")
    expect(page.locator("#thanks")).to_be_visible()
    assert violations(page) == []
    assert Registration.objects.filter(grid=world.grid_g1).count() == 1


def test_the_personal_report_link_works_under_the_policy(page: Page, world: World) -> None:
    quarantine_case(world, world.resident_g1, start=timezone.localdate())
    log_in(page, world, "grid_g1")
    page.goto(f"/health/households/{world.household_g1.pk}/links/")
    page.click("#make-link button")
    field = page.locator("#link-url")
    expect(page.locator(".qr svg")).to_be_visible()
    url = field.input_value()
    field.focus()  # data-select-on-focus (was an inline onfocus)
    assert page.evaluate(
        "document.getSelection().toString() || "
        "(document.activeElement.selectionEnd - "
        "document.activeElement.selectionStart)"
    ) not in ("", 0)
    assert violations(page) == []
    page.context.clear_cookies()

    page.goto(url)
    person = page.locator("section.person").first
    expect(person).to_be_visible()
    person.locator("input[name$=temperature]").fill("36.5")
    person.locator("button[type=submit]").click()
    expect(page.locator(".messages")).to_be_visible()
    assert violations(page) == []
    assert CheckIn.objects.count() == 1


def test_the_guards_gate_works_under_the_policy(page: Page, world: World) -> None:
    Gate.objects.create(
        township=world.township_a, community=world.community_a1, name="南门", state="open"
    )
    card = issue(world.user("admin_a"), world.resident_g1)
    log_in(page, world, "guard_a1")
    page.goto("/gate/")
    page.get_by_role("button", name=re.compile("南门")).click()
    expect(page.locator("#id_code")).to_be_visible()
    expect(page.locator("#scan-start")).to_be_visible()  # the camera script ran
    page.fill("#id_temperature", "36.6")
    page.fill("#id_code", qr_text(card.number))
    page.keyboard.press("Enter")
    expect(page.locator("#answer")).to_contain_text("张三丰")
    assert violations(page) == []
    assert GateEntry.objects.count() == 1


def test_a_confirm_button_asks_first_and_prints_with_a_script_file(
    page: Page, world: World
) -> None:
    first = screening.live_link(None, world.grid_g1)
    log_in(page, world, "grid_g1")
    page.goto("/screening/qr/")
    rotate = page.locator(f"#qr-{world.grid_g1.pk} form button[type=submit]")

    page.once("dialog", lambda dialog: dialog.dismiss())
    rotate.click()
    page.wait_for_timeout(300)
    assert RegistrationLink.objects.get(pk=first.pk).revoked_at is None  # declined: not sent

    page.once("dialog", lambda dialog: dialog.accept())
    rotate.click()
    expect(page.locator(f"#qr-{world.grid_g1.pk}")).to_be_visible()
    page.wait_for_load_state()
    assert RegistrationLink.objects.get(pk=first.pk).revoked_at is not None
    assert violations(page) == []


def test_the_api_docs_page_works_under_its_own_policy(page: Page, world: World) -> None:
    log_in(page, world, "admin_a")
    page.goto("/api/v1/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Fangkong API")
    operation = page.locator(".opblock").first
    operation.locator(".opblock-summary").click()
    expect(operation.locator(".try-out__btn")).to_be_visible()
    operation.locator(".try-out__btn").click()
    page.locator(".models-control, section.models h4").first.click()
    page.wait_for_timeout(500)
    assert violations(page) == []


def test_a_filter_submits_itself_when_changed(page: Page, world: World) -> None:
    log_in(page, world, "admin_a")
    page.goto("/rounds/")
    page.select_option("select[name=status]", "closed")  # data-autosubmit (was onchange)
    expect(page).to_have_url(re.compile(r"status=closed"))
    assert violations(page) == []
