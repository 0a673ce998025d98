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


@pytest.mark.parametrize(
    ("kind", "says", "not_"),
    [
        (CaseKind.HOME, "请留在家中", "隔离房间"),
        (CaseKind.CENTRALISED, "请留在隔离房间内", "请留在家中"),
    ],
)
def test_the_personal_link_tells_each_person_where_to_wait(
    client, world, case_g1, kind, says, not_
) -> None:
    Case.objects.filter(pk=case_g1.pk).update(kind=kind)
    case_g1.refresh_from_db()
    _link, token = actions.create_report_link(world.user("grid_g1"), world.household_g1)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"
    prefix = f"c{case_g1.pk}-"
    with translation.override("zh-hans"):
        response = client.post(
            reverse("health:report", args=[token]),
            {"case": case_g1.pk, prefix + "temperature": "38.6", prefix + "symptoms": []},
            follow=True,
        )
    html = response.content.decode()
    assert says in html and not_ not in html
