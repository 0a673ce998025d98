from django.urls import path

from .api import api
from .errors import not_found

_patterns, _app, app_name = api.urls
# Ninja's own view at the API's root raises Django's 404, an HTML page; ours answers JSON.
urlpatterns = [path("", not_found, name="api-root"), *_patterns]
