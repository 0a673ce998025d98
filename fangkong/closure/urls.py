from django.urls import path

from . import views

app_name = "closure"
urlpatterns = [
    path("", views.community_list, name="community_list"),
    path("communities/<int:pk>/", views.community_detail, name="community_detail"),
    path("communities/<int:pk>/level/", views.set_level, name="set_level"),
    path("communities/<int:pk>/checklist/", views.open_checklist, name="open_checklist"),
    path("communities/<int:pk>/gates/", views.add_gate, name="add_gate"),
    path("communities/<int:pk>/gates/open/", views.keep_open, name="keep_open"),
    path("communities/<int:pk>/members/", views.add_member, name="add_member"),
    path("communities/<int:pk>/cordons/", views.add_cordon, name="add_cordon"),
    path("members/<int:pk>/remove/", views.remove_member, name="remove_member"),
    path("cordons/<int:pk>/remove/", views.remove_cordon, name="remove_cordon"),
    path("items/<int:pk>/", views.item_detail, name="item_detail"),
    path("items/<int:pk>/photos/", views.add_photo, name="add_photo"),
    path("photos/<int:pk>/", views.evidence_file, name="evidence_file"),
    path("photos/<int:pk>/remove/", views.remove_photo, name="remove_photo"),
]
