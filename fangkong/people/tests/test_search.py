import pytest
from django import forms
from django.db.models import Q
from django.http import QueryDict

from fangkong.people import search
from fangkong.people.search import ResidentFilterForm, filtered_residents


def names(qs):
    return sorted(qs.values_list("name", flat=True))


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("zsf", ["张三丰"]),
        ("ZSF", ["张三丰"]),
        ("zhangsan", ["张三丰"]),
        ("张", ["张三丰"]),
        ("张三丰", ["张三丰"]),
        ("1栋", ["张三丰", "李秀英"]),
        ("202", ["王二小"]),  # a few digits are a room number, not part of an ID
        ("2栋 202", ["王二小"]),
        # spaces in the address are ignored on both sides (issue 12 item 14)
        ("1栋1单元101", ["张三丰", "李秀英"]),
        ("1栋 1单元 101", ["张三丰", "李秀英"]),
        ("1栋  1单元101", ["张三丰", "李秀英"]),
        ("１栋１单元１０１", ["张三丰", "李秀英"]),
        ("第二网格2栋202", ["王二小"]),
        ("2栋\u3000202", ["王二小"]),
        ("1栋1单元202", []),
    ],
)
def test_the_search_box_finds_by_the_shape_of_what_was_typed(world, q, expected):
    _, qs = filtered_residents(world.user("leader_a1"), QueryDict(f"q={q}"))
    assert names(qs) == expected


def test_search_by_whole_document_number_and_phone(world):
    r = world.resident_g2
    user = world.user("leader_a1")
    assert names(filtered_residents(user, QueryDict(f"q={r.doc_number}"))[1]) == ["王二小"]
    assert names(filtered_residents(user, QueryDict(f"q={r.doc_number.lower()}"))[1]) == ["王二小"]
    assert names(filtered_residents(user, QueryDict(f"q={r.phone}"))[1]) == ["王二小"]


@pytest.mark.parametrize("cut", [7, 10, 14, 17])
def test_a_partial_number_finds_nobody_so_masked_digits_cannot_be_guessed(world, cut):
    r = world.resident_g2
    user = world.user("leader_a1")
    assert names(filtered_residents(user, QueryDict(f"q={r.doc_number[:cut]}"))[1]) == []
    if cut < len(r.phone):
        assert names(filtered_residents(user, QueryDict(f"q={r.phone[:cut]}"))[1]) == []


def test_search_never_reaches_outside_the_jurisdiction(world):
    _, qs = filtered_residents(world.user("grid_g1"), QueryDict("q=wex"))
    assert names(qs) == []
    _, qs = filtered_residents(world.user("grid_g2"), QueryDict("q=wex"))
    assert names(qs) == ["王二小"]


def test_a_grid_from_another_jurisdiction_is_an_invalid_filter(world):
    form, qs = filtered_residents(world.user("grid_g1"), QueryDict(f"grid={world.grid_g2.pk}"))
    assert not form.is_valid()
    assert not qs.exists()


def test_building_choices_follow_the_chosen_grid(world):
    form = ResidentFilterForm(QueryDict(f"grid={world.grid_g1.pk}"), user=world.user("leader_a1"))
    labels = [label for _, label in form.fields["building"].widget.choices]
    assert labels == ["---------", "第一网格 1栋"]


def test_too_many_buildings_ask_for_a_grid_first(world, monkeypatch):
    monkeypatch.setattr(search, "BUILDING_CHOICES_LIMIT", 1)
    form = ResidentFilterForm(None, user=world.user("leader_a1"))
    assert len(list(form.fields["building"].widget.choices)) == 1
    # ...but a building chosen another way (a link, the API) still filters.
    bound = ResidentFilterForm(
        QueryDict(f"building={world.building_g2.pk}"), user=world.user("leader_a1")
    )
    assert bound.is_valid()


def test_a_first_generation_id_finds_the_upgraded_record(world):
    from fangkong.people import actions

    r = actions.create_resident(
        world.user("grid_g1"),
        name="老证",
        doc_number="110105491231002",
        household=world.household_g1,
    )
    assert r.doc_number == "11010519491231002X"
    _, qs = filtered_residents(world.user("grid_g1"), QueryDict("q=110105491231002"))
    assert names(qs) == ["老证"]


def test_the_address_search_ignores_spaces_wherever_it_is_used(world):
    from fangkong.people.models import Household, Resident

    assert list(
        Household.objects.filter(search.address_contains("1栋1单元101", field="address"))
    ) == [world.household_g1]
    assert sorted(
        Resident.objects.filter(search.address_contains(" 1栋1单元 101 ")).values_list(
            "name", flat=True
        )
    ) == ["张三丰", "李秀英"]
    assert search.address_contains("  ") == Q()


def test_grid_and_building_choices_are_in_natural_order(world):
    from fangkong.core import actions

    leader = world.user("leader_a1")
    community = world.grid_g1.community
    for name in ("第十网格", "第四网格", "第三网格"):
        actions.create_grid(None, community=community, name=name)
    for name in ("10栋", "8栋", "9栋"):
        actions.create_building(None, grid=world.grid_g1, name=name)
    form = ResidentFilterForm(QueryDict(f"grid={world.grid_g1.pk}"), user=leader)
    grid_field = form.fields["grid"]
    assert isinstance(grid_field, forms.ModelChoiceField)
    grids = [g.name for g in grid_field.queryset or [] if g.community_id == community.pk]
    assert grids == ["第一网格", "第二网格", "第三网格", "第四网格", "第十网格"]
    labels = [label for _, label in form.fields["building"].widget.choices]
    assert labels == ["---------", "第一网格 1栋", "第一网格 8栋", "第一网格 9栋", "第一网格 10栋"]
