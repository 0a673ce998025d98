from django.urls import path

from . import views

app_name = "health"
urlpatterns = [
    path("checkins/", views.checkin_list, name="checkin_list"),
    path("cases/<int:case_id>/checkins/", views.checkin_record, name="checkin_record"),
    path("alerts/", views.alert_list, name="alert_list"),
    path("alerts/report/", views.symptom_report, name="symptom_report"),
    path("report-codes/", views.symptom_report_codes, name="symptom_report_codes"),
    path("reviews/", views.review_list, name="review_list"),
    path("reviews/<int:pk>/resolve/", views.review_resolve, name="review_resolve"),
    path("alerts/<int:pk>/", views.alert_detail, name="alert_detail"),
    path("alerts/<int:pk>/reveal/", views.alert_reveal, name="alert_reveal"),
    path("alerts/<int:pk>/acknowledge/", views.alert_acknowledge, name="alert_acknowledge"),
    path("alerts/<int:pk>/contact/", views.alert_contact, name="alert_contact"),
    path("alerts/<int:pk>/collected/", views.alert_collected, name="alert_collected"),
    path("alerts/<int:pk>/close/", views.alert_close, name="alert_close"),
    path("households/<int:household_id>/links/", views.household_links, name="household_links"),
    path("households/<int:household_id>/links/new/", views.link_create, name="link_create"),
    path("links/<int:pk>/revoke/", views.link_revoke, name="link_revoke"),
    # The public page a household opens from its personal link (no account).
    path("h/<str:token>/", views.report, name="report"),
    # The public page of a grid where anyone reports fever or symptoms (no account).
    path("s/<str:token>/", views.public_symptoms, name="public_symptoms"),
]
