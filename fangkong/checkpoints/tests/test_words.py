"""What the gate tells the guard says what happened (issue 12 item 13): a quarantined person
is stopped whichever way they go; a forged pass names nobody, so nobody was told."""

from __future__ import annotations

import pytest
from django.utils import translation

from fangkong.checkpoints.models import GateState
from fangkong.checkpoints.reasons import describe

from .test_views import at_gate, form_data

pytestmark = pytest.mark.django_db


def test_a_quarantined_person_is_not_told_only_about_going_out() -> None:
    with translation.override("zh-hans"):
        text = describe("quarantine")
    assert "外出" not in text and "进出" in text


def test_an_open_gate_is_open_not_waiting() -> None:
    with translation.override("zh-hans"):
        assert str(GateState.OPEN.label) == "开放"


def test_a_forged_pass_does_not_claim_a_grid_worker_was_told(client, world, gate) -> None:
    at_gate(client, world, gate)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"
    with translation.override("zh-hans"):
        page = client.get("/gate/").content.decode()
        html = client.post("/gate/scan/", form_data(page, code="FKP1:abc:def")).content.decode()
    assert 'class="answer stop"' in html
    assert "已通知网格员" not in html and "未通知任何网格员" in html
