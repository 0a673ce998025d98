"""Round pages: permissions (allowed and denied), coverage numbers, sampling on the phone page,
the lab file through the pages, registering a positive."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from fangkong.checkpoints.models import Pass
from fangkong.checkpoints.payload import qr_text
from fangkong.core.errors import DomainError
from fangkong.core.models import AuditEntry, Building
from fangkong.masstesting import actions, queries
from fangkong.masstesting.models import Round, RoundMember, Tube
from fangkong.masstesting.rounds import open_round
from fangkong.people.tests.factories import HouseholdFactory, ResidentFactory
from fangkong.quarantine.models import IndexCase

from .helpers import community_round, csv_upload, more_people

pytestmark = pytest.mark.django_db


def _as(client, world, key):
    client.force_login(world.user(key))
    return client


@pytest.mark.parametrize("key", ["leader_a1", "office_a1", "grid_g1", "medic_a1", "admin_a"])
def test_staff_with_view_rounds_see_the_round(client, world, key) -> None:
    rnd = community_round(world)
    _as(client, world, key)
    assert client.get(reverse("masstesting:round_list")).status_code == 200
    response = client.get(reverse("masstesting:round_detail", args=[rnd.pk]))
    assert response.status_code == 200
    assert rnd.name in response.content.decode()


@pytest.mark.parametrize("key", ["volunteer_a1", "guard_a1", "police_a1"])
def test_volunteer_guard_police_are_denied(client, world, key) -> None:
    rnd = community_round(world)
    _as(client, world, key)
    assert client.get(reverse("masstesting:round_list")).status_code == 403
    assert client.get(reverse("masstesting:round_detail", args=[rnd.pk])).status_code == 403
    assert client.get(reverse("masstesting:sample", args=[rnd.pk])).status_code == 403


@pytest.mark.parametrize("key", ["leader_a2", "admin_b"])
def test_another_communitys_round_is_404(client, world, key) -> None:
    rnd = community_round(world)
    _as(client, world, key)
    assert client.get(reverse("masstesting:round_detail", args=[rnd.pk])).status_code == 404
    assert client.get(reverse("masstesting:round_missing", args=[rnd.pk])).status_code == 404
    assert rnd.name not in client.get(reverse("masstesting:round_list")).content.decode()


def test_a_township_round_is_seen_by_its_communities(client, world) -> None:
    rnd = open_round(world.user("admin_a"), scope=world.township_a, name="全街道核酸")
    _as(client, world, "leader_a2")
    assert client.get(reverse("masstesting:round_detail", args=[rnd.pk])).status_code == 200
    _as(client, world, "admin_b")
    assert client.get(reverse("masstesting:round_detail", args=[rnd.pk])).status_code == 404


def test_grid_worker_samples_but_cannot_open_or_close(client, world) -> None:
    rnd = community_round(world)
    _as(client, world, "grid_g1")
    assert client.get(reverse("masstesting:sample", args=[rnd.pk])).status_code == 200
    assert client.get(reverse("masstesting:round_open")).status_code == 403
    assert client.post(reverse("masstesting:round_close", args=[rnd.pk])).status_code == 403


def test_open_a_round_from_the_page(client, world) -> None:
    _as(client, world, "leader_a1")
    page = client.get(reverse("masstesting:round_open")).content.decode()
    assert f"grid:{world.grid_g1.pk}" in page and f"community:{world.community_a2.pk}" not in page
    response = client.post(
        reverse("masstesting:round_open"),
        {"place": f"building:{world.building_g1.pk}", "name": "1栋核酸"},
    )
    rnd = Round.objects.get(name="1栋核酸")
    assert response.status_code == 302
    assert set(rnd.members.values_list("resident_id", flat=True)) == {
        world.resident_g1.pk,
        world.resident_g1_spouse.pk,
    }


def test_open_a_round_outside_the_jurisdiction_is_refused(client, world) -> None:
    _as(client, world, "leader_a1")
    response = client.post(
        reverse("masstesting:round_open"),
        {"place": f"community:{world.community_a2.pk}", "name": "越权"},
    )
    assert response.status_code == 422
    response = client.post(
        reverse("masstesting:round_open"),
        {"place": f"township:{world.township_a.pk}", "name": "越权"},
    )
    assert response.status_code == 422
    assert not Round.objects.exists()


def test_coverage_numbers_by_building(world) -> None:
    rnd = community_round(world, extra=4)  # building 1: 2 + 4, building 2: 1
    people = list(
        RoundMember.objects.filter(round=rnd, building=world.building_g1).select_related("resident")
    )
    for m in people[:3]:
        actions.sample(None, rnd, tube_code="P1", pooled=True, resident=m.resident)
    RoundMember.objects.filter(pk=people[0].pk).update(retest_needed=True)
    no_building = HouseholdFactory.create(grid=world.grid_g2, number="平房1")
    actions.add_to_round(None, rnd, ResidentFactory.create(household=no_building))
    rows = {r.building_id: r for r in queries.coverage(RoundMember.objects.filter(round=rnd))}
    b1, b2, none = rows[world.building_g1.pk], rows[world.building_g2.pk], rows[None]
    assert (b1.expected, b1.sampled, b1.missing, b1.retest, b1.percent) == (6, 3, 3, 1, 50)
    assert (b2.expected, b2.sampled) == (1, 0)
    assert (none.expected, none.grid_id) == (1, world.grid_g2.pk)
    n = queries.numbers(RoundMember.objects.filter(round=rnd))
    assert (n.expected, n.sampled, n.missing, n.retest, n.pending) == (8, 3, 5, 1, 2)


def test_coverage_partial_and_missing_list(client, world) -> None:
    rnd = community_round(world)
    actions.sample(None, rnd, tube_code="P1", pooled=True, resident=world.resident_g1)
    _as(client, world, "medic_a1")
    part = client.get(
        reverse("masstesting:round_coverage", args=[rnd.pk]), HTTP_HX_REQUEST="true"
    ).content.decode()
    assert 'id="coverage"' in part and "<html" not in part and 'hx-trigger="every 10s"' in part
    page = client.get(
        reverse("masstesting:round_missing", args=[rnd.pk]),
        {"building": world.building_g1.pk},
    ).content.decode()
    assert world.resident_g1_spouse.name in page
    assert world.resident_g1.name not in page  # sampled
    assert world.resident_g2.name not in page  # other building
    doc = world.resident_g1_spouse.doc_number
    assert doc not in page and doc[-4:] in page  # masked


def test_grid_worker_sees_only_their_grid_in_the_missing_list(client, world) -> None:
    rnd = community_round(world)
    _as(client, world, "grid_g1")
    page = client.get(reverse("masstesting:round_missing", args=[rnd.pk])).content.decode()
    assert world.resident_g1.name in page and world.resident_g2.name not in page


def test_sampling_page_by_pass_and_search(client, world) -> None:
    rnd = community_round(world)
    url = reverse("masstesting:sample", args=[rnd.pk])
    _as(client, world, "medic_a1")
    assert client.get(url).status_code == 200
    step2 = client.get(url, {"tube": "p-1"}).content.decode()
    assert "P-1" in step2 and "0 of 10" in step2
    card = Pass.objects.create(
        township=world.township_a,
        community=world.community_a1,
        grid=world.grid_g1,
        resident=world.resident_g1,
        number="A1-000001",
    )
    response = client.post(url, {"tube": "P-1", "code": qr_text(card.number)})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "1 of 10" in page and world.resident_g1.name in page
    forged = client.post(url, {"tube": "P-1", "code": "FKP1:A1-000001:xx"})
    assert forged.status_code == 422 and "not a pass of this site" in forged.content.decode()
    found = client.post(url, {"tube": "P-1", "q": world.resident_g2.doc_number[-4:]})
    assert world.resident_g2.name in found.content.decode()
    client.post(url, {"tube": "P-1", "resident": world.resident_g2.pk})
    assert Tube.objects.get(round=rnd, code="P-1").members.count() == 2
    twice = client.post(url, {"tube": "P-1", "resident": world.resident_g2.pk})
    assert twice.status_code == 422 and "already sampled" in twice.content.decode()


def test_sampling_page_adds_someone_missing(client, world) -> None:
    rnd = community_round(world)
    newcomer = ResidentFactory.create(household=world.household_g2, name="新来的")
    url = reverse("masstesting:sample", args=[rnd.pk])
    _as(client, world, "medic_a1")
    found = client.post(url, {"tube": "P1", "q": "新来"}).content.decode()
    assert "not on the list of this round" in found
    refused = client.post(url, {"tube": "P1", "resident": newcomer.pk})
    assert refused.status_code == 422 and "not expected" in refused.content.decode()
    client.post(url, {"tube": "P1", "resident": newcomer.pk, "add": "1"})
    member = RoundMember.objects.get(round=rnd, resident=newcomer)
    assert member.tube.code == "P1"  # type: ignore[union-attr]


def _without_document(world, **kw):
    return ResidentFactory.create(
        household=kw.pop("household", world.household_g1),
        name=kw.pop("name", "吴秀兰"),
        relation="parent",
        doc_type="none",
        doc_number="",
        no_doc_reason="户口未迁入",
        birth_date=dt.date(1940, 3, 1),
        phone=kw.pop("phone", "13612340001"),
    )


@pytest.mark.parametrize(
    "q", ["吴秀兰", "吴秀", "wxl", "WXL", "wuxiulan", "13612340001", "0001", "1单元 101"]
)
def test_a_resident_without_a_document_is_found_for_sampling(client, world, q) -> None:
    nodoc = _without_document(world)
    rnd = community_round(world)
    assert RoundMember.objects.filter(round=rnd, resident=nodoc).exists()
    url = reverse("masstesting:sample", args=[rnd.pk])
    _as(client, world, "medic_a1")
    page = client.post(url, {"tube": "P1", "q": q}).content.decode()
    results = page.split('id="search-results"')[1].split("</section>")[0]
    assert "吴秀兰" in results
    assert f'name="resident" value="{nodoc.pk}"' in results
    assert "No document" in results and "136****0001" in results
    assert "13612340001" not in results
    response = client.post(url, {"tube": "P1", "resident": nodoc.pk})
    assert response.status_code == 302
    assert RoundMember.objects.get(round=rnd, resident=nodoc).tube.code == "P1"  # type: ignore[union-attr]


def test_sampling_search_stays_in_the_jurisdiction(client, world) -> None:
    outsider = _without_document(world, household=world.household_b, name="吴外人")
    rnd = community_round(world)
    _as(client, world, "medic_a1")
    url = reverse("masstesting:sample", args=[rnd.pk])
    for q in ("吴外人", "wwr", outsider.phone):
        page = client.post(url, {"tube": "P1", "q": q}).content.decode()
        assert "吴外人" not in page, q


def test_a_full_tube_on_the_page(client, world) -> None:
    rnd = community_round(world, extra=8)
    people = [m.resident for m in rnd.members.select_related("resident")]
    for person in people[:10]:
        actions.sample(None, rnd, tube_code="P1", pooled=True, resident=person)
    _as(client, world, "medic_a1")
    url = reverse("masstesting:sample", args=[rnd.pk])
    response = client.get(url, {"tube": "P1"})
    assert response.status_code == 422 and "is full" in response.content.decode()
    response = client.post(url, {"tube": "P1", "resident": people[10].pk})
    assert response.status_code == 422
    assert RoundMember.objects.get(round=rnd, resident=people[10]).tube_id is None


def test_upload_results_and_register_the_positive(client, world, settings, tmp_path) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    rnd = community_round(world)
    actions.sample(None, rnd, tube_code="S1", pooled=False, resident=world.resident_g1)
    _as(client, world, "medic_a1")
    response = client.post(
        reverse("masstesting:results_upload", args=[rnd.pk]),
        {"file": csv_upload([["试管编号", "检测结果"], ["S1", "阳性"]])},
    )
    assert response.status_code == 302
    job_url = response["Location"]
    assert (
        "Record all" in client.get(job_url).content.decode()
        or "Record 1" in client.get(job_url).content.decode()
    )
    job_id = int(job_url.rstrip("/").split("/")[-1])
    client.post(reverse("masstesting:import_confirm", args=[job_id]))
    member = RoundMember.objects.get(round=rnd, resident=world.resident_g1)
    assert member.result == "positive"
    page = client.get(reverse("masstesting:round_detail", args=[rnd.pk])).content.decode()
    assert "Register as an index case" in page
    response = client.post(reverse("masstesting:register_case", args=[rnd.pk, member.pk]))
    index = IndexCase.objects.get(resident=world.resident_g1)
    assert response["Location"] == reverse("quarantine:index_detail", args=[index.pk])
    again = client.post(reverse("masstesting:register_case", args=[rnd.pk, member.pk]))
    assert again.status_code == 302 and IndexCase.objects.count() == 1


def test_grid_worker_cannot_upload_or_register(client, world, settings, tmp_path) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    rnd = community_round(world)
    _as(client, world, "grid_g1")
    response = client.post(
        reverse("masstesting:results_upload", args=[rnd.pk]),
        {"file": csv_upload([["试管编号", "检测结果"], ["S1", "阳性"]])},
    )
    assert response.status_code == 403


def test_close_from_the_page(client, world) -> None:
    rnd = community_round(world)
    _as(client, world, "medic_a1")
    client.post(reverse("masstesting:round_close", args=[rnd.pk]))
    rnd.refresh_from_db()
    assert rnd.is_open  # asked first (core/confirmation.py)
    client.post(reverse("masstesting:round_close", args=[rnd.pk]), {"confirm": "1"})
    rnd.refresh_from_db()
    assert not rnd.is_open


def test_workbench_panel(client, world) -> None:
    rnd = community_round(world)
    actions.sample(None, rnd, tube_code="P1", pooled=True, resident=world.resident_g1)
    _as(client, world, "leader_a1")
    page = client.get(reverse("core:workbench")).content.decode()
    assert 'id="rounds-panel"' in page and rnd.name in page and "33% sampled (1 of 3)" in page
    assert "Testing rounds" in page
    _as(client, world, "volunteer_a1")
    page = client.get(reverse("core:workbench")).content.decode()
    assert 'id="rounds-panel"' not in page


def test_more_people_are_in_building_1(world) -> None:
    assert {p.household.building_id for p in more_people(world, 2)} == {world.building_g1.pk}  # type: ignore[union-attr]
    assert Building.objects.count() == 3


# -- item 12: the sampling page finds by pinyin, scans with the camera, takes a person out ----


def test_sampling_finds_by_pinyin_initials_like_the_resident_list(client, world) -> None:
    lsg = ResidentFactory.create(household=world.household_g1, name="李四光")
    rnd = community_round(world)
    _as(client, world, "medic_a1")
    url = reverse("masstesting:sample", args=[rnd.pk])
    for q in ("lsg", "LSG", "lisiguang", "lisi"):
        page = client.post(url, {"tube": "P1", "q": q}).content.decode()
        assert f'name="resident" value="{lsg.pk}"' in page, q


def test_the_sampling_page_has_the_gates_camera_scanner(client, world) -> None:
    rnd = community_round(world)
    _as(client, world, "medic_a1")
    page = client.get(reverse("masstesting:sample", args=[rnd.pk]), {"tube": "P1"})
    html = page.content.decode()
    assert 'id="scan-start"' in html and 'id="scanner"' in html
    assert "checkpoints/scan.js" in html
    # after the pass-code field it fills
    assert html.index('id="id_code"') < html.index('id="scan-start"')


def test_a_person_in_the_wrong_tube_is_taken_out_recorded(client, world) -> None:
    rnd = community_round(world)
    _as(client, world, "medic_a1")
    url = reverse("masstesting:sample", args=[rnd.pk])
    client.post(url, {"tube": "P1", "resident": world.resident_g1.pk})
    client.post(url, {"tube": "P1", "resident": world.resident_g2.pk})
    wrong = RoundMember.objects.get(round=rnd, resident=world.resident_g2)
    page = client.get(url, {"tube": "P1"}).content.decode()
    remove = reverse("masstesting:tube_remove", args=[rnd.pk, wrong.pk])
    assert f'action="{remove}"' in page
    assert "data-confirm=" in page.split(f'action="{remove}"')[1].split("</form>")[0]
    response = client.post(remove, {"tube": "P1"})
    assert response.status_code == 302 and "tube=P1" in response["Location"]
    wrong.refresh_from_db()
    assert (wrong.tube_id, wrong.sampled_at, wrong.sampled_by_id) == (None, None, None)
    tube = Tube.objects.get(round=rnd, code="P1")
    assert list(tube.members.values_list("resident_id", flat=True)) == [world.resident_g1.pk]
    entry = AuditEntry.objects.filter(target_type="masstesting.roundmember").latest("pk")
    assert entry.actor == world.user("medic_a1") and entry.changes == {"tube": ["P1", ""]}
    assert entry.target_id == str(wrong.pk)
    # now sampled into the right tube
    assert client.post(url, {"tube": "P2", "resident": world.resident_g2.pk}).status_code == 302
    wrong.refresh_from_db()
    assert wrong.tube.code == "P2"  # type: ignore[union-attr]


def test_taking_out_is_refused_once_the_tube_has_a_result_or_not_in_that_tube(
    client, world
) -> None:
    rnd = community_round(world)
    member = actions.sample(None, rnd, tube_code="P1", pooled=True, resident=world.resident_g1)
    with pytest.raises(DomainError, match="not in tube P9"):
        actions.remove_from_tube(world.user("medic_a1"), member, tube_code="P9")
    Tube.objects.filter(round=rnd, code="P1").update(result="negative")
    audits = AuditEntry.objects.count()
    _as(client, world, "medic_a1")
    remove = reverse("masstesting:tube_remove", args=[rnd.pk, member.pk])
    response = client.post(remove, {"tube": "P1"}, follow=True)
    assert "already has a result" in response.content.decode()
    member.refresh_from_db()
    assert member.tube.code == "P1"  # type: ignore[union-attr]
    assert AuditEntry.objects.count() == audits


def test_a_retest_taken_out_of_its_single_tube_is_to_be_retested_again(world) -> None:
    rnd = community_round(world)
    member = actions.sample(None, rnd, tube_code="P1", pooled=True, resident=world.resident_g1)
    Tube.objects.filter(round=rnd, code="P1").update(result="positive")
    RoundMember.objects.filter(pk=member.pk).update(retest_needed=True, result="positive")
    member = actions.sample(None, rnd, tube_code="S1", pooled=False, resident=world.resident_g1)
    actions.remove_from_tube(world.user("medic_a1"), member, tube_code="S1")
    member.refresh_from_db()
    assert member.retest_tube_id is None and member.retest_needed
    assert member.tube.code == "P1"  # type: ignore[union-attr]
    again = actions.sample(None, rnd, tube_code="S2", pooled=False, resident=world.resident_g1)
    assert again.retest_tube.code == "S2"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("key", "status"),
    [("guard_a1", 403), ("police_a1", 403), ("volunteer_a1", 403), ("leader_a2", 404)],
)
def test_who_may_not_take_a_person_out_of_a_tube(client, world, key, status) -> None:
    rnd = community_round(world)
    member = actions.sample(None, rnd, tube_code="P1", pooled=True, resident=world.resident_g1)
    _as(client, world, key)
    remove = reverse("masstesting:tube_remove", args=[rnd.pk, member.pk])
    assert client.post(remove, {"tube": "P1"}).status_code == status
    member.refresh_from_db()
    assert member.tube_id is not None


@pytest.mark.parametrize("key", ["office_a1", "grid_g1", "medic_a1"])
def test_those_who_sample_may_take_a_person_out_of_a_tube(client, world, key) -> None:
    rnd = community_round(world)
    member = actions.sample(None, rnd, tube_code="P1", pooled=True, resident=world.resident_g1)
    _as(client, world, key)
    remove = reverse("masstesting:tube_remove", args=[rnd.pk, member.pk])
    assert client.post(remove, {"tube": "P1"}).status_code == 302
    member.refresh_from_db()
    assert member.tube_id is None
