"""Settings for the test suite: the real settings with a test-only key and a
fast password hasher. DATABASE_URL still chooses SQLite or PostgreSQL."""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-" + "x" * 40)

from config.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# A page's query count is the same from one test to the next: the pages' cache
# counts its table on one write in 20 (config/cache.py), which would land in
# whichever test made the 20th; tests/test_cache_backend.py tests the counting.
CACHES["pages"]["OPTIONS"]["COUNT_EVERY"] = 0  # noqa: F405
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

# On SQLite the test database is a file, not Django's shared-cache in-memory
# database: shared cache locks whole tables and refuses a second writer at
# once ("database table is locked") whatever the busy timeout, so concurrent
# tests would not see the production behaviour (writers queue).
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # In memory all the same where there is a tmpfs (no disk writes to wait for).
    _shm = "/dev/shm"  # noqa: S108
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": os.path.join(
            _shm if os.path.isdir(_shm) else tempfile.gettempdir(),
            f"portal-test-{os.getpid()}.sqlite3",
        )
    }
# Every test shares one loopback address: API throttling is tested on its own
# with low rates (tests/reports/test_api.py).
REST_FRAMEWORK = {
    **REST_FRAMEWORK,  # noqa: F405
    "DEFAULT_THROTTLE_RATES": {"api_anon": "100000/min", "api_user": "100000/min"},
}
