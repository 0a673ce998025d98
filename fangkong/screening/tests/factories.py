"""Factories of the screening tests. Registrations made here are PENDING self-registrations
(no decision); decided ones come from the actions, as in the app."""

from __future__ import annotations

import datetime as dt
import secrets

import factory
from django.utils import timezone

from fangkong.core.tests.factories import GridFactory
from fangkong.people.tests.factories import id_number
from fangkong.policy.models import RiskArea
from fangkong.screening.models import (
    Registration,
    RegistrationLink,
    RegistrationSource,
    RegistrationStatus,
    Stay,
)


class RiskAreaFactory(factory.django.DjangoModelFactory[RiskArea]):
    class Meta:
        model = RiskArea

    code = "420103"
    division_name = "湖北省武汉市江汉区"
    sub_name = "民族街道"
    level = "high"
    start = dt.date(2024, 1, 10)
    end = None


class RegistrationLinkFactory(factory.django.DjangoModelFactory[RegistrationLink]):
    class Meta:
        model = RegistrationLink

    grid = factory.SubFactory(GridFactory)
    token = factory.LazyFunction(lambda: secrets.token_urlsafe(24))


class RegistrationFactory(factory.django.DjangoModelFactory[Registration]):
    """A pending self-registration in `grid`."""

    class Meta:
        model = Registration

    grid = factory.SubFactory(GridFactory)
    township_id = factory.SelfAttribute("grid.community.township_id")
    community_id = factory.SelfAttribute("grid.community_id")
    status = RegistrationStatus.PENDING
    source = RegistrationSource.SELF
    claimed_name = factory.Iterator(["赵返乡", "钱回家", "孙归来"])
    claimed_doc_number = factory.Sequence(lambda n: id_number(400 + n, dt.date(1990, 3, 3)))
    claimed_phone = factory.Sequence(lambda n: f"1380000{n % 10000:04d}")
    claimed_address = "1栋1单元101"
    arrival_date = dt.date(2024, 1, 21)
    created_at = factory.LazyFunction(timezone.now)


class StayFactory(factory.django.DjangoModelFactory[Stay]):
    class Meta:
        model = Stay

    registration = factory.SubFactory(RegistrationFactory)
    place_text = "湖北省武汉市江汉区民族街道"
    code = "420103"
    division_name = "湖北省武汉市江汉区"
    sub_name = "民族街道"
    start = dt.date(2024, 1, 15)
    end = dt.date(2024, 1, 20)
