from django.urls import path

from . import views

app_name = "lockdown"
urlpatterns = [
    path("", views.lockdown_list, name="list"),
    path("new/", views.lock, name="lock"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/lift/", views.lift, name="lift"),
    path("<int:pk>/members/", views.add_member, name="add_member"),
    path("<int:pk>/supplies/", views.supply_create, name="supply_create"),
    path("disinfections/<int:pk>/done/", views.disinfected, name="disinfected"),
    path("supplies/", views.supply_list, name="supply_list"),
    path("supplies/<int:pk>/assign/", views.supply_assign, name="supply_assign"),
    path("supplies/<int:pk>/delivered/", views.supply_delivered, name="supply_delivered"),
    path("supplies/<int:pk>/cancel/", views.supply_cancel, name="supply_cancel"),
    path("supplies/<int:pk>/photo/", views.supply_photo, name="supply_photo"),
    path("deliveries/", views.my_deliveries, name="my_deliveries"),
    path("deliveries/<int:pk>/phone/", views.delivery_phone, name="delivery_phone"),
    # The household's public page, reached by its personal (health report) link.
    path("h/<str:token>/", views.public_request, name="public_request"),
]
