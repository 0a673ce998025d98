from django.urls import path

from . import views

app_name = "core"
urlpatterns = [
    path("", views.workbench, name="workbench"),
    path("jurisdictions/", views.tree, name="tree"),
    path("staff/", views.staff_list, name="staff_list"),
    path("audit/", views.audit_list, name="audit_list"),
]
