"""The top-level web app's own navigation entries (fangkong.core.registry): the workbench and
the jurisdiction tree."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from fangkong.core.registry import register_nav

register_nav("web.workbench", "core:workbench", _("Workbench"), order=10)
register_nav(
    "web.tree",
    "core:tree",
    _("Jurisdictions"),
    order=170,
    group="manage",
    any_of=("view_jurisdictions",),
)
