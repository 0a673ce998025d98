"""The stock movement endpoints under /api/v1/."""

import pytest

from fangkong.api.tests.client import ApiClient
from fangkong.supplies.models import Movement

from .helpers import balance, kind, lot, supply_request

pytestmark = pytest.mark.django_db


def api(world, key, language="en"):
    client = ApiClient(world.user(key))
    client.headers["Accept-Language"] = language
    return client


def test_stock_in_and_out_and_the_list(world):
    item = kind(world)
    made = api(world, "office_a1").post(
        "/stock-movements/in",
        {
            "community": world.community_a1.pk,
            "kind": item.pk,
            "quantity": "100",
            "source": "purchase",
            "batch": "A",
        },
    )
    assert made.status_code == 201
    assert made.json()["balance"] in ("100", "100.00", 100)
    request = supply_request(world)
    out = api(world, "volunteer_a1").post(
        "/stock-movements/out",
        {
            "lot": made.json()["lot"],
            "quantity": "4",
            "purpose": "delivery",
            "supply_request": request.pk,
        },
    )
    assert out.status_code == 201
    assert out.json()["supply_request"] == request.pk
    listed = api(world, "leader_a1").get("/stock-movements")
    assert listed.json()["count"] == 2
    assert api(world, "leader_a2").get("/stock-movements").json()["count"] == 0


def test_a_stock_out_beyond_the_stock_is_422_in_chinese(world):
    item = lot(world, 5)
    response = api(world, "guard_a1", "zh-hans").post(
        "/stock-movements/out", {"lot": item.pk, "quantity": "6", "purpose": "staff"}
    )
    assert response.status_code == 422
    assert "库存仅剩 5" in str(response.json())
    assert balance(item) == 5
    assert Movement.objects.filter(direction="out").count() == 0


def test_a_batch_of_another_community_is_404(world):
    item = lot(world, 5)
    response = api(world, "leader_a2").post(
        "/stock-movements/out", {"lot": item.pk, "quantity": "1", "purpose": "staff"}
    )
    assert response.status_code == 404
    assert balance(item) == 5


def test_a_volunteer_may_not_stock_in(world):
    item = kind(world)
    response = api(world, "volunteer_a1").post(
        "/stock-movements/in",
        {
            "community": world.community_a1.pk,
            "kind": item.pk,
            "quantity": "1",
            "source": "purchase",
        },
    )
    assert response.status_code == 403
    assert not Movement.objects.exists()
