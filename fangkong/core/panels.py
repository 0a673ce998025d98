"""What the core brings to the navigation (fangkong.core.registry): staff, the audit log, the
admin site and the user's own account pages."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from .registry import register_nav

register_nav("core.staff", "core:staff_list", _("Staff"), order=190, any_of=("view_staff",))
register_nav("core.audit", "core:audit_list", _("Audit log"), order=200, any_of=("view_audit",))
register_nav("core.admin", "admin:index", _("Admin"), order=210, any_of=("use_admin",))
register_nav("core.twofactor", "core:twofactor_setup", _("Two-factor sign-in"), order=220)
register_nav("core.tokens", "core:my_tokens", _("My API tokens"), order=230)
