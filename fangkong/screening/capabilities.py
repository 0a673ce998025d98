"""The capabilities of the screening app: screening returnees, and the referrals of refusals;
and which roles hold them.

Registered with core (`fangkong.core.roles.register_capabilities`) when this module is
imported: by the modules that name them, and by `CoreConfig.ready`. A township administrator holds
every one of them.
"""

from enum import StrEnum

from fangkong.core.roles import Role, register_capabilities


class ScreeningCapability(StrEnum):
    SCREEN_RETURNEES = "screen_returnees"
    VIEW_REFERRALS = "view_referrals"


register_capabilities(
    ScreeningCapability,
    {
        Role.COMMUNITY_LEADER: {
            ScreeningCapability.SCREEN_RETURNEES,
            ScreeningCapability.VIEW_REFERRALS,
        },
        Role.OFFICE_STAFF: {ScreeningCapability.SCREEN_RETURNEES},
        Role.GRID_WORKER: {ScreeningCapability.SCREEN_RETURNEES},
        Role.POLICE_OFFICER: {ScreeningCapability.VIEW_REFERRALS},
    },
)
