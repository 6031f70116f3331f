"""Configuration by environment: safe defaults, fail fast, clean deploy check."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "k3y-" + "8f2b9c7d1e6a4f0b3c5d7e9a1b2c4d6e8f0a2b4c6d8e0f1a3b5c7",
    "ALLOWED_HOSTS": "portal.example.gov.vn",
    "DATABASE_URL": "sqlite:////tmp/portal-deploy-check.sqlite3",
    "DJANGO_SETTINGS_MODULE": "config.settings",
}


def _manage(*args, env):
    base = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/root")}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=base | env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_check_deploy_is_clean_with_production_values():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNINGS" not in result.stderr
    assert "no issues" in result.stdout


def test_refuses_to_start_without_secret_key_when_debug_is_off():
    env = {k: v for k, v in PRODUCTION.items() if k != "SECRET_KEY"}
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_development_key_only_with_debug_on():
    result = _manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings; print(settings.SECRET_KEY)",
        env={"DEBUG": "true", "DJANGO_SETTINGS_MODULE": "config.settings"},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().startswith("dev-only-")


def test_environment_chooses_database_and_locale():
    result = _manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings as s; print(s.DATABASES['default']['ENGINE'],"
        " s.LANGUAGE_CODE, s.TIME_ZONE, s.MEDIA_ROOT)",
        env=PRODUCTION | {"MEDIA_ROOT": "/srv/media"},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.sqlite3",
        "vi",
        "Asia/Ho_Chi_Minh",
        "/srv/media",
    ]


def test_migrations_match_the_models():
    result = _manage("makemigrations", "--check", "--dry-run", env={"DEBUG": "true"})
    assert result.returncode == 0, result.stdout + result.stderr


_SHOW = (
    "from django.conf import settings as s; print("
    "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY,"
    " s.SESSION_COOKIE_SAMESITE, s.SESSION_EXPIRE_AT_BROWSER_CLOSE,"
    " s.SESSION_COOKIE_AGE, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS,"
    " s.STORAGES['staticfiles']['BACKEND'].rsplit('.', 1)[1],"
    " s.CACHES['default']['BACKEND'].rsplit('.', 1)[1])"
)


def test_production_cookies_are_secure_and_sessions_short():
    result = _manage("shell", "--no-imports", "-c", _SHOW, env=PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "True",
        "True",
        "True",
        "Lax",
        "True",
        str(8 * 60 * 60),
        "True",
        "31536000",
        "CompressedManifestStaticFilesStorage",
        "DatabaseCache",
    ]


def test_sessions_and_hsts_are_configurable():
    env = PRODUCTION | {
        "SESSION_COOKIE_AGE": "3600",
        "SESSION_EXPIRE_AT_BROWSER_CLOSE": "false",
        "SECURE_HSTS_SECONDS": "600",
        "CACHE_URL": "locmemcache://",
    }
    result = _manage("shell", "--no-imports", "-c", _SHOW, env=env)
    assert result.returncode == 0, result.stderr
    shown = result.stdout.split()
    assert (shown[4], shown[5], shown[7], shown[9]) == (
        "False",
        "3600",
        "600",
        "LocMemCache",
    )


def test_development_needs_no_https_and_no_collectstatic():
    env = {"DEBUG": "true", "DJANGO_SETTINGS_MODULE": "config.settings"}
    result = _manage("shell", "--no-imports", "-c", _SHOW, env=env)
    assert result.returncode == 0, result.stderr
    shown = result.stdout.split()
    assert (shown[0], shown[1], shown[6], shown[7], shown[8]) == (
        "False",
        "False",
        "False",
        "0",
        "StaticFilesStorage",
    )
