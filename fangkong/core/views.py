# Placeholder views so the URL names exist; replaced by the UI work.
from django.http import HttpRequest, HttpResponse


def workbench(request: HttpRequest) -> HttpResponse:
    return HttpResponse("workbench")


tree = staff_list = audit_list = workbench
