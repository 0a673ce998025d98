"""The pages of the top-level web app, named in the `core` namespace where they always were
(`core:workbench`, `core:tree`, …): fangkong/urls.py mounts them with the core's own pages."""

from django.urls import path

from .views import jurisdictions, workbench

urlpatterns = [
    path("", workbench.workbench, name="workbench"),
    path("jurisdictions/", jurisdictions.tree, name="tree"),
    path("jurisdictions/grids/new/", jurisdictions.grid_create, name="grid_create"),
    path("jurisdictions/grids/<int:pk>/", jurisdictions.grid_detail, name="grid_detail"),
    path("jurisdictions/buildings/new/", jurisdictions.building_create, name="building_create"),
    path(
        "jurisdictions/buildings/<int:pk>/", jurisdictions.building_detail, name="building_detail"
    ),
    path(
        "jurisdictions/buildings/<int:pk>/assign/",
        jurisdictions.building_assign,
        name="building_assign",
    ),
    path("jurisdictions/units/new/", jurisdictions.unit_create, name="unit_create"),
]
