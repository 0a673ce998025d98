from .api import api

urlpatterns, _app, app_name = api.urls
