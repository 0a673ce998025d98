from django.urls import path

from . import views

app_name = "notices"
urlpatterns = [
    path("", views.notice_list, name="notice_list"),
    path("new/", views.notice_new, name="notice_new"),
    path("<int:pk>/", views.notice_detail, name="notice_detail"),
    path("<int:pk>/edit/", views.notice_edit, name="notice_edit"),
    path("<int:pk>/not-a-name/", views.notice_not_name, name="notice_not_name"),
    path("<int:pk>/<str:step>/", views.notice_step, name="notice_step"),
    path("media/", views.media_list, name="media_list"),
    path("media/new/", views.media_new, name="media_new"),
    path("media/<int:pk>/", views.media_detail, name="media_detail"),
    path("board/<int:pk>/", views.board_code, name="board_code"),
]
