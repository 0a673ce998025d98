"""What the core brings to the navigation (fangkong.core.registry): the groups of the menu,
staff, the audit log, the admin site and the user's own account pages."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .registry import register_nav, register_nav_group

# The drop-downs of the main menu (issue 12 item 15): every entry names one, so that each role
# sees a short menu; a group of which a user sees a single entry shows that entry instead.
register_nav_group("people", pgettext_lazy("menu group", "People"), order=20)
register_nav_group("prevention", pgettext_lazy("menu group", "Prevention"), order=40)
register_nav_group("policy", pgettext_lazy("menu group", "Policy"), order=80)
register_nav_group("gates", pgettext_lazy("menu group", "Gates and lockdowns"), order=100)
register_nav_group("testing", pgettext_lazy("menu group", "Testing"), order=160)
register_nav_group("manage", pgettext_lazy("menu group", "Management"), order=170)

register_nav(
    "core.staff", "core:staff_list", _("Staff"), order=190, group="manage", any_of=("view_staff",)
)
register_nav(
    "core.audit",
    "core:audit_list",
    _("Audit log"),
    order=200,
    group="manage",
    any_of=("view_audit",),
)
register_nav(
    "core.admin", "admin:index", _("Admin"), order=210, group="manage", any_of=("use_admin",)
)
register_nav(
    "core.twofactor", "core:twofactor_setup", _("Two-factor sign-in"), order=220, group="manage"
)
register_nav("core.tokens", "core:my_tokens", _("My API tokens"), order=230, group="manage")
