"""The capabilities of the health app: handling health alerts; and which roles hold them.

Registered with core (`fangkong.core.roles.register_capabilities`) when this module is
imported: by the modules that name them, and by `CoreConfig.ready`. A township administrator holds
every one of them.
"""

from enum import StrEnum

from fangkong.core.roles import Role, register_capabilities


class HealthCapability(StrEnum):
    HANDLE_ALERTS = "handle_alerts"


register_capabilities(
    HealthCapability,
    {
        Role.COMMUNITY_LEADER: {HealthCapability.HANDLE_ALERTS},
        Role.OFFICE_STAFF: {HealthCapability.HANDLE_ALERTS},
        Role.GRID_WORKER: {HealthCapability.HANDLE_ALERTS},
        Role.MEDICAL_WORKER: {HealthCapability.HANDLE_ALERTS},
    },
)
