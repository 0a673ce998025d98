"""Building blocks of the checkpoints tests: quarantine and lockdown for a resident, and the
arguments of one submission."""

from __future__ import annotations

import uuid
from typing import Any

from fangkong.conftest import World, ensure_default_policy
from fangkong.health.tests.conftest import START, quarantine_case
from fangkong.lockdown.models import Lockdown, LockdownMember
from fangkong.people.models import Resident
from fangkong.quarantine.models import Case

__all__ = ["START", "lock_building", "passage", "put_in_quarantine"]


def put_in_quarantine(world: World, resident: Resident) -> Case:
    return quarantine_case(world, resident)


def lock_building(world: World, resident: Resident) -> Lockdown:
    """An active lockdown of the resident's building with the resident on its register."""
    household = resident.household
    assert household is not None and household.building is not None
    lockdown = Lockdown.objects.create(
        township_id=resident.township_id,
        community_id=resident.community_id,
        grid_id=household.building.grid_id,
        building=household.building,
        reason="确诊病例",
        policy=ensure_default_policy(),
        locked_by=world.user("leader_a1"),
    )
    LockdownMember.objects.create(lockdown=lockdown, resident=resident, household=household)
    return lockdown


def passage(**kw: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "client_key": uuid.uuid4(),
        "direction": "out",
        "temperature": "36.5",
        "health_code": "green",
    }
    values.update(kw)
    return values
