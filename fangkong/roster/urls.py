from django.urls import path

from . import views

app_name = "roster"
urlpatterns = [
    path("", views.week, name="week"),
    path("mine/", views.mine, name="mine"),
    path("posts/", views.posts, name="posts"),
    path("fill/", views.fill, name="fill"),
    path("copy/", views.copy, name="copy"),
    path("duty/<int:pk>/remove/", views.remove, name="remove"),
    path("duty/<int:pk>/handover/", views.handover, name="handover"),
    path("duty/<int:pk>/read/", views.read, name="read"),
    path("duty/<int:pk>/swap/", views.swap_request, name="swap"),
    path("swaps/", views.swaps, name="swaps"),
    path("swaps/<int:pk>/decide/", views.swap_decide, name="swap_decide"),
]
