"""A report made from another app's record: the offer on its page, the pre-filled form (only
from a record the user may see), and the link back."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from fangkong.urgent.models import Category, SourceKind, UrgentReport

from .helpers import escalated_alert, index_case, positive_tube

pytestmark = pytest.mark.django_db


def login(client, world, key):
    client.force_login(world.user(key))
    return client


def new_url(kind, pk):
    return f"{reverse('urgent:new')}?source={kind}&id={pk}"


def initial(response, name):
    return response.context["form"][name].value()


def send(c, url, form):
    """Post the form as it was filled in (what the user sends unchanged)."""
    data = {
        name: value.strftime("%Y-%m-%dT%H:%M") if name == "occurred_at" else value
        for name, value in ((n, form[n].value()) for n in form.fields)
    }
    return c.post(url, data)


# --- an index case ----------------------------------------------------------------------------


def test_the_index_case_page_offers_a_report(client, world):
    index = index_case(world)
    page = login(client, world, "leader_a1").get(
        reverse("quarantine:index_detail", args=[index.pk])
    )
    assert new_url("index", index.pk).replace("&", "&amp;") in page.content.decode()
    medic = login(client, world, "medic_a1").get(
        reverse("quarantine:index_detail", args=[index.pk])
    )
    assert 'id="urgent-offer"' not in medic.content.decode()


def test_a_report_from_an_index_case(client, world):
    index = index_case(world)
    c = login(client, world, "grid_g1")
    url = new_url("index", index.pk)
    form = c.get(url)
    assert form.status_code == 200
    assert initial(form, "category") == Category.NEW_CASE
    # the report is read by the whole community: the case by its number, the place by its
    # community, never the name or the home
    assert "Confirmed case" in initial(form, "what") and f"#{index.pk}" in initial(form, "what")
    assert "张三丰" not in initial(form, "what") + initial(form, "people")
    assert initial(form, "place") == world.community_a1.name
    assert initial(form, "community") == world.community_a1.pk
    response = send(c, url, form.context["form"])
    made = UrgentReport.objects.get()
    assert response.status_code == 302
    assert (made.source_kind, made.source_id, made.category) == (
        SourceKind.INDEX,
        index.pk,
        Category.NEW_CASE,
    )
    detail = c.get(reverse("urgent:detail", args=[made.pk])).content.decode()
    assert reverse("quarantine:index_detail", args=[index.pk]) in detail


def test_who_the_index_case_is_stays_with_who_may_see_it(client, world):
    index = index_case(world)
    form = login(client, world, "leader_a2").get(new_url("index", index.pk))
    assert form.status_code == 200
    assert "张三丰" not in initial(form, "what") + initial(form, "people")
    assert f"#{index.pk}" in initial(form, "people")


def test_no_report_from_another_townships_index_case(client, world):
    index = index_case(world)
    assert login(client, world, "admin_b").get(new_url("index", index.pk)).status_code == 404
    response = client.post(
        new_url("index", index.pk),
        {
            "community": world.community_b1.pk,
            "category": "new_case",
            "what": "x",
            "place": "y",
            "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert response.status_code == 404
    assert not UrgentReport.objects.exists()


@pytest.mark.parametrize(
    "query", ["?source=index&id=abc", "?source=index&id=999999", "?source=nope&id=1"]
)
def test_an_unknown_source_is_404(client, world, query):
    assert login(client, world, "leader_a1").get(reverse("urgent:new") + query).status_code == 404


# --- a positive pooled tube -------------------------------------------------------------------


def test_the_round_page_offers_a_report_for_a_positive_pooled_tube(client, world):
    tube = positive_tube(world)
    page = login(client, world, "grid_g1").get(
        reverse("masstesting:round_detail", args=[tube.round_id])
    )
    assert new_url("tube", tube.pk).replace("&", "&amp;") in page.content.decode()
    # grid G2 sees the round but nobody of the tube
    other = login(client, world, "grid_g2").get(
        reverse("masstesting:round_detail", args=[tube.round_id])
    )
    assert 'id="urgent-tubes"' not in other.content.decode()


def test_a_report_from_a_positive_pooled_tube(client, world):
    tube = positive_tube(world)
    c = login(client, world, "leader_a1")
    url = new_url("tube", tube.pk)
    form = c.get(url)
    assert initial(form, "category") == Category.POSITIVE_TEST
    assert "T0001" in initial(form, "what") and "全员核酸第一轮" in initial(form, "what")
    assert initial(form, "people") == "2 people of 1 households"
    assert world.household_g1.address not in initial(form, "place")
    send(c, url, form.context["form"])
    made = UrgentReport.objects.get()
    assert (made.source_kind, made.source_id) == (SourceKind.TUBE, tube.pk)
    detail = c.get(reverse("urgent:detail", args=[made.pk])).content.decode()
    assert reverse("masstesting:round_detail", args=[tube.round_id]) in detail


@pytest.mark.parametrize("key", ["grid_g2", "leader_a2", "admin_b"])
def test_no_report_from_a_tube_of_people_one_may_not_see(client, world, key):
    tube = positive_tube(world)
    assert login(client, world, key).get(new_url("tube", tube.pk)).status_code == 404


def test_a_negative_tube_is_no_source(client, world):
    tube = positive_tube(world)
    tube.result = "negative"
    tube.save(update_fields=["result"])
    assert login(client, world, "leader_a1").get(new_url("tube", tube.pk)).status_code == 404


# --- an escalated fever alert -----------------------------------------------------------------


def test_the_escalated_alert_page_offers_a_report(client, world):
    alert = escalated_alert(world)
    page = login(client, world, "grid_g1").get(reverse("health:alert_detail", args=[alert.pk]))
    html = page.content.decode()
    assert 'id="escalated"' in html
    assert new_url("alert", alert.pk).replace("&", "&amp;") in html


def test_a_report_from_an_escalated_alert(client, world):
    alert = escalated_alert(world)
    c = login(client, world, "grid_g1")
    url = new_url("alert", alert.pk)
    form = c.get(url)
    assert initial(form, "category") == Category.FEVER
    assert "38.2 °C" in initial(form, "what") and "发热" in initial(form, "what")
    assert initial(form, "people") == "张**"
    assert initial(form, "place") == world.community_a1.name
    # the form shows local time
    assert initial(form, "occurred_at") == timezone.localtime(alert.raised_at).replace(tzinfo=None)
    send(c, url, form.context["form"])
    made = UrgentReport.objects.get()
    assert (made.source_kind, made.source_id) == (SourceKind.ALERT, alert.pk)
    assert made.occurred_at == alert.raised_at
    detail = c.get(reverse("urgent:detail", args=[made.pk])).content.decode()
    assert reverse("health:alert_detail", args=[alert.pk]) in detail


@pytest.mark.parametrize("key", ["grid_g2", "leader_a2", "admin_b"])
def test_no_report_from_an_alert_one_may_not_see(client, world, key):
    alert = escalated_alert(world)
    assert login(client, world, key).get(new_url("alert", alert.pk)).status_code == 404


def test_an_alert_not_yet_escalated_is_not_called_late(client, world):
    alert = escalated_alert(world)
    alert.escalate_at = timezone.now() + dt.timedelta(minutes=5)
    alert.save(update_fields=["escalate_at"])
    page = login(client, world, "grid_g1").get(reverse("health:alert_detail", args=[alert.pk]))
    assert 'id="urgent-offer"' not in page.content.decode()
    form = client.get(new_url("alert", alert.pk))
    assert "not acknowledged in time" not in initial(form, "what")
