"""Fangkong settings: one file, read from the environment (django-environ).

Every setting a deployer may change is listed in README (配置 / Configuration).
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from fangkong.filemodes import keep_private
from fangkong.keyfiles import load_or_create

BASE_DIR = Path(__file__).resolve().parent.parent

# The `.env` file first (the environment wins over it), then every setting, the var directory too.
env = environ.Env()
environ.Env.read_env(env.str("FANGKONG_ENV_FILE", default=str(BASE_DIR / ".env")), overwrite=False)
VAR_DIR = Path(env.str("FANGKONG_VAR_DIR", default=str(BASE_DIR / "var")))

DEBUG = env.bool("DEBUG", default=False)
# Signs sessions, CSRF tokens and pass QR codes. Without one in the environment, a DEBUG run
# (`make run`) uses this installation's own random key, made on first start and kept in a
# file of the var directory readable only by its owner; there is no key in the source.
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = load_or_create(VAR_DIR / "secret_key")
# Document and phone numbers are sealed with this key (fangkong.core.sealing), never with
# SECRET_KEY. `make run` (DEBUG) makes one on first start under the var directory; without
# DEBUG it must be given. FANGKONG_DATA_KEY_OLD is set only while `rotate_data_key` runs.
DATA_KEY = env.str("FANGKONG_DATA_KEY", default="")
if not DATA_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("FANGKONG_DATA_KEY must be set when DEBUG is off")
    DATA_KEY = load_or_create(VAR_DIR / "data_key")
DATA_KEY_OLD = env.str("FANGKONG_DATA_KEY_OLD", default="")
for _name, _key in (("FANGKONG_DATA_KEY", DATA_KEY), ("FANGKONG_DATA_KEY_OLD", DATA_KEY_OLD)):
    if _key and len(_key) < 32:
        raise ImproperlyConfigured(f"{_name} must be at least 32 characters long")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "fangkong.core.admin_app.FangkongAdminConfig",  # django.contrib.admin, our site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    # Before django_tasks_db: its `db_worker` command schedules the daily purge, then works.
    "fangkong.retention",
    "django_tasks",
    "django_tasks_db",
    # Listed so the API docs page uses Ninja's bundled Swagger UI files, never a CDN.
    "ninja",
    "csp",
    "fangkong.core",
    "fangkong.people",
    "fangkong.imports",
    "fangkong.policy",
    "fangkong.screening",
    "fangkong.quarantine",
    "fangkong.health",
    "fangkong.closure",
    "fangkong.organisation",
    "fangkong.supplies",
    "fangkong.disinfection",
    "fangkong.checkpoints",
    "fangkong.lockdown",
    "fangkong.notices",
    "fangkong.masstesting",
    "fangkong.urgent",
    "fangkong.inspections",
    "fangkong.roster",
    "fangkong.tasks",
    "fangkong.reports",
    "fangkong.dashboards",
    "fangkong.summaries",
    "fangkong.demo",
    "fangkong.web",
]

MIDDLEWARE = [
    # First: any error answer under /api/ becomes the API's JSON body (never an HTML page).
    "fangkong.api.middleware.JsonErrors",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Two-factor sign-in: a township admin's session is held at the code page until verified.
    "django_otp.middleware.OTPMiddleware",
    "fangkong.core.twofactor.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last: turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "fangkong.urls"
WSGI_APPLICATION = "fangkong.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "fangkong" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "fangkong.core.context_processors.navigation",
            ],
        },
    }
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'fangkong.sqlite3'}"),
}
# Every file this process creates is readable by its owner only (umask 077; see filemodes).
keep_private(
    VAR_DIR,
    Path(DATABASES["default"]["NAME"])
    if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
    else None,
)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the background worker write while pages read; IMMEDIATE avoids lock upgrades.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Lists read "the first page of my jurisdiction" through (township|community|grid, id)
    # indexes; with PostgreSQL's spinning-disk default of 4 the planner walks the primary key
    # through every other jurisdiction instead (bench/search_residents.py: 500 ms → 7 ms).
    # A round's lab file is matched in temporary tables (masstesting.results): a million rows
    # take some 300 MB, and with PostgreSQL's default of 8 MB they spill to disk at every
    # step (bench/round_import.py: the match 14.8 s → 10.9 s). Memory is taken only as a
    # session's temporary tables grow; other sessions use none.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "options",
        f"-c random_page_cost={env.float('PG_RANDOM_PAGE_COST', default=1.1)} "
        f"-c temp_buffers={env.str('PG_TEMP_BUFFERS', default='512MB')}",
    )
#: The few hot statements of `fangkong.core.prepared` (the gate scan's token, lookup and
#: insert) are prepared once per connection. Django's own cursors bind on the client and never
#: prepare, so the threshold below reaches nothing else. Off behind a transaction-pooling
#: bouncer, which cannot keep a session's prepared statements.
PREPARED_STATEMENTS = env.bool("PREPARED_STATEMENTS", default=True)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and PREPARED_STATEMENTS:
    # psycopg prepares nothing while the threshold is None (Django's default); `prepared`
    # asks for each of its statements explicitly, so no count should ever trigger it.
    DATABASES["default"]["OPTIONS"].setdefault("prepare_threshold", 2**31 - 1)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "core.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "core:workbench"
# The name an authenticator app shows beside the code.
OTP_TOTP_ISSUER = "防控 Fangkong"
LOGOUT_REDIRECT_URL = "login"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "fangkong.core.backends.AddressGuardedModelBackend",
]
# Password guessing (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one username
# from one address, that pair is locked for AXES_COOLOFF_TIME; a correct login resets it.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.25)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "fangkong.core.lockout.lockout_response"
AXES_IPWARE_PROXY_COUNT = env.int("NUM_PROXIES", default=0) or None
# Password spraying (one address, one password, many usernames), on the login page and the
# API's token endpoint alike (`core.backends`): after FANGKONG_LOGIN_SLOW_AFTER failed logins
# from an address, each further attempt waits FANGKONG_LOGIN_SLOW_SECONDS; at the count of
# FANGKONG_LOGIN_ADDRESS_FAILURES ("<n>/<period>") the address is refused for the period.
FANGKONG_LOGIN_ADDRESS_FAILURES = env.str("FANGKONG_LOGIN_ADDRESS_FAILURES", default="20/15min")
FANGKONG_LOGIN_SLOW_AFTER = env.int("FANGKONG_LOGIN_SLOW_AFTER", default=10)
FANGKONG_LOGIN_SLOW_SECONDS = env.float("FANGKONG_LOGIN_SLOW_SECONDS", default=1.0)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=12 * 3600)
SESSION_COOKIE_HTTPONLY = True
SECURE_COOKIES = env.bool("SECURE_COOKIES", default=False)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
if SECURE_COOKIES:
    # Served over HTTPS: browsers are told to come back only over HTTPS (HSTS). Redirecting
    # plain HTTP is left to the proxy in front (SECURE_SSL_REDIRECT stays off).
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=365 * 24 * 3600)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
    if env.int("NUM_PROXIES", default=0) > 0:
        # The proxy terminates TLS and must set (overwrite) X-Forwarded-Proto.
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp) on every response: scripts, styles, images and fonts
# only from the app's own files; no inline script, event-handler attribute or style
# (tests/test_template_lint.py keeps the templates so). QR codes are inline <svg>, which
# img-src does not govern. The API docs page alone also allows data: images, for Swagger UI's
# icons (fangkong.api.api). The camera's video stream (srcObject) is not subject to the policy.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "media-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# The project-wide stylesheet lives in fangkong/static (not an app), so list it.
STATICFILES_DIRS = [BASE_DIR / "fangkong" / "static"]
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "static")))
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
MEDIA_URL = "media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            # minified, hashed, gzip and Brotli copies (core/staticstorage.py)
            else "fangkong.core.staticstorage.MinifiedCompressedManifestStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# Uploads: a resident spreadsheet may be large; anything above the limit is refused with a
# Chinese message before it is parsed.
FANGKONG_MAX_UPLOAD_BYTES = env.int("FANGKONG_MAX_UPLOAD_BYTES", default=40 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# Uploads are chmodded after writing: readable by the owner only, like every other file.
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700

TASKS = {
    "default": {
        "BACKEND": env.str("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend"),
    }
}

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}

# API: attempts at `POST /api/v1/auth/token` per client address (against password guessing),
# and how many reverse proxies in front of the app append to X-Forwarded-For (0: use the
# connection's address, so a client cannot pick its own by sending the header).
FANGKONG_TOKEN_RATE = env.str("FANGKONG_TOKEN_RATE", default="10/min")
# An API token stops working when unused for FANGKONG_TOKEN_IDLE_DAYS, and in any case
# FANGKONG_TOKEN_MAX_DAYS after it was issued (a password change or reset, or deactivating
# the account, revokes every token of the account at once).
FANGKONG_TOKEN_IDLE_DAYS = env.float("FANGKONG_TOKEN_IDLE_DAYS", default=7)
FANGKONG_TOKEN_MAX_DAYS = env.float("FANGKONG_TOKEN_MAX_DAYS", default=30)
NINJA_NUM_PROXIES = env.int("NUM_PROXIES", default=0)
# The public pages (no account): self-registration from a grid's QR code, and a household's
# personal health-report link. Rates are "<n>/<period>": self-registrations submitted per
# client address; failed lookups of a secret link (unknown token) per client address; uses
# of one genuine link (whatever the address).
FANGKONG_SELF_REGISTRATION_RATE = env.str("FANGKONG_SELF_REGISTRATION_RATE", default="20/h")
FANGKONG_REPORT_RATE = env.str("FANGKONG_REPORT_RATE", default="40/10min")
FANGKONG_LINK_RATE = env.str("FANGKONG_LINK_RATE", default="300/10min")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
