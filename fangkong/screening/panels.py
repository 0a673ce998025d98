"""What screening brings to pages it does not own (fangkong.core.registry): its links."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from fangkong.core.registry import register_nav

register_nav(
    "screening.returnees",
    "screening:registration_list",
    _("Returnees"),
    order=30,
    any_of=("view_cases",),
)
register_nav(
    "screening.refusals",
    "screening:refusal_list",
    _("Refusals"),
    order=70,
    any_of=("view_referrals",),
)
