import pytest

from fangkong.people.models import Household, Resident


def names(qs):
    return sorted(qs.values_list("name", flat=True))


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
        ("guard_a1", []),
        ("volunteer_a1", []),
    ],
)
def test_residents_visible_to_each_role_and_jurisdiction(world, user, expected):
    assert names(Resident.objects.visible_to(world.user(user))) == sorted(expected)


def test_households_follow_the_same_scope(world):
    visible = Household.objects.visible_to(world.user("grid_g1"))
    assert list(visible) == [world.household_g1]


def test_anonymous_sees_nothing(world):
    from django.contrib.auth.models import AnonymousUser

    assert not Resident.objects.visible_to(AnonymousUser()).exists()
