from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path

from fangkong.api.errors import not_found as api_not_found
from fangkong.core import urls as core_urls
from fangkong.web import urls as web_urls

urlpatterns = [
    # First: Django tries the patterns in order, and the API's gate scan is the busiest path
    # (bench/gate_scan.py; resolving it after every page's patterns cost ~0.1 ms a request).
    path("api/v1/", include("fangkong.api.urls")),
    # Any other address under /api/: the API's JSON 404, not the site's HTML page.
    re_path(r"^api/", api_not_found),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    # The core's pages and the top-level web app's (workbench, jurisdiction tree) share the
    # `core` namespace their URL names always had.
    path("", include((web_urls.urlpatterns + core_urls.urlpatterns, core_urls.app_name))),
    path("people/", include("fangkong.people.urls")),
    path("imports/", include("fangkong.people.import_urls")),
    path("policy/", include("fangkong.policy.urls")),
    path("screening/", include("fangkong.screening.urls")),
    path("quarantine/", include("fangkong.quarantine.urls")),
    path("health/", include("fangkong.health.urls")),
    path("closure/", include("fangkong.closure.urls")),
    path("gate/", include("fangkong.checkpoints.urls")),
    path("lockdown/", include("fangkong.lockdown.urls")),
    path("rounds/", include("fangkong.masstesting.urls")),
    path("notices/", include("fangkong.notices.urls")),
    # The public board of a community's published notices (no account), from its QR code.
    path("n/", include("fangkong.notices.public_urls")),
    path("urgent/", include("fangkong.urgent.urls")),
    path("inspections/", include("fangkong.inspections.urls")),
    path("roster/", include("fangkong.roster.urls")),
    path("organisation/", include("fangkong.organisation.urls")),
    path("tasks/", include("fangkong.tasks.urls")),
    path("supplies/", include("fangkong.supplies.urls")),
    # The public list of a community's donations and their use (no account).
    path("d/", include("fangkong.supplies.public_urls")),
    path("disinfection/", include("fangkong.disinfection.urls")),
    path("daily/", include("fangkong.reports.urls")),
    path("dashboard/", include("fangkong.dashboards.urls")),
    path("summary/", include("fangkong.summaries.urls")),
]
