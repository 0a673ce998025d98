"""Which version is in force (`versions.in_force`)."""

import datetime as dt

import pytest

from fangkong.conftest import ensure_default_policy
from fangkong.core.errors import DomainError
from fangkong.core.tests.factories import TownshipFactory
from fangkong.policy.models import Policy, PolicyStatus
from fangkong.policy.tests.factories import PolicyFactory
from fangkong.policy.versions import in_force

pytestmark = pytest.mark.django_db

JAN_1 = dt.date(2026, 1, 1)
FEB_1 = dt.date(2026, 2, 1)


@pytest.fixture
def township():
    return TownshipFactory.create()


@pytest.fixture
def v1():
    return ensure_default_policy()


def test_the_general_first_version_applies_to_every_township(township, v1):
    assert in_force(township.pk, JAN_1) == v1
    assert in_force(None, JAN_1) == v1


def test_a_townships_own_version_beats_the_general_one(township, v1):
    own = PolicyFactory.create(township=township, version=2, effective_from=dt.date(2025, 1, 1))
    PolicyFactory.create(township=None, version=3, effective_from=dt.date(2025, 6, 1))

    assert in_force(township.pk, JAN_1) == own


def test_another_townships_version_does_not_apply(township, v1):
    PolicyFactory.create(township=TownshipFactory.create(), version=2, effective_from=JAN_1)

    assert in_force(township.pk, FEB_1) == v1


def test_among_a_townships_versions_the_latest_effective_date_wins(township, v1):
    PolicyFactory.create(township=township, version=3, effective_from=dt.date(2025, 12, 1))
    later = PolicyFactory.create(township=township, version=2, effective_from=JAN_1)

    assert in_force(township.pk, FEB_1) == later


def test_on_the_same_effective_date_the_higher_version_wins(township, v1):
    PolicyFactory.create(township=township, version=2, effective_from=JAN_1)
    higher = PolicyFactory.create(township=township, version=3, effective_from=JAN_1)

    assert in_force(township.pk, JAN_1) == higher


def test_a_version_is_not_in_force_before_its_effective_date(township, v1):
    future = PolicyFactory.create(township=township, version=2, effective_from=FEB_1)

    assert in_force(township.pk, FEB_1 - dt.timedelta(days=1)) == v1
    assert in_force(township.pk, FEB_1) == future


@pytest.mark.parametrize("status", [PolicyStatus.DRAFT, PolicyStatus.WITHDRAWN])
def test_drafts_and_withdrawn_versions_are_never_in_force(township, v1, status):
    PolicyFactory.create(township=township, version=2, effective_from=JAN_1, status=status)
    PolicyFactory.create(township=None, version=3, effective_from=JAN_1, status=status)

    assert in_force(township.pk, FEB_1) == v1


def test_without_any_version_in_force_the_refusal_says_so(township):
    Policy.objects.all().delete()

    with pytest.raises(DomainError, match="No policy version is in force"):
        in_force(township.pk, JAN_1)
