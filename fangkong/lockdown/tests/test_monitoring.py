"""A lockdown isolation is checked `lockdown_checks_per_day` times a day (the health app's
check-in panels and its "check-ins missing today" worklist), other cases `checks_per_day`."""

from __future__ import annotations

from decimal import Decimal

from fangkong.health import actions as health
from fangkong.health.models import CheckIn
from fangkong.health.monitoring import today_of
from fangkong.health.tests.conftest import quarantine_case
from fangkong.health.worklists import worklists_for
from fangkong.lockdown import actions
from fangkong.quarantine.models import Case, CaseKind

from .conftest import TODAY


def _missing(user):
    return next(w for w in worklists_for(user) if w.key == "missing-checkins")


def test_a_lockdown_case_needs_the_lockdown_number_of_checks(world):
    returnee = quarantine_case(world, world.resident_g2, by="grid_g2")  # 2 checks a day
    lockdown = actions.lock(
        world.user("leader_a1"), building=world.building_g1, unit=world.unit_g1, reason="病例"
    )
    rules = lockdown.policy.as_rules()
    assert rules.lockdown_checks_per_day == 1 and rules.checks_per_day == 2
    locked_case = Case.objects.get(resident=world.resident_g1, kind=CaseKind.LOCKDOWN)
    leader = world.user("leader_a1")
    assert _missing(leader).count == 3
    # One check each: the lockdown cases are done for the day, the returnee is not.
    for case in (locked_case, Case.objects.get(resident=world.resident_g1_spouse), returnee):
        health.record_checkin(case, case.resident, Decimal("36.5"), [], by=leader, via="staff")
    assert _missing(leader).count == 1
    rows = {
        r.case.pk: r
        for r in today_of(
            list(Case.objects.select_related("policy").all()), CheckIn.objects.all(), TODAY
        )
    }
    assert (rows[locked_case.pk].per_day, rows[locked_case.pk].missing) == (1, 0)
    assert (rows[returnee.pk].per_day, rows[returnee.pk].missing) == (2, 1)


def test_a_lockdown_case_offers_and_takes_only_its_own_checks(world, client):
    import pytest
    from django.urls import reverse

    from fangkong.core.errors import DomainError

    actions.lock(
        world.user("leader_a1"), building=world.building_g1, unit=world.unit_g1, reason="x"
    )
    case = Case.objects.get(resident=world.resident_g1)
    with pytest.raises(DomainError, match="Choose one of today's 1 checks"):
        health.record_checkin(
            case, case.resident, Decimal("36.5"), [], by=world.user("grid_g1"), via="staff", slot=2
        )
    client.force_login(world.user("grid_g1"))
    page = client.get(reverse("health:checkin_list"))
    form = next(f for row, f in page.context["rows"] if row.case.pk == case.pk)
    assert [value for value, _label in form.fields["slot"].choices] == ["", 1]
