"""The records behind a figure (issue 13 item 1, "each a link to the list behind it"): every
figure whose section names its records counts exactly those records, on a whole demo township
and several days; the page lists them masked, under the line list's capability and the user's
scope."""

import datetime as dt
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from fangkong.core.models import Community
from fangkong.core.registry import line_lists
from fangkong.quarantine.tests.factories import CaseFactory
from fangkong.reports import figures

pytestmark = pytest.mark.django_db


def test_every_figure_with_records_counts_exactly_its_records_on_the_demo_township():
    call_command("demo", "--residents", "240", stdout=StringIO())
    today = timezone.localdate()
    ids = list(Community.objects.values_list("pk", flat=True))
    checked = 0
    for back in (0, 1, 2, 5):
        day = today - dt.timedelta(days=back)
        values = figures.compute(day, ids)
        for section in figures.layout().sections:
            if section.records is None:
                continue
            for figure in section.figures:
                for cid in ids:
                    found = section.records(figure.key, cid, day)
                    if found is None:
                        continue
                    model = apps.get_model(line_lists.get(found.line_list).record_type)
                    assert (
                        model._default_manager.filter(found.where).count()
                        == (values[cid][figure.key])
                    ), (figure.key, cid, day)
                    checked += values[cid][figure.key]
    assert checked > 0  # the demo's worklists hold records, so the equality was exercised


def _records_url(world, key, community="community_a1", day=None):
    day = day or timezone.localdate()
    return reverse(
        "reports:figure_records",
        args=[getattr(world, community).pk, day.isoformat(), key],
    )


def _home_case(world):
    return CaseFactory.create(
        resident=world.resident_g1, start_date=timezone.localdate() - dt.timedelta(days=2)
    )


def test_a_figure_links_to_its_records_which_are_listed_masked(client, world):
    _home_case(world)
    client.force_login(world.user("office_a1"))
    day_url = reverse(
        "reports:community_day",
        args=[world.community_a1.pk, timezone.localdate().isoformat()],
    )
    page = client.get(day_url).content.decode()
    url = _records_url(world, "quarantine.home")
    assert f'href="{url}"' in page
    listed = client.get(url).content.decode()
    assert world.resident_g1.name in listed
    assert world.resident_g1.doc_number not in listed  # masked
    assert world.resident_g1.doc_number[-4:] in listed
    assert 'id="figure-count"' in listed


@pytest.mark.parametrize(
    ("key", "status"),
    [
        ("office_a1", 200),
        ("admin_a", 200),
        ("leader_a2", 404),  # other community
        ("admin_b", 404),  # other township
        ("grid_g1", 403),  # no report capability
    ],
)
def test_who_sees_the_records_behind_a_figure(client, world, key, status):
    _home_case(world)
    client.force_login(world.user(key))
    assert client.get(_records_url(world, "quarantine.home")).status_code == status


def test_a_figure_without_records_goes_to_its_apps_page_and_an_unknown_one_is_not_found(
    client, world
):
    client.force_login(world.user("office_a1"))
    response = client.get(_records_url(world, "quarantine.index_cases"))
    assert response.status_code == 302
    assert response["Location"] == reverse("quarantine:index_list")
    assert client.get(_records_url(world, "no.such_figure")).status_code == 404
    future = timezone.localdate() + dt.timedelta(days=1)
    assert client.get(_records_url(world, "quarantine.home", day=future)).status_code == 404
