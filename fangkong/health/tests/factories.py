import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone

from fangkong.health.models import Alert, AlertStatus, CheckIn, CheckInVia


class CheckInFactory(factory.django.DjangoModelFactory[CheckIn]):
    """A reading of a case's person; pass `case` (and `date`, `slot` as needed)."""

    class Meta:
        model = CheckIn

    township_id = factory.SelfAttribute("case.township_id")
    community_id = factory.SelfAttribute("case.community_id")
    grid_id = factory.SelfAttribute("case.grid_id")
    resident = factory.SelfAttribute("case.resident")
    policy = factory.SelfAttribute("case.policy")
    date = factory.LazyFunction(timezone.localdate)
    slot = 1
    temperature = Decimal("36.5")
    symptoms = factory.LazyFunction(list)
    fever = False
    via = CheckInVia.STAFF


class AlertFactory(factory.django.DjangoModelFactory[Alert]):
    """An open alert for a case's person, escalating 30 minutes after it was raised."""

    class Meta:
        model = Alert

    township_id = factory.SelfAttribute("case.township_id")
    community_id = factory.SelfAttribute("case.community_id")
    grid_id = factory.SelfAttribute("case.grid_id")
    resident = factory.SelfAttribute("case.resident")
    policy = factory.SelfAttribute("case.policy")
    status = AlertStatus.OPEN
    temperature = Decimal("38.2")
    symptoms = factory.LazyFunction(lambda: ["发热"])
    raised_at = factory.LazyFunction(timezone.now)
    escalate_at = factory.LazyAttribute(lambda o: o.raised_at + dt.timedelta(minutes=30))
