"""The capabilities of the urgent app: reports a community makes "第一时间" (plan 四(二)) and
the township's acknowledgement; and which roles hold them.

Registered with core (`fangkong.core.roles.register_capabilities`) when this module is
imported. A township administrator holds every one of them: only they acknowledge.
"""

from enum import StrEnum

from fangkong.core.roles import Role, register_capabilities


class UrgentCapability(StrEnum):
    VIEW_URGENT = "view_urgent"
    #: report a problem for one's own community
    REPORT_URGENT = "report_urgent"
    #: acknowledge and close a report: the township's
    ACKNOWLEDGE_URGENT = "acknowledge_urgent"


_COMMUNITY = {UrgentCapability.VIEW_URGENT, UrgentCapability.REPORT_URGENT}

register_capabilities(
    UrgentCapability,
    {
        Role.COMMUNITY_LEADER: _COMMUNITY,
        Role.OFFICE_STAFF: _COMMUNITY,
        Role.GRID_WORKER: _COMMUNITY,
    },
)
