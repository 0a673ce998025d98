"""`django.contrib.admin` with Fangkong's own site (see `admin_site`); listed in
INSTALLED_APPS in its place. Imports nothing that needs the app registry."""

from django.contrib.admin.apps import AdminConfig


class FangkongAdminConfig(AdminConfig):
    default_site = "fangkong.core.admin_site.FangkongAdminSite"
