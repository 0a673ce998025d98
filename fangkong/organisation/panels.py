"""What the organisation brings to pages it does not own: its menu entry."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from fangkong.core.registry import register_nav

from .capabilities import OrganisationCapability

register_nav(
    "organisation",
    "organisation:index",
    _("Organisation"),
    order=185,
    group="manage",
    any_of=(OrganisationCapability.VIEW_ORGANISATION,),
)
