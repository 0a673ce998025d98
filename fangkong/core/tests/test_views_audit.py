"""The audit log page: township administrators only, their township only, with filters,
field changes, reveal reasons, masked numbers and paging."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from fangkong.core import audit
from fangkong.core.models import AuditAction, AuditEntry
from fangkong.people import actions

AUDIT = reverse("core:audit_list")


def login(client, world, key):
    client.force_login(world.user(key))
    return client


@pytest.fixture
def entries(world):
    """A change and a reveal in township A, a reveal in township B."""
    actions.update_resident(world.user("grid_g1"), world.resident_g1, phone="13912345678")
    actions.reveal(world.user("grid_g1"), world.resident_g1, field="doc_number", reason="核对身份")
    actions.reveal(world.user("admin_b"), world.resident_b, field="phone", reason="外镇回访")


def targets(response):
    return sorted(e.target_repr for e, *_ in response.context["rows"])


@pytest.mark.parametrize(
    ("user", "status"),
    [
        ("admin_a", 200),
        ("admin_b", 200),
        ("leader_a1", 403),
        ("office_a1", 403),
        ("grid_g1", 403),
        ("police_a1", 403),
        ("guard_a1", 403),
    ],
)
def test_only_township_admins_may_browse_the_audit_log(client, world, entries, user, status):
    assert login(client, world, user).get(AUDIT).status_code == status


def test_a_township_admin_sees_only_their_townships_entries(client, world, entries):
    a = login(client, world, "admin_a").get(AUDIT)
    assert targets(a) == ["张三丰", "张三丰"]
    assert "外镇回访" not in a.content.decode()

    b = login(client, world, "admin_b").get(AUDIT)
    assert targets(b) == ["孙外人"]
    assert "核对身份" not in b.content.decode()


def test_the_log_shows_field_changes_and_reveal_reasons_with_numbers_masked(client, world, entries):
    html = login(client, world, "admin_a").get(AUDIT).content.decode()

    assert "核对身份" in html
    assert "139****5678" in html and "13912345678" not in html
    assert world.resident_g1.phone not in html
    assert "→" in html


def test_the_log_filters_by_action_record_type_user_and_dates(client, world, entries):
    c = login(client, world, "admin_a")

    assert [e.action for e, *_ in c.get(AUDIT, {"action": "reveal"}).context["rows"]] == ["reveal"]
    assert c.get(AUDIT, {"target_type": "core.user"}).context["rows"] == []
    assert len(c.get(AUDIT, {"actor": world.user("grid_g1").pk}).context["rows"]) == 2
    today = timezone.localdate()
    assert len(c.get(AUDIT, {"since": today, "until": today}).context["rows"]) == 2
    tomorrow = today + dt.timedelta(days=1)
    assert c.get(AUDIT, {"since": tomorrow}).context["rows"] == []


def test_filtering_by_a_user_of_another_township_is_refused(client, world, entries):
    response = login(client, world, "admin_a").get(AUDIT, {"actor": world.user("admin_b").pk})

    assert response.context["rows"] == []
    assert response.context["form"].errors["actor"]


def test_a_date_range_ending_before_it_starts_is_explained(client, world, entries):
    response = login(client, world, "admin_a").get(
        AUDIT, {"since": "2026-02-10", "until": "2026-02-01"}
    )

    assert response.context["form"].errors["until"]


def test_the_log_is_paged(client, world):
    for n in range(55):
        audit.record(
            world.user("admin_a"), AuditAction.UPDATE, target_type="core.grid", target_id=n
        )
    c = login(client, world, "admin_a")

    first = c.get(AUDIT)
    second = c.get(AUDIT, {"page": 2})

    assert len(first.context["rows"]) == 50 and first.context["page"].has_next
    assert len(second.context["rows"]) == 5
    assert AuditEntry.objects.count() == 55


def test_htmx_filtering_returns_the_results_partial(client, world, entries):
    response = login(client, world, "admin_a").get(
        AUDIT, {"action": "reveal"}, HTTP_HX_REQUEST="true"
    )

    assert "<html" not in response.content.decode()
    assert 'id="audit-results"' in response.content.decode()


def test_entries_of_any_shape_are_shown(client, world):
    """An import names counts by relation names (a township's staff) and nests values; the
    page shows them rather than failing."""
    audit.record(
        world.user("admin_a"),
        AuditAction.IMPORT,
        target_type="core.township",
        target_id=world.township_a.pk,
        township=world.township_a,
        changes={"staff": 3, "residents": 30, "file": {"name": "a.xlsx", "rows": 30}},
    )
    audit.record(
        world.user("admin_a"), AuditAction.EXPORT, target_type="no.such_model", changes={"x": 1}
    )

    response = login(client, world, "admin_a").get(AUDIT)

    assert response.status_code == 200
    html = response.content.decode()
    assert "a.xlsx" in html and "30" in html


def test_the_record_type_is_shown_by_its_name_in_chinese(client, world):
    actions.reveal(world.user("grid_g1"), world.resident_g1, field="phone", reason="电话随访")
    client.force_login(world.user("admin_a"))
    html = client.get(AUDIT).content.decode()
    assert '<span class="muted">居民</span>' in html
    assert '<span class="muted">people.resident</span>' not in html
