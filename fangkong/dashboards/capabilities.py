"""The capabilities of the dashboards app; and which roles hold them. Each chart also needs the
capability that reads its records (a chart of cases needs the cases), so a role sees only the
charts of what it may read, over its own jurisdiction."""

from enum import StrEnum

from fangkong.core.roles import Role, register_capabilities


class DashboardCapability(StrEnum):
    VIEW_DASHBOARDS = "view_dashboards"


register_capabilities(
    DashboardCapability,
    {
        Role.COMMUNITY_LEADER: {DashboardCapability.VIEW_DASHBOARDS},
        Role.OFFICE_STAFF: {DashboardCapability.VIEW_DASHBOARDS},
        Role.MEDICAL_WORKER: {DashboardCapability.VIEW_DASHBOARDS},
    },
)
