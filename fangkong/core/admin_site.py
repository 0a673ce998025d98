"""Django's admin site, for township administrators only.

`admin_app.FangkongAdminConfig` makes this the `admin.site`: it lets in superusers and
township administrators (the role's `USE_ADMIN` capability), never by Django's is_staff flag
or per-model permissions.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .access import can
from .roles import CoreCapability


def may_use_admin(user: Any) -> bool:
    return can(user, CoreCapability.USE_ADMIN)


class AdminLoginForm(AdminAuthenticationForm):
    def confirm_login_allowed(self, user: Any) -> None:
        if not user.is_active or not may_use_admin(user):
            raise forms.ValidationError(
                _("Only township administrators may use the admin. Log in to the app instead."),
                code="invalid_login",
            )


class FangkongAdminSite(admin.AdminSite):
    site_header = _("Fangkong administration")
    site_title = _("Fangkong administration")
    index_title = _("Records of your township")
    login_form = AdminLoginForm

    def has_permission(self, request: HttpRequest) -> bool:
        return may_use_admin(request.user)


# The stubs make ModelAdmin generic; Django's own class takes no subscript at run time.
class ScopedAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """A ModelAdmin that shows only the rows `visible_to` the user and decides by role.

    Read-only unless `edit_capability` is set; nothing is deleted through the admin. Choices of
    foreign keys are scoped the same way. Saves are audited (`audited_fields`).
    """

    edit_capability: str | None = None
    audited_fields: tuple[str, ...] = ()
    #: The parent of a place. Fixed once the place exists: households and residents carry
    #: their township/community/grid ids, so moving a place would leave them in the old one.
    parent_field: str | None = None

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = tuple(super().get_readonly_fields(request, obj))
        if obj is not None and self.parent_field:
            fields += (self.parent_field,)
        return fields

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).visible_to(request.user)  # type: ignore[attr-defined]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return may_use_admin(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return may_use_admin(request.user)

    def _may_edit(self, request: HttpRequest) -> bool:
        return (
            self.edit_capability is not None
            and may_use_admin(request.user)
            and can(request.user, self.edit_capability)
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._may_edit(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may_edit(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        manager = db_field.related_model._default_manager
        if hasattr(manager, "visible_to"):
            kwargs["queryset"] = manager.visible_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def township_of(self, obj: Any) -> int | None:
        return getattr(obj, "township_id", None)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        from . import audit
        from .models import AuditAction

        fields = self.audited_fields
        before = audit.snapshot(type(obj)._default_manager.get(pk=obj.pk), fields) if change else {}
        super().save_model(request, obj, form, change)
        after = audit.snapshot(obj, fields)
        user = request.user if request.user.is_authenticated else None
        audit.record_object(
            user,
            AuditAction.UPDATE if change else AuditAction.CREATE,
            obj,
            changes=audit.diff(before, after) if change else after,
            township=self.township_of(obj),
            reason=str(_("changed in the admin")),
        )
