"""Structured logs: one JSON object per line on stdout, with the request.

Imported by the settings and by ``deploy/gunicorn.conf.py`` (so gunicorn's own
records come out in the same shape); it must not import Django models.
"""

import contextvars
import datetime as dt
import json
import logging

# Filled by config.middleware.RequestLogMiddleware for the length of a request.
request_context: contextvars.ContextVar[dict | None] = contextvars.ContextVar(
    "request_context", default=None
)

# Attributes every LogRecord has; anything else was passed with ``extra=``.
_STANDARD = set(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {
    "message",
    "asctime",
    "request_id",
    "user",
    "path",
}


class RequestContextFilter(logging.Filter):
    """Adds request_id, user and path of the current request to each record."""

    def filter(self, record: logging.LogRecord) -> bool:
        context = request_context.get() or {}
        for key in ("request_id", "user", "path"):
            if not hasattr(record, key):
                setattr(record, key, context.get(key))
        return True


class JsonFormatter(logging.Formatter):
    """``{"time": ..., "level": ..., "logger": ..., "message": ..., ...}``."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": dt.datetime.fromtimestamp(record.created, tz=dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key in ("request_id", "user", "path"):
            value = getattr(record, key, None)
            if value is not None:
                entry[key] = value
        for key, value in record.__dict__.items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def logging_config(
    *, level: str = "INFO", fmt: str = "json", stream: str = "stderr"
) -> dict:
    """A dictConfig: everything through one handler to one stream.

    The app server logs to stdout (``deploy/gunicorn.conf.py`` sets
    LOG_STREAM=stdout); management commands keep stdout for their output
    (``dumpdata > backup.json`` must not fill up with log lines).
    """
    formatter = (
        {"()": JsonFormatter}
        if fmt == "json"
        else {
            "format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
        }
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request": {"()": RequestContextFilter}},
        "formatters": {"main": formatter},
        "handlers": {
            "stdout": {
                "class": "logging.StreamHandler",
                "stream": f"ext://sys.{'stdout' if stream == 'stdout' else 'stderr'}",
                "formatter": "main",
                "filters": ["request"],
            }
        },
        "root": {"handlers": ["stdout"], "level": level},
        "loggers": {
            # Django's defaults print to stderr with DEBUG on and mail admins;
            # here its records go up to the root handler like everyone else's.
            "django": {"handlers": [], "level": level, "propagate": True},
            "django.server": {"handlers": [], "level": level, "propagate": True},
            # Every PDF would log each rendering step at INFO.
            "weasyprint": {"level": "WARNING"},
            "fontTools": {"level": "WARNING"},
        },
    }
