from django.urls import path

from . import export_views, views

app_name = "people"
urlpatterns = [
    path("", views.resident_list, name="resident_list"),
    path("new/", views.resident_create, name="resident_create"),
    path("export/", export_views.export_residents, name="resident_export"),
    path("<int:pk>/", views.resident_detail, name="resident_detail"),
    path("<int:pk>/edit/", views.resident_edit, name="resident_edit"),
    path("<int:pk>/delete/", views.resident_delete, name="resident_delete"),
    path("<int:pk>/reveal/", views.resident_reveal, name="resident_reveal"),
    path("<int:pk>/merge/", views.resident_merge, name="resident_merge"),
    path("households/new/", views.household_create, name="household_create"),
    path("households/<int:pk>/", views.household_detail, name="household_detail"),
    path("households/<int:pk>/assign/", views.household_assign, name="household_assign"),
]
