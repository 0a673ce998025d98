"""The admin for township administrators: jurisdictions (audited edits), and read-only staff,
audit log and API tokens (revocable). Staff accounts are managed on the app's staff pages,
where the role and jurisdiction rules apply."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from .access import can
from .admin_site import ScopedAdmin, may_use_admin
from .changes import describe_changes
from .models import ApiToken, AuditEntry, Building, Community, Grid, Township, Unit, User
from .roles import CoreCapability


@admin.register(Township)
class TownshipAdmin(ScopedAdmin):
    list_display = ("name", "code", "county")
    search_fields = ("name", "code")
    audited_fields = ("name", "code", "county")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser

    def township_of(self, obj: Any) -> int | None:
        return obj.pk  # type: ignore[no-any-return]


@admin.register(Community)
class CommunityAdmin(ScopedAdmin):
    list_display = ("name", "code", "kind", "township")
    list_filter = ("kind",)
    search_fields = ("name", "code")
    edit_capability = CoreCapability.MANAGE_JURISDICTIONS
    audited_fields = ("township", "name", "code", "kind")
    parent_field = "township"


@admin.register(Grid)
class GridAdmin(ScopedAdmin):
    list_display = ("name", "community")
    list_select_related = ("community",)
    search_fields = ("name", "community__name")
    edit_capability = CoreCapability.MANAGE_JURISDICTIONS
    audited_fields = ("community", "name")
    parent_field = "community"

    def township_of(self, obj: Any) -> int | None:
        return obj.community.township_id  # type: ignore[no-any-return]


@admin.register(Building)
class BuildingAdmin(ScopedAdmin):
    list_display = ("name", "grid", "cadre", "medic")
    list_select_related = ("grid__community", "cadre", "medic")
    search_fields = ("name",)
    # 包楼 assignment is checked by `actions.assign_building` on the building page.
    readonly_fields = ("cadre", "medic")
    edit_capability = CoreCapability.MANAGE_JURISDICTIONS
    audited_fields = ("grid", "name")
    parent_field = "grid"

    def township_of(self, obj: Any) -> int | None:
        return obj.grid.community.township_id  # type: ignore[no-any-return]


@admin.register(Unit)
class UnitAdmin(ScopedAdmin):
    list_display = ("name", "building")
    list_select_related = ("building",)
    search_fields = ("name", "building__name")
    edit_capability = CoreCapability.MANAGE_JURISDICTIONS
    audited_fields = ("building", "name")
    parent_field = "building"

    def township_of(self, obj: Any) -> int | None:
        return obj.building.grid.community.township_id  # type: ignore[no-any-return]


@admin.register(User)
class StaffAdmin(ScopedAdmin):
    """Read-only: accounts are created and changed on the staff pages, where who may give
    which role and jurisdiction is enforced and every change is audited."""

    list_display = (
        "username",
        "display_name",
        "role",
        "township",
        "community",
        "grid",
        "is_active",
    )
    list_filter = ("role", "is_active")
    list_select_related = ("township", "community", "grid")
    search_fields = ("username", "display_name")
    fields = (
        "username",
        "display_name",
        "role",
        "phone",
        "township",
        "community",
        "grid",
        "is_active",
        "last_login",
        "date_joined",
        "manage_link",
    )
    readonly_fields = fields

    @admin.display(description=_("Manage"))
    def manage_link(self, obj: User) -> str:
        return format_html(
            '<a href="{}">{}</a>',
            reverse("core:staff_edit", args=[obj.pk]),
            _("Edit this account on the staff pages"),
        )


@admin.register(AuditEntry)
class AuditEntryAdmin(ScopedAdmin):
    list_display = ("at", "actor_name", "action", "target_type", "target_repr")
    list_filter = ("action", "target_type")
    search_fields = ("target_repr", "actor_name", "target_id")
    date_hierarchy = "at"
    fields = (
        "at",
        "actor_name",
        "action",
        "target_type",
        "target_id",
        "target_repr",
        "changes_shown",
        "reason",
    )
    readonly_fields = fields

    @admin.display(description=_("Changes"))
    def changes_shown(self, obj: AuditEntry) -> str:
        lines = [
            (c.label, f"{c.old} → {c.new}" if c.is_pair else c.old) for c in describe_changes(obj)
        ]
        return format_html("<ul>{}</ul>", format_html_join("", "<li>{}: {}</li>", lines))


@admin.register(ApiToken)
class ApiTokenAdmin(ScopedAdmin):
    """Tokens of the township's staff; a township administrator may revoke one."""

    list_display = ("user", "created_at", "last_used_at", "expires")
    list_select_related = ("user",)
    fields = ("user", "created_at", "last_used_at", "expires")
    readonly_fields = fields

    @admin.display(description=_("Expires"))
    def expires(self, obj: ApiToken) -> Any:
        return obj.expires_at

    def get_queryset(self, request: HttpRequest) -> Any:
        users = User.objects.visible_to(request.user)
        return admin.ModelAdmin.get_queryset(self, request).filter(user__in=users)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return may_use_admin(request.user) and can(request.user, CoreCapability.MANAGE_STAFF)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        self._revoked(request, [obj])
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        self._revoked(request, list(queryset.select_related("user")))
        super().delete_queryset(request, queryset)

    def _revoked(self, request: HttpRequest, tokens: list[ApiToken]) -> None:
        from . import audit
        from .models import AuditAction

        for token in tokens:
            audit.record(
                request.user,  # type: ignore[arg-type]
                AuditAction.DELETE,
                target_type="core.apitoken",
                target_id=token.pk,
                target_repr=str(token),
                township=token.user.township_id,
                reason=str(_("API token revoked in the admin")),
            )
