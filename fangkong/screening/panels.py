"""What screening brings to pages it does not own (fangkong.core.registry): its links."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from fangkong.core.registry import register_nav

register_nav(
    "screening.returnees",
    "screening:registration_list",
    _("Returnees"),
    order=30,
    group="people",
    any_of=("view_cases",),
)
register_nav(
    "screening.refusals",
    "screening:refusal_list",
    _("Refusals"),
    order=70,
    group="prevention",
    any_of=("view_referrals",),
)
