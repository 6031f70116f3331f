"""Settings for the test suite: the real settings with a test-only key and a
fast password hasher. DATABASE_URL still chooses SQLite or PostgreSQL."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-" + "x" * 40)

from config.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# The test client and the live server speak plain HTTP on loopback.
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False

# No collectstatic before the tests: whitenoise finds files as they are asked.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True

# The login throttle's cache is the real database cache (the test database
# gets its table from createcachetable); tests roll it back with the rest.

# Every test shares one loopback address: API throttling is tested on its own
# with low rates (tests/reports/test_api.py).
REST_FRAMEWORK = {
    **REST_FRAMEWORK,  # noqa: F405
    "DEFAULT_THROTTLE_RATES": {"api_anon": "100000/min", "api_user": "100000/min"},
}
