"""Residents and households in the admin: read-only, scoped, sensitive values masked.

Every change to a person or household goes through `people.actions` (validation, duplicate
checks, audit); the admin points to the app's pages for that.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from fangkong.core.admin_site import ScopedAdmin

from .models import Household, Resident, ResidentTag


# The stubs make TabularInline generic; Django's own class takes no subscript at run time.
class ResidentTagInline(admin.TabularInline):  # type: ignore[type-arg]
    model = ResidentTag
    extra = 0
    fields = ("tag",)
    readonly_fields = ("tag",)
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Resident)
class ResidentAdmin(ScopedAdmin):
    list_display = ("name", "masked_document", "masked_phone_number", "grid", "household")
    list_select_related = ("grid__community", "household")
    list_filter = ("residence_type", "tags__tag")
    search_fields = ("name", "name_initials", "name_pinyin")
    show_full_result_count = False
    fields = (
        "app_link",
        "name",
        "doc_type",
        "masked_document",
        "no_doc_reason",
        "gender",
        "birth_date",
        "masked_phone_number",
        "grid",
        "household",
        "relation",
        "residence_type",
        "party_member",
        "works_away",
        "away_place",
        "masked_contact_away",
        "notes",
        "merged_into",
        "created_at",
        "updated_at",
    )
    readonly_fields = fields
    inlines = (ResidentTagInline,)

    @admin.display(description=_("Document number"))
    def masked_document(self, obj: Resident) -> str:
        return obj.masked_doc_number

    @admin.display(description=_("Phone"))
    def masked_phone_number(self, obj: Resident) -> str:
        return obj.masked_phone

    @admin.display(description=_("Contact while away"))
    def masked_contact_away(self, obj: Resident) -> str:
        return obj.masked_away_contact

    @admin.display(description=_("Edit"))
    def app_link(self, obj: Resident) -> str:
        return format_html(
            '<a href="{}">{}</a>',
            reverse("people:resident_detail", args=[obj.pk]),
            _("Open this record in the app to change it or to see a full value"),
        )


@admin.register(Household)
class HouseholdAdmin(ScopedAdmin):
    list_display = ("address", "grid", "building", "unit", "cadre", "medic")
    list_select_related = ("grid__community", "building", "unit", "cadre", "medic")
    search_fields = ("address", "number")
    show_full_result_count = False
    fields = (
        "app_link",
        "address",
        "grid",
        "building",
        "unit",
        "number",
        "cadre",
        "medic",
        "created_at",
    )
    readonly_fields = fields

    @admin.display(description=_("Edit"))
    def app_link(self, obj: Household) -> str:
        return format_html(
            '<a href="{}">{}</a>',
            reverse("people:household_detail", args=[obj.pk]),
            _("Open this household in the app to change it"),
        )
