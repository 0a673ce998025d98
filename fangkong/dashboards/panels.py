"""What the dashboards bring to pages they do not own: their place in the menu."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from fangkong.core.registry import register_nav

from .capabilities import DashboardCapability

register_nav(
    "dashboards",
    "dashboards:dashboard",
    _("Dashboard"),
    order=20,
    group="reports",
    any_of=(DashboardCapability.VIEW_DASHBOARDS,),
)
