from django.urls import path

from . import views

app_name = "checkpoints"
urlpatterns = [
    # The guard's page.
    path("", views.gate_home, name="gate"),
    path("choose/", views.gate_choose, name="gate_choose"),
    path("leave/", views.gate_leave, name="gate_leave"),
    path("scan/", views.gate_scan, name="gate_scan"),
    path("visitor/", views.gate_visitor, name="gate_visitor"),
    path("vehicle/", views.gate_vehicle, name="gate_vehicle"),
    # The log and the grid worker's stops.
    path("log/", views.gate_log, name="log"),
    path("log/print/", views.gate_log_print, name="log_print"),
    path("log/export/", views.gate_log_export, name="log_export"),
    path("stops/<int:pk>/handle/", views.stop_handle, name="stop_handle"),
    # Passes.
    path("passes/", views.pass_buildings, name="pass_buildings"),
    path("passes/building/<int:pk>/", views.pass_building, name="pass_building"),
    path("passes/building/<int:pk>/issue/", views.pass_issue_missing, name="pass_issue_missing"),
    path("passes/building/<int:pk>/print/", views.pass_print, name="pass_print"),
    path("passes/resident/<int:resident_id>/issue/", views.pass_issue, name="pass_issue"),
    path("passes/<int:pk>/revoke/", views.pass_revoke, name="pass_revoke"),
    path("passes/<int:pk>/reissue/", views.pass_reissue, name="pass_reissue"),
    # Public: a resident's card on their phone (the QR text is the key).
    path("card/<str:text>/", views.card_public, name="card"),
]
