"""The dashboard: charts from the records of the user's jurisdiction, shown only to roles
that read those records; light on a phone (server-side SVG, no script)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from fangkong.core.charts import BAR, LINE, STACKED, Chart, Series, nice_top, png, svg
from fangkong.dashboards import series
from fangkong.quarantine.models import CaseKind
from fangkong.quarantine.tests.factories import CaseFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("value", "top"), [(0, 1), (1, 1), (3, 5), (7, 10), (10, 10), (11, 20), (260, 500)]
)
def test_the_axis_ends_at_a_round_number(value, top):
    assert nice_top(value) == top


@pytest.mark.parametrize("kind", [BAR, STACKED, LINE])
def test_a_chart_is_svg_without_script_or_inline_style_and_a_png(kind):
    chart = Chart(
        "返乡<人员>",
        ("12-01", "12-02", "12-03"),
        (Series("高", (1, 0, 3)), Series("中", (2, 2, 0))),
        kind=kind,
    )
    out = svg(chart)
    assert out.startswith("<svg") and "<script" not in out and "style=" not in out
    assert "返乡&lt;人员&gt;" in out  # escaped
    assert png(chart).startswith(b"\x89PNG")


def test_the_census_counts_people_held_at_the_end_of_each_day(world):
    today = timezone.localdate()
    start = today - dt.timedelta(days=4)
    CaseFactory.create(
        resident=world.resident_g1, kind=CaseKind.HOME, start_date=today - dt.timedelta(days=10)
    )
    closed = CaseFactory.create(
        resident=world.resident_g2, kind=CaseKind.HOME, start_date=today - dt.timedelta(days=3)
    )
    closed.closed_at = timezone.now() - dt.timedelta(days=1)
    closed.save()
    CaseFactory.create(
        resident=world.resident_b, kind=CaseKind.CENTRALISED, start_date=today
    )  # another township: not counted
    chart = series.quarantine_census(world.user("admin_a"), start, today)
    assert chart is not None
    home = chart.series[1].values
    assert home[0] == 1  # four days ago: only the long one
    assert home[1] == 2  # three days ago: both
    assert home[-1] == 1  # today: the second closed yesterday
    assert sum(chart.series[0].values) == 0


@pytest.mark.parametrize(
    ("key", "status"),
    [("admin_a", 200), ("leader_a1", 200), ("office_a1", 200), ("grid_g1", 403), ("guard_a1", 403)],
)
def test_who_sees_the_dashboard(client, world, key, status):
    client.force_login(world.user(key))
    assert client.get(reverse("dashboards:dashboard")).status_code == status


def test_the_dashboard_draws_svg_and_stays_light(client, world):
    CaseFactory.create(resident=world.resident_g1, start_date=timezone.localdate())
    client.force_login(world.user("leader_a1"))
    response = client.get(
        reverse("dashboards:dashboard"), {"start": "2026-01-01", "end": "2099-01-01"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="chart-census"' in page and "<script" not in page.split("</header>")[-1]
    assert len(response.content) < 300_000


def test_a_bad_period_falls_back_to_the_last_two_weeks(client, world):
    client.force_login(world.user("leader_a1"))
    response = client.get(reverse("dashboards:dashboard"), {"start": "yesterday", "end": "x"})
    assert response.status_code == 200


@pytest.mark.parametrize("top", [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000])
def test_every_tick_of_the_axis_is_a_whole_number(top):
    from fangkong.core.charts import ticks_for

    n = ticks_for(top)
    assert n >= 1 and all(top * i % n == 0 for i in range(n + 1))
