"""The capabilities of the supplies app (F15, plan 二(二)3 后勤保障组): the stock of a
community's prevention supplies and its donations; and which roles hold them.

Registered with core (`fangkong.core.roles.register_capabilities`) when this module is
imported. A township administrator holds every one of them.
"""

from enum import StrEnum

from fangkong.core.roles import Role, register_capabilities


class SuppliesCapability(StrEnum):
    #: see the stock, its movements and the donations
    VIEW_SUPPLIES = "view_supplies"
    #: stock in, stock-take, item kinds, donations and their use
    MANAGE_SUPPLIES = "manage_supplies"
    #: hand out from the stock (a signed stock-out)
    HAND_OUT = "hand_out_supplies"


_ALL = {
    SuppliesCapability.VIEW_SUPPLIES,
    SuppliesCapability.MANAGE_SUPPLIES,
    SuppliesCapability.HAND_OUT,
}
_HANDS_OUT = {SuppliesCapability.VIEW_SUPPLIES, SuppliesCapability.HAND_OUT}

register_capabilities(
    SuppliesCapability,
    {
        Role.COMMUNITY_LEADER: _ALL,
        Role.OFFICE_STAFF: _ALL,
        Role.GRID_WORKER: _HANDS_OUT,
        Role.CHECKPOINT_GUARD: _HANDS_OUT,
        Role.VOLUNTEER: _HANDS_OUT,
    },
)
