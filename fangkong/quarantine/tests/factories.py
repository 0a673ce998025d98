import datetime as dt

import factory

from fangkong.conftest import ensure_default_policy
from fangkong.core.tests.factories import TownshipFactory
from fangkong.people.tests.factories import ResidentFactory
from fangkong.quarantine.models import (
    Case,
    CaseKind,
    CaseReason,
    IndexCase,
    IndexCaseKind,
    Room,
    ScheduledTest,
    Site,
)
from fangkong.quarantine.schedule import planned_end


class SiteFactory(factory.django.DjangoModelFactory[Site]):
    class Meta:
        model = Site

    township = factory.SubFactory(TownshipFactory)
    name = factory.Sequence(lambda n: f"隔离酒店{n}")
    address = factory.Sequence(lambda n: f"解放大道{n}号")


class RoomFactory(factory.django.DjangoModelFactory[Room]):
    class Meta:
        model = Room

    site = factory.SubFactory(SiteFactory)
    number = factory.Sequence(lambda n: f"{801 + n}")
    capacity = 1


class IndexCaseFactory(factory.django.DjangoModelFactory[IndexCase]):
    class Meta:
        model = IndexCase

    township = factory.SubFactory(TownshipFactory)
    name = factory.Sequence(lambda n: f"病例{n}")
    kind = IndexCaseKind.CONFIRMED
    reported_on = dt.date(2026, 1, 8)


class CaseFactory(factory.django.DjangoModelFactory[Case]):
    """A case row as the actions leave it (without its test items: see `ScheduledTestFactory`)."""

    class Meta:
        model = Case

    resident = factory.SubFactory(ResidentFactory)
    township_id = factory.SelfAttribute("resident.township_id")
    community_id = factory.SelfAttribute("resident.community_id")
    grid_id = factory.SelfAttribute("resident.grid_id")
    kind = CaseKind.HOME
    reason = CaseReason.RETURNEE
    address = factory.LazyAttribute(lambda o: o.resident.household.address)
    start_date = dt.date(2026, 1, 10)
    days = 14
    planned_end = factory.LazyAttribute(lambda o: planned_end(o.start_date, o.days))
    test_days = factory.LazyFunction(lambda: [1, 14])
    policy = factory.LazyFunction(ensure_default_policy)


class ScheduledTestFactory(factory.django.DjangoModelFactory[ScheduledTest]):
    class Meta:
        model = ScheduledTest

    case = factory.SubFactory(CaseFactory)
    day = 1
    due_date = factory.LazyAttribute(lambda o: o.case.start_date + dt.timedelta(days=o.day - 1))
