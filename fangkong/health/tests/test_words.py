"""The alert page says where the person waits, and only while they wait (issue 12 item 13):
"stays at home" neither after the pickup nor for a centralised case."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from fangkong.health import actions
from fangkong.health.models import CheckInVia
from fangkong.quarantine.models import Case, CaseKind

pytestmark = pytest.mark.django_db


def _alert_page(client, world, alert) -> str:
    client.force_login(world.user("medic_a1"))
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"
    with translation.override("zh-hans"):
        return client.get(reverse("health:alert_detail", args=[alert.pk])).content.decode()


def _alert(case):
    return actions.record_checkin(case, case.resident, "38.5", [], via=CheckInVia.LINK).alert


def test_the_home_case_waits_at_home_until_collected(client, world, case_g1) -> None:
    alert = _alert(case_g1)
    assert "此人须留在家中" in _alert_page(client, world, alert)
    actions.record_contact(alert, by=world.user("medic_a1"), institution="镇卫生院")
    actions.record_collected(alert, by=world.user("medic_a1"))
    page = _alert_page(client, world, alert)
    assert "此人须留在家中" not in page and 'id="never-self-travel"' not in page


def test_a_centralised_case_waits_in_the_room_not_at_home(client, world, case_g1) -> None:
    Case.objects.filter(pk=case_g1.pk).update(kind=CaseKind.CENTRALISED)
    case_g1.refresh_from_db()
    page = _alert_page(client, world, _alert(case_g1))
    assert "此人须留在隔离房间内" in page and "此人须留在家中" not in page
