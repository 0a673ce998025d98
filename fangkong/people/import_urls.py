from django.urls import path

from . import export_job_views as export_views
from . import import_views as views

#: the resident import and the export jobs, under /imports/ with their names of before
app_name = "imports"
urlpatterns = [
    path("", views.job_list, name="job_list"),
    path("upload/", views.upload, name="upload"),
    path("template/", views.template_download, name="template"),
    path("<int:pk>/", views.job_detail, name="job_detail"),
    path("<int:pk>/confirm/", views.job_confirm, name="job_confirm"),
    path("<int:pk>/cancel/", views.job_cancel, name="job_cancel"),
    path("<int:pk>/problems.xlsx", views.problems_download, name="problems_download"),
    path("exports/<int:pk>/", export_views.export_detail, name="export_detail"),
    path("exports/<int:pk>/download/", export_views.export_download, name="export_download"),
]
