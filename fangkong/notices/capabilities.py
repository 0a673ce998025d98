"""The capabilities of the notices app: notices, letters and proposals for the public board,
and media interview requests (plan 三(八), 四(五)); and which roles hold them.

The community drafts (office staff and its leader), its leader reviews, the township
approves (and decides media requests). A township administrator holds every one of them.
"""

from enum import StrEnum

from fangkong.core.roles import Role, register_capabilities


class NoticesCapability(StrEnum):
    VIEW_NOTICES = "view_notices"
    #: draft, submit, publish and withdraw the community's notices; record media requests
    DRAFT_NOTICES = "draft_notices"
    #: the community leader's review before the township
    REVIEW_NOTICES = "review_notices"
    #: the township's approval of notices and of media interview requests
    APPROVE_NOTICES = "approve_notices"


register_capabilities(
    NoticesCapability,
    {
        Role.COMMUNITY_LEADER: {
            NoticesCapability.VIEW_NOTICES,
            NoticesCapability.DRAFT_NOTICES,
            NoticesCapability.REVIEW_NOTICES,
        },
        Role.OFFICE_STAFF: {NoticesCapability.VIEW_NOTICES, NoticesCapability.DRAFT_NOTICES},
        Role.GRID_WORKER: {NoticesCapability.VIEW_NOTICES},
    },
)
