"""Settings for the test suite: the real settings with a throwaway key and inline tasks."""

import os
import secrets

# A new random key for each test run (no constant key anywhere).
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
os.environ.setdefault("FANGKONG_DATA_KEY", secrets.token_urlsafe(48))
os.environ.setdefault("TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend")

from fangkong.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Pages render `{% static %}` without a collected manifest in tests.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# WhiteNoise serves STATIC_ROOT and warns ("No directory at") when it is missing; the tests
# collect nothing there, so an empty directory is what they serve.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405
