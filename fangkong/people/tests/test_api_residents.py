"""The resident endpoints, for every role and jurisdiction of the `world` fixture:
same grid, other grid of the same community, another community, another township."""

import datetime as dt

import pytest

from fangkong.api.tests.client import ApiClient
from fangkong.core.models import AuditAction, AuditEntry
from fangkong.people.models import Resident, ResidentTag
from fangkong.people.tests.factories import ResidentFactory, id_number

pytestmark = pytest.mark.django_db

NEW_ID = id_number(7, dt.date(1990, 3, 7))
G1 = ["张三丰", "李秀英"]
A1 = [*G1, "王二小"]


def api(world, key):
    return ApiClient(world.user(key))


def names(response):
    return sorted(item["name"] for item in response.json()["items"])


# ---- list -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("user", "expected"),
    [
        ("grid_g1", G1),
        ("grid_g2", ["王二小"]),
        ("leader_a1", A1),
        ("leader_a2", ["赵大山"]),
        ("office_a1", A1),
        ("admin_a", [*A1, "赵大山"]),
        ("admin_b", ["孙外人"]),
        ("medic_a1", A1),
        ("police_a1", A1),
    ],
)
def test_the_list_holds_exactly_the_callers_jurisdiction(world, user, expected):
    response = api(world, user).get("/residents")

    assert response.status_code == 200
    assert names(response) == sorted(expected)
    assert response.json()["count"] == len(expected)


@pytest.mark.parametrize("user", ["guard_a1", "volunteer_a1"])
def test_guards_and_volunteers_may_not_list_residents(world, user):
    response = api(world, user).get("/residents")

    assert response.status_code == 403
    assert "items" not in response.json()


def test_the_list_searches_like_the_list_page(world):
    client = api(world, "leader_a1")

    assert names(client.get("/residents", q="zsf")) == ["张三丰"]
    assert names(client.get("/residents", q="wang")) == ["王二小"]
    assert names(client.get("/residents", q=world.resident_g2.doc_number)) == ["王二小"]
    assert names(client.get("/residents", q=world.resident_g2.doc_number[:10])) == []
    assert names(client.get("/residents", q="孙外人")) == []  # another township


def test_the_list_filters_by_grid_building_tag_and_residence_type(world):
    ResidentTag.objects.create(resident=world.resident_g1_spouse, tag="chronic")
    Resident.objects.filter(pk=world.resident_g2.pk).update(residence_type="tenant")
    client = api(world, "leader_a1")

    assert names(client.get("/residents", grid=world.grid_g2.pk)) == ["王二小"]
    assert names(client.get("/residents", building=world.building_g1.pk)) == G1
    assert names(client.get("/residents", tag="chronic")) == ["李秀英"]
    assert names(client.get("/residents", residence_type="tenant")) == ["王二小"]


def test_filtering_by_a_grid_outside_the_jurisdiction_is_refused_not_answered(world):
    response = api(world, "grid_g1").get("/residents", grid=world.grid_g2.pk)

    assert response.status_code == 422
    assert "grid" in response.json()["errors"]
    assert "items" not in response.json()


def test_the_list_pages_with_limit_and_offset_and_counts_all_pages(world):
    client = api(world, "admin_a")

    first = client.get("/residents", limit=3, offset=0).json()
    rest = client.get("/residents", limit=3, offset=3).json()

    assert first["count"] == rest["count"] == 4
    assert len(first["items"]) == 3
    assert len(rest["items"]) == 1
    assert {i["id"] for i in first["items"]}.isdisjoint({i["id"] for i in rest["items"]})
    assert client.get("/residents", limit=0).status_code == 422


def test_the_list_costs_the_same_few_queries_for_many_residents(
    world, django_assert_max_num_queries
):
    for _n in range(30):
        resident = ResidentFactory.create(household=world.household_g1)
        ResidentTag.objects.create(resident=resident, tag="infant")
    client = api(world, "grid_g1")
    client.get("/me")  # the token's last use is stamped once, not on every request

    with django_assert_max_num_queries(4):
        response = client.get("/residents", limit=100)

    assert response.json()["count"] == 32
    assert sum(item["tags"] == ["infant"] for item in response.json()["items"]) == 30


# ---- detail ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("user", "resident", "status"),
    [
        ("grid_g1", "resident_g1", 200),
        ("grid_g1", "resident_g2", 404),
        ("grid_g1", "resident_village", 404),
        ("grid_g1", "resident_b", 404),
        ("grid_g2", "resident_g2", 200),
        ("grid_g2", "resident_g1", 404),
        ("leader_a1", "resident_g2", 200),
        ("leader_a1", "resident_village", 404),
        ("admin_a", "resident_village", 200),
        ("admin_a", "resident_b", 404),
        ("admin_b", "resident_b", 200),
        ("admin_b", "resident_g1", 404),
        ("medic_a1", "resident_g1", 200),
        ("medic_a1", "resident_b", 404),
        ("police_a1", "resident_g2", 200),
        ("police_a1", "resident_b", 404),
        ("guard_a1", "resident_g1", 403),
        ("volunteer_a1", "resident_g1", 403),
    ],
)
def test_a_resident_is_shown_only_inside_the_jurisdiction(world, user, resident, status):
    target = getattr(world, resident)

    response = api(world, user).get(f"/residents/{target.pk}")

    assert response.status_code == status
    assert (response.json().get("name") == target.name) is (status == 200)


def test_a_missing_resident_is_404(world):
    assert api(world, "admin_a").get("/residents/999999").status_code == 404


def test_a_resident_shows_masked_documents_and_derived_fields(world):
    resident = world.resident_g1
    ResidentTag.objects.create(resident=resident, tag="elderly_alone")

    response = api(world, "grid_g1").get(f"/residents/{resident.pk}")

    body = response.json()
    assert resident.doc_number not in response.content.decode()
    assert resident.phone not in response.content.decode()
    assert body["masked_doc_number"] == resident.masked_doc_number
    assert body["masked_phone"] == resident.masked_phone
    assert body["birth_date"] == resident.birth_date.isoformat()
    assert body["gender"] == "M"
    assert body["name_initials"] == "zsf"
    assert body["tags"] == ["elderly_alone"]
    assert body["doc_type"] == "id_card"
    assert body["household"] == world.household_g1.pk
    assert body["address"] == world.household_g1.address


# ---- create ---------------------------------------------------------------------------------


def new_person(household):
    return {
        "name": "周新来",
        "doc_number": NEW_ID,
        "phone": "13912345678",
        "household": household.pk,
        "relation": "child",
        "residence_type": "tenant",
        "tags": ["infant"],
    }


@pytest.mark.parametrize(
    ("user", "household", "status"),
    [
        ("grid_g1", "household_g1", 201),
        ("grid_g1", "household_g2", 422),
        ("grid_g1", "household_village", 422),
        ("grid_g1", "household_b", 422),
        ("grid_g2", "household_g2", 201),
        ("grid_g2", "household_g1", 422),
        ("leader_a1", "household_g2", 201),
        ("leader_a1", "household_village", 422),
        ("office_a1", "household_g1", 201),
        ("admin_a", "household_village", 201),
        ("admin_a", "household_b", 422),
        ("admin_b", "household_b", 201),
        ("admin_b", "household_g1", 422),
        ("medic_a1", "household_g1", 403),
        ("police_a1", "household_g1", 403),
        ("guard_a1", "household_g1", 403),
        ("volunteer_a1", "household_g1", 403),
    ],
)
def test_a_resident_is_created_only_into_a_household_the_caller_may_edit(
    world, user, household, status
):
    response = api(world, user).post("/residents", new_person(getattr(world, household)))

    assert response.status_code == status
    created = Resident.objects.filter(doc_number=NEW_ID)
    assert created.exists() is (status == 201)
    if status == 422:
        assert "household" in response.json()["errors"]


def test_a_created_resident_is_returned_masked_with_derived_fields_and_audited(world):
    response = api(world, "grid_g1").post("/residents", new_person(world.household_g1))

    body = response.json()
    resident = Resident.objects.get(doc_number=NEW_ID)
    assert body["id"] == resident.pk
    assert body["birth_date"] == "1990-03-07"
    assert body["gender"] == "M"
    assert body["name_pinyin"] == "zhouxinlai"
    assert body["tags"] == ["infant"]
    assert body["relation"] == "child"
    assert body["residence_type"] == "tenant"
    assert NEW_ID not in response.content.decode()
    entry = AuditEntry.objects.get(target_type="people.resident", target_id=str(resident.pk))
    assert entry.action == AuditAction.CREATE
    assert entry.actor == world.user("grid_g1")


def test_a_person_without_household_may_be_placed_on_a_visible_grid_only(world):
    person = {"name": "钱无户", "doc_type": "none", "no_doc_reason": "流浪人员"}
    client = api(world, "grid_g1")

    elsewhere = client.post("/residents", {**person, "grid": world.grid_g2.pk})
    assert elsewhere.status_code == 422
    assert "grid" in elsewhere.json()["errors"]
    assert not Resident.objects.filter(name="钱无户").exists()

    placed = client.post("/residents", {**person, "grid": world.grid_g1.pk})
    assert placed.status_code == 201
    assert placed.json()["household"] is None
    assert placed.json()["grid"] == world.grid_g1.pk


def test_a_wrong_check_digit_is_refused_on_its_field_and_nothing_is_written(world):
    wrong = NEW_ID[:17] + ("0" if NEW_ID[17] != "0" else "1")
    audit_rows = AuditEntry.objects.count()

    response = api(world, "grid_g1").post(
        "/residents", {**new_person(world.household_g1), "doc_number": wrong}
    )

    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["doc_number"]
    assert response.json()["errors"]["doc_number"][0]
    assert not Resident.objects.filter(name="周新来").exists()
    assert AuditEntry.objects.count() == audit_rows


def test_a_duplicate_document_number_names_the_existing_record_and_writes_nothing(world):
    holder = world.resident_g1_spouse  # same household: the caller sees the holder
    person = {**new_person(world.household_g1), "doc_number": holder.doc_number}

    response = api(world, "grid_g1").post("/residents", person)

    assert response.status_code == 422
    message = response.json()["errors"]["doc_number"][0]
    assert holder.name in message
    assert str(holder.pk) in message
    assert Resident.objects.filter(doc_number=holder.doc_number).count() == 1
    assert not Resident.objects.filter(name="周新来").exists()


def test_a_duplicate_held_outside_the_jurisdiction_is_refused_without_naming_the_holder(world):
    holder = world.resident_g2  # in grid G2: the caller cannot see it
    person = {**new_person(world.household_g1), "doc_number": holder.doc_number}

    response = api(world, "grid_g1").post("/residents", person)

    assert response.status_code == 422
    message = response.json()["errors"]["doc_number"][0]
    assert holder.name not in message and str(holder.grid.name) not in message
    assert str(holder.pk) not in message
    assert not Resident.objects.filter(name="周新来").exists()


def test_several_bad_fields_are_reported_each_on_its_own_field(world):
    response = api(world, "grid_g1").post(
        "/residents",
        {"name": " ", "doc_number": "123", "phone": "12", "household": world.household_g1.pk},
    )

    assert response.status_code == 422
    assert {"name", "doc_number", "phone"} <= set(response.json()["errors"])
    assert Resident.objects.count() == 5


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"doc_type": "id_card"}, "name"),
        ({"name": "某", "tags": ["infant", "bogus"]}, "tags"),
        ({"name": "某", "residence_type": "visitor"}, "residence_type"),
        ({"name": "某", "birth_date": "07/03/1990"}, "birth_date"),
        ({"name": "某" * 51}, "name"),
        ({"name": "某", "household": "one"}, "household"),
    ],
)
def test_a_body_of_the_wrong_shape_gets_422_on_the_field(world, body, field):
    response = api(world, "grid_g1").post("/residents", body)

    assert response.status_code == 422
    assert response.json()["detail"]
    assert response.json()["errors"][field][0]
    assert Resident.objects.count() == 5


def test_a_body_that_is_not_json_gets_400_with_a_message(world):
    client = api(world, "grid_g1")
    response = client.client.post(
        "/api/v1/residents", "{not json", "application/json", headers=client.headers
    )

    assert response.status_code == 400
    assert response.json()["detail"]


# ---- update ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("user", "resident", "status"),
    [
        ("grid_g1", "resident_g1", 200),
        ("grid_g1", "resident_g2", 404),
        ("grid_g1", "resident_b", 404),
        ("grid_g2", "resident_g2", 200),
        ("grid_g2", "resident_g1", 404),
        ("leader_a1", "resident_g2", 200),
        ("leader_a2", "resident_g1", 404),
        ("office_a1", "resident_g1", 200),
        ("admin_a", "resident_village", 200),
        ("admin_a", "resident_b", 404),
        ("admin_b", "resident_b", 200),
        ("admin_b", "resident_g1", 404),
        ("medic_a1", "resident_g1", 403),
        ("medic_a1", "resident_b", 404),
        ("police_a1", "resident_g1", 403),
        ("guard_a1", "resident_g1", 403),
        ("volunteer_a1", "resident_g1", 403),
    ],
)
def test_a_resident_is_changed_only_by_an_editor_of_the_jurisdiction(world, user, resident, status):
    target = getattr(world, resident)

    response = api(world, user).patch(f"/residents/{target.pk}", {"notes": "已走访"})

    assert response.status_code == status
    target.refresh_from_db()
    assert (target.notes == "已走访") is (status == 200)


def test_a_patch_changes_only_the_fields_sent_and_audits_the_difference(world):
    resident = world.resident_g1
    ResidentTag.objects.create(resident=resident, tag="chronic")

    response = api(world, "grid_g1").patch(
        f"/residents/{resident.pk}", {"phone": "13987654321", "tags": ["elderly_alone"]}
    )

    assert response.status_code == 200
    assert response.json()["tags"] == ["elderly_alone"]
    resident.refresh_from_db()
    assert resident.phone == "13987654321"
    assert resident.name == "张三丰"
    assert resident.household == world.household_g1
    entry = AuditEntry.objects.get(action=AuditAction.UPDATE, target_id=str(resident.pk))
    assert set(entry.changes) == {"phone", "tags"}


def test_a_resident_cannot_be_moved_into_a_household_outside_the_jurisdiction(world):
    resident = world.resident_g1

    response = api(world, "grid_g1").patch(
        f"/residents/{resident.pk}", {"household": world.household_g2.pk}
    )

    assert response.status_code == 422
    assert "household" in response.json()["errors"]
    resident.refresh_from_db()
    assert resident.household == world.household_g1


def test_a_patch_to_another_residents_document_number_is_refused(world):
    resident, other = world.resident_g1, world.resident_g1_spouse

    response = api(world, "grid_g1").patch(
        f"/residents/{resident.pk}", {"doc_number": other.doc_number}
    )

    assert response.status_code == 422
    assert other.name in response.json()["errors"]["doc_number"][0]
    resident.refresh_from_db()
    assert resident.doc_number != other.doc_number


def test_a_required_field_cannot_be_emptied_by_patch(world):
    response = api(world, "grid_g1").patch(f"/residents/{world.resident_g1.pk}", {"name": None})

    assert response.status_code == 422
    assert "name" in response.json()["errors"]
    world.resident_g1.refresh_from_db()
    assert world.resident_g1.name == "张三丰"


# ---- reveal ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("user", "resident", "status"),
    [
        ("grid_g1", "resident_g1", 200),
        ("grid_g1", "resident_g2", 404),
        ("grid_g1", "resident_b", 404),
        ("medic_a1", "resident_g2", 200),
        ("police_a1", "resident_g1", 200),
        ("admin_b", "resident_b", 200),
        ("admin_b", "resident_g1", 404),
        ("guard_a1", "resident_g1", 403),
        ("volunteer_a1", "resident_g1", 403),
    ],
)
def test_a_full_document_number_is_revealed_only_inside_the_jurisdiction_and_audited(
    world, user, resident, status
):
    target = getattr(world, resident)

    response = api(world, user).post(
        f"/residents/{target.pk}/reveal", {"field": "doc_number", "reason": "核实身份"}
    )

    assert response.status_code == status
    reveals = AuditEntry.objects.filter(action=AuditAction.REVEAL, target_id=str(target.pk))
    if status == 200:
        assert response.json() == {"field": "doc_number", "value": target.doc_number}
        entry = reveals.get()
        assert entry.actor == world.user(user)
        assert entry.reason == "核实身份"
        assert entry.changes == {"field": "doc_number"}
    else:
        assert target.doc_number not in response.content.decode()
        assert not reveals.exists()


def test_a_phone_is_revealed_too(world):
    response = api(world, "medic_a1").post(
        f"/residents/{world.resident_g1.pk}/reveal", {"field": "phone", "reason": "电话随访"}
    )

    assert response.json()["value"] == world.resident_g1.phone


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"field": "doc_number", "reason": " "}, "reason"),
        ({"field": "notes", "reason": "核实身份"}, "field"),
        ({"field": "doc_number"}, "reason"),
    ],
)
def test_a_reveal_without_reason_or_of_another_field_is_refused_and_not_audited(world, body, field):
    response = api(world, "grid_g1").post(f"/residents/{world.resident_g1.pk}/reveal", body)

    assert response.status_code == 422
    assert field in response.json()["errors"]
    assert world.resident_g1.doc_number not in response.content.decode()
    assert not AuditEntry.objects.filter(action=AuditAction.REVEAL).exists()
