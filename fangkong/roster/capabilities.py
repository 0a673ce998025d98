"""The capabilities of the duty roster (plan 三(一)5 "24小时轮流值班") and which roles hold them.

Everyone of a community's staff sees its roster; the leader and the office fill it; only the
leader approves a swap. Writing the handover of a shift and asking to swap it are for the
person on that shift, whatever their role (checked by the actions, not by a capability).
"""

from enum import StrEnum

from fangkong.core.roles import Role, register_capabilities


class RosterCapability(StrEnum):
    VIEW_ROSTER = "view_roster"
    #: set up the posts and put people on shifts
    MANAGE_ROSTER = "manage_roster"
    #: approve or refuse a swap of shifts
    APPROVE_SWAPS = "approve_swaps"


register_capabilities(
    RosterCapability,
    {
        Role.COMMUNITY_LEADER: set(RosterCapability),
        Role.OFFICE_STAFF: {RosterCapability.VIEW_ROSTER, RosterCapability.MANAGE_ROSTER},
        Role.GRID_WORKER: {RosterCapability.VIEW_ROSTER},
        Role.MEDICAL_WORKER: {RosterCapability.VIEW_ROSTER},
        Role.CHECKPOINT_GUARD: {RosterCapability.VIEW_ROSTER},
        Role.VOLUNTEER: {RosterCapability.VIEW_ROSTER},
        Role.POLICE_OFFICER: {RosterCapability.VIEW_ROSTER},
    },
)
