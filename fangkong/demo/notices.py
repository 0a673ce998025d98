"""Demo data of notices (F12, F19): in the first community of the township, the plan's
倡议书 and its cold-chain guidance published on the public board, the 一封信 to workers away
waiting for the township's approval, the personal-protection guidance still a draft, and a
newspaper's interview request waiting for the township.

Everything goes through `fangkong.notices.actions`, as the staff would do it. A text the
check refuses (a generated resident whose name happens to be inside the plan's words) is
left at the step it reached: the demo never marks words for the staff.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from fangkong.core.errors import DomainError
from fangkong.core.models import CommunityKind, Township, User
from fangkong.core.roles import Role
from fangkong.demo.staff import first_staff
from fangkong.notices import actions, drafts, flow
from fangkong.notices.models import Notice

#: each plan text and the step the demo takes it to
_PLAN = (
    (drafts.PROPOSAL_FESTIVAL, flow.PUBLISHED),
    (drafts.COLD_CHAIN, flow.PUBLISHED),
    (drafts.LETTER_TO_WORKERS, flow.REVIEWED),
    (drafts.PROTECTION, flow.DRAFT),
)
_PATH = (
    (flow.SUBMIT, "office", flow.SUBMITTED),
    (flow.REVIEW, "leader", flow.REVIEWED),
    (flow.APPROVE, "admin", flow.APPROVED),
    (flow.PUBLISH, "office", flow.PUBLISHED),
)


@transaction.atomic
def build_demo_notices(township: Township, *, today: dt.date) -> int:
    """Notices of the township's first community; the number published."""
    admin = (
        User.objects.filter(township=township, role=Role.TOWNSHIP_ADMIN, is_active=True)
        .order_by("id")
        .first()
    )
    community = township.communities.filter(kind=CommunityKind.COMMUNITY).order_by("code").first()
    if admin is None or community is None:
        raise ValueError("the demo township has no township admin or no community")
    who = {
        "admin": admin,
        "leader": first_staff(community, Role.COMMUNITY_LEADER) or admin,
        "office": first_staff(community, Role.OFFICE_STAFF, Role.COMMUNITY_LEADER) or admin,
    }
    for draft, goal in _PLAN:
        notice = actions.create_notice(
            who["office"],
            community,
            kind=draft.kind,
            title=draft.title,
            body=draft.body.replace("社区居委会", f"{community.name}居委会"),
            template=draft.key,
        )
        for step, actor, reached in _PATH:
            if notice.status == goal:
                break
            try:
                notice = actions.take_step(who[actor], notice, step)
            except DomainError:
                break
            if reached == goal:
                break
    actions.record_media_request(
        who["office"],
        community,
        outlet="长江日报",
        reporter="记者（演示）",
        contact="",
        topic="春节期间社区疫情防控工作",
        requested_for=timezone.make_aware(
            dt.datetime.combine(today + dt.timedelta(days=2), dt.time(10))
        ),
    )
    return Notice.objects.filter(community=community, status=flow.PUBLISHED).count()
