from django.urls import path

from . import views

app_name = "summaries"
urlpatterns = [
    path("", views.period_summary, name="summary"),
    path("print/", views.summary_print, name="print"),
    path("docx/", views.summary_docx, name="docx"),
    path("assessment/", views.assess, name="assess"),
    path("aftercare/", views.aftercare, name="aftercare"),
]
