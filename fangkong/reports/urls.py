from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.index, name="index"),
    path("c/<int:pk>/<str:day>/", views.community_day, name="community_day"),
    path("c/<int:pk>/<str:day>/submit/", views.submit, name="submit"),
    path("c/<int:pk>/<str:day>/print/", views.community_print, name="community_print"),
    path("c/<int:pk>/<str:day>/xlsx/", views.community_xlsx, name="community_xlsx"),
    path("c/<int:pk>/<str:day>/remind/", views.remind, name="remind"),
    path("c/<int:pk>/<str:day>/figures/<str:key>/", views.correct, name="correct"),
    path("c/<int:pk>/<str:day>/figures/<str:key>/undo/", views.uncorrect, name="uncorrect"),
    path("c/<int:pk>/<str:day>/records/<str:key>/", views.figure_records, name="figure_records"),
    path("t/<str:day>/", views.township_day, name="township_day"),
    path("t/<str:day>/print/", views.township_print, name="township_print"),
    path("t/<str:day>/xlsx/", views.township_xlsx, name="township_xlsx"),
    path("t/<str:day>/approve/", views.approve, name="approve"),
    path("reports/<int:pk>/return/", views.return_report, name="return"),
    path("history/<str:key>/", views.history, name="history"),
    path("lists/", views.line_list_export, name="line_lists"),
]
