from django.urls import path

from . import views

app_name = "supplies"
urlpatterns = [
    path("", views.stock_page, name="stock"),
    path("in/", views.stock_in, name="stock_in"),
    path("out/", views.stock_out, name="stock_out"),
    path("movements/", views.movements, name="movements"),
    path("stock-take/", views.stock_take, name="stock_take"),
    path("items/", views.kinds, name="kinds"),
    path("donations/", views.donations, name="donations"),
    path("donations/<int:pk>/", views.donation, name="donation"),
]
