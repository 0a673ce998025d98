"""The capabilities of the organisation app: the community's prevention leadership group, its
office and working groups (plan 二), the temporary party branch and the volunteers (三(九));
and which roles hold them."""

from enum import StrEnum

from fangkong.core.roles import Role, register_capabilities


class OrganisationCapability(StrEnum):
    #: see the community's organisation, party branch and volunteers (all its staff)
    VIEW_ORGANISATION = "view_organisation"
    #: change the posts, groups, branch, volunteers and their assignments
    MANAGE_ORGANISATION = "manage_organisation"


_VIEW = {OrganisationCapability.VIEW_ORGANISATION}
_MANAGE = {OrganisationCapability.VIEW_ORGANISATION, OrganisationCapability.MANAGE_ORGANISATION}

register_capabilities(
    OrganisationCapability,
    {
        Role.COMMUNITY_LEADER: _MANAGE,
        Role.OFFICE_STAFF: _MANAGE,
        Role.GRID_WORKER: _VIEW,
        Role.MEDICAL_WORKER: _VIEW,
        Role.CHECKPOINT_GUARD: _VIEW,
        Role.VOLUNTEER: _VIEW,
        Role.POLICE_OFFICER: _VIEW,
    },
)
