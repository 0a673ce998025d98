"""The risk-area pages: the register for every reader, and adding, ending, importing and
pasting for township admins only."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from fangkong.core.models import AuditAction, AuditEntry
from fangkong.policy.models import RiskArea
from fangkong.policy.tests.factories import RiskAreaFactory
from fangkong.policy.tests.test_registering import GOOD, xlsx

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 1, 20)
# The register is public information: anyone who reads the registry or works cases.
READERS = ["admin_a", "admin_b", "leader_a1", "office_a1", "grid_g1", "medic_a1", "police_a1"]
NOT_READERS = ["guard_a1", "volunteer_a1"]
NOT_WRITERS = ["leader_a1", "grid_g1", "medic_a1", "police_a1", "guard_a1", "volunteer_a1"]


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(dt.datetime(2026, 1, 20, 9, 0), tick=False):
        yield


def login(client, world, key):
    client.force_login(world.user(key))
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def register(db):
    """增村镇 (high, in force), 将台乡 (medium, in force), 岗上镇 (high, ended on the 15th)."""
    return {
        "zengcun": RiskAreaFactory.create(start=dt.date(2026, 1, 10)),
        "jiangtai": RiskAreaFactory.create(
            code="110105", division_name="北京市朝阳区", sub_name="将台乡", level="medium"
        ),
        "gangshang": RiskAreaFactory.create(
            sub_name="岗上镇", start=dt.date(2026, 1, 1), end=dt.date(2026, 1, 15)
        ),
    }


def names(response):
    return [a.sub_name for a in response.context["page"].items]


# --- the register ----------------------------------------------------------------------------


@pytest.mark.parametrize("user", READERS)
def test_every_reader_sees_the_whole_register(client, world, register, user):
    response = login(client, world, user).get(reverse("policy:area_list"))

    assert response.status_code == 200
    assert sorted(names(response)) == sorted(["增村镇", "将台乡"])


@pytest.mark.parametrize("user", NOT_READERS)
def test_guards_and_volunteers_may_not_open_the_register(client, world, register, user):
    assert login(client, world, user).get(reverse("policy:area_list")).status_code == 403


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["增村镇", "将台乡"]),
        ({"status": "in_force", "on": "2026-01-12"}, ["增村镇", "将台乡", "岗上镇"]),
        ({"status": "ended"}, ["岗上镇"]),
        ({"status": "all"}, ["增村镇", "将台乡", "岗上镇"]),
        ({"status": "all", "level": "medium"}, ["将台乡"]),
        ({"status": "all", "q": "朝阳"}, ["将台乡"]),
        ({"status": "all", "q": "1301"}, ["增村镇", "岗上镇"]),
        ({"status": "in_force", "on": "2025-12-31"}, []),
    ],
)
def test_the_register_is_filtered_by_date_status_level_and_text(
    client, world, register, params, expected
):
    response = login(client, world, "grid_g1").get(reverse("policy:area_list"), params)

    assert sorted(names(response)) == sorted(expected)


def test_an_htmx_request_gets_only_the_results(client, world, register):
    response = login(client, world, "grid_g1").get(
        reverse("policy:area_list"), {"q": "朝阳"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()

    assert html.lstrip().startswith('<section id="results"')
    assert "将台乡" in html


def test_the_register_stays_within_its_query_budget(
    client, world, register, django_assert_max_num_queries
):
    for n in range(60):
        RiskAreaFactory.create(sub_name=f"第{n}村")
    c = login(client, world, "leader_a1")
    c.get(reverse("policy:area_list"))

    with django_assert_max_num_queries(6):
        response = c.get(reverse("policy:area_list"), {"status": "all"})
    assert len(response.context["page"].items) == 50


# --- adding and ending -----------------------------------------------------------------------


def test_an_admin_adds_an_area_by_its_name(client, world):
    response = login(client, world, "admin_a").post(
        reverse("policy:area_create"),
        {
            "place": "河北省石家庄市藁城区增村镇",
            "level": "high",
            "start": "2026-01-10",
            "source": "公告",
        },
    )

    assert response.status_code == 302
    area = RiskArea.objects.get()
    assert (area.code, area.sub_name, area.level, area.source) == (
        "130109",
        "增村镇",
        "high",
        "公告",
    )


def test_an_unresolvable_place_is_shown_and_never_guessed(client, world):
    response = login(client, world, "admin_a").post(
        reverse("policy:area_create"),
        {"place": "火星省奥林匹斯山", "level": "high", "start": "2026-01-10"},
    )

    assert response.status_code == 422
    [message] = response.context["form"].errors["place"]
    assert "火星省奥林匹斯山" in message
    assert not RiskArea.objects.exists()


def test_an_end_before_the_start_is_refused_on_the_form(client, world):
    response = login(client, world, "admin_a").post(
        reverse("policy:area_create"),
        {"place": "北京市朝阳区", "level": "medium", "start": "2026-01-10", "end": "2026-01-09"},
    )

    assert response.status_code == 422
    assert "end" in response.context["form"].errors
    assert not RiskArea.objects.exists()


def test_an_admin_ends_an_area(client, world, register):
    area = register["zengcun"]
    area.township = world.township_b  # the register is shared, its entries are not
    area.save()
    c = login(client, world, "admin_b")

    assert c.get(reverse("policy:area_end", args=[area.pk])).status_code == 200
    response = c.post(reverse("policy:area_end", args=[area.pk]), {"end": "2026-01-19"})
    assert response.status_code == 200 and 'id="confirmation"' in response.content.decode()
    area.refresh_from_db()
    assert area.end is None  # asked first, nothing changed
    response = c.post(
        reverse("policy:area_end", args=[area.pk]), {"end": "2026-01-19", "confirm": "1"}
    )

    assert response.status_code == 302
    area.refresh_from_db()
    assert area.end == dt.date(2026, 1, 19)


@pytest.mark.parametrize("user", NOT_WRITERS)
def test_only_township_admins_change_the_register(client, world, register, user, tmp_path):
    c = login(client, world, user)
    area = register["zengcun"]

    for url in (
        "policy:area_create",
        "policy:area_import",
        "policy:area_paste",
        "policy:area_template",
    ):
        assert c.get(reverse(url)).status_code == 403, url
    assert c.get(reverse("policy:area_end", args=[area.pk])).status_code == 403
    assert (
        c.post(
            reverse("policy:area_create"),
            {"place": "北京市朝阳区", "level": "high", "start": "2026-01-10"},
        ).status_code
        == 403
    )
    assert (
        c.post(reverse("policy:area_end", args=[area.pk]), {"end": "2026-01-19"}).status_code == 403
    )
    with xlsx(tmp_path, GOOD).open("rb") as fh:
        assert c.post(reverse("policy:area_import"), {"file": fh}).status_code == 403
    assert (
        c.post(
            reverse("policy:area_paste"),
            {"text": "北京市朝阳区 高风险", "start": "2026-01-10", "confirm": "1"},
        ).status_code
        == 403
    )
    assert RiskArea.objects.count() == 3
    area.refresh_from_db()
    assert area.end is None


# --- import ----------------------------------------------------------------------------------


def test_an_admin_imports_a_spreadsheet(client, world, tmp_path):
    c = login(client, world, "admin_a")
    assert c.get(reverse("policy:area_import")).status_code == 200

    with xlsx(tmp_path, GOOD).open("rb") as fh:
        response = c.post(reverse("policy:area_import"), {"file": fh, "source": "市指挥部通告"})

    assert response.status_code == 302
    assert RiskArea.objects.count() == 3
    assert RiskArea.objects.get(code="110105").source == "市指挥部通告"
    assert RiskArea.objects.get(code="130109").source == "石家庄市公告"
    assert AuditEntry.objects.filter(action=AuditAction.CREATE).count() == 3


def test_a_spreadsheet_with_bad_rows_writes_nothing_and_lists_every_problem(
    client, world, tmp_path
):
    rows = [
        *GOOD,
        ["火星省奥林匹斯山", "高", "2026-01-10", "", ""],
        ["北京市朝阳区", "很高", "2026-01-10", "", ""],
    ]

    with xlsx(tmp_path, rows).open("rb") as fh:
        response = login(client, world, "admin_a").post(reverse("policy:area_import"), {"file": fh})

    assert response.status_code == 422
    assert [(p.row, p.text) for p in response.context["checked"].problems] == [
        (5, "地区"),
        (6, "风险等级"),
    ]
    html = response.content.decode()
    assert "火星省奥林匹斯山" in html and "很高" in html
    assert not RiskArea.objects.exists()


def test_a_file_that_is_not_a_spreadsheet_is_refused_with_a_message(client, world, tmp_path):
    path = tmp_path / "areas.docx"
    path.write_bytes(b"PK\x03\x04 not really")

    with path.open("rb") as fh:
        response = login(client, world, "admin_a").post(reverse("policy:area_import"), {"file": fh})

    assert response.status_code == 422
    assert ".docx" in " ".join(response.context["form"].errors["file"])


def test_the_template_is_downloaded(client, world):
    response = login(client, world, "admin_a").get(reverse("policy:area_template"))

    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"PK")


# --- announcements ---------------------------------------------------------------------------

TEXT = "高风险地区：\n河北省石家庄市藁城区增村镇\n中风险地区：\n北京市朝阳区将台乡、酒仙桥街道\n"


def test_an_admin_reads_an_announcement_then_confirms_it(client, world):
    c = login(client, world, "admin_a")
    data = {"text": TEXT, "start": "2026-01-18", "source": "国务院联防联控机制"}

    read = c.post(reverse("policy:area_paste"), {**data, "read": "1"})

    assert read.status_code == 200
    assert not RiskArea.objects.exists()
    html = read.content.decode()
    assert 'id="confirm"' in html and "130109" in html and "110105" in html
    digest = read.context["digest"]

    confirmed = c.post(reverse("policy:area_paste"), {**data, "digest": digest, "confirm": "1"})

    assert confirmed.status_code == 302
    assert sorted(RiskArea.objects.values_list("sub_name", "level")) == [
        ("增村镇", "high"),
        ("将台乡", "medium"),
        ("酒仙桥街道", "medium"),
    ]
    assert set(RiskArea.objects.values_list("start", flat=True)) == {dt.date(2026, 1, 18)}


def test_an_unresolved_line_blocks_confirmation_until_it_is_fixed(client, world):
    c = login(client, world, "admin_a")
    text = TEXT + "火星省奥林匹斯山 高风险\n"
    data = {"text": text, "start": "2026-01-18"}

    read = c.post(reverse("policy:area_paste"), {**data, "read": "1"})

    assert read.status_code == 422
    html = read.content.decode()
    assert 'id="confirm"' not in html
    assert "火星省奥林匹斯山" in html
    forced = c.post(
        reverse("policy:area_paste"), {**data, "digest": read.context["digest"], "confirm": "1"}
    )
    assert forced.status_code == 422
    assert not RiskArea.objects.exists()


def test_a_text_changed_after_reading_is_read_again_not_registered(client, world):
    c = login(client, world, "admin_a")
    read = c.post(reverse("policy:area_paste"), {"text": TEXT, "start": "2026-01-18", "read": "1"})

    response = c.post(
        reverse("policy:area_paste"),
        {
            "text": TEXT + "上海市浦东新区 中风险",
            "start": "2026-01-18",
            "digest": read.context["digest"],
            "confirm": "1",
        },
    )

    assert response.status_code == 200
    assert "changed since it was read" in response.content.decode()
    assert not RiskArea.objects.exists()


def test_pasting_places_already_registered_is_refused_naming_them(client, world, register):
    c = login(client, world, "admin_a")
    read = c.post(reverse("policy:area_paste"), {"text": TEXT, "start": "2026-01-18", "read": "1"})

    assert read.status_code == 422
    assert "already registered" in read.content.decode()
    assert RiskArea.objects.count() == 3


# --- the workbench panel ---------------------------------------------------------------------


def test_the_workbench_shows_the_county_level_with_its_areas(client, world):
    # world: community A1 is 420103001001, so its county is 420103 (江汉区, 武汉市)
    area = RiskAreaFactory.create(
        code="420103", division_name="湖北省武汉市江汉区", sub_name="民族街道", level="medium"
    )
    RiskAreaFactory.create()  # elsewhere

    html = login(client, world, "grid_g1").get(reverse("core:workbench")).content.decode()

    assert 'id="county-risk"' in html
    assert "湖北省武汉市江汉区" in html
    assert area.full_name in html
    assert "增村镇" not in html
    assert 'id="county-risk-level">Medium risk<' in html


@pytest.mark.parametrize("user", ["admin_a", "leader_a2", "guard_a1", "volunteer_a1"])
def test_every_role_sees_its_county_level(client, world, user):
    RiskAreaFactory.create(code="4201", division_name="湖北省武汉市", sub_name="", level="high")

    html = login(client, world, user).get(reverse("core:workbench")).content.decode()

    assert 'id="county-risk-level">High risk<' in html


def test_another_townships_county_is_low_when_its_areas_are_elsewhere(client, world):
    RiskAreaFactory.create(code="420103", division_name="湖北省武汉市江汉区", sub_name="民族街道")

    html = login(client, world, "admin_b").get(reverse("core:workbench")).content.decode()

    # township B is 420104 (硚口区)
    assert 'id="county-risk-level">Low risk<' in html
    assert "No medium or high risk area in the county today." in html


def test_the_county_panel_costs_two_queries(world, django_assert_num_queries):
    from django.template import Context, Template

    RiskAreaFactory.create(code="420103", division_name="湖北省武汉市江汉区", sub_name="民族街道")
    template = Template("{% load risk %}{% county_risk_panel %}")
    user = world.user("grid_g1")

    with django_assert_num_queries(2):
        html = template.render(Context({"user": user}))
    assert "民族街道" in html
