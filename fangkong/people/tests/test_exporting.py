"""Export of the filtered resident list: scoped, masked unless revealed with a reason, audited,
and safe to open in a spreadsheet program."""

import pytest
from django.urls import reverse
from django.utils import translation

from fangkong.core.masking import mask_document, mask_phone
from fangkong.core.models import AuditEntry
from fangkong.core.spreadsheets import read_xlsx_bytes, xlsx_has_formulas
from fangkong.people.exporting import EXPORT_HEADERS
from fangkong.people.models import Resident, ResidentTag

URL = reverse("people:resident_export")


@pytest.fixture(autouse=True)
def in_english(client):
    """Messages are asserted in their English source form, whatever the catalogue says: the
    browser asks for English (the job keeps that language for its background work)."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield


def login(client, world, key):
    client.force_login(world.user(key))
    return client


def export(client, query="", **form):
    response = client.post(f"{URL}?{query}" if query else URL, form)
    assert response.status_code == 200, response.content.decode()[:2000]
    data = b"".join(response.streaming_content)
    return data, read_xlsx_bytes(data)


def by_name(rows):
    header = rows[0]
    return {r[header.index("姓名")]: dict(zip(header, r, strict=True)) for r in rows[1:]}


@pytest.mark.parametrize(
    ("user", "expected"),
    [
        ("grid_g1", {"张三丰", "李秀英"}),  # same grid
        ("grid_g2", {"王二小"}),  # other grid of the same community
        ("leader_a1", {"张三丰", "李秀英", "王二小"}),
        ("admin_a", {"张三丰", "李秀英", "王二小", "赵大山"}),
        ("admin_b", {"孙外人"}),  # other township
    ],
)
def test_the_file_holds_exactly_the_rows_the_user_may_see(client, world, user, expected):
    login(client, world, user)
    _data, rows = export(client)
    assert tuple(rows[0]) == EXPORT_HEADERS
    assert set(by_name(rows)) == expected


@pytest.mark.parametrize("user", ["guard_a1", "volunteer_a1", "medic_a1", "police_a1"])
def test_roles_without_the_export_capability_get_403(client, world, user):
    login(client, world, user)
    assert client.get(URL).status_code == 403
    assert client.post(URL).status_code == 403
    assert not AuditEntry.objects.filter(action="export").exists()


def test_anonymous_users_are_sent_to_the_login_page(client, world):
    assert client.post(URL).status_code == 302


def test_the_file_holds_the_filtered_list_as_the_list_page_shows_it(client, world):
    login(client, world, "leader_a1")
    _data, rows = export(client, f"grid={world.grid_g2.pk}")
    assert set(by_name(rows)) == {"王二小"}
    _data, rows = export(client, "q=zsf")
    assert set(by_name(rows)) == {"张三丰"}
    # a filter naming another jurisdiction's grid is invalid: nothing, never their rows
    _data, rows = export(client, f"grid={world.grid_b.pk}")
    assert set(by_name(rows)) == set()


def test_sensitive_fields_are_masked_by_default_and_the_export_is_audited(client, world):
    r = world.resident_g1
    login(client, world, "grid_g1")
    _data, rows = export(client, "q=zsf")
    row = by_name(rows)["张三丰"]
    assert row["证件号码"] == mask_document(r.doc_number) != r.doc_number
    assert row["联系电话"] == mask_phone(r.phone) != r.phone
    entry = AuditEntry.objects.get(action="export")
    assert entry.actor == world.user("grid_g1")
    assert entry.changes == {"filter": {"q": "zsf"}, "rows": 1, "revealed": False}


def test_full_values_need_the_capability_the_request_and_a_reason(client, world):
    r = world.resident_g1
    login(client, world, "grid_g1")
    response = client.post(URL, {"reveal": "on", "reason": ""})
    assert response.status_code == 422 and not AuditEntry.objects.filter(action="export").exists()
    _data, rows = export(client, reveal="on", reason="入户走访名单")
    row = by_name(rows)["张三丰"]
    assert (row["证件号码"], row["联系电话"]) == (r.doc_number, r.phone)
    entry = AuditEntry.objects.get(action="export")
    assert entry.changes["revealed"] is True and entry.reason == "入户走访名单"
    assert entry.changes["rows"] == 2


def test_the_form_page_shows_the_count_and_offers_reveal_only_to_those_who_may(client, world):
    login(client, world, "leader_a1")
    page = client.get(f"{URL}?grid={world.grid_g1.pk}").content.decode()
    assert "2" in page and 'name="reveal"' in page
    assert f"?grid={world.grid_g1.pk}" in page  # the form posts the same filter back


def test_formula_triggers_are_neutralised_and_the_file_holds_no_formula(client, world):
    Resident.objects.filter(pk=world.resident_g1.pk).update(
        notes='=HYPERLINK("http://evil.example","点我")', away_place="+SUM(1,2)", away_contact="@x"
    )
    Resident.objects.filter(pk=world.resident_g1_spouse.pk).update(notes="-1+1", name="-李秀英")
    ResidentTag.objects.create(resident=world.resident_g1, tag="chronic")
    login(client, world, "leader_a1")
    data, rows = export(client, reveal="on", reason="核对")
    assert not xlsx_has_formulas(data)
    rows = by_name(rows)
    first = rows["张三丰"]
    assert first["备注"] == '\'=HYPERLINK("http://evil.example","点我")'
    assert first["务工地点"] == "'+SUM(1,2)" and first["在外联系方式"] == "'@x"
    assert first["重点人群"] == "多种慢病"
    assert rows["'-李秀英"]["备注"] == "'-1+1"


def test_an_export_reads_in_constant_queries_whatever_the_size(
    client, world, django_assert_max_num_queries
):
    login(client, world, "admin_a")
    with django_assert_max_num_queries(12):
        export(client)
