"""Line lists (issue 13 item 4): each app's records of a period to .xlsx, masked unless
revealed with a reason, scoped to the user, audited, refused to roles that may not."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from fangkong.core.models import AuditEntry
from fangkong.core.registry import line_lists
from fangkong.core.spreadsheets import read_xlsx_bytes
from fangkong.quarantine.tests.factories import CaseFactory

pytestmark = pytest.mark.django_db

URL = reverse("reports:line_lists")


@pytest.fixture
def cases(world):
    today = timezone.localdate()
    world.resident_g1.phone = "13812345678"
    world.resident_g1.save()
    CaseFactory.create(resident=world.resident_g1, start_date=today - dt.timedelta(days=1))
    CaseFactory.create(resident=world.resident_b, start_date=today - dt.timedelta(days=1))


def _post(client, world, key, **data):
    client.force_login(world.user(key))
    today = timezone.localdate()
    body = {"name": "cases", "start": (today - dt.timedelta(days=3)).isoformat(), "end": today}
    body.update(data)
    return client.post(URL, body)


def test_every_issue_list_is_registered():
    assert {r.name for r in line_lists.registered()} >= {
        "returnees",
        "cases",
        "tests",
        "alerts",
        "gate_entries",
        "deliveries",
    }


def test_a_masked_export_of_the_users_cases(client, world, cases):
    response = _post(client, world, "leader_a1")
    assert response.status_code == 200
    rows = read_xlsx_bytes(b"".join(response.streaming_content))
    assert len(rows) == 2  # the header and 张三丰; not the other township's case
    assert "张三丰" in rows[1]
    assert "13812345678" not in rows[1] and any("****" in c for c in rows[1])
    entry = AuditEntry.objects.get(action="export", target_type="quarantine.case")
    assert entry.changes["revealed"] is False and entry.changes["rows"] == 1


def test_revealing_needs_a_reason_and_is_audited(client, world, cases):
    refused = _post(client, world, "leader_a1", reveal="on", reason="")
    assert refused.status_code == 422
    assert not AuditEntry.objects.filter(action="export").exists()
    response = _post(client, world, "leader_a1", reveal="on", reason="上门核查隔离人员")
    rows = read_xlsx_bytes(b"".join(response.streaming_content))
    assert "13812345678" in rows[1]
    entry = AuditEntry.objects.get(action="export")
    assert entry.changes["revealed"] is True and entry.reason == "上门核查隔离人员"


@pytest.mark.parametrize("name", ["returnees", "tests", "alerts", "gate_entries", "deliveries"])
def test_each_list_exports_for_the_township(client, world, cases, name):
    response = _post(client, world, "admin_a", name=name)
    assert response.status_code == 200
    rows = read_xlsx_bytes(b"".join(response.streaming_content))
    assert rows[0]  # the header row, in Chinese
    assert all(not cell.isascii() for cell in rows[0] if cell)


@pytest.mark.parametrize("key", ["guard_a1", "volunteer_a1"])
def test_roles_without_the_export_capability_are_refused(client, world, key):
    client.force_login(world.user(key))
    assert client.get(URL).status_code == 403


def test_a_role_only_sees_the_lists_it_may_read(client, world):
    client.force_login(world.user("office_a1"))
    page = client.get(URL).content.decode()
    assert 'value="cases"' in page
