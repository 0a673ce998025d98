from django.urls import path

from . import views

app_name = "masstesting"
urlpatterns = [
    path("", views.round_list, name="round_list"),
    path("open/", views.round_open, name="round_open"),
    path("template.xlsx", views.results_template, name="results_template"),
    path("<int:pk>/", views.round_detail, name="round_detail"),
    path("<int:pk>/coverage/", views.round_coverage, name="round_coverage"),
    path("<int:pk>/missing/", views.round_missing, name="round_missing"),
    path("<int:pk>/close/", views.round_close, name="round_close"),
    path("<int:pk>/reopen/", views.round_reopen, name="round_reopen"),
    path("<int:pk>/sample/", views.sample, name="sample"),
    path("<int:pk>/sample/members/<int:member_id>/remove/", views.tube_remove, name="tube_remove"),
    path("<int:pk>/results/", views.results_upload, name="results_upload"),
    path("<int:pk>/positives/<int:member_id>/case/", views.register_case, name="register_case"),
    path("imports/<int:pk>/", views.import_detail, name="import_detail"),
    path("imports/<int:pk>/confirm/", views.import_confirm, name="import_confirm"),
    path("imports/<int:pk>/cancel/", views.import_cancel, name="import_cancel"),
]
