"""Settings for the emulation-bloc portal.

Everything that differs between machines comes from the environment or an
optional ``.env`` file beside ``manage.py`` (see ``.env.example``). Defaults
are safe for production; ``DEBUG=true`` relaxes them for development.
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.logging import logging_config

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)

# A development key exists only with DEBUG on; production must bring its own.
_DEV_SECRET_KEY = "dev-only-insecure-key-never-used-when-debug-is-off"  # noqa: S105
SECRET_KEY = env.str("SECRET_KEY", default=_DEV_SECRET_KEY if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured(
        "SECRET_KEY must be set in the environment when DEBUG is off."
    )

ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# The portal's public address: printed documents carry the full address of
# their verification page (and its QR code) so that paper can be checked.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # Spreadsheet import/export in the admin (its templates and static files).
    "import_export",
    # Two-factor sign-in (blocs.two_factor): TOTP apps and recovery codes.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    # The read-only API (reports.api), its OpenAPI schema and the schema's
    # page, whose Swagger UI files are served from our static files.
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    # Background tasks (django-tasks, the backport of Django 6's tasks
    # framework) kept in the database, run by `manage.py db_worker`.
    "django_tasks",
    "config.apps.TasksDatabaseConfig",  # django_tasks_db, named in Vietnamese
    "blocs",
    "blocs.notifications",
    "blocs.fund",
    "pledges",
    "scoring",
    "reports",
    # The demo and scale data generators, apart from the apps they fill.
    "demodata",
]

MIDDLEWARE = [
    # Outermost: one JSON log line per request, with its id, user and timing.
    "config.middleware.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "config.middleware.ContentSecurityPolicyMiddleware",
    # Static files straight from the app server, compressed and cached forever.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "config.middleware.VietnameseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): has this session passed the second factor?
    "django_otp.middleware.OTPMiddleware",
    # Superusers, and staff who turned it on, pass it before any other page.
    "blocs.middleware.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                # The bell's unread count, counted only where a page shows it.
                "blocs.notifications.context_processors.notices",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
}
# Persistent connections (seconds; 0 closes after each request) are checked
# before reuse, so a worker recovers by itself after PostgreSQL restarts. Kept
# for a minute: a user's request then skips the connection set-up (the load
# benchmark's deadline-day mix is measured with them).
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Concurrent writers queue instead of failing with "database is locked":
    # every transaction takes the write lock when it begins (IMMEDIATE), so a
    # reader never has to upgrade to a writer mid-transaction (which SQLite
    # refuses at once), and waits up to SQLITE_TIMEOUT seconds for it. WAL lets
    # readers go on while one writer commits.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": env.int("SQLITE_TIMEOUT", default=20),
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )

AUTH_USER_MODEL = "blocs.User"
AUTHENTICATION_BACKENDS = ["blocs.backends.PortalBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
MINISTRY_HOME = "reports:overview"  # where a ministry viewer lands (blocs.views.home)

# Checked on passwords set through forms (admin, password change), not on
# set_password(): the demo accounts keep their printed password.
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation."
        "UserAttributeSimilarityValidator"
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": env.int("PASSWORD_MIN_LENGTH", default=12)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # Validates nothing: Django calls its password_changed() whenever a saved
    # password changes (any form, the admin, a reset), so staff are told.
    {"NAME": "blocs.notifications.validators.StaffPasswordChangedNotice"},
]

# Vietnamese first, English available.
LANGUAGE_CODE = env.str("LANGUAGE_CODE", default="vi")
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Ho_Chi_Minh")
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True
# Django's "vi" formats define no grouping: without this 2470,7 stays ungrouped.
NUMBER_GROUPING = 3
FORMAT_MODULE_PATH = ["config.formats"]

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
# Uploads and archived PDFs: a directory (a mounted volume) by default, or any
# Django storage backend, e.g. MEDIA_STORAGE_BACKEND=storages.backends.s3.S3Storage
# with MEDIA_STORAGE_OPTIONS={"bucket_name": "portal"} (JSON).
# Production serves static files with hashed names (collectstatic at release);
# development keeps the plain storage so no collectstatic is needed.
STORAGES = {
    "default": {
        "BACKEND": env.str(
            "MEDIA_STORAGE_BACKEND",
            default="django.core.files.storage.FileSystemStorage",
        ),
        "OPTIONS": env.json("MEDIA_STORAGE_OPTIONS", default={}),
    },
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Shared by every gunicorn worker and app server: login throttling lives here.
# The table is made by `manage.py createcachetable` (release script, make run).
CACHES = {
    "default": env.cache("CACHE_URL", default="dbcache://portal_cache"),
    # The ministry's pages (reports.cache) in their own table, so that pages
    # never push the login throttle's counters out of the default cache.
    "pages": env.cache("PAGE_CACHE_URL", default="dbcache://portal_page_cache"),
}
CACHES["pages"].setdefault("OPTIONS", {}).setdefault("MAX_ENTRIES", 500)
# Pages are written after every change: one statement per write, not five
# (config/cache.py).
if CACHES["pages"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache":
    CACHES["pages"]["BACKEND"] = "config.cache.UpsertDatabaseCache"
REPORTS_PAGE_CACHE = "pages"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Not IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT: it only strips a leading "="
# and turns every cell, numbers and blanks included, into text. Exported text
# is escaped by pledges.importexport instead ("'=…", "'+…", "'-…", "'@…").

# Security: strict unless DEBUG; each can still be set from the environment
# (for example behind a TLS-terminating proxy on a private network).
# The proxy sets X-Forwarded-Proto (and strips any the client sent); empty
# SECURE_PROXY_SSL_HEADER when the app server is reached without one.
_proxy_ssl_header = env.str("SECURE_PROXY_SSL_HEADER", default="HTTP_X_FORWARDED_PROTO")
SECURE_PROXY_SSL_HEADER = (_proxy_ssl_header, "https") if _proxy_ssl_header else None
# How many reverse proxies append to X-Forwarded-For: the client's address is
# that many entries from the right (0: REMOTE_ADDR, no proxy).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# The load balancer's health check may speak plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool(
    "SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG
)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# A working day; the cookie also ends with the browser unless told otherwise
# (shared office computers). The server forgets the session after the age
# either way.
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = env.bool(
    "SESSION_EXPIRE_AT_BROWSER_CLOSE", default=True
)

# Content-Security-Policy (config.middleware): no inline script anywhere, no
# inline style on the site's own pages. Django's admin, django-import-export's
# pages and the document preview write style="" attributes and <style> blocks,
# so views in CSP_INLINE_STYLE_VIEWS (a namespace or a view name) get
# 'unsafe-inline' for styles only.
CONTENT_SECURITY_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
# Swagger UI (the API's docs page) sets a few inline styles too.
CSP_INLINE_STYLE_VIEWS = ["admin", "reports:preview", "api:docs"]
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"

# Login throttling (blocs.backends): failures counted per username and per
# client address in a sliding window; reaching a limit locks for LOCK seconds.
# Whole offices share one address behind NAT, so the address limit is higher.
LOGIN_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
LOGIN_FAILURE_LIMIT_PER_IP = env.int("LOGIN_FAILURE_LIMIT_PER_IP", default=20)
LOGIN_FAILURE_WINDOW = env.int("LOGIN_FAILURE_WINDOW", default=15 * 60)
LOGIN_LOCK_SECONDS = env.int("LOGIN_LOCK_SECONDS", default=15 * 60)

# Two-factor sign-in (blocs.two_factor): required of superusers, offered to the
# secretariat. After n wrong codes in a row a device waits 2^(n-1) x FACTOR
# seconds before it checks another (django-otp's throttling).
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="Cổng khối thi đua")
OTP_TOTP_THROTTLE_FACTOR = env.int("OTP_THROTTLE_FACTOR", default=1)
OTP_STATIC_THROTTLE_FACTOR = env.int("OTP_THROTTLE_FACTOR", default=1)

# One JSON object per line in production (LOG_FORMAT=json), readable text with
# DEBUG on; every record carries the request id, user and path. The app server
# logs to stdout (gunicorn.conf.py), commands to stderr (their stdout is output).
LOGGING = logging_config(
    level=env.str("LOG_LEVEL", default="INFO"),
    fmt=env.str("LOG_FORMAT", default="text" if DEBUG else "json"),
    stream=env.str("LOG_STREAM", default="stderr"),
)
LOG_REQUESTS = env.bool("LOG_REQUESTS", default=True)

# Digital signatures of published documents (reports.signing, docs/deploy.md):
# the issuing body's key and certificate in a PKCS#12 file; without one,
# documents are published unsigned. SIGNING_TRUST_ROOTS: the CA certificates
# (PEM or DER files) that copies signed outside the portal must chain to.
SIGNING_PKCS12_FILE = env.str("SIGNING_PKCS12_FILE", default="")
SIGNING_PKCS12_PASSWORD = env.str("SIGNING_PKCS12_PASSWORD", default="")
SIGNING_TSA_URL = env.str("SIGNING_TSA_URL", default="")
SIGNING_TRUST_ROOTS = env.list("SIGNING_TRUST_ROOTS", default=[])

# The read-only API (reports/api): tokens issued in the admin, scoped as the
# token's user's pages are; anonymous callers read published documents only.
# Throttle counters live in their own cache: per process by default (a rate
# per worker); point API_THROTTLE_CACHE_URL at a shared cache to count across
# workers.
CACHES["api_throttle"] = env.cache(
    "API_THROTTLE_CACHE_URL", default="locmemcache://api-throttle"
)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "reports.api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["reports.api.permissions.ReadOnlyAuthenticated"],
    "DEFAULT_THROTTLE_CLASSES": [
        "reports.api.throttling.AnonThrottle",
        "reports.api.throttling.TokenThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "api_anon": env.str("API_THROTTLE_ANON", default="60/min"),
        "api_user": env.str("API_THROTTLE_USER", default="600/min"),
    },
    "DEFAULT_PAGINATION_CLASS": "reports.api.pagination.Pagination",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Emulation blocs portal API",
    "DESCRIPTION": (
        "Read-only open data of the emulation blocs: blocs, boards, bloc years, "
        "totals of approved reports, results of closed rounds and published "
        "documents. Send `Authorization: Token <secret>`; published documents "
        "and the verification of a code need no token."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}

# Background tasks: requests only enqueue (a row in the database), the worker
# (`manage.py db_worker`, deploy/portal-worker.service) runs them.
TASKS = {
    "default": {
        "BACKEND": env.str("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend"),
    }
}
# /healthz reports the worker as stalled when a task has been due this long.
TASKS_STALLED_MINUTES = env.int("TASKS_STALLED_MINUTES", default=10)

# Mail: EMAIL_URL (smtp://user:password@host:587, smtp+tls://…, smtp+ssl://…,
# filemail:///path, consolemail://) or the separate EMAIL_* variables. With
# DEBUG on and nothing set, messages are written as files under var/mail/.
if env.str("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = env.str(
        "EMAIL_BACKEND",
        default="django.core.mail.backends.filebased.EmailBackend"
        if DEBUG
        else "django.core.mail.backends.smtp.EmailBackend",
    )
    EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
    EMAIL_PORT = env.int("EMAIL_PORT", default=25)
    EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
    EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
    EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
    EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", default=False)
    EMAIL_FILE_PATH = env.path("EMAIL_FILE_PATH", default=BASE_DIR / "var" / "mail")
# A server that does not answer must not hold the worker for long.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="Cổng thi đua <no-reply@localhost>"
)
SERVER_EMAIL = env.str("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)
# Password reset links stay valid this long (seconds).
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", default=60 * 60)
# Password reset requests: per address and per client, like failed logins.
PASSWORD_RESET_LIMIT = env.int("PASSWORD_RESET_LIMIT", default=3)
PASSWORD_RESET_LIMIT_PER_IP = env.int("PASSWORD_RESET_LIMIT_PER_IP", default=10)
PASSWORD_RESET_WINDOW = env.int("PASSWORD_RESET_WINDOW", default=60 * 60)
