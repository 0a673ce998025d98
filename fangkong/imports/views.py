# Placeholder views so the URL names exist; replaced by the import work.
from django.http import HttpRequest, HttpResponse


def job_list(request: HttpRequest) -> HttpResponse:
    return HttpResponse("imports")
