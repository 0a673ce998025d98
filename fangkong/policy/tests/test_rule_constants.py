"""The status and choice values the pure rule modules compare against are the models' values.

The rule modules own the constants (they import no Django); the models' `TextChoices` are
built from them. This table ties every such constant to the choices it stands for, so a
renamed or added value fails here instead of silently never matching.
"""

from __future__ import annotations

from dataclasses import fields

import pytest
from django.db import models

from fangkong.checkpoints import gate
from fangkong.checkpoints.models import HealthCode as GateHealthCode
from fangkong.checkpoints.models import Verdict as GateVerdict
from fangkong.closure import checklist, state
from fangkong.closure.models import ChecklistKind, ItemState, LevelSource
from fangkong.lockdown import delivery, lifting
from fangkong.lockdown.models import PENDING_SUPPLY, SupplyStatus, Urgency
from fangkong.masstesting import pooling
from fangkong.masstesting.models import MemberResult
from fangkong.policy import impact, validity
from fangkong.policy.rules import PolicyRules
from fangkong.quarantine import models as quarantine_models
from fangkong.quarantine import release
from fangkong.quarantine.models import CaseKind, CaseReason, CaseStatus, SignRole
from fangkong.screening.classification import DecisionMeasure
from fangkong.screening.models import Measure

CASES: list[tuple[str, object, type[models.TextChoices]]] = [
    ("release statuses", release.CASE_STATUSES, CaseStatus),
    ("release results", release.RESULTS, quarantine_models.TestItemResult),
    ("release sign roles", release.SIGN_ROLES, SignRole),
    ("pooling results", pooling.RESULTS, MemberResult),
    ("lifting results", lifting.RESULTS, MemberResult),
    ("delivery urgencies", delivery.URGENCIES, Urgency),
    ("delivery statuses", delivery.STATUSES, SupplyStatus),
    ("checklist kinds", checklist.KINDS, ChecklistKind),
    ("checklist states", checklist.STATES, ItemState),
    ("closure level sources", state.SOURCES, LevelSource),
    ("decision measures", tuple(DecisionMeasure), Measure),
    ("gate health codes", gate.HEALTH_CODES, GateHealthCode),
    ("gate verdicts", gate.VERDICTS, GateVerdict),
    ("policy health codes", validity.HEALTH_CODES, GateHealthCode),
]


@pytest.mark.parametrize(("name", "constants", "choices"), CASES, ids=[c[0] for c in CASES])
def test_rule_constants_are_the_model_choices(name, constants, choices):
    assert sorted(constants) == sorted(choices.values), name


def test_named_values_match():
    assert (
        release.REGISTERED,
        release.IN_QUARANTINE,
        release.RELEASE_REVIEW,
        release.RELEASED,
        release.REFERRED,
    ) == (
        CaseStatus.REGISTERED,
        CaseStatus.IN_QUARANTINE,
        CaseStatus.RELEASE_REVIEW,
        CaseStatus.RELEASED,
        CaseStatus.REFERRED,
    )
    assert (release.NEGATIVE, release.POSITIVE, release.INVALID) == (
        quarantine_models.TestItemResult.NEGATIVE,
        quarantine_models.TestItemResult.POSITIVE,
        quarantine_models.TestItemResult.INVALID,
    )
    assert (release.CADRE, release.MEDIC) == (SignRole.CADRE, SignRole.MEDIC)
    assert (pooling.NEGATIVE, pooling.POSITIVE, pooling.INVALID) == (
        MemberResult.NEGATIVE,
        MemberResult.POSITIVE,
        MemberResult.INVALID,
    )
    assert (lifting.NEGATIVE, lifting.POSITIVE, lifting.INVALID) == (
        MemberResult.NEGATIVE,
        MemberResult.POSITIVE,
        MemberResult.INVALID,
    )
    assert delivery.URGENT == Urgency.URGENT
    assert frozenset(PENDING_SUPPLY) == delivery.PENDING
    assert (state.TOWNSHIP, state.COUNTY) == (LevelSource.TOWNSHIP, LevelSource.COUNTY)
    # the policy's view of quarantine cases: case kinds and reasons it compares against
    assert set(impact.CASE_KIND_MEASURES) <= set(CaseKind.values)
    assert (impact.CENTRALISED, impact.HOME) == (CaseKind.CENTRALISED, CaseKind.HOME)
    assert (impact.RETURNEE, impact.CLOSE_CONTACT) == (
        CaseReason.RETURNEE,
        CaseReason.CLOSE_CONTACT,
    )
    stop = next(f.default for f in fields(PolicyRules) if f.name == "gate_stop_health_codes")
    assert set(stop) <= set(GateHealthCode.values)  # type: ignore[arg-type]
