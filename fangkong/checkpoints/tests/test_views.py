"""The pages: the guard's page end to end (pick the gate, scan, search, resubmit, visitors,
vehicles), the role matrix, the gate log, stops on the workbench, passes and their cards,
and the public card page."""

from __future__ import annotations

import re
import uuid

import pytest

from fangkong.checkpoints.models import Gate, GateEntry, Pass
from fangkong.checkpoints.passes import revoke
from fangkong.checkpoints.payload import qr_text
from fangkong.checkpoints.search import search
from fangkong.core.models import AuditEntry

from .helpers import put_in_quarantine


def login(client, world, key):
    client.force_login(world.user(key))
    return client


def at_gate(client, world, gate, key="guard_a1"):
    login(client, world, key)
    response = client.post("/gate/choose/", {"gate": gate.pk})
    assert response.status_code == 302
    return client


def key_of(html: str) -> str:
    found = re.search(r'name="client_key" value="([0-9a-f-]+)"', html)
    assert found is not None
    return found.group(1)


def form_data(page_html: str, **kw):
    data = {
        "client_key": key_of(page_html),
        "direction": "out",
        "temperature": "36.6",
        "health_code": "green",
    }
    data.update(kw)
    return data


# ---- role matrix --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "status"),
    [
        ("guard_a1", 200),
        ("leader_a1", 200),
        ("admin_a", 200),
        ("volunteer_a1", 403),
        ("medic_a1", 403),
        ("police_a1", 403),
        ("grid_g1", 403),
        ("office_a1", 403),
    ],
)
def test_who_may_use_the_guard_page(client, world, gate, key, status) -> None:
    login(client, world, key)
    assert client.get("/gate/").status_code == status
    assert client.post("/gate/scan/", {}).status_code in ({403} if status == 403 else {302, 422})


@pytest.mark.parametrize(
    ("key", "status"),
    [
        ("police_a1", 200),
        ("leader_a1", 200),
        ("office_a1", 200),
        ("grid_g1", 200),
        ("admin_a", 200),
        ("guard_a1", 403),
        ("volunteer_a1", 403),
        ("medic_a1", 403),
    ],
)
def test_who_sees_the_gate_log(client, world, gate, key, status) -> None:
    login(client, world, key)
    assert client.get("/gate/log/").status_code == status


@pytest.mark.parametrize(
    "url",
    [
        "/people/residents/",
        "/quarantine/",
        "/screening/",
        "/health/checkins/",
        "/gate/log/",
        "/gate/passes/",
    ],
)
def test_a_guard_has_only_the_guard_page(client, world, url) -> None:
    login(client, world, "guard_a1")
    assert client.get(url).status_code in (403, 404)
    page = client.get("/").content.decode()
    nav = page.split('class="mainnav"')[1].split("</nav>")[0]
    assert 'href="/gate/"' in nav
    for other in ("/people/", "/quarantine/", "/gate/log/", "/gate/passes/", "/health/"):
        assert f'href="{other}' not in nav


def test_police_sees_the_log_but_cannot_record(client, world, gate, pass_of) -> None:
    at_gate(client, world, gate)
    page = client.get("/gate/").content.decode()
    client.post("/gate/scan/", form_data(page, code=qr_text(pass_of(world.resident_g1).number)))
    login(client, world, "police_a1")
    log = client.get("/gate/log/").content.decode()
    assert "张三丰" in log and world.resident_g1.doc_number not in log
    assert client.post("/gate/scan/", {}).status_code == 403
    assert client.post("/api/v1/gate/scan", {}, content_type="application/json").status_code in (
        403,
        422,
    )
    assert GateEntry.objects.count() == 1


# ---- the guard's page ---------------------------------------------------------------------------


def test_pick_the_gate_then_scan_a_resident_in_quarantine(
    client, world, gate, sealed_gate, pass_of
) -> None:
    put_in_quarantine(world, world.resident_g1)
    card = pass_of(world.resident_g1)
    login(client, world, "guard_a1")
    pick = client.get("/gate/").content.decode()
    assert "南门" in pick and "北门" not in pick  # only open gates
    assert client.post("/gate/choose/", {"gate": sealed_gate.pk}).status_code == 302
    assert "Which gate" in client.get("/gate/").content.decode()
    client.post("/gate/choose/", {"gate": gate.pk})
    page = client.get("/gate/").content.decode()
    assert 'id="id_code"' in page and "jsQR.js" in page

    data = form_data(page, code=qr_text(card.number))
    answer = client.post("/gate/scan/", data)
    html = answer.content.decode()
    assert answer.status_code == 200
    assert 'class="answer stop"' in html and "STOP" in html
    assert "in quarantine" in html and world.resident_g1.doc_number not in html

    again = client.post("/gate/scan/", data).content.decode()
    assert "recorded already" in again and 'class="answer stop"' in again
    assert GateEntry.objects.count() == 1


def test_a_page_key_reused_for_another_person_is_refused_with_a_fresh_key(
    client, world, gate, pass_of
) -> None:
    at_gate(client, world, gate)
    page = client.get("/gate/").content.decode()
    data = form_data(page, code=qr_text(pass_of(world.resident_g1).number))
    assert client.post("/gate/scan/", data).status_code == 200
    other = {**data, "code": qr_text(pass_of(world.resident_g2).number)}
    refused = client.post("/gate/scan/", other)
    html = refused.content.decode()
    assert refused.status_code == 422 and "already used for a different entry" in html
    assert key_of(html) != data["client_key"]
    assert GateEntry.objects.count() == 1
    assert client.post("/gate/scan/", {**other, "client_key": key_of(html)}).status_code == 200
    assert GateEntry.objects.count() == 2


def test_search_by_last_four_and_choose(client, world, gate) -> None:
    at_gate(client, world, gate)
    last4 = world.resident_g2.doc_number[-4:]
    page = client.get("/gate/", {"q": last4}).content.decode()
    assert "王二小" in page and world.resident_g2.doc_number not in page
    assert "孙外人" not in page  # other township
    chosen = client.get("/gate/", {"pick": world.resident_g2.pk}).content.decode()
    assert 'id="chosen"' in chosen and "王二小" in chosen
    answer = client.post(
        "/gate/scan/", form_data(chosen, resident_id=world.resident_g2.pk, temperature="37.5")
    ).content.decode()
    assert 'class="answer stop"' in answer and "Fever" in answer
    assert client.get("/gate/", {"q": "zhang"}).content.decode().count("张三丰") == 1
    assert "张三丰" in client.get("/gate/", {"q": "张三"}).content.decode()


def test_bad_input_shows_the_form_again_and_writes_nothing(client, world, gate, pass_of) -> None:
    at_gate(client, world, gate)
    page = client.get("/gate/").content.decode()
    code = qr_text(pass_of(world.resident_g1).number)
    response = client.post("/gate/scan/", form_data(page, code=code, temperature="47"))
    assert response.status_code == 422
    assert "not a plausible body temperature" in response.content.decode()
    assert not GateEntry.objects.exists()


def test_a_forged_code_at_the_page(client, world, gate) -> None:
    at_gate(client, world, gate)
    page = client.get("/gate/").content.decode()
    html = client.post("/gate/scan/", form_data(page, code="FKP1:abc:def")).content.decode()
    assert 'class="answer stop"' in html and "forged" in html


def test_visitor_refused_under_closed_management(client, world, gate, closed) -> None:
    closed.add(world.community_a1.pk)
    at_gate(client, world, gate)
    page = client.get("/gate/", {"tab": "visitor", "pick": world.resident_g2.pk}).content.decode()
    assert "王二小" in page
    data = form_data(
        page,
        direction="in",
        name="访客乙",
        phone="13912345678",
        doc_number=world.resident_b.doc_number,
        host_id=world.resident_g2.pk,
        purpose="串门",
    )
    html = client.post("/gate/visitor/", data).content.decode()
    assert 'class="answer stop"' in html and "not essential" in html
    entry = GateEntry.objects.get()
    assert (entry.kind, entry.verdict, entry.grid_id) == ("visitor", "stop", world.grid_g2.pk)


def test_vehicle_page(client, world, gate) -> None:
    at_gate(client, world, gate)
    page = client.get("/gate/", {"tab": "vehicle"}).content.decode()
    data = form_data(page, plate="鄂A 12345", name="司机", phone="13912345678", temperature="")
    html = client.post("/gate/vehicle/", data).content.decode()
    assert 'class="answer allow"' in html and "鄂A12345" in html


# ---- log, workbench panel, handling -------------------------------------------------------------


def test_stops_reach_the_grid_workers_workbench_and_are_handled(
    client, world, gate, pass_of
) -> None:
    at_gate(client, world, gate)
    page = client.get("/gate/").content.decode()
    code = qr_text(pass_of(world.resident_g1).number)
    client.post("/gate/scan/", form_data(page, code=code, temperature="38.2"))
    entry = GateEntry.objects.get()

    login(client, world, "grid_g2")  # other grid: not on their list
    assert f'id="stop-{entry.pk}"' not in client.get("/").content.decode()
    login(client, world, "guard_a1")
    assert f'id="stop-{entry.pk}"' not in client.get("/").content.decode()
    login(client, world, "grid_g1")
    bench = client.get("/").content.decode()
    assert f'id="stop-{entry.pk}"' in bench and "Fever" in bench

    response = client.post(f"/gate/stops/{entry.pk}/handle/", {"note": "劝返回家", "next": "/"})
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.handled_note == "劝返回家"
    assert f'id="stop-{entry.pk}"' not in client.get("/").content.decode()
    login(client, world, "grid_g2")
    assert client.post(f"/gate/stops/{entry.pk}/handle/", {"note": "x"}).status_code == 404


def test_log_filters_by_day_and_verdict(client, world, gate, pass_of, clock) -> None:
    at_gate(client, world, gate)
    page = client.get("/gate/").content.decode()
    client.post("/gate/scan/", form_data(page, code=qr_text(pass_of(world.resident_g1).number)))
    page = client.get("/gate/").content.decode()
    client.post("/gate/scan/", form_data(page, code="forged"))
    login(client, world, "leader_a1")
    log = client.get("/gate/log/").content.decode()
    assert log.count('class="entry ') == 2
    assert (
        client.get("/gate/log/", {"verdict": "stop"}).content.decode().count('class="entry ') == 1
    )
    other_day = client.get("/gate/log/", {"day": "2026-01-19"}).content.decode()
    assert 'class="entry ' not in other_day
    login(client, world, "leader_a2")
    assert 'class="entry ' not in client.get("/gate/log/").content.decode()


# ---- passes and cards ---------------------------------------------------------------------------


def test_bulk_issue_and_print_for_a_building(client, world) -> None:
    login(client, world, "grid_g1")
    page = client.get(f"/gate/passes/building/{world.building_g1.pk}/").content.decode()
    assert 'id="issue-missing"' in page
    client.post(f"/gate/passes/building/{world.building_g1.pk}/issue/")
    assert Pass.objects.valid().count() == 2
    assert AuditEntry.objects.filter(target_type="core.building").count() == 1
    cards = client.get(f"/gate/passes/building/{world.building_g1.pk}/print/").content.decode()
    assert cards.count('class="pass-card"') == 2 and cards.count("<svg") == 2
    assert world.resident_g1.doc_number not in cards
    # Another grid's worker does not reach this building.
    login(client, world, "grid_g2")
    assert client.get(f"/gate/passes/building/{world.building_g1.pk}/").status_code == 404
    assert client.post(f"/gate/passes/building/{world.building_g1.pk}/issue/").status_code == 404
    login(client, world, "guard_a1")
    assert client.get("/gate/passes/").status_code == 403


def test_revoke_and_reissue_from_the_page(client, world, pass_of) -> None:
    card = pass_of(world.resident_g1)
    login(client, world, "office_a1")
    client.post(f"/gate/passes/{card.pk}/reissue/", {"reason": "丢失"})
    card.refresh_from_db()
    assert card.revoked_at is not None
    new = Pass.objects.valid().get(resident=world.resident_g1)
    client.post(f"/gate/passes/{new.pk}/revoke/", {"reason": "搬走"})
    assert not Pass.objects.valid().exists()


def test_the_public_card_page(client, world, pass_of) -> None:
    card = pass_of(world.resident_g1)
    url = f"/gate/card/{qr_text(card.number)}/"
    html = client.get(url).content.decode()
    assert "张三丰" in html and card.number in html and "<svg" in html
    assert world.resident_g1.doc_number not in html
    assert world.resident_g1.doc_number[-4:] in html  # masked, last four shown
    assert world.resident_g1.phone not in html and world.household_g1.address not in html
    assert client.get("/gate/card/FKP1:abc:def/").status_code == 404
    assert client.get(f"/gate/card/{qr_text('999-000001')}/").status_code == 404
    revoke(world.user("leader_a1"), card, "lost")
    revoked = client.get(url).content.decode()
    assert 'id="revoked"' in revoked and "<svg" not in revoked


def test_guessing_cards_from_one_address_leaves_a_genuine_card_working(
    client, world, pass_of, settings
) -> None:
    settings.FANGKONG_REPORT_RATE = "3/min"
    card = pass_of(world.resident_g1)
    guesses = [
        client.get(f"/gate/card/{qr_text(f'999-{i:06d}')}/").status_code for i in range(4)
    ] + [client.get("/gate/card/FKP1:abc:def/").status_code]
    assert guesses == [404, 404, 404, 429, 429]
    genuine = client.get(f"/gate/card/{qr_text(card.number)}/")
    assert genuine.status_code == 200 and card.number in genuine.content.decode()


def test_unknown_key_format_is_refused(client, world, gate) -> None:
    at_gate(client, world, gate)
    response = client.post(
        "/gate/scan/",
        {"client_key": "nope", "direction": "in", "temperature": "36.5", "health_code": "green"},
    )
    assert response.status_code == 422
    assert not GateEntry.objects.exists()
    assert uuid.UUID(key_of(response.content.decode()))


# ---- a resident registered without a document ----------------------------------------------


def test_a_resident_without_a_document_is_found_by_name_phone_and_household(
    client, world, gate
) -> None:
    import datetime as dt

    from fangkong.people.tests.factories import ResidentFactory

    nodoc = ResidentFactory.create(
        household=world.household_g1,
        name="吴秀兰",
        relation="parent",
        doc_type="none",
        doc_number="",
        no_doc_reason="户口未迁入",
        birth_date=dt.date(1940, 3, 1),
        phone="13612340001",
    )
    at_gate(client, world, gate)

    def found(q: str) -> str:
        page = client.get("/gate/", {"q": q}).content.decode()
        return page.split('id="found"')[1].split("</ul>")[0]

    for q in ("吴秀兰", "秀兰", "wxl", "wuxiu", "13612340001", "0001", "1单元 101", "101"):
        result = found(q)
        assert "吴秀兰" in result, q
        assert f"pick={nodoc.pk}" in result, q
    result = found("秀兰")
    assert "No document" in result and "136****0001" in result and "1栋1单元101" in result
    assert "13612340001" not in result
    # chosen at the gate like anyone else
    chosen = client.get("/gate/", {"pick": nodoc.pk}).content.decode()
    assert 'id="chosen"' in chosen and "吴秀兰" in chosen
    # another community's gate does not find her
    other = Gate.objects.create(
        township=world.township_a, community=world.community_a2, name="村口"
    )
    assert search(other, "吴秀兰") == [] and search(other, "13612340001") == []
