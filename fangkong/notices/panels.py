"""What notices bring to pages they do not own (fangkong.core.registry): the workbench panel of
what waits for the user (notices to review, approve or publish; interview requests to
decide) and the menu entries."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from fangkong.core.models import User
from fangkong.core.registry import Panel, register_nav, register_panel
from fangkong.core.scoping import jurisdiction_level

from .capabilities import NoticesCapability
from .models import MediaRequest, MediaStatus, Notice, NoticeStatus


def pending_for(user: User) -> dict[str, int]:
    """How many notices and requests wait for `user`'s step: one query for the notices, one
    more for the interview requests of a township."""
    level = jurisdiction_level(user)
    wanted: dict[str, str] = {}
    if user.can(NoticesCapability.REVIEW_NOTICES) and level == "community":
        wanted["review"] = NoticeStatus.SUBMITTED
    if user.can(NoticesCapability.APPROVE_NOTICES) and level == "township":
        wanted["approve"] = NoticeStatus.REVIEWED
    if user.can(NoticesCapability.DRAFT_NOTICES) and level == "community":
        wanted["publish"] = NoticeStatus.APPROVED
    counts = {"review": 0, "approve": 0, "publish": 0, "media": 0}
    if wanted:
        counts.update(
            Notice.objects.visible_to(user).aggregate(
                **{key: Count("id", filter=Q(status=status)) for key, status in wanted.items()}
            )
        )
    if "approve" in wanted:
        counts["media"] = (
            MediaRequest.objects.visible_to(user).filter(status=MediaStatus.REQUESTED).count()
        )
    return counts


def _panel(request: HttpRequest) -> dict[str, Any] | None:
    user = request.user
    if not isinstance(user, User) or not user.can(NoticesCapability.VIEW_NOTICES):
        return None
    counts = pending_for(user)
    return {"shown": True, "counts": counts, "total": sum(counts.values())}


register_panel("notices", Panel("notices/_panel.html", _panel), order=90)
register_nav(
    "notices",
    "notices:notice_list",
    _("Notices"),
    order=75,
    group="prevention",
    any_of=(NoticesCapability.VIEW_NOTICES,),
)
register_nav(
    "notices.media",
    "notices:media_list",
    _("Media interview requests"),
    order=76,
    group="prevention",
    any_of=(NoticesCapability.APPROVE_NOTICES,),
)
