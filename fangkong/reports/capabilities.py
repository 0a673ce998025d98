"""The capabilities of the reports app: the community's daily report to the township (plan
四(二)) and the township's review of them; and which roles hold them.

Registered with core (`fangkong.core.roles.register_capabilities`) when this module is
imported. A township administrator holds every one of them; reviewing (returning a report,
reminding a community, approving the township's consolidated report) is theirs alone.
"""

from enum import StrEnum

from fangkong.core.roles import Role, register_capabilities


class ReportCapability(StrEnum):
    VIEW_DAILY_REPORTS = "view_daily_reports"
    #: correct a figure (with a reason) and submit the community's report
    PREPARE_DAILY_REPORTS = "prepare_daily_reports"
    #: return a report, remind a community, approve the township's consolidated report
    REVIEW_DAILY_REPORTS = "review_daily_reports"


register_capabilities(
    ReportCapability,
    {
        Role.COMMUNITY_LEADER: {
            ReportCapability.VIEW_DAILY_REPORTS,
            ReportCapability.PREPARE_DAILY_REPORTS,
        },
        Role.OFFICE_STAFF: {
            ReportCapability.VIEW_DAILY_REPORTS,
            ReportCapability.PREPARE_DAILY_REPORTS,
        },
    },
)
