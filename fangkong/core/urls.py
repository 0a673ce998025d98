from django.urls import path

from . import views

app_name = "core"
urlpatterns = [
    path("", views.workbench, name="workbench"),
    path("jurisdictions/", views.tree, name="tree"),
    path("jurisdictions/grids/new/", views.grid_create, name="grid_create"),
    path("jurisdictions/grids/<int:pk>/", views.grid_detail, name="grid_detail"),
    path("jurisdictions/buildings/new/", views.building_create, name="building_create"),
    path("jurisdictions/buildings/<int:pk>/", views.building_detail, name="building_detail"),
    path(
        "jurisdictions/buildings/<int:pk>/assign/",
        views.building_assign,
        name="building_assign",
    ),
    path("jurisdictions/units/new/", views.unit_create, name="unit_create"),
    path("staff/", views.staff_list, name="staff_list"),
    path("staff/new/", views.staff_create, name="staff_create"),
    path("staff/<int:pk>/", views.staff_edit, name="staff_edit"),
    path("staff/<int:pk>/password/", views.staff_password, name="staff_password"),
    path("staff/<int:pk>/active/", views.staff_active, name="staff_active"),
    path("audit/", views.audit_list, name="audit_list"),
]
