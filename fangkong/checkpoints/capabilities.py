"""The capabilities of the checkpoints app: the gates: passes, the guard's page, the gate log
and the stops raised there; and which roles hold them.

Registered with core (`fangkong.core.roles.register_capabilities`) when this module is
imported: by the modules that name them, and by `CoreConfig.ready`. A township administrator holds
every one of them.
"""

from enum import StrEnum

from fangkong.core.roles import Role, register_capabilities


class CheckpointCapability(StrEnum):
    ISSUE_PASSES = "issue_passes"
    #: the guard's page: scan, search, record entries, visitors and vehicles
    GUARD_GATE = "guard_gate"
    VIEW_GATE_LOG = "view_gate_log"
    #: handle the stops raised at a gate (the grid worker's worklist)
    HANDLE_STOPS = "handle_stops"


register_capabilities(
    CheckpointCapability,
    {
        Role.COMMUNITY_LEADER: {
            CheckpointCapability.ISSUE_PASSES,
            CheckpointCapability.GUARD_GATE,
            CheckpointCapability.VIEW_GATE_LOG,
            CheckpointCapability.HANDLE_STOPS,
        },
        Role.OFFICE_STAFF: {
            CheckpointCapability.ISSUE_PASSES,
            CheckpointCapability.VIEW_GATE_LOG,
            CheckpointCapability.HANDLE_STOPS,
        },
        Role.GRID_WORKER: {
            CheckpointCapability.ISSUE_PASSES,
            CheckpointCapability.VIEW_GATE_LOG,
            CheckpointCapability.HANDLE_STOPS,
        },
        Role.CHECKPOINT_GUARD: {CheckpointCapability.GUARD_GATE},
        Role.POLICE_OFFICER: {CheckpointCapability.VIEW_GATE_LOG},
    },
)
