from django.urls import path

from . import views

app_name = "policy"
urlpatterns = [
    path("", views.version_list, name="version_list"),
    path("<int:pk>/", views.version_detail, name="version_detail"),
    path("<int:pk>/copy/", views.version_copy, name="version_copy"),
    path("<int:pk>/edit/", views.version_edit, name="version_edit"),
    path("<int:pk>/activate/", views.version_activate, name="version_activate"),
    path("<int:pk>/withdraw/", views.version_withdraw, name="version_withdraw"),
    path("risk-areas/", views.area_list, name="area_list"),
    path("risk-areas/new/", views.area_create, name="area_create"),
    path("risk-areas/import/", views.area_import, name="area_import"),
    path("risk-areas/import/template.xlsx", views.area_template, name="area_template"),
    path("risk-areas/paste/", views.area_paste, name="area_paste"),
    path("risk-areas/<int:pk>/end/", views.area_end, name="area_end"),
]
