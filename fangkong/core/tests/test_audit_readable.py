"""The audit log reads as Chinese (issue 12 item 11): field labels, choice labels, 是/否,
local times, names for references (a resident's masked), translated record types; for the
entries actions write today and for entries stored before (codes and ids)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from fangkong.core import actions as core_actions
from fangkong.core.models import AuditAction, AuditEntry
from fangkong.health import actions as health_actions
from fangkong.masstesting import actions as round_actions
from fangkong.masstesting.rounds import open_round
from fangkong.quarantine.tests.cases import on, open_case, started

pytestmark = pytest.mark.django_db

AUDIT = reverse("core:audit_list")
#: what the issue saw on the page: English labels, codes, booleans, UTC ISO times
ENGLISH = re.compile(
    r"Temperature|Case:|in_quarantine|home_quarantine|registered|\bTrue\b|\bFalse\b"
    r"|\d{4}-\d{2}-\d{2}T\d{2}:\d{2}|\+00:00|testing round|check-in"
)


def _page(client, world) -> str:
    client.force_login(world.user("admin_a"))
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"
    with translation.override("zh-hans"):
        html = client.get(AUDIT).content.decode()
    return html[html.index('id="audit-results"') :]


def test_entries_written_by_actions_read_as_chinese(client, world) -> None:
    case = started(world, open_case(world))  # home quarantine: registered → in quarantine
    with on(case.start_date, hour=20):
        health_actions.record_checkin(
            case,
            world.resident_g1,
            Decimal("38.2"),
            ["乏力"],
            by=world.user("grid_g1"),
            via="staff",
        )
    core_actions.assign_building(
        world.user("leader_a1"),
        world.building_g1,
        cadre=world.user("grid_g1"),
        medic=world.user("medic_a1"),
    )
    rnd = open_round(world.user("leader_a1"), scope=world.community_a1, name="第一轮")
    round_actions.sample(None, rnd, tube_code="P1", pooled=True, resident=world.resident_g1)
    round_actions.close_round(world.user("leader_a1"), rnd)
    round_actions.reopen_round(world.user("leader_a1"), rnd, reason="漏采")

    html = _page(client, world)

    assert not ENGLISH.search(html), ENGLISH.search(html)
    assert "体温（°C）" in html  # the check-in's temperature, by its label
    assert "隔离中" in html and "居家隔离" in html  # status and kind by their choice labels
    assert "包保干部" in html and "grid_g1" in html  # the cadre by name, not "4"
    assert "是" in html  # pooled: True
    name = world.resident_g1.name
    changes = " ".join(re.findall(r'data-label="变更内容">(.*?)</td>', html, re.DOTALL))
    # references to the resident and to records named after them: masked
    assert f"{name[0]}*" in changes and name not in changes
    assert f"{name[0]}**的" in changes  # the case and the alert, named by the masked person
    assert "核酸检测轮次" in html and "健康打卡" in html  # record types translated
    # local time (Asia/Shanghai), not UTC
    assert re.search(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", html)


def test_old_entries_stored_as_codes_and_ids_read_well_too(client, world) -> None:
    cadre = world.user("grid_g1")
    AuditEntry.objects.create(
        actor=world.user("leader_a1"),
        actor_name="leader_a1",
        action=AuditAction.UPDATE,
        target_type="core.building",
        target_id=str(world.building_g1.pk),
        target_repr=str(world.building_g1),
        township=world.township_a,
        changes={"cadre": [None, str(cadre.pk)]},
    )
    AuditEntry.objects.create(
        actor=None,
        action=AuditAction.TRANSITION,
        target_type="masstesting.round",
        target_id="1",
        target_repr="第一轮",
        township=world.township_a,
        changes={
            "status": ["closed", "open"],
            "closed_at": ["2026-01-20T02:30:00+00:00", None],
            "pooled": True,
        },
    )
    html = _page(client, world)
    assert not ENGLISH.search(html), ENGLISH.search(html)
    assert f"— → {cadre}" in html
    assert "2026-01-20 10:30" in html  # 02:30 UTC is 10:30 in Shanghai


@pytest.mark.parametrize(
    ("target_type", "key", "value", "shown"),
    [
        ("health.checkin", "temperature", "38.2", "体温（°C）：38.2"),
        ("health.alert", "temperature", "38.2", "体温（°C）：38.2"),
        ("quarantine.case", "kind", "home", "居家隔离"),
        ("screening.registration", "measure", "home_quarantine", "居家隔离"),
        ("quarantine.case", "status", "in_quarantine", "隔离中"),
        ("masstesting.roundmember", "pooled", True, "是"),
        ("masstesting.roundmember", "retest", False, "否"),
    ],
)
def test_one_value_as_read(world, target_type, key, value, shown) -> None:
    from fangkong.core.changes import describe_changes

    entry = AuditEntry(action=AuditAction.CREATE, target_type=target_type, changes={key: value})
    with translation.override("zh-hans"):
        (change,) = describe_changes(entry)
        text = f"{change.label}：{change.old}"
    assert shown in text


def test_every_record_type_and_field_has_a_chinese_name() -> None:
    from django.apps import apps

    from fangkong.core.changes import _label, record_type_label

    latin = re.compile(r"[A-Za-z]")
    missing = []
    with translation.override("zh-hans"):
        for model in apps.get_models():
            if not model.__module__.startswith("fangkong"):
                continue
            label = model._meta.label_lower
            if latin.search(record_type_label(label).replace("API", "")):
                missing.append(label)
            for field in model._meta.concrete_fields:
                if latin.search(_label(label, field.name).replace("API", "").replace("°C", "")):
                    missing.append(f"{label}.{field.name}")
    assert missing == []


def test_the_time_column_is_local(client, world) -> None:
    entry = AuditEntry.objects.create(
        actor=None,
        action=AuditAction.CREATE,
        target_type="core.building",
        target_id="1",
        township=world.township_a,
        changes={},
    )
    AuditEntry.objects.filter(pk=entry.pk).update(at=dt.datetime(2026, 1, 20, 2, 30, tzinfo=dt.UTC))
    assert "2026-01-20 10:30:00" in _page(client, world)
