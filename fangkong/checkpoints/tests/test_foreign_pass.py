"""Issue 10 item 10b: a pass of another community or township scanned at a gate answers "not
a pass of this community" and nothing about its holder: no name, document, quarantine or
lockdown, whichever way the scan is recorded (page path, fast path, API)."""

from __future__ import annotations

import uuid

import pytest

from fangkong.api.tests.client import ApiClient
from fangkong.checkpoints import entries, prepared_scan
from fangkong.checkpoints.models import GateEntry
from fangkong.checkpoints.payload import qr_text
from fangkong.checkpoints.views import answer_of

from .helpers import passage, put_in_quarantine

pytestmark = pytest.mark.django_db

NOT_OURS = [{"code": "pass_other_community", "text": "This is not a pass of this community."}]


@pytest.fixture
def english():
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.mark.parametrize("holder", ["resident_village", "resident_b"])
@pytest.mark.parametrize("path", ["record_resident", "record_scan"])
def test_a_foreign_pass_tells_nothing_of_its_holder(world, gate, pass_of, english, holder, path):
    resident = getattr(world, holder)
    card = pass_of(resident)
    put_in_quarantine(world, resident)  # their quarantine is not this gate's business
    guard = world.user("guard_a1")
    target = gate if path == "record_resident" else gate.pk

    record = entries.record_resident if path == "record_resident" else prepared_scan.record_scan
    done = record(guard, target, **passage(code=qr_text(card.number)))

    entry = GateEntry.objects.get(pk=done.entry.pk)
    assert (entry.verdict, entry.reasons) == ("stop", ["pass_other_community"])
    assert entry.resident_id is None and entry.name == "" and entry.grid_id is None
    answer = answer_of(entry)
    assert answer["reasons"] == NOT_OURS
    assert answer["person"] == {"name": "", "masked_document": ""}
    if done.person is not None:
        assert done.person == {"name": "", "masked_document": ""}


def test_the_api_answers_not_a_pass_of_this_community_without_a_name(world, gate, pass_of):
    put_in_quarantine(world, world.resident_b)
    client = ApiClient(world.user("guard_a1"))
    client.client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    response = client.post(
        "/gate/scan",
        {
            "gate_id": gate.pk,
            "direction": "out",
            "temperature": "36.6",
            "health_code": "green",
            "client_key": str(uuid.uuid4()),
            "code": qr_text(pass_of(world.resident_b).number),
        },
    )

    assert response.status_code == 201, response.json()
    answer = response.json()
    assert answer["reasons"] == NOT_OURS
    assert answer["person"]["name"] == "" and answer["person"]["masked_document"] == ""
    assert world.resident_b.name not in response.content.decode()
