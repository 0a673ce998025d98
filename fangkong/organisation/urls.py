from django.urls import path

from . import views

app_name = "organisation"
urlpatterns = [
    path("", views.index, name="index"),
    path("<int:pk>/", views.community_page, name="community"),
    path("<int:pk>/edit/", views.edit_organisation, name="edit"),
    path("<int:pk>/print/", views.print_chart, name="print"),
    path("<int:pk>/phonebook/", views.phonebook, name="phonebook"),
    path("<int:pk>/posts/", views.add_post, name="add_post"),
    path("posts/<int:pk>/", views.fill_post, name="fill_post"),
    path("posts/<int:pk>/remove/", views.remove_post, name="remove_post"),
    path("groups/<int:pk>/", views.edit_group, name="edit_group"),
    path("groups/<int:pk>/members/", views.add_member, name="add_member"),
    path("members/<int:pk>/remove/", views.remove_member, name="remove_member"),
    path("<int:pk>/party/", views.party, name="party"),
    path("<int:pk>/party/branch/", views.set_branch, name="set_branch"),
    path("<int:pk>/party/members/", views.add_party_member, name="add_party_member"),
    path("party-members/<int:pk>/remove/", views.remove_party_member, name="remove_party_member"),
    path("<int:pk>/volunteers/", views.volunteers, name="volunteers"),
    path("<int:pk>/volunteers/add/", views.add_volunteer, name="add_volunteer"),
    path("volunteers/<int:pk>/assignments/", views.add_assignment, name="add_assignment"),
]
