from django.urls import path

from . import views

app_name = "tasks"
urlpatterns = [
    path("", views.task_list, name="list"),
    path("new/", views.task_new, name="new"),
    path("<int:pk>/", views.task_detail, name="detail"),
    path("<int:pk>/edit/", views.task_edit, name="edit"),
    path("<int:pk>/status/", views.task_status, name="status"),
    path("<int:pk>/comment/", views.task_comment, name="comment"),
    path("files/<int:pk>/", views.comment_file, name="file"),
    path("recurring/", views.template_list, name="templates"),
    path("recurring/<int:pk>/stop/", views.template_stop, name="template_stop"),
]
