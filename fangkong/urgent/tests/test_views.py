"""The urgent report pages for every distance of the `world` fixture: who sees, who reports,
who acknowledges, what is refused (and changes nothing)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from fangkong.urgent import actions
from fangkong.urgent.models import Status, UrgentReport

from .helpers import report

pytestmark = pytest.mark.django_db

#: A1's report is seen by its township, its community and both its grids
SEE_A1 = ["admin_a", "leader_a1", "office_a1", "grid_g1", "grid_g2"]
#: the other community of the township, and the other township: 404
NOT_A1 = ["leader_a2", "admin_b"]
FORMAT = "%Y-%m-%dT%H:%M"
NOBODY = ["medic_a1", "guard_a1", "volunteer_a1", "police_a1"]


def login(client, world, key):
    client.force_login(world.user(key))
    return client


def form_data(world, **kw):
    data = {
        "community": world.community_a1.pk,
        "category": "conflict",
        "what": "一户居民拒绝居家隔离，与网格员争执",
        "place": "1栋1单元101",
        "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "people": "张三丰",
    }
    data.update(kw)
    return data


@pytest.mark.parametrize("key", SEE_A1)
def test_those_of_the_community_and_township_see_the_report(client, world, key):
    made = report(world)
    c = login(client, world, key)
    html = c.get(reverse("urgent:list")).content.decode()
    assert "口罩只剩一天的量" in html
    page = c.get(reverse("urgent:detail", args=[made.pk]))
    assert page.status_code == 200
    assert "社区办公室" in page.content.decode()


@pytest.mark.parametrize("key", NOT_A1)
def test_another_community_or_township_gets_404(client, world, key):
    made = report(world)
    c = login(client, world, key)
    assert "口罩只剩一天的量" not in c.get(reverse("urgent:list")).content.decode()
    assert c.get(reverse("urgent:detail", args=[made.pk])).status_code == 404
    response = c.post(reverse("urgent:acknowledge", args=[made.pk]), {"confirm": "1"})
    assert response.status_code == 404
    made.refresh_from_db()
    assert made.status == Status.REPORTED


@pytest.mark.parametrize("key", NOBODY)
def test_other_roles_get_403(client, world, key):
    made = report(world)
    c = login(client, world, key)
    assert c.get(reverse("urgent:list")).status_code == 403
    assert c.get(reverse("urgent:new")).status_code == 403
    assert c.get(reverse("urgent:detail", args=[made.pk])).status_code == 403
    assert c.post(reverse("urgent:new"), form_data(world)).status_code == 403
    assert UrgentReport.objects.count() == 1


@pytest.mark.parametrize("key", ["leader_a1", "office_a1", "grid_g1"])
def test_community_staff_report_on_the_page(client, world, key):
    c = login(client, world, key)
    form = c.get(reverse("urgent:new"))
    assert form.status_code == 200
    response = c.post(reverse("urgent:new"), form_data(world))
    made = UrgentReport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("urgent:detail", args=[made.pk])
    assert (made.category, made.community, made.people) == (
        "conflict",
        world.community_a1,
        "张三丰",
    )
    assert made.occurred_at == timezone.now().replace(second=0, microsecond=0)


def test_nobody_reports_for_a_community_outside_their_own(client, world):
    c = login(client, world, "leader_a1")
    response = c.post(reverse("urgent:new"), form_data(world, community=world.community_a2.pk))
    assert response.status_code == 422
    response = login(client, world, "admin_b").post(reverse("urgent:new"), form_data(world))
    assert response.status_code == 422
    assert not UrgentReport.objects.exists()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"what": ""}, "This field is required."),
        ({"place": "  "}, "This field is required."),
        ({"category": "party"}, "Select a valid choice."),
        (
            {
                "occurred_at": (timezone.localtime() + dt.timedelta(hours=2)).strftime(
                    "%Y-%m-%dT%H:%M"
                )
            },
            "It cannot have happened in the future.",
        ),
    ],
)
def test_a_bad_report_is_422_and_changes_nothing(client, world, fields, message):
    if isinstance(fields.get("occurred_at"), dt.timedelta):
        fields = {"occurred_at": (timezone.localtime() + fields["occurred_at"]).strftime(FORMAT)}
    response = login(client, world, "office_a1").post(
        reverse("urgent:new"), form_data(world, **fields)
    )
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not UrgentReport.objects.exists()


def test_the_refusal_reads_in_chinese(client, world):
    c = login(client, world, "office_a1")
    c.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"
    future = (timezone.localtime() + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    response = c.post(reverse("urgent:new"), form_data(world, occurred_at=future))
    assert response.status_code == 422
    html = response.content.decode()
    assert "不能发生在将来" in html
    assert "报告突发情况" in html
    assert not UrgentReport.objects.exists()


def test_the_township_list_puts_the_escalated_first_and_highlights_them(client, world, clock):
    old = report(world, what="旧的：隔离户拒绝核酸")
    clock.shift(dt.timedelta(minutes=40))
    acknowledged = report(world, "leader_a2", community=world.community_a2, what="已确认的")
    actions.acknowledge(world.user("admin_a"), acknowledged)
    fresh = report(world, "leader_a2", community=world.community_a2, what="新的：物资短缺")
    html = login(client, world, "admin_a").get(reverse("urgent:list")).content.decode()
    assert html.index("旧的") < html.index("新的") < html.index("已确认的")
    assert html.count('class="escalated"') == 1
    assert '<span class="tag flag">Escalated</span>' in html
    assert "Waiting for the township: 2; escalated: 1." in html
    escalated = login(client, world, "admin_a").get(reverse("urgent:list") + "?show=escalated")
    body = escalated.content.decode()
    assert "旧的" in body and "新的" not in body
    assert old.pk != fresh.pk


def test_the_township_acknowledges_and_closes_on_the_page(client, world):
    made = report(world)
    c = login(client, world, "admin_a")
    page = c.get(reverse("urgent:detail", args=[made.pk])).content.decode()
    assert 'id="acknowledge-form"' in page
    asked = c.post(reverse("urgent:acknowledge", args=[made.pk]), {"note": "马上派人"})
    assert asked.status_code == 200 and "cannot be undone" in asked.content.decode()
    made.refresh_from_db()
    assert made.status == Status.REPORTED
    done = c.post(
        reverse("urgent:acknowledge", args=[made.pk]), {"note": "马上派人", "confirm": "1"}
    )
    assert done.status_code == 302
    made.refresh_from_db()
    assert (made.status, made.acknowledgement) == (Status.ACKNOWLEDGED, "马上派人")
    again = c.post(reverse("urgent:acknowledge", args=[made.pk]), {"confirm": "1"})
    assert again.status_code == 422 and "already acknowledged" in again.content.decode()
    empty = c.post(reverse("urgent:close", args=[made.pk]), {"outcome": "", "confirm": "1"})
    assert empty.status_code == 422
    made.refresh_from_db()
    assert made.status == Status.ACKNOWLEDGED
    c.post(reverse("urgent:close", args=[made.pk]), {"outcome": "已解决", "confirm": "1"})
    made.refresh_from_db()
    assert (made.status, made.outcome) == (Status.CLOSED, "已解决")


@pytest.mark.parametrize("key", ["leader_a1", "office_a1", "grid_g1"])
def test_the_community_may_not_acknowledge(client, world, key):
    made = report(world)
    c = login(client, world, key)
    assert (
        'id="acknowledge-form"'
        not in c.get(reverse("urgent:detail", args=[made.pk])).content.decode()
    )
    response = c.post(reverse("urgent:acknowledge", args=[made.pk]), {"confirm": "1"})
    assert response.status_code == 403
    made.refresh_from_db()
    assert made.status == Status.REPORTED


def test_the_list_filtered_as_the_daily_report_links(client, world, clock):
    report(world, what="昨天的")
    clock.shift(dt.timedelta(days=1))
    report(world, what="今天的")
    report(world, "leader_a2", community=world.community_a2, what="别的社区")
    url = (
        reverse("urgent:list")
        + f"?community={world.community_a1.pk}&day={timezone.localdate().isoformat()}&show=all"
    )
    html = login(client, world, "admin_a").get(url).content.decode()
    assert "今天的" in html and "昨天的" not in html and "别的社区" not in html
