from django.urls import path

from . import views

app_name = "inspections"
urlpatterns = [
    path("", views.inspection_list, name="list"),
    path("new/", views.inspection_new, name="new"),
    path("<int:pk>/", views.inspection_detail, name="detail"),
    path("<int:pk>/checks/", views.inspection_checks, name="checks"),
    path("<int:pk>/findings/", views.finding_new, name="finding_new"),
    path("<int:pk>/finish/", views.inspection_finish, name="finish"),
    path("findings/", views.finding_list, name="findings"),
    path("findings/<int:pk>/", views.finding_detail, name="finding"),
    path("findings/<int:pk>/rectify/", views.finding_rectify, name="rectify"),
    path("findings/<int:pk>/verify/", views.finding_verify, name="verify"),
    path("findings/<int:pk>/photo/<str:which>/", views.finding_photo, name="photo"),
    path("merits/", views.merit_list, name="merits"),
    path("merits/new/", views.merit_new, name="merit_new"),
]
