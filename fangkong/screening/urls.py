from django.urls import path

from . import views

app_name = "screening"
urlpatterns = [
    path("", views.registration_list, name="registration_list"),
    path("new/", views.registration_create, name="registration_create"),
    path("<int:pk>/", views.registration_detail, name="registration_detail"),
    path("<int:pk>/confirm/", views.registration_confirm, name="registration_confirm"),
    path("<int:pk>/reject/", views.registration_reject, name="registration_reject"),
    path("<int:pk>/reveal/", views.registration_reveal, name="registration_reveal"),
    path("<int:pk>/test/", views.test_result, name="test_result"),
    path("<int:pk>/refusal/", views.refusal_create, name="refusal_create"),
    path("refusals/", views.refusal_list, name="refusal_list"),
    path("refusals/<int:pk>/", views.refusal_detail, name="refusal_detail"),
    path("qr/", views.qr_codes, name="qr_codes"),
    path("qr/<int:grid_id>/rotate/", views.qr_rotate, name="qr_rotate"),
    # The public page behind a grid's QR code: no account.
    path("r/<str:token>/", views.public_register, name="public_register"),
    path("r/<str:token>/thanks/", views.public_thanks, name="public_thanks"),
]
