"""The public list of a community's donations (no account), under /d/<division code>/."""

from django.urls import path

from . import views

app_name = "donations"
urlpatterns = [path("<str:code>/", views.public_donations, name="public")]
