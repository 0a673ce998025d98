"""The capabilities of the policy app: the versioned policy, and seeing the epidemic work it
governs (cases, areas, the policy pages); and which roles hold them.

Registered with core (`fangkong.core.roles.register_capabilities`) when this module is
imported: by the modules that name them, and by `CoreConfig.ready`. A township administrator holds
every one of them.
"""

from enum import StrEnum

from fangkong.core.roles import Role, register_capabilities


class PolicyCapability(StrEnum):
    MANAGE_POLICY = "manage_policy"
    VIEW_CASES = "view_cases"


register_capabilities(
    PolicyCapability,
    {
        Role.COMMUNITY_LEADER: {PolicyCapability.VIEW_CASES},
        Role.OFFICE_STAFF: {PolicyCapability.VIEW_CASES},
        Role.GRID_WORKER: {PolicyCapability.VIEW_CASES},
        Role.MEDICAL_WORKER: {PolicyCapability.VIEW_CASES},
    },
)
