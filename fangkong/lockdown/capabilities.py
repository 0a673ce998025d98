"""The capabilities of the lockdown app: lockdowns of buildings and units, and the supply
deliveries they need; and which roles hold them.

Registered with core (`fangkong.core.roles.register_capabilities`) when this module is
imported: by the modules that name them, and by `CoreConfig.ready`. A township administrator holds
every one of them.
"""

from enum import StrEnum

from fangkong.core.roles import Role, register_capabilities


class LockdownCapability(StrEnum):
    VIEW_LOCKDOWNS = "view_lockdowns"
    #: lock and lift a building or unit
    MANAGE_LOCKDOWNS = "manage_lockdowns"
    #: take supply requests and assign volunteers
    MANAGE_DELIVERIES = "manage_deliveries"
    #: see one's assigned deliveries and mark them delivered (the volunteer)
    DELIVER_SUPPLIES = "deliver_supplies"


register_capabilities(
    LockdownCapability,
    {
        Role.COMMUNITY_LEADER: {
            LockdownCapability.VIEW_LOCKDOWNS,
            LockdownCapability.MANAGE_LOCKDOWNS,
            LockdownCapability.MANAGE_DELIVERIES,
        },
        Role.OFFICE_STAFF: {
            LockdownCapability.VIEW_LOCKDOWNS,
            LockdownCapability.MANAGE_DELIVERIES,
        },
        Role.GRID_WORKER: {LockdownCapability.VIEW_LOCKDOWNS, LockdownCapability.MANAGE_DELIVERIES},
        Role.MEDICAL_WORKER: {LockdownCapability.VIEW_LOCKDOWNS},
        Role.VOLUNTEER: {LockdownCapability.DELIVER_SUPPLIES},
    },
)
