from django.urls import path

from . import views

app_name = "urgent"
urlpatterns = [
    path("", views.report_list, name="list"),
    path("new/", views.report_new, name="new"),
    path("<int:pk>/", views.report_detail, name="detail"),
    path("<int:pk>/acknowledge/", views.report_acknowledge, name="acknowledge"),
    path("<int:pk>/close/", views.report_close, name="close"),
]
