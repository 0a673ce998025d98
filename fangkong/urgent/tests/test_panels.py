"""What urgent reports bring to other pages: the daily report's section (one grouped query),
the workbench panel and the menu entry."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from fangkong.core.registry import report_sections
from fangkong.urgent import actions
from fangkong.urgent.panels import ESCALATED, MADE, UNACKNOWLEDGED, compute, link

from .helpers import report

pytestmark = pytest.mark.django_db


def test_the_section_is_registered_and_counts_no_cases():
    section = next(s for s in report_sections if s.compute is compute)
    assert [f.key for f in section.figures] == [MADE, UNACKNOWLEDGED, ESCALATED]
    assert not any(f.counts_cases for f in section.figures)


def test_the_figures_of_a_day_in_one_query(world, clock):
    admin = world.user("admin_a")
    today = timezone.localdate()
    yesterday = report(world, what="昨天的")  # 08:00 on the 20th
    clock.shift(dt.timedelta(days=1))  # the 21st, 08:00
    in_time = report(world)
    actions.acknowledge(admin, in_time)
    late = report(world)
    waiting = report(world, "leader_a2", community=world.community_a2)
    clock.shift(dt.timedelta(minutes=45))
    actions.acknowledge(admin, late)
    report(world, "leader_a2", community=world.community_a2)  # not escalated yet
    ids = [world.community_a1.pk, world.community_a2.pk, world.community_b1.pk]
    with CaptureQueriesContext(connection) as queries:
        found = compute(today + dt.timedelta(days=1), ids)
    assert len(queries) == 1
    assert found == {
        world.community_a1.pk: {MADE: 2, UNACKNOWLEDGED: 0, ESCALATED: 1},
        world.community_a2.pk: {MADE: 2, UNACKNOWLEDGED: 2, ESCALATED: 1},
        world.community_b1.pk: {MADE: 0, UNACKNOWLEDGED: 0, ESCALATED: 0},
    }
    # the day before: the report made then, escalated since (nobody acknowledged it)
    assert compute(today, ids)[world.community_a1.pk] == {
        MADE: 1,
        UNACKNOWLEDGED: 1,
        ESCALATED: 1,
    }
    assert yesterday.pk and waiting.pk


def test_a_report_at_midnight_local_counts_on_its_own_day(world, clock):
    clock.move_to(dt.datetime(2026, 1, 21, 0, 5, tzinfo=dt.timezone(dt.timedelta(hours=8))))
    report(world, occurred_at=timezone.now())
    assert compute(dt.date(2026, 1, 21), [world.community_a1.pk])[world.community_a1.pk][MADE] == 1
    assert compute(dt.date(2026, 1, 20), [world.community_a1.pk])[world.community_a1.pk][MADE] == 0


def test_a_figure_links_to_the_list_filtered(client, world):
    report(world)
    url = link(UNACKNOWLEDGED, world.community_a1.pk, timezone.localdate())
    assert url == (
        f"{reverse('urgent:list')}?community={world.community_a1.pk}"
        f"&day={timezone.localdate().isoformat()}&show=unacknowledged"
    )
    client.force_login(world.user("leader_a1"))
    assert "口罩只剩一天的量" in client.get(url).content.decode()
    assert link("other.key", world.community_a1.pk, timezone.localdate()) == ""


def test_the_township_workbench_shows_what_waits_escalated_first(client, world, clock):
    old = report(world, what="等了很久的报告")
    clock.shift(dt.timedelta(minutes=45))
    report(world, "leader_a2", community=world.community_a2, what="刚报告的")
    done = report(world, what="已确认的报告")
    actions.acknowledge(world.user("admin_a"), done)
    client.force_login(world.user("admin_a"))
    html = client.get(reverse("core:workbench")).content.decode()
    assert 'id="urgent-panel"' in html
    assert html.index("等了很久的报告") < html.index("刚报告的")
    assert "已确认的报告" not in html
    assert '<li class="escalated">' in html
    assert old.pk


def test_the_community_workbench_shows_its_open_reports(client, world):
    report(world, what="本社区的报告")
    report(world, "leader_a2", community=world.community_a2, what="别的社区的报告")
    client.force_login(world.user("grid_g1"))
    html = client.get(reverse("core:workbench")).content.decode()
    assert "本社区的报告" in html and "别的社区的报告" not in html
    assert reverse("urgent:list") in html


def test_no_panel_and_no_menu_entry_for_other_roles(client, world):
    report(world)
    client.force_login(world.user("medic_a1"))
    html = client.get(reverse("core:workbench")).content.decode()
    assert 'id="urgent-panel"' not in html
    assert reverse("urgent:list") not in html
