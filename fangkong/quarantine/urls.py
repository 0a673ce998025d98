from django.urls import path

from . import lab_views, views

app_name = "quarantine"
urlpatterns = [
    path("", views.case_list, name="case_list"),
    path("cases/<int:pk>/", views.case_detail, name="case_detail"),
    path("cases/<int:pk>/start/", views.case_start, name="case_start"),
    path("cases/<int:pk>/room/", views.case_room, name="case_room"),
    path("cases/<int:pk>/responsible/", views.case_responsible, name="case_responsible"),
    path("cases/<int:pk>/extend/", views.case_extend, name="case_extend"),
    path("cases/<int:pk>/review/", views.case_review, name="case_review"),
    path("cases/<int:pk>/sign/", views.case_sign, name="case_sign"),
    path("cases/<int:pk>/release/", views.case_release, name="case_release"),
    path("cases/<int:pk>/refer/", views.case_refer, name="case_refer"),
    path("cases/<int:pk>/notes/", views.case_note, name="case_note"),
    path("cases/<int:pk>/notice/", views.case_notice, name="case_notice"),
    path("cases/<int:pk>/release-notice/", views.release_notice, name="release_notice"),
    path("tests/<int:pk>/result/", views.test_result, name="test_result"),
    path("index-cases/", views.index_list, name="index_list"),
    path("index-cases/<int:pk>/", views.index_detail, name="index_detail"),
    path("index-cases/<int:pk>/contacts/", views.index_contact, name="index_contact"),
    path("sites/", views.site_list, name="site_list"),
    path("sites/<int:pk>/", views.site_detail, name="site_detail"),
    path("rooms/<int:pk>/", views.room_edit, name="room_edit"),
    path("lab-imports/", lab_views.lab_list, name="lab_list"),
    path("lab-imports/upload/", lab_views.lab_upload, name="lab_upload"),
    path("lab-imports/template/", lab_views.lab_template, name="lab_template"),
    path("lab-imports/<int:pk>/", lab_views.lab_detail, name="lab_detail"),
    path("lab-imports/<int:pk>/confirm/", lab_views.lab_confirm, name="lab_confirm"),
    path("lab-imports/<int:pk>/cancel/", lab_views.lab_cancel, name="lab_cancel"),
    path("lab-imports/<int:pk>/unmatched.xlsx", lab_views.lab_problems, name="lab_problems"),
]
