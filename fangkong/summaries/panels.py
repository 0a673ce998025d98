"""What the summaries app brings to pages it does not own: its menu entries."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from fangkong.core.registry import register_nav

from .capabilities import SummaryCapability

register_nav(
    "summaries",
    "summaries:summary",
    _("Period summary"),
    order=30,
    group="reports",
    any_of=(SummaryCapability.VIEW_SUMMARIES,),
)
register_nav(
    "aftercare",
    "summaries:aftercare",
    _("Aftercare"),
    order=40,
    group="reports",
    any_of=(SummaryCapability.RECORD_AFTERCARE,),
)
