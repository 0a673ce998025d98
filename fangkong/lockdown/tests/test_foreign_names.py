"""Issue 10 item 10c: a refusal never names a place outside the user's jurisdiction."""

from __future__ import annotations

import pytest

from fangkong.api.tests.client import ApiClient
from fangkong.core.errors import DomainError
from fangkong.core.models import Building
from fangkong.core.tests.factories import UnitFactory
from fangkong.lockdown import actions
from fangkong.lockdown.models import Lockdown

pytestmark = pytest.mark.django_db


def api(world, key):
    client = ApiClient(world.user(key))
    client.headers["Accept-Language"] = "en"
    return client


def test_locking_a_building_of_another_community_does_not_name_it(world):
    with pytest.raises(DomainError) as err:
        actions.lock(world.user("leader_a2"), building=world.building_g1, reason="病例")
    message = str(err.value) + str(err.value.errors)
    assert "outside your jurisdiction" in message
    assert "1栋" not in message and "民族社区" not in message
    assert not Lockdown.objects.exists()


def test_a_unit_of_another_township_is_not_named_through_the_api(world):
    foreign = UnitFactory.create(building=Building.objects.get(name="9栋"), name="外单元")
    response = api(world, "leader_a1").post(
        "/lockdowns",
        {"building_id": world.building_g1.pk, "unit_id": foreign.pk, "reason": "病例"},
    )
    assert response.status_code == 422
    assert "unit_id" in response.json()["errors"]
    assert "外单元" not in response.content.decode() and "9栋" not in response.content.decode()
    assert not Lockdown.objects.exists()


def test_a_foreign_unit_given_to_the_action_is_not_named(world):
    foreign = UnitFactory.create(building=Building.objects.get(name="9栋"), name="外单元")
    with pytest.raises(DomainError) as err:
        actions.lock(
            world.user("leader_a1"), building=world.building_g1, unit=foreign, reason="病例"
        )
    assert "外单元" not in str(err.value) + str(err.value.errors)
    assert "unit" in err.value.errors
