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
    "blocs",
    "pledges",
    "scoring",
    "reports",
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
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
}
# Persistent connections (seconds; 0 closes after each request) are checked
# before reuse, so a worker recovers by itself after PostgreSQL restarts.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

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
CSP_INLINE_STYLE_VIEWS = ["admin", "reports:preview"]
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"

# Login throttling (blocs.backends): failures counted per username and per
# client address in a sliding window; reaching a limit locks for LOCK seconds.
# Whole offices share one address behind NAT, so the address limit is higher.
LOGIN_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
LOGIN_FAILURE_LIMIT_PER_IP = env.int("LOGIN_FAILURE_LIMIT_PER_IP", default=20)
LOGIN_FAILURE_WINDOW = env.int("LOGIN_FAILURE_WINDOW", default=15 * 60)
LOGIN_LOCK_SECONDS = env.int("LOGIN_LOCK_SECONDS", default=15 * 60)

# One JSON object per line in production (LOG_FORMAT=json), readable text with
# DEBUG on; every record carries the request id, user and path. The app server
# logs to stdout (gunicorn.conf.py), commands to stderr (their stdout is output).
LOGGING = logging_config(
    level=env.str("LOG_LEVEL", default="INFO"),
    fmt=env.str("LOG_FORMAT", default="text" if DEBUG else "json"),
    stream=env.str("LOG_STREAM", default="stderr"),
)
LOG_REQUESTS = env.bool("LOG_REQUESTS", default=True)
