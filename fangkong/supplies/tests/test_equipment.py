"""The "六个一" equipment set is in place when the stock holds every item (closure asks the
supplies through `closure.equipment_counts`); typed counts are refused then."""

import pytest
from django.urls import reverse

from fangkong.closure import actions as closure
from fangkong.closure.models import ChecklistItem

from .helpers import kind, lot

pytestmark = pytest.mark.django_db


@pytest.fixture
def equipment(world):
    closure.set_level(world.user("admin_a"), world.community_a1, level="medium", reason="病例")
    return ChecklistItem.objects.get(community=world.community_a1, kind="equipment")


def test_in_place_only_once_the_stock_holds_every_item(client, world, equipment):
    client.force_login(world.user("office_a1"))
    url = reverse("closure:item_detail", args=[equipment.pk])
    page = client.get(url).content.decode()
    assert 'id="stock-counts"' in page and 'name="masks"' not in page
    assert client.post(url, {"state": "done"}).status_code == 422
    for name, key in (("测温枪", "thermometers"), ("口罩", "masks"), ("84消毒液", "disinfectant")):
        lot(world, 5, item=kind(world, name, equipment_key=key), batch=key)
    response = client.post(url, {"state": "done"})
    assert response.status_code == 422
    assert "sprayers" in response.content.decode()
    lot(world, 1, item=kind(world, "喷雾器", unit="台", equipment_key="sprayers"), batch="S")
    assert client.post(url, {"state": "done"}).status_code == 302
    equipment.refresh_from_db()
    assert equipment.state == "done"


def test_typed_counts_are_refused_when_the_stock_keeps_them(world, equipment):
    from fangkong.core.errors import DomainError

    with pytest.raises(DomainError):
        closure.update_item(world.user("office_a1"), equipment, details={"masks": 5})
    equipment.refresh_from_db()
    assert equipment.details == {}
