import datetime as dt

import factory

from fangkong.policy.models import Policy, PolicyStatus, RiskArea, RiskLevel
from fangkong.policy.rules import DEFAULT_RULES


class PolicyFactory(factory.django.DjangoModelFactory[Policy]):
    """A version of a township (give `township=None` for a general one)."""

    class Meta:
        model = Policy

    township = None
    version = factory.Sequence(lambda n: 100 + n)
    name = factory.Sequence(lambda n: f"防控方案{n}")
    status = PolicyStatus.ACTIVE
    effective_from = dt.date(2026, 1, 1)
    source_title = "春节期间社区（街道）疫情防控工作方案"
    rules = factory.LazyFunction(DEFAULT_RULES.to_data)


class RiskAreaFactory(factory.django.DjangoModelFactory[RiskArea]):
    """增村镇, 藁城区, 石家庄市, 河北省 unless told otherwise."""

    class Meta:
        model = RiskArea

    code = "130109"
    division_name = "河北省石家庄市藁城区"
    sub_name = "增村镇"
    level = RiskLevel.HIGH
    start = dt.date(2026, 1, 10)
    end = None
