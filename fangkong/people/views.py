# Placeholder views so the URL names exist; replaced by the UI work.
from django.http import HttpRequest, HttpResponse


def resident_list(request: HttpRequest) -> HttpResponse:
    return HttpResponse("residents")
