"""Release sign-off by the case's own 包保 staff, in the browser (issue 12 item 1): a community
leader is refused as the cadre of a case assigned to a grid worker; after reassigning the case
to themself with the reason (shown in the history), the leader signs and releases, and the
release notice names the signers as assigned."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Dialog, Page, expect

from fangkong.browser import log_in
from fangkong.conftest import World
from fangkong.quarantine import actions
from fangkong.quarantine.models import Case, CaseStatus, SignOff

from .test_browser_release import case_ready_for_signatures, look

pytestmark = pytest.mark.browser


def test_a_leader_is_refused_then_signs_after_a_recorded_reassignment(
    phone: Page, world: World
) -> None:
    page = phone
    case = case_ready_for_signatures(world)  # cadre grid_g1, medical worker medic_a1
    actions.sign(case, by=world.user("medic_a1"), role="medic")

    log_in(page, world, "leader_a1")
    page.goto(f"/quarantine/cases/{case.pk}/")
    refusal = page.locator("#sign-refusals")
    expect(refusal).to_contain_text("grid_g1")
    expect(refusal).to_contain_text("包保干部")
    expect(page.locator("#sign-cadre")).to_have_count(0)
    expect(page.locator("#release-button")).to_be_disabled()
    look(page, "signers-01-leader-refused")

    # Signing anyway (a stale page, a crafted form) is refused on the server too.
    response = page.request.post(
        f"/quarantine/cases/{case.pk}/sign/",
        form={
            "role": "cadre",
            "csrfmiddlewaretoken": page.locator(
                "#responsible-form [name=csrfmiddlewaretoken]"
            ).input_value(),
        },
        headers={"Referer": page.url},
    )
    assert response.status == 422 and "grid_g1" in response.text()
    assert not SignOff.objects.filter(case=case, role="cadre").exists()

    page.locator("#quarantine summary").filter(has_text=re.compile(r"\S")).first.click()
    form = page.locator("#responsible-form")
    expect(form).to_be_visible()
    form.locator("[name=cadre]").select_option(label="leader_a1")
    form.locator("[name=reason]").fill("网格员病假，由社区书记包保并签字")
    look(page, "signers-02-reassigning")
    form.locator("button[type=submit]").click()
    expect(page.locator("#case-cadre")).to_contain_text("leader_a1")
    history = page.locator("#history")
    expect(history).to_contain_text("网格员病假，由社区书记包保并签字")
    expect(history).to_contain_text("leader_a1")
    look(page, "signers-03-reassigned")

    asked: list[str] = []

    def agree(dialog: Dialog) -> None:  # signing and releasing each ask first (item 8)
        asked.append(dialog.message)
        dialog.accept()

    page.on("dialog", agree)
    page.click("#sign-cadre")
    expect(page.locator("#release-ready")).to_be_visible()
    page.click("#release-button")
    expect(page.locator("#release-notice-link")).to_be_visible()
    assert Case.objects.get(pk=case.pk).status == CaseStatus.RELEASED
    assert len(asked) == 2 and all(case.resident.name in m for m in asked), asked
    page.click("#release-notice-link")
    expect(page.locator("#cadre-signer")).to_have_text("leader_a1")
    expect(page.locator("#medic-signer")).to_have_text("medic_a1")
    look(page, "signers-04-release-notice")
