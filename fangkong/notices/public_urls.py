"""The public board of a community (no account), under /n/<division code>/."""

from django.urls import path

from . import views

app_name = "board"
urlpatterns = [
    path("<str:code>/", views.board, name="board"),
    path("<str:code>/<int:pk>/", views.board_notice, name="board_notice"),
]
