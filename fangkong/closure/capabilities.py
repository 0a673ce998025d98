"""The capabilities of the closure app: closed management of communities and their risk level;
and which roles hold them.

Registered with core (`fangkong.core.roles.register_capabilities`) when this module is
imported: by the modules that name them, and by `CoreConfig.ready`. A township administrator holds
every one of them.
"""

from enum import StrEnum

from fangkong.core.roles import Role, register_capabilities


class ClosureCapability(StrEnum):
    VIEW_CLOSURE = "view_closure"
    MANAGE_CLOSURE = "manage_closure"
    #: set a community's risk level (or make it follow the county): the township's call
    SET_COMMUNITY_LEVEL = "set_community_level"


register_capabilities(
    ClosureCapability,
    {
        Role.COMMUNITY_LEADER: {ClosureCapability.VIEW_CLOSURE, ClosureCapability.MANAGE_CLOSURE},
        Role.OFFICE_STAFF: {ClosureCapability.VIEW_CLOSURE, ClosureCapability.MANAGE_CLOSURE},
        Role.GRID_WORKER: {ClosureCapability.VIEW_CLOSURE},
    },
)
