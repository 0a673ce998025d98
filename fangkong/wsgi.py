import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fangkong.settings")
application = get_wsgi_application()

from fangkong.core.warmup import warm_and_freeze  # noqa: E402 — needs the apps loaded

warm_and_freeze()
