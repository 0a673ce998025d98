"""The report pages, exports and API: who may see and do what (allowed and denied, at four
distances), what the pages show, the .xlsx layout."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from fangkong.api.tests.client import ApiClient
from fangkong.core.models import AuditEntry
from fangkong.core.spreadsheets import read_xlsx_bytes
from fangkong.quarantine.models import TestItemResult as Result
from fangkong.quarantine.tests.factories import CaseFactory, ScheduledTestFactory
from fangkong.reports import actions, figures
from fangkong.reports.models import Correction, ReportStatus, Submission

pytestmark = pytest.mark.django_db


@pytest.fixture
def today():
    return timezone.localdate()


def _get(client, world, key, url):
    client.force_login(world.user(key))
    return client.get(url)


def _day_url(world, today, community="community_a1"):
    return reverse(
        "reports:community_day",
        kwargs={"pk": getattr(world, community).pk, "day": today.isoformat()},
    )


@pytest.mark.parametrize(
    ("key", "status"),
    [
        ("office_a1", 200),
        ("leader_a1", 200),
        ("admin_a", 200),
        ("leader_a2", 404),  # other community
        ("admin_b", 404),  # other township
        ("grid_g1", 403),  # same grid, no capability
        ("guard_a1", 403),
    ],
)
def test_who_sees_a_communitys_report(client, world, today, key, status):
    assert _get(client, world, key, _day_url(world, today)).status_code == status


def test_the_report_shows_figures_from_the_records_with_links(client, world, today):
    case = CaseFactory.create(resident=world.resident_g1, start_date=today - dt.timedelta(days=2))
    ScheduledTestFactory.create(case=case, due_date=today)
    page = _get(client, world, "office_a1", _day_url(world, today)).content.decode()
    assert 'id="figure-quarantinehome"' in page
    assert reverse("quarantine:case_list") in page
    # one home quarantine, one test due today
    home = page.split('id="figure-quarantinehome"')[1].split("</tr>")[0]
    assert "<strong>1</strong>" in home
    due = page.split('id="figure-quarantinetests_due"')[1].split("</tr>")[0]
    assert "<strong>1</strong>" in due
    assert 'name="zero_report"' not in page or "0" in page


def test_a_zero_day_offers_the_zero_report_and_a_case_day_does_not(client, world, today):
    page = _get(client, world, "office_a1", _day_url(world, today)).content.decode()
    assert 'name="zero_report"' in page
    case = CaseFactory.create(resident=world.resident_g1, start_date=today - dt.timedelta(days=2))
    ScheduledTestFactory.create(
        case=case, due_date=today, result=Result.POSITIVE, result_at=timezone.now()
    )
    page = client.get(_day_url(world, today)).content.decode()
    assert 'name="zero_report"' not in page


def test_submitting_asks_for_confirmation_then_locks(client, world, today):
    client.force_login(world.user("office_a1"))
    url = reverse("reports:submit", kwargs={"pk": world.community_a1.pk, "day": today.isoformat()})
    asked = client.post(url, {"zero_report": "on"})
    assert asked.status_code == 200 and not Submission.objects.exists()
    done = client.post(url, {"zero_report": "on", "confirm": "1"})
    assert done.status_code == 302
    assert Submission.objects.get().zero_report
    page = client.get(_day_url(world, today)).content.decode()
    assert 'id="submit-card"' not in page and 'id="zero-tag"' in page


def test_a_correction_without_a_reason_is_refused_on_the_form(client, world, today):
    client.force_login(world.user("office_a1"))
    url = reverse(
        "reports:correct",
        kwargs={
            "pk": world.community_a1.pk,
            "day": today.isoformat(),
            "key": "screening.returnees",
        },
    )
    assert client.get(url).status_code == 200
    response = client.post(url, {"value": "4", "reason": ""})
    assert response.status_code == 200
    assert not Correction.objects.exists()
    response = client.post(url, {"value": "4", "reason": "电话登记未录入"})
    assert response.status_code == 302
    page = client.get(_day_url(world, today)).content.decode()
    assert "电话登记未录入" in page


def test_the_correction_page_is_not_for_another_community(client, world, today):
    client.force_login(world.user("leader_a2"))
    url = reverse(
        "reports:correct",
        kwargs={
            "pk": world.community_a1.pk,
            "day": today.isoformat(),
            "key": "screening.returnees",
        },
    )
    assert client.post(url, {"value": "4", "reason": "x"}).status_code == 404


@pytest.mark.parametrize(
    ("key", "status"),
    [("admin_a", 200), ("admin_b", 200), ("office_a1", 403), ("leader_a1", 403)],
)
def test_only_the_township_sees_the_township_day(client, world, today, key, status):
    url = reverse("reports:township_day", kwargs={"day": today.isoformat()})
    assert _get(client, world, key, url).status_code == status


def test_the_township_day_shows_completeness_and_only_its_communities(client, world, today):
    actions.submit(world.user("office_a1"), world.community_a1, today, zero_report=True)
    actions.submit(world.user("leader_a2"), world.community_a2, today, zero_report=True)
    actions.return_report(
        world.user("admin_a"), actions.report_for(world.community_a2, today), comment="核实"
    )
    url = reverse("reports:township_day", kwargs={"day": today.isoformat()})
    page = _get(client, world, "admin_a", url).content.decode()
    assert "民族社区" in page and "新河村" in page and "外镇社区" not in page
    assert f'id="community-{world.community_a2.pk}" class="state-returned"' in page
    other = _get(client, world, "admin_b", url).content.decode()
    assert "民族社区" not in other


def test_the_township_xlsx_has_a_row_per_community_and_a_totals_row(client, world, today):
    office = world.user("office_a1")
    actions.correct(
        office, world.community_a1, today, key="screening.returnees", value=5, reason="补录"
    )
    actions.submit(office, world.community_a1, today, zero_report=True)
    client.force_login(world.user("admin_a"))
    response = client.get(reverse("reports:township_xlsx", kwargs={"day": today.isoformat()}))
    data = b"".join(response.streaming_content)
    rows = read_xlsx_bytes(data)
    assert "江汉街道" in rows[0][0]
    labels = rows[2]
    col = labels.index(str(figures.layout().label("screening.returnees")))
    names = [r[0] for r in rows[3:]]
    assert sorted(names[:2]) == sorted(["民族社区", "新河村"]) and len(names) == 3
    assert rows[3 + names.index("民族社区")][col] == "5"
    assert rows[-1][col] == "5"  # the totals row
    assert AuditEntry.objects.filter(target_type="reports.townshipreport", action="export").exists()


def test_the_community_xlsx_and_print_need_the_report(client, world, today):
    kwargs = {"pk": world.community_a1.pk, "day": today.isoformat()}
    client.force_login(world.user("office_a1"))
    response = client.get(reverse("reports:community_xlsx", kwargs=kwargs))
    assert response.status_code == 200
    b"".join(response.streaming_content)
    assert client.get(reverse("reports:community_print", kwargs=kwargs)).status_code == 200
    client.force_login(world.user("admin_b"))
    assert client.get(reverse("reports:community_xlsx", kwargs=kwargs)).status_code == 404
    assert client.get(reverse("reports:community_print", kwargs=kwargs)).status_code == 404


def test_a_day_to_come_or_not_a_day_is_not_found(client, world, today):
    client.force_login(world.user("office_a1"))
    for day in [(today + dt.timedelta(days=1)).isoformat(), "2026-13-01", "yesterday"]:
        url = reverse("reports:community_day", kwargs={"pk": world.community_a1.pk, "day": day})
        assert client.get(url).status_code == 404


def test_the_history_of_a_figure_sums_the_reports_received(client, world, today):
    yesterday = today - dt.timedelta(days=1)
    office = world.user("office_a1")
    actions.correct(
        office, world.community_a1, yesterday, key="screening.returnees", value=2, reason="r"
    )
    actions.submit(office, world.community_a1, yesterday, zero_report=True)
    url = reverse("reports:history", kwargs={"key": "screening.returnees"})
    page = _get(client, world, "admin_a", url).content.decode()
    assert yesterday.strftime("%m-%d") in page
    assert client.get(reverse("reports:history", kwargs={"key": "nope"})).status_code == 404


def test_the_workbench_shows_the_report_card(client, world, today):
    actions.remind(world.user("admin_a"), world.community_a1, today)
    page = _get(client, world, "office_a1", reverse("core:workbench")).content.decode()
    assert 'id="reports-panel"' in page and 'id="reports-reminder"' in page
    page = _get(client, world, "admin_a", reverse("core:workbench")).content.decode()
    assert 'id="reports-completeness"' in page


# --- API ------------------------------------------------------------------------------------


def test_api_gets_and_submits_a_report(world, today):
    api = ApiClient(world.user("office_a1"))
    path = f"/daily-reports/{world.community_a1.pk}/{today.isoformat()}"
    data = api.get(path).json()
    assert data["status"] == "draft" and data["deadline"] == "16:00"
    assert {f["key"] for f in data["figures"]} >= {"quarantine.index_cases", "health.alerts_raised"}
    refused = api.post(path + "/submit", {"zero_report": False})
    assert refused.status_code == 422 and "零报告" in str(refused.json())
    done = api.post(path + "/submit", {"zero_report": True}).json()
    assert done["status"] == "submitted" and done["zero_report"] is True
    again = api.post(path + "/submit", {"zero_report": True})
    assert again.status_code == 422


def test_api_return_and_completeness_are_the_townships(world, today):
    actions.submit(world.user("office_a1"), world.community_a1, today, zero_report=True)
    day = today.isoformat()
    path = f"/daily-reports/{world.community_a1.pk}/{day}/return"
    assert ApiClient(world.user("office_a1")).post(path, {"comment": "x"}).status_code == 403
    assert ApiClient(world.user("admin_b")).post(path, {"comment": "x"}).status_code == 404
    admin = ApiClient(world.user("admin_a"))
    assert admin.post(path, {"comment": ""}).status_code == 422
    assert admin.post(path, {"comment": "请核实"}).json()["status"] == ReportStatus.RETURNED
    found = admin.get("/daily-reports/completeness", date=day).json()
    assert set(found["due"]) == {world.community_a1.pk, world.community_a2.pk}
    assert found["missing"] == sorted(found["missing"]) or found["missing"]
    assert world.community_a1.pk in found["missing"]
    assert (
        ApiClient(world.user("office_a1")).get("/daily-reports/completeness", date=day).status_code
        == 403
    )


def test_api_outside_the_jurisdiction_is_not_found(world, today):
    path = f"/daily-reports/{world.community_a1.pk}/{today.isoformat()}"
    assert ApiClient(world.user("leader_a2")).get(path).status_code == 404
    assert ApiClient(world.user("admin_b")).get(path).status_code == 404
    assert ApiClient(world.user("grid_g1")).get(path).status_code == 403


def test_after_approval_the_totals_are_the_approved_ones(client, world, today):
    office = world.user("office_a1")
    actions.correct(
        office, world.community_a1, today, key="screening.returnees", value=3, reason="补录"
    )
    actions.submit(office, world.community_a1, today, zero_report=True)
    actions.approve(world.user("admin_a"), world.township_a, today, note="新河村未报")
    actions.correct(
        world.user("leader_a2"),
        world.community_a2,
        today,
        key="screening.returnees",
        value=4,
        reason="补录",
    )
    actions.submit(world.user("leader_a2"), world.community_a2, today, zero_report=True)
    url = reverse("reports:township_day", kwargs={"day": today.isoformat()})
    page = _get(client, world, "admin_a", url).content.decode()
    assert f'id="community-{world.community_a2.pk}" class="state-after"' in page
    returnees = page.split('id="total-screeningreturnees"')[1].split("</tr>")[0]
    assert ">3<" in returnees


def test_a_date_before_the_epidemic_is_not_found(client, world):
    client.force_login(world.user("admin_a"))
    for day in ("0001-01-01", "2019-11-30"):
        assert client.get(reverse("reports:township_day", kwargs={"day": day})).status_code == 404
    api = ApiClient(world.user("admin_a"))
    assert api.get("/daily-reports/completeness", date="0001-01-01").status_code == 404


def test_a_superuser_approves_the_township_on_the_page(client, world, today):
    from fangkong.core.roles import Role
    from fangkong.core.tests.factories import UserFactory
    from fangkong.reports.models import TownshipReport

    office_b = UserFactory.create(
        username="office_b1",
        role=Role.OFFICE_STAFF,
        township=world.township_b,
        community=world.community_b1,
    )
    actions.submit(office_b, world.community_b1, today, zero_report=True)
    root = UserFactory.create(username="root", is_superuser=True)
    client.force_login(root)
    url = reverse("reports:approve", kwargs={"day": today.isoformat()})
    # the second township, not the first one a superuser would fall back to
    response = client.post(url, {"township": world.township_b.pk, "confirm": "1", "note": ""})
    assert response.status_code == 302
    assert TownshipReport.objects.get().township == world.township_b
