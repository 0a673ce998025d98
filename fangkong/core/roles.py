"""Staff roles and what each may do.

This table is the single source of truth for role permissions; views, the API, exports and
the admin ask `can(user, capability)`. Jurisdiction (which rows) is decided separately by
each model's `visible_to(user)` queryset.
"""

from enum import StrEnum

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    TOWNSHIP_ADMIN = "township_admin", _("Township administrator")
    COMMUNITY_LEADER = "community_leader", _("Community leader")
    OFFICE_STAFF = "office_staff", _("Office staff")
    GRID_WORKER = "grid_worker", _("Grid worker / cadre")
    MEDICAL_WORKER = "medical_worker", _("Medical worker")
    CHECKPOINT_GUARD = "checkpoint_guard", _("Checkpoint guard")
    VOLUNTEER = "volunteer", _("Volunteer")
    POLICE_OFFICER = "police_officer", _("Police officer")


class Capability(StrEnum):
    VIEW_PEOPLE = "view_people"
    EDIT_PEOPLE = "edit_people"
    REVEAL_SENSITIVE = "reveal_sensitive"
    IMPORT_PEOPLE = "import_people"
    EXPORT_PEOPLE = "export_people"
    MERGE_PEOPLE = "merge_people"
    VIEW_JURISDICTIONS = "view_jurisdictions"
    MANAGE_JURISDICTIONS = "manage_jurisdictions"
    VIEW_STAFF = "view_staff"
    MANAGE_STAFF = "manage_staff"
    VIEW_AUDIT = "view_audit"
    USE_ADMIN = "use_admin"
    # Epidemic work (issue 3: policy, risk areas, screening, quarantine, health monitoring)
    MANAGE_POLICY = "manage_policy"
    VIEW_CASES = "view_cases"
    SCREEN_RETURNEES = "screen_returnees"
    MANAGE_CASES = "manage_cases"
    RECORD_TESTS = "record_tests"
    SIGN_AS_CADRE = "sign_as_cadre"
    SIGN_AS_MEDIC = "sign_as_medic"
    HANDLE_ALERTS = "handle_alerts"
    VIEW_REFERRALS = "view_referrals"
    # Closed management, checkpoints, lockdown, mass testing (issue 4)
    VIEW_CLOSURE = "view_closure"
    MANAGE_CLOSURE = "manage_closure"
    #: set a community's risk level (or make it follow the county): the township's call
    SET_COMMUNITY_LEVEL = "set_community_level"
    ISSUE_PASSES = "issue_passes"
    #: the guard's page: scan, search, record entries, visitors and vehicles
    GUARD_GATE = "guard_gate"
    VIEW_GATE_LOG = "view_gate_log"
    #: handle the stops raised at a gate (the grid worker's worklist)
    HANDLE_STOPS = "handle_stops"
    VIEW_LOCKDOWNS = "view_lockdowns"
    #: lock and lift a building or unit
    MANAGE_LOCKDOWNS = "manage_lockdowns"
    #: take supply requests and assign volunteers
    MANAGE_DELIVERIES = "manage_deliveries"
    #: see one's assigned deliveries and mark them delivered (the volunteer)
    DELIVER_SUPPLIES = "deliver_supplies"
    VIEW_ROUNDS = "view_rounds"
    #: open and close testing rounds, import their results
    MANAGE_ROUNDS = "manage_rounds"
    #: reopen a closed round's sampling (with a reason), until results are imported: a leader's call
    REOPEN_ROUNDS = "reopen_rounds"
    #: record sampling in a round (scan or search, tube number)
    SAMPLE_TESTS = "sample_tests"


# Who works the cases (returnees, quarantine, check-ins, alerts) of their jurisdiction.
_CASE_DESK = {
    Capability.VIEW_CASES,
    Capability.SCREEN_RETURNEES,
    Capability.MANAGE_CASES,
    Capability.HANDLE_ALERTS,
}

# Closed management and the work of a lockdown, shared by the community's desks.
_COMMUNITY_DESK = {
    Capability.VIEW_CLOSURE,
    Capability.ISSUE_PASSES,
    Capability.VIEW_GATE_LOG,
    Capability.HANDLE_STOPS,
    Capability.VIEW_LOCKDOWNS,
    Capability.MANAGE_DELIVERIES,
    Capability.VIEW_ROUNDS,
    Capability.SAMPLE_TESTS,
}

_PEOPLE_DESK = {
    Capability.VIEW_PEOPLE,
    Capability.EDIT_PEOPLE,
    Capability.REVEAL_SENSITIVE,
    Capability.EXPORT_PEOPLE,
    Capability.VIEW_JURISDICTIONS,
    Capability.VIEW_STAFF,
}

ROLE_CAPABILITIES: dict[str, frozenset[Capability]] = {
    # Everything but the two release signatures, which belong to the people who 包保 a case.
    Role.TOWNSHIP_ADMIN: frozenset(Capability)
    - {Capability.SIGN_AS_CADRE, Capability.SIGN_AS_MEDIC},
    Role.COMMUNITY_LEADER: frozenset(
        _PEOPLE_DESK
        | {
            Capability.IMPORT_PEOPLE,
            Capability.MERGE_PEOPLE,
            Capability.MANAGE_JURISDICTIONS,
            Capability.MANAGE_STAFF,
            Capability.RECORD_TESTS,
            Capability.SIGN_AS_CADRE,
            Capability.VIEW_REFERRALS,
            Capability.MANAGE_CLOSURE,
            Capability.GUARD_GATE,
            Capability.MANAGE_LOCKDOWNS,
            Capability.MANAGE_ROUNDS,
            Capability.REOPEN_ROUNDS,
        }
        | _CASE_DESK
        | _COMMUNITY_DESK
    ),
    Role.OFFICE_STAFF: frozenset(
        _PEOPLE_DESK
        | _CASE_DESK
        | _COMMUNITY_DESK
        | {
            Capability.IMPORT_PEOPLE,
            Capability.MERGE_PEOPLE,
            Capability.RECORD_TESTS,
            Capability.MANAGE_CLOSURE,
            Capability.MANAGE_ROUNDS,
        }
    ),
    # The grid worker is the 包保干部: one of the two release signatures.
    Role.GRID_WORKER: frozenset(
        _PEOPLE_DESK | _CASE_DESK | _COMMUNITY_DESK | {Capability.SIGN_AS_CADRE}
    ),
    # The clinic sees the people it cares for, reveals contacts to call them, but does not
    # maintain the registry.
    Role.MEDICAL_WORKER: frozenset(
        {
            Capability.VIEW_PEOPLE,
            Capability.REVEAL_SENSITIVE,
            Capability.VIEW_JURISDICTIONS,
            Capability.VIEW_STAFF,
            Capability.VIEW_CASES,
            Capability.MANAGE_CASES,
            Capability.HANDLE_ALERTS,
            Capability.RECORD_TESTS,
            Capability.SIGN_AS_MEDIC,
            Capability.VIEW_LOCKDOWNS,
            Capability.VIEW_ROUNDS,
            Capability.SAMPLE_TESTS,
            Capability.MANAGE_ROUNDS,
        }
    ),
    # The police officer identifies people referred to them (refusals); read-only, masked by
    # default, and no health records.
    Role.POLICE_OFFICER: frozenset(
        {
            Capability.VIEW_PEOPLE,
            Capability.REVEAL_SENSITIVE,
            Capability.VIEW_JURISDICTIONS,
            Capability.VIEW_REFERRALS,
            Capability.VIEW_GATE_LOG,
        }
    ),
    # Guards see only what the gate needs (the checkpoint pages); volunteers only their
    # assignments. Neither browses the registry.
    Role.CHECKPOINT_GUARD: frozenset({Capability.GUARD_GATE}),
    Role.VOLUNTEER: frozenset({Capability.DELIVER_SUPPLIES}),
}

# The jurisdiction level a role is bound to. Township admins hold a township, grid workers a
# grid, everyone else a community (a medical worker or guard may also be narrowed to a grid).
ROLE_LEVEL: dict[str, str] = {
    Role.TOWNSHIP_ADMIN: "township",
    Role.COMMUNITY_LEADER: "community",
    Role.OFFICE_STAFF: "community",
    Role.GRID_WORKER: "grid",
    Role.MEDICAL_WORKER: "community",
    Role.CHECKPOINT_GUARD: "community",
    Role.VOLUNTEER: "community",
    Role.POLICE_OFFICER: "community",
}

# Roles a manager may create: a community leader staffs their own community, never a
# township admin.
ASSIGNABLE_BY: dict[str, frozenset[str]] = {
    Role.TOWNSHIP_ADMIN: frozenset(Role.values),
    Role.COMMUNITY_LEADER: frozenset(set(Role.values) - {Role.TOWNSHIP_ADMIN}),
}


def capabilities_of(role: str) -> frozenset[Capability]:
    return ROLE_CAPABILITIES.get(role, frozenset())
