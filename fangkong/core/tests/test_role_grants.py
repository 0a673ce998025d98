"""Every role's capabilities, pinned: moving a capability between apps changes no grant.

Each app declares its capabilities and their grants in its own `capabilities.py`; the sets a
role holds across all of them are written out here in full, so a grant that goes missing or
appears by accident fails this test.
"""

from enum import StrEnum

import pytest
from django.contrib.auth.models import AnonymousUser

from fangkong.core.access import can, require
from fangkong.core.registry import navigation, register_nav
from fangkong.core.roles import (
    ROLE_CAPABILITIES,
    CoreCapability,
    Role,
    UnknownCapability,
    all_capabilities,
    capabilities_of,
    register_capabilities,
    roles_with,
)
from fangkong.core.tests.factories import UserFactory
from fangkong.masstesting.capabilities import MassTestingCapability
from fangkong.quarantine.capabilities import QuarantineCapability

PINNED: dict[str, frozenset[str]] = {
    Role.TOWNSHIP_ADMIN: frozenset(
        {
            "acknowledge_urgent",
            "approve_notices",
            "approve_swaps",
            "assign_tasks",
            "decide_merits",
            "deliver_supplies",
            "draft_notices",
            "edit_people",
            "export_people",
            "guard_gate",
            "hand_out_supplies",
            "handle_alerts",
            "handle_stops",
            "import_people",
            "inspect",
            "issue_passes",
            "manage_cases",
            "manage_closure",
            "manage_deliveries",
            "manage_disinfection_places",
            "manage_jurisdictions",
            "manage_lockdowns",
            "manage_organisation",
            "manage_policy",
            "manage_roster",
            "manage_rounds",
            "manage_staff",
            "manage_supplies",
            "merge_people",
            "prepare_daily_reports",
            "record_aftercare",
            "record_disinfection",
            "record_tests",
            "reopen_rounds",
            "report_urgent",
            "reveal_sensitive",
            "review_daily_reports",
            "review_notices",
            "sample_tests",
            "screen_returnees",
            "set_community_level",
            "use_admin",
            "view_audit",
            "view_cases",
            "view_closure",
            "view_daily_reports",
            "view_dashboards",
            "view_disinfection",
            "view_gate_log",
            "view_inspections",
            "view_jurisdictions",
            "view_lockdowns",
            "view_notices",
            "view_organisation",
            "view_people",
            "view_referrals",
            "view_roster",
            "view_rounds",
            "view_staff",
            "view_summaries",
            "view_supplies",
            "view_tasks",
            "view_urgent",
            "write_assessment",
        }
    ),
    Role.COMMUNITY_LEADER: frozenset(
        {
            "approve_swaps",
            "assign_tasks",
            "decide_merits",
            "draft_notices",
            "edit_people",
            "export_people",
            "guard_gate",
            "hand_out_supplies",
            "handle_alerts",
            "handle_stops",
            "import_people",
            "inspect",
            "issue_passes",
            "manage_cases",
            "manage_closure",
            "manage_deliveries",
            "manage_disinfection_places",
            "manage_jurisdictions",
            "manage_lockdowns",
            "manage_organisation",
            "manage_roster",
            "manage_rounds",
            "manage_staff",
            "manage_supplies",
            "merge_people",
            "prepare_daily_reports",
            "record_aftercare",
            "record_tests",
            "reopen_rounds",
            "report_urgent",
            "reveal_sensitive",
            "review_notices",
            "sample_tests",
            "screen_returnees",
            "sign_as_cadre",
            "view_cases",
            "view_closure",
            "view_daily_reports",
            "view_dashboards",
            "view_disinfection",
            "view_gate_log",
            "view_inspections",
            "view_jurisdictions",
            "view_lockdowns",
            "view_notices",
            "view_organisation",
            "view_people",
            "view_referrals",
            "view_roster",
            "view_rounds",
            "view_staff",
            "view_summaries",
            "view_supplies",
            "view_tasks",
            "view_urgent",
        }
    ),
    Role.OFFICE_STAFF: frozenset(
        {
            "assign_tasks",
            "draft_notices",
            "edit_people",
            "export_people",
            "hand_out_supplies",
            "handle_alerts",
            "handle_stops",
            "import_people",
            "inspect",
            "issue_passes",
            "manage_cases",
            "manage_closure",
            "manage_deliveries",
            "manage_disinfection_places",
            "manage_organisation",
            "manage_roster",
            "manage_rounds",
            "manage_supplies",
            "merge_people",
            "prepare_daily_reports",
            "record_aftercare",
            "record_tests",
            "report_urgent",
            "reveal_sensitive",
            "sample_tests",
            "screen_returnees",
            "view_cases",
            "view_closure",
            "view_daily_reports",
            "view_dashboards",
            "view_disinfection",
            "view_gate_log",
            "view_inspections",
            "view_jurisdictions",
            "view_lockdowns",
            "view_notices",
            "view_organisation",
            "view_people",
            "view_roster",
            "view_rounds",
            "view_staff",
            "view_summaries",
            "view_supplies",
            "view_tasks",
            "view_urgent",
        }
    ),
    Role.GRID_WORKER: frozenset(
        {
            "edit_people",
            "export_people",
            "hand_out_supplies",
            "handle_alerts",
            "handle_stops",
            "issue_passes",
            "manage_cases",
            "manage_deliveries",
            "record_aftercare",
            "record_disinfection",
            "report_urgent",
            "reveal_sensitive",
            "sample_tests",
            "screen_returnees",
            "sign_as_cadre",
            "view_cases",
            "view_closure",
            "view_disinfection",
            "view_gate_log",
            "view_inspections",
            "view_jurisdictions",
            "view_lockdowns",
            "view_notices",
            "view_organisation",
            "view_people",
            "view_roster",
            "view_rounds",
            "view_staff",
            "view_supplies",
            "view_tasks",
            "view_urgent",
        }
    ),
    Role.MEDICAL_WORKER: frozenset(
        {
            "handle_alerts",
            "manage_cases",
            "manage_rounds",
            "record_aftercare",
            "record_disinfection",
            "record_tests",
            "reveal_sensitive",
            "sample_tests",
            "sign_as_medic",
            "view_cases",
            "view_dashboards",
            "view_disinfection",
            "view_inspections",
            "view_jurisdictions",
            "view_lockdowns",
            "view_organisation",
            "view_people",
            "view_roster",
            "view_rounds",
            "view_staff",
            "view_tasks",
        }
    ),
    Role.CHECKPOINT_GUARD: frozenset(
        {
            "guard_gate",
            "hand_out_supplies",
            "record_disinfection",
            "view_disinfection",
            "view_inspections",
            "view_organisation",
            "view_roster",
            "view_supplies",
            "view_tasks",
        }
    ),
    Role.VOLUNTEER: frozenset(
        {
            "deliver_supplies",
            "hand_out_supplies",
            "record_disinfection",
            "view_disinfection",
            "view_organisation",
            "view_roster",
            "view_supplies",
            "view_tasks",
        }
    ),
    Role.POLICE_OFFICER: frozenset(
        {
            "reveal_sensitive",
            "view_gate_log",
            "view_inspections",
            "view_jurisdictions",
            "view_organisation",
            "view_people",
            "view_referrals",
            "view_roster",
            "view_tasks",
        }
    ),
}


def test_every_role_holds_exactly_its_pinned_capabilities() -> None:
    assert set(ROLE_CAPABILITIES) == set(Role.values)
    for role in Role.values:
        assert {str(c) for c in capabilities_of(role)} == PINNED[role], role


def test_an_unknown_role_holds_nothing() -> None:
    assert capabilities_of("nobody") == frozenset()


def test_the_township_admin_holds_every_capability_but_the_release_signatures() -> None:
    assert ROLE_CAPABILITIES[Role.TOWNSHIP_ADMIN] == all_capabilities() - {
        "sign_as_cadre",
        "sign_as_medic",
    }


def test_each_app_declares_its_own_capabilities() -> None:
    assert roles_with(QuarantineCapability.SIGN_AS_CADRE) == [
        Role.COMMUNITY_LEADER,
        Role.GRID_WORKER,
    ]
    assert roles_with(CoreCapability.VIEW_AUDIT) == [Role.TOWNSHIP_ADMIN]
    assert {str(c) for c in MassTestingCapability} <= all_capabilities()


@pytest.mark.django_db
def test_an_unknown_capability_is_an_error_not_a_refusal() -> None:
    leader = UserFactory.create(role=Role.COMMUNITY_LEADER)
    assert can(leader, CoreCapability.VIEW_PEOPLE)
    assert not can(AnonymousUser(), CoreCapability.VIEW_PEOPLE)
    for user in (leader, AnonymousUser()):
        with pytest.raises(UnknownCapability, match="view_casse"):
            can(user, "view_casse")
        with pytest.raises(UnknownCapability):
            require(user, "view_casse")
    with pytest.raises(UnknownCapability):
        leader.can("view_casse")
    with pytest.raises(UnknownCapability):
        roles_with("view_casse")


def test_a_navigation_entry_names_registered_capabilities_only() -> None:
    with pytest.raises(UnknownCapability, match="view_case"):
        register_nav("test.typo", "workbench", "x", order=1, any_of=("view_case",))
    with pytest.raises(UnknownCapability, match="guard_gates"):
        register_nav("test.typo", "workbench", "x", order=1, none_of=("guard_gates",))
    assert "test.typo" not in {r.name for r in navigation.registered()}


def test_an_app_may_not_grant_or_redeclare_another_apps_capability() -> None:
    class Stray(StrEnum):
        VIEW_CASES = "view_cases"

    with pytest.raises(ValueError, match="declared twice"):
        register_capabilities(Stray, {})

    class Fresh(StrEnum):
        NEW_THING = "test_new_thing"

    with pytest.raises(ValueError, match="does not declare"):
        register_capabilities(Fresh, {Role.VOLUNTEER: {QuarantineCapability.MANAGE_CASES}})
    assert "test_new_thing" not in all_capabilities()
