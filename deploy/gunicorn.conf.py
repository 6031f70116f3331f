"""Gunicorn for the portal, behind a TLS-terminating reverse proxy.

    gunicorn -c deploy/gunicorn.conf.py

Every value below can be changed through the environment (docs/deploy.md).
Logs: one JSON object per line on stdout, gunicorn's own lines included; the
application logs each request itself, so gunicorn's access log is off.
"""

import logging
import multiprocessing
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import environ  # noqa: E402

from config.logging import logging_config  # noqa: E402

# The same optional .env the settings read, so GUNICORN_* may live there too.
if (ROOT / ".env").is_file():
    environ.Env.read_env(ROOT / ".env", overwrite=False)
# Read by config.settings in every worker: the server's logs go to stdout.
os.environ.setdefault("LOG_STREAM", "stdout")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

wsgi_app = "config.wsgi:application"
chdir = str(ROOT)
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",")
# Synchronous workers: pages are short database reads; a PDF takes a few
# seconds of CPU. Two per core plus one is gunicorn's own rule of thumb.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
# Recycle workers now and then: a slow leak never grows without bound.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "200"))
# Only the proxy may say the request came over HTTPS (X-Forwarded-Proto).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# Workers' heartbeat files on a tmpfs: a slow disk never looks like a hung
# worker (gunicorn's advice for containers).
if Path("/dev/shm").is_dir():  # noqa: S108
    worker_tmp_dir = "/dev/shm"  # noqa: S108
# Several servers may run side by side (a benchmark, a test): no shared
# control socket in $HOME.
control_socket_disable = True

loglevel = os.environ.get("LOG_LEVEL", "info").lower()
accesslog = None
errorlog = "-"
_logging = logging_config(
    level=loglevel.upper(),
    fmt=os.environ.get("LOG_FORMAT", "json"),
    stream="stdout",
)
_logging["loggers"] |= {
    "gunicorn.error": {
        "handlers": ["stdout"],
        "level": loglevel.upper(),
        "propagate": False,
    },
    "gunicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
}
logconfig_dict = _logging
# Python warnings become log records too: every line on stdout is JSON.
logging.captureWarnings(True)
