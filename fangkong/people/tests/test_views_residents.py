"""The resident list, search, resident page, reveal, create/edit/delete and merge pages.

Every permission test asserts both sides: the same grid, another grid of the same community,
another community (the village) and another township.
"""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils.translation import gettext as _

from fangkong.core.models import AuditAction, AuditEntry
from fangkong.people.models import Resident, ResidentTag
from fangkong.people.tests.factories import ResidentFactory, id_number

LIST = reverse("people:resident_list")


def detail(resident):
    return reverse("people:resident_detail", args=[resident.pk])


def login(client, world, key):
    client.force_login(world.user(key))
    return client


def listed_names(response):
    return sorted(r.name for r in response.context["page"].items)


# --- the list ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("user", "expected"),
    [
        ("grid_g1", ["张三丰", "李秀英"]),
        ("grid_g2", ["王二小"]),
        ("leader_a1", ["张三丰", "李秀英", "王二小"]),
        ("leader_a2", ["赵大山"]),
        ("admin_a", ["张三丰", "李秀英", "王二小", "赵大山"]),
        ("admin_b", ["孙外人"]),
        ("medic_a1", ["张三丰", "李秀英", "王二小"]),
        ("police_a1", ["张三丰", "李秀英", "王二小"]),
    ],
)
def test_resident_list_shows_exactly_the_users_jurisdiction(client, world, user, expected):
    response = login(client, world, user).get(LIST)

    assert response.status_code == 200
    assert listed_names(response) == sorted(expected)
    html = response.content.decode()
    for other in {"张三丰", "王二小", "赵大山", "孙外人"} - set(expected):
        assert other not in html


@pytest.mark.parametrize("user", ["guard_a1", "volunteer_a1"])
def test_guards_and_volunteers_may_not_browse_the_registry(client, world, user):
    assert login(client, world, user).get(LIST).status_code == 403


def test_anonymous_visitors_are_sent_to_the_login_page(client, world):
    response = client.get(LIST)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    ("user", "query", "expected"),
    [
        ("grid_g1", "zsf", ["张三丰"]),
        ("grid_g1", "ZSF", ["张三丰"]),
        ("grid_g1", "zhangsan", ["张三丰"]),
        ("grid_g1", "张三", ["张三丰"]),
        ("grid_g2", "zsf", []),
        ("leader_a1", "wex", ["王二小"]),
        ("admin_b", "zsf", []),
    ],
)
def test_search_by_name_pinyin_and_initials_stays_inside_the_jurisdiction(
    client, world, user, query, expected
):
    response = login(client, world, user).get(LIST, {"q": query})

    assert listed_names(response) == expected


def test_search_by_document_number_phone_and_address(client, world):
    c = login(client, world, "grid_g1")
    resident = world.resident_g1

    assert listed_names(c.get(LIST, {"q": resident.doc_number})) == ["张三丰"]
    assert listed_names(c.get(LIST, {"q": resident.phone})) == ["张三丰"]
    # spaces do not matter in an address (issue 12 item 14: "1栋1单元" used to find nobody)
    assert listed_names(c.get(LIST, {"q": "1栋1单元"})) == ["张三丰", "李秀英"]
    assert listed_names(c.get(LIST, {"q": "1栋 1单元"})) == ["张三丰", "李秀英"]
    assert listed_names(c.get(LIST, {"q": "1栋2单元"})) == []
    assert listed_names(c.get(LIST, {"q": "1单元"})) == ["张三丰", "李秀英"]
    # another grid's number is not found
    assert listed_names(c.get(LIST, {"q": world.resident_g2.doc_number})) == []


def test_filters_by_grid_tag_and_residence_type(client, world):
    ResidentTag.objects.create(resident=world.resident_g1_spouse, tag="chronic")
    c = login(client, world, "leader_a1")

    assert listed_names(c.get(LIST, {"grid": world.grid_g2.pk})) == ["王二小"]
    assert listed_names(c.get(LIST, {"tag": "chronic"})) == ["李秀英"]
    assert listed_names(c.get(LIST, {"building": world.building_g1.pk})) == ["张三丰", "李秀英"]
    assert listed_names(c.get(LIST, {"residence_type": "tenant"})) == []


def test_a_filter_on_another_jurisdictions_grid_shows_nothing(client, world):
    response = login(client, world, "grid_g1").get(LIST, {"grid": world.grid_g2.pk})

    assert response.status_code == 200
    assert listed_names(response) == []
    assert response.context["form"].errors


def test_list_masks_document_numbers_and_phones(client, world):
    response = login(client, world, "grid_g1").get(LIST)
    html = response.content.decode()

    assert world.resident_g1.doc_number not in html
    assert world.resident_g1.phone not in html
    assert world.resident_g1.masked_doc_number in html
    assert world.resident_g1.masked_phone in html


def test_htmx_search_returns_only_the_results_partial(client, world):
    response = login(client, world, "grid_g1").get(LIST, {"q": "zsf"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()

    assert response.status_code == 200
    assert "<html" not in html
    assert 'id="resident-results"' in html
    assert detail(world.resident_g1) in html


def test_the_browser_journey_finds_its_stable_element_names(client, world):
    c = login(client, world, "grid_g1")
    html = c.get(LIST, {"q": "zsf"}).content.decode()
    assert 'name="q"' in html and 'id="resident-results"' in html
    assert f'href="{detail(world.resident_g1)}"' in html

    html = c.get(detail(world.resident_g1)).content.decode()
    household = reverse("people:household_detail", args=[world.household_g1.pk])
    assert f'id="household-link" href="{household}"' in html


def test_list_pages_by_fetching_one_extra_row_and_keeps_the_query(client, world):
    ResidentFactory.create_batch(55, household=world.household_g1, name="张伟")
    c = login(client, world, "grid_g1")

    first = c.get(LIST, {"q": "zw"})
    second = c.get(LIST, {"q": "zw", "page": 2})

    assert len(first.context["page"].items) == 50 and first.context["page"].has_next
    assert "q=zw&amp;page=2" in first.content.decode()
    assert len(second.context["page"].items) == 5 and not second.context["page"].has_next
    assert first.context["page"].total == 55


def test_the_list_stays_within_its_query_budget(client, world, django_assert_max_num_queries):
    for r in ResidentFactory.create_batch(60, household=world.household_g1):
        ResidentTag.objects.create(resident=r, tag="infant")
    c = login(client, world, "leader_a1")
    c.get(LIST)  # warm the session

    # session, user, rows (+1), count, tags, grid and building choices
    with django_assert_max_num_queries(8):
        response = c.get(LIST, {"q": "", "tag": "infant"})
    assert len(response.context["page"].items) == 50


def test_export_link_carries_the_current_filters_for_those_who_may_export(client, world):
    try:
        export = reverse("people:resident_export")
    except Exception:
        pytest.skip("the export route is not installed yet")
    html = login(client, world, "grid_g1").get(LIST, {"q": "zsf"}).content.decode()
    assert f'href="{export}?q=zsf"' in html


# --- the resident page -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("user", "allowed", "denied"),
    [
        ("grid_g1", ["resident_g1"], ["resident_g2", "resident_village", "resident_b"]),
        ("grid_g2", ["resident_g2"], ["resident_g1", "resident_village", "resident_b"]),
        ("leader_a1", ["resident_g1", "resident_g2"], ["resident_village", "resident_b"]),
        ("admin_a", ["resident_g1", "resident_village"], ["resident_b"]),
        ("admin_b", ["resident_b"], ["resident_g1", "resident_g2", "resident_village"]),
        ("medic_a1", ["resident_g1", "resident_g2"], ["resident_village", "resident_b"]),
    ],
)
def test_resident_page_is_404_outside_the_jurisdiction(client, world, user, allowed, denied):
    c = login(client, world, user)
    for key in allowed:
        response = c.get(detail(getattr(world, key)))
        assert response.status_code == 200, key
        assert getattr(world, key).name in response.content.decode()
    for key in denied:
        assert c.get(detail(getattr(world, key))).status_code == 404, key


@pytest.mark.parametrize("user", ["guard_a1", "volunteer_a1"])
def test_guards_get_403_on_a_resident_page(client, world, user):
    assert login(client, world, user).get(detail(world.resident_g1)).status_code == 403


def test_resident_page_shows_household_housemates_and_masked_values(client, world):
    html = login(client, world, "grid_g1").get(detail(world.resident_g1)).content.decode()

    assert world.household_g1.address in html
    assert "李秀英" in html
    assert world.resident_g1.doc_number not in html
    assert world.resident_g1.masked_doc_number in html
    assert reverse("people:resident_reveal", args=[world.resident_g1.pk]) in html


# --- reveal ------------------------------------------------------------------------------


def reveal(client, resident, **data):
    return client.post(
        reverse("people:resident_reveal", args=[resident.pk]), data, HTTP_HX_REQUEST="true"
    )


def test_a_reveal_with_a_reason_shows_the_full_value_and_is_audited(client, world):
    c = login(client, world, "grid_g1")

    response = reveal(c, world.resident_g1, field="doc_number", reason="核对核酸检测登记")

    assert response.status_code == 200
    assert world.resident_g1.doc_number in response.content.decode()
    entry = AuditEntry.objects.get(action=AuditAction.REVEAL)
    assert entry.actor == world.user("grid_g1")
    assert entry.target_id == str(world.resident_g1.pk)
    assert entry.reason == "核对核酸检测登记"
    assert entry.changes == {"field": "doc_number"}
    assert entry.township == world.township_a


def test_a_reveal_of_the_phone_shows_the_phone(client, world):
    response = reveal(
        login(client, world, "medic_a1"), world.resident_g2, field="phone", reason="电话随访"
    )

    assert world.resident_g2.phone in response.content.decode()


def test_a_reveal_without_a_reason_shows_the_message_and_records_nothing(client, world):
    response = reveal(login(client, world, "grid_g1"), world.resident_g1, field="phone", reason="")

    assert response.status_code == 422
    html = response.content.decode()
    assert world.resident_g1.phone not in html
    assert _("Give the reason for viewing the full value.") in html
    assert not AuditEntry.objects.filter(action=AuditAction.REVEAL).exists()


@pytest.mark.parametrize(
    ("user", "target", "status"),
    [
        ("grid_g1", "resident_g2", 404),
        ("leader_a1", "resident_village", 404),
        ("admin_b", "resident_g1", 404),
        ("guard_a1", "resident_g1", 403),
    ],
)
def test_a_reveal_outside_what_the_user_may_see_is_refused(client, world, user, target, status):
    resident = getattr(world, target)
    response = reveal(login(client, world, user), resident, field="doc_number", reason="查看")

    assert response.status_code == status
    assert resident.doc_number not in response.content.decode()
    assert not AuditEntry.objects.filter(action=AuditAction.REVEAL).exists()


def test_a_reveal_must_be_posted(client, world):
    url = reverse("people:resident_reveal", args=[world.resident_g1.pk])
    assert login(client, world, "grid_g1").get(url).status_code == 405


# --- create, edit, delete ----------------------------------------------------------------

VALID_ID = id_number(7, dt.date(1990, 3, 7), female=True)


def person(**overrides):
    data = {
        "name": "欧阳娜娜",
        "doc_type": "id_card",
        "doc_number": VALID_ID,
        "phone": "13800138000",
        "relation": "child",
        "residence_type": "registered",
        "tags": ["infant"],
    }
    data.update(overrides)
    return data


def test_a_grid_worker_adds_a_member_to_a_household_of_their_grid(client, world):
    url = reverse("people:resident_create") + f"?household={world.household_g1.pk}"

    response = login(client, world, "grid_g1").post(url, person())

    created = Resident.objects.get(name="欧阳娜娜")
    assert response.status_code == 302 and response["Location"] == detail(created)
    assert created.household == world.household_g1 and created.grid == world.grid_g1
    assert created.birth_date == dt.date(1990, 3, 7) and created.gender == "F"
    assert created.tag_values == ["infant"]
    assert AuditEntry.objects.filter(
        action=AuditAction.CREATE, target_type="people.resident", target_id=str(created.pk)
    ).exists()


def test_a_wrong_check_digit_shows_the_message_and_writes_nothing(client, world):
    wrong = VALID_ID[:17] + ("0" if VALID_ID[17] != "0" else "1")
    url = reverse("people:resident_create") + f"?household={world.household_g1.pk}"
    before = Resident.objects.count()

    response = login(client, world, "grid_g1").post(url, person(doc_number=wrong))

    assert response.status_code == 422
    assert response.context["form"].errors["doc_number"] == [
        _("The check digit of the ID number is wrong.")
    ]
    assert _("The check digit of the ID number is wrong.") in response.content.decode()
    assert Resident.objects.count() == before
    assert not AuditEntry.objects.exists()


def test_a_duplicate_document_number_names_and_links_the_existing_record(client, world):
    url = reverse("people:resident_create") + f"?household={world.household_g1.pk}"

    response = login(client, world, "grid_g1").post(
        url, person(doc_number=world.resident_g1_spouse.doc_number)
    )

    assert response.status_code == 422
    message = response.context["form"].errors["doc_number"][0]
    assert "李秀英" in message and str(world.resident_g1_spouse.pk) in message
    assert f'href="{detail(world.resident_g1_spouse)}"' in response.content.decode()
    assert not Resident.objects.filter(name="欧阳娜娜").exists()


def test_a_person_is_created_directly_on_a_grid_without_household(client, world):
    response = login(client, world, "leader_a1").post(
        reverse("people:resident_create"), person(grid=world.grid_g2.pk)
    )

    created = Resident.objects.get(name="欧阳娜娜")
    assert response.status_code == 302
    assert created.grid == world.grid_g2 and created.household is None


@pytest.mark.parametrize(
    ("user", "household", "status"),
    [
        ("grid_g1", "household_g2", 404),
        ("leader_a1", "household_village", 404),
        ("admin_b", "household_g1", 404),
        ("medic_a1", "household_g1", 403),
        ("guard_a1", "household_g1", 403),
    ],
)
def test_adding_a_member_elsewhere_is_refused(client, world, user, household, status):
    url = reverse("people:resident_create") + f"?household={getattr(world, household).pk}"

    response = login(client, world, user).post(url, person())

    assert response.status_code == status
    assert not Resident.objects.filter(name="欧阳娜娜").exists()


def test_creating_on_another_jurisdictions_grid_is_refused_by_the_form(client, world):
    response = login(client, world, "grid_g1").post(
        reverse("people:resident_create"), person(grid=world.grid_g2.pk)
    )

    assert response.status_code == 422
    assert "grid" in response.context["form"].errors
    assert not Resident.objects.filter(name="欧阳娜娜").exists()


def test_editing_a_phone_saves_and_audits_the_change(client, world):
    resident = world.resident_g2
    url = reverse("people:resident_edit", args=[resident.pk])
    c = login(client, world, "grid_g2")
    form = c.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(household=resident.household_id, phone="13912345678", tags=[])

    response = c.post(url, data)

    assert response.status_code == 302
    resident.refresh_from_db()
    assert resident.phone == "13912345678"
    entry = AuditEntry.objects.get(action=AuditAction.UPDATE, target_id=str(resident.pk))
    assert entry.changes["phone"][1] == "139****5678"  # the log keeps it masked


@pytest.mark.parametrize(
    ("user", "status"),
    [("grid_g2", 200), ("grid_g1", 404), ("admin_b", 404), ("medic_a1", 403)],
)
def test_the_edit_page_follows_jurisdiction_and_role(client, world, user, status):
    url = reverse("people:resident_edit", args=[world.resident_g2.pk])
    assert login(client, world, user).get(url).status_code == status


def test_a_bad_phone_on_edit_is_shown_and_nothing_changes(client, world):
    resident = world.resident_g2
    url = reverse("people:resident_edit", args=[resident.pk])
    c = login(client, world, "grid_g2")
    data = {k: v for k, v in c.get(url).context["form"].initial.items() if v is not None}
    data.update(household=resident.household_id, phone="12345", tags=[])

    response = c.post(url, data)

    assert response.status_code == 422
    assert response.context["form"].errors["phone"]
    resident.refresh_from_db()
    assert resident.phone != "12345"
    assert not AuditEntry.objects.exists()


def test_delete_needs_a_reason_and_is_audited(client, world):
    resident = world.resident_g2
    url = reverse("people:resident_delete", args=[resident.pk])
    c = login(client, world, "grid_g2")

    refused = c.post(url, {"reason": ""})
    assert refused.status_code == 422
    assert Resident.objects.filter(pk=resident.pk).exists()

    done = c.post(url, {"reason": "重复录入"})
    assert done.status_code == 302
    assert not Resident.objects.filter(pk=resident.pk).exists()
    entry = AuditEntry.objects.get(action=AuditAction.DELETE)
    assert entry.reason == "重复录入" and entry.target_id == str(resident.pk)


@pytest.mark.parametrize(("user", "status"), [("grid_g1", 404), ("police_a1", 403)])
def test_delete_is_refused_outside_jurisdiction_or_role(client, world, user, status):
    url = reverse("people:resident_delete", args=[world.resident_g2.pk])

    assert login(client, world, user).post(url, {"reason": "x"}).status_code == status
    assert Resident.objects.filter(pk=world.resident_g2.pk).exists()


# --- likely duplicates and merge ---------------------------------------------------------


@pytest.fixture
def duplicate(world):
    """A record of 张三丰 without a document number, same birth date, same grid."""
    return ResidentFactory(
        household=world.household_g1,
        name="张三丰",
        doc_type="none",
        doc_number="",
        no_doc_reason="未带证件",
        birth_date=world.resident_g1.birth_date,
        phone="",
    )


def test_the_resident_page_lists_likely_duplicates_with_a_merge_form(client, world, duplicate):
    html = login(client, world, "office_a1").get(detail(world.resident_g1)).content.decode()

    assert 'id="duplicates"' in html
    assert detail(duplicate) in html
    assert reverse("people:resident_merge", args=[world.resident_g1.pk]) in html


def test_likely_duplicates_in_another_grid_are_not_shown(client, world):
    ResidentFactory(
        household=world.household_g2,
        name="张三丰",
        doc_type="none",
        doc_number="",
        no_doc_reason="未带证件",
        birth_date=world.resident_g1.birth_date,
    )
    html = login(client, world, "grid_g1").get(detail(world.resident_g1)).content.decode()

    assert 'id="duplicates"' not in html


def test_merging_needs_the_merge_capability_and_a_reason(client, world, duplicate):
    url = reverse("people:resident_merge", args=[world.resident_g1.pk])
    data = {"duplicate": duplicate.pk, "keep": "this", "reason": "同一人"}

    assert login(client, world, "grid_g1").post(url, data).status_code == 403
    refused = login(client, world, "office_a1").post(url, {**data, "reason": ""})
    assert refused.status_code == 422
    duplicate.refresh_from_db()
    assert duplicate.merged_into is None

    done = login(client, world, "office_a1").post(url, data)
    assert done.status_code == 302 and done["Location"] == detail(world.resident_g1)
    duplicate.refresh_from_db()
    assert duplicate.merged_into == world.resident_g1
    assert AuditEntry.objects.filter(action=AuditAction.MERGE, reason="同一人").count() == 2


def test_merging_with_a_record_outside_the_jurisdiction_is_404(client, world, duplicate):
    url = reverse("people:resident_merge", args=[world.resident_g1.pk])
    data = {"duplicate": world.resident_village.pk, "keep": "this", "reason": "同一人"}

    assert login(client, world, "leader_a1").post(url, data).status_code == 404
    assert not AuditEntry.objects.exists()


def test_a_merged_record_points_to_the_record_kept(client, world, duplicate):
    login(client, world, "office_a1").post(
        reverse("people:resident_merge", args=[world.resident_g1.pk]),
        {"duplicate": duplicate.pk, "keep": "this", "reason": "同一人"},
    )

    html = client.get(detail(duplicate)).content.decode()

    assert detail(world.resident_g1) in html
    assert reverse("people:resident_edit", args=[duplicate.pk]) not in html


def test_an_htmx_history_restore_gets_the_whole_page(client, world):
    response = login(client, world, "grid_g1").get(
        LIST, {"q": "zsf"}, HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true"
    )

    assert "<html" in response.content.decode()


def test_the_edit_form_never_puts_full_numbers_in_the_page(client, world):
    from django.urls import reverse

    r = world.resident_g1
    client.force_login(world.user("grid_g1"))
    html = client.get(reverse("people:resident_edit", args=[r.pk])).content.decode()
    assert r.doc_number not in html and r.phone not in html
    assert r.masked_doc_number in html


def test_an_edit_that_leaves_the_numbers_empty_keeps_them(client, world):
    from django.urls import reverse

    r = world.resident_g1
    client.force_login(world.user("grid_g1"))
    data = {
        "household": r.household_id,
        "relation": r.relation,
        "name": "张三丰改",
        "doc_type": r.doc_type,
        "doc_number": "",
        "phone": "",
        "residence_type": r.residence_type,
    }
    response = client.post(reverse("people:resident_edit", args=[r.pk]), data)
    assert response.status_code == 302
    r.refresh_from_db()
    assert r.name == "张三丰改" and r.doc_number and r.phone
