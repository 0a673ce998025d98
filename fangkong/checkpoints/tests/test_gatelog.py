"""The gate log of a day (出入登记台账): printed and exported to .xlsx per day and gate, with
the day's totals (in, out, stopped, by reason); scoped, capability-checked, the export
audited."""

from __future__ import annotations

import datetime as dt
import io
import uuid

import pytest
from python_calamine import CalamineWorkbook

from fangkong.checkpoints.gatelog import day_log
from fangkong.checkpoints.models import GateEntry
from fangkong.checkpoints.reasons import describe
from fangkong.core.models import AuditEntry
from fangkong.core.spreadsheets import read_xlsx_bytes

from .conftest import TODAY, at, make_gate

FEVER, FORGED, QUARANTINE = "fever", "pass_forged", "quarantine"


def login(client, world, key):
    client.force_login(world.user(key))
    return client


def entry(gate, when, direction, *, name="", reasons=(), resident=None, phone=""):
    return GateEntry.objects.create(
        township=gate.township,
        community=gate.community,
        gate=gate,
        at=when,
        direction=direction,
        kind="resident" if resident else "visitor",
        resident=resident,
        name=name or (resident.name if resident else "访客"),
        phone=phone,
        verdict="stop" if reasons else "allow",
        reasons=list(reasons),
        client_key=uuid.uuid4(),
    )


@pytest.fixture
def day(world, gate):
    """South gate: 2 in, 1 out, 3 stops (fever twice, one with a forged pass too); north
    gate: 1 in, 1 stop for quarantine; yesterday and another community's gate: not counted."""
    north = make_gate(world, "北门")
    other = make_gate(world, "东门", community=world.community_a2)
    entry(gate, at(hour=7), "in", resident=world.resident_g1)
    entry(gate, at(hour=9), "in", name="王访客", phone="13912345678")
    entry(gate, at(hour=10), "out", resident=world.resident_g1_spouse)
    entry(gate, at(hour=11), "in", name="发热者", reasons=[FEVER])
    entry(gate, at(hour=12), "in", name="伪造者", reasons=[FORGED, FEVER])
    entry(gate, at(hour=23, minute=59), "out", name="夜归人", reasons=[FEVER])
    entry(north, at(hour=8), "in", name="北来客")
    entry(north, at(hour=8, minute=30), "out", resident=world.resident_g1, reasons=[QUARANTINE])
    entry(gate, at(TODAY - dt.timedelta(days=1), hour=20), "in", name="昨天的人")
    entry(other, at(hour=9), "in", name="别社区的人")
    return {"south": gate, "north": north, "other": other}


def test_the_day_totals_count_in_out_stopped_and_each_reason(world, day):
    log = day_log(world.user("leader_a1"), TODAY)
    by_gate = {t.label: (t.entered, t.left, t.stopped) for t in log.per_gate}
    assert by_gate == {"北门": (1, 0, 1), "南门": (2, 1, 3)}
    total = log.total
    assert (total.entered, total.left, total.stopped, total.recorded) == (3, 1, 4, 8)
    assert total.reasons == {FEVER: 3, FORGED: 1, QUARANTINE: 1}
    assert log.entries.count() == 8
    one_gate = day_log(world.user("leader_a1"), TODAY, day["north"])
    assert [t.label for t in one_gate.per_gate] == ["北门"]
    assert (one_gate.total.entered, one_gate.total.stopped) == (1, 1)


def test_the_print_page_shows_the_days_entries_and_totals_of_the_gate(client, world, day):
    login(client, world, "leader_a1")
    page = client.get(
        "/gate/log/print/", {"day": TODAY.isoformat(), "gate": day["south"].pk}
    ).content.decode()
    assert 'id="gate-log-print"' in page
    totals = page.split('id="day-totals"')[1].split("</table>")[0]
    assert "<td>南门</td><td>2</td><td>1</td><td>3</td><td>6</td>" in totals
    assert "北门" not in totals
    reasons = page.split('id="stop-reasons"')[1].split("</table>")[0]
    assert f"<td>{describe(FEVER)}</td><td>3</td>" in reasons
    assert "发热者" in page and "夜归人" in page and "北来客" not in page
    assert "昨天的人" not in page and "别社区的人" not in page
    # masked: the full phone is not printed
    assert "13912345678" not in page and "5678" in page
    # the log page links to the print page and the export of the day shown
    log = client.get("/gate/log/", {"day": TODAY.isoformat()}).content.decode()
    assert f'/gate/log/print/?day={TODAY.isoformat()}"' in log
    assert f'/gate/log/export/?day={TODAY.isoformat()}"' in log


def test_the_export_is_an_xlsx_of_the_day_with_totals_and_is_audited(client, world, day):
    login(client, world, "office_a1")
    response = client.get("/gate/log/export/", {"day": TODAY.isoformat()})
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    data = b"".join(response.streaming_content)
    rows = read_xlsx_bytes(data)
    assert rows[0][:3] == ["Time", "Gate", "Direction"]
    names = [r[4] for r in rows[1:]]
    assert len(names) == 8 and "夜归人" in names and "别社区的人" not in names
    assert not any("13912345678" in cell for r in rows for cell in r)
    entry = AuditEntry.objects.get(action="export")
    assert entry.actor == world.user("office_a1")
    assert entry.target_type == "checkpoints.gateentry"
    assert entry.changes["rows"] == 8 and entry.changes["day"] == TODAY.isoformat()


def test_the_totals_sheet_of_the_export(client, world, day):
    login(client, world, "leader_a1")
    data = b"".join(
        client.get(
            "/gate/log/export/", {"day": TODAY.isoformat(), "gate": day["south"].pk}
        ).streaming_content
    )
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    totals = [[str(c) for c in r if c != ""] for r in book.get_sheet_by_index(1).iter_rows()]
    assert totals[:3] == [
        ["Gate", "In", "Out", "Stopped", "Recorded"],
        ["南门", "2", "1", "3", "6"],
        [],
    ]
    assert [describe(FEVER), "3"] in totals and [describe(FORGED), "1"] in totals
    # every gate: one line each, then the day's total
    login(client, world, "leader_a1")
    data = b"".join(client.get("/gate/log/export/", {"day": TODAY.isoformat()}).streaming_content)
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    totals = [[str(c) for c in r if c != ""] for r in book.get_sheet_by_index(1).iter_rows()]
    assert totals[1:4] == [
        ["北门", "1", "0", "1", "2"],
        ["南门", "2", "1", "3", "6"],
        ["All gates", "3", "1", "4", "8"],
    ]


@pytest.mark.parametrize(
    ("key", "print_status", "export_status"),
    [
        ("leader_a1", 200, 200),
        ("office_a1", 200, 200),
        ("grid_g1", 200, 200),
        ("admin_a", 200, 200),
        # the police reads the log but exports no personal data
        ("police_a1", 200, 403),
        ("guard_a1", 403, 403),
        ("volunteer_a1", 403, 403),
        ("medic_a1", 403, 403),
    ],
)
def test_who_may_print_and_export_the_gate_log(
    client, world, day, key, print_status, export_status
):
    login(client, world, key)
    query = {"day": TODAY.isoformat()}
    assert client.get("/gate/log/print/", query).status_code == print_status
    response = client.get("/gate/log/export/", query)
    assert response.status_code == export_status
    if export_status == 200:  # read to the end: the streamed file is closed after its last part
        assert b"".join(response.streaming_content).startswith(b"PK")
    if export_status == 403:
        assert not AuditEntry.objects.filter(action="export").exists()


def test_another_community_prints_and_exports_none_of_these_entries(client, world, day):
    login(client, world, "leader_a2")
    page = client.get("/gate/log/print/", {"day": TODAY.isoformat()}).content.decode()
    assert "别社区的人" in page and "南门" not in page and "发热者" not in page
    # a gate outside the jurisdiction cannot be chosen: the filter falls back to all visible
    page = client.get(
        "/gate/log/print/", {"day": TODAY.isoformat(), "gate": day["south"].pk}
    ).content.decode()
    assert "发热者" not in page
    data = b"".join(
        client.get(
            "/gate/log/export/", {"day": TODAY.isoformat(), "gate": day["south"].pk}
        ).streaming_content
    )
    names = [r[4] for r in read_xlsx_bytes(data)[1:]]
    assert names == ["别社区的人"]
