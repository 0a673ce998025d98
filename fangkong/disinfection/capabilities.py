"""The capabilities of the disinfection log (F14, F11, plan 三(一)5 "一日一消毒", 三(四)4,
三(五)5); and which roles hold them.

Registered with core (`fangkong.core.roles.register_capabilities`) when this module is
imported. A township administrator holds every one of them.
"""

from enum import StrEnum

from fangkong.core.roles import Role, register_capabilities


class DisinfectionCapability(StrEnum):
    #: see the places, the day's coverage and the log
    VIEW_DISINFECTION = "view_disinfection"
    #: record a disinfection of a place
    RECORD_DISINFECTION = "record_disinfection"
    #: add, change and retire the places of a community
    MANAGE_PLACES = "manage_disinfection_places"


_RECORDS = {DisinfectionCapability.VIEW_DISINFECTION, DisinfectionCapability.RECORD_DISINFECTION}
_MANAGES = {DisinfectionCapability.VIEW_DISINFECTION, DisinfectionCapability.MANAGE_PLACES}

register_capabilities(
    DisinfectionCapability,
    {
        Role.COMMUNITY_LEADER: _MANAGES,
        Role.OFFICE_STAFF: _MANAGES,
        Role.GRID_WORKER: _RECORDS,
        Role.MEDICAL_WORKER: _RECORDS,
        Role.CHECKPOINT_GUARD: _RECORDS,
        Role.VOLUNTEER: _RECORDS,
    },
)
