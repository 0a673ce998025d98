from django.urls import path

from . import views

app_name = "disinfection"
urlpatterns = [
    path("", views.today, name="today"),
    path("places/", views.places, name="places"),
    path("places/<int:pk>/record/", views.record, name="record"),
    path("places/<int:pk>/retire/", views.retire, name="retire"),
    path("log/", views.log, name="log"),
]
