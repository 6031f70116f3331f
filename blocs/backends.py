"""Authentication: Django's model backend, demo accounts only under DEBUG, and
throttling of repeated failed logins.

Failures are counted in Django's cache (a database table by default, see
``CACHES``), so every gunicorn worker and every app server sees the same
counts. Counts are kept per username (whether or not it exists, so a lock says
nothing about which accounts exist) and per client address, each in a sliding
window; reaching a limit locks that key for ``LOGIN_LOCK_SECONDS``. The lock is
checked before the password, so a locked account cannot be guessed into even
with the right password.
"""

import datetime as dt
import hashlib
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.utils import timezone

logger = logging.getLogger("portal.auth")


def client_ip(request) -> str:
    """The client's address: REMOTE_ADDR, or with ``TRUSTED_PROXY_COUNT``
    proxies in front, the entry of X-Forwarded-For the outermost one added
    (entries further left are whatever the client sent)."""
    if request is None:
        return ""
    count = settings.TRUSTED_PROXY_COUNT
    if count > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= count:
            return forwarded[-count]
    return request.META.get("REMOTE_ADDR", "")


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def _throttle_keys(request, username: str) -> list[tuple[str, int]]:
    """(cache key prefix, failure limit) for the username and the address."""
    keys = []
    name = (username or "").strip().casefold()
    if name:
        keys.append((f"login:user:{_digest(name)}", settings.LOGIN_FAILURE_LIMIT))
    address = client_ip(request)
    if address:
        keys.append(
            (f"login:ip:{_digest(address)}", settings.LOGIN_FAILURE_LIMIT_PER_IP)
        )
    return keys


def login_locked_until(request, username: str) -> dt.datetime | None:
    """When the lock on this username or address ends, or None if unlocked.
    A refused attempt is logged here, whichever form or backend asks."""
    now = timezone.now().timestamp()
    keys = [f"{key}:lock" for key, _ in _throttle_keys(request, username)]
    until = max((t for t in cache.get_many(keys).values() if t > now), default=None)
    if until is None:
        return None
    logger.warning(
        "login refused: locked",
        extra={
            "event": "login.throttled",
            "username": username,
            "ip": client_ip(request),
        },
    )
    return dt.datetime.fromtimestamp(until, tz=dt.UTC)


def login_failure_record(request, username: str) -> None:
    """Counts one failure; locks each key that reaches its limit."""
    now = timezone.now().timestamp()
    window, lock = settings.LOGIN_FAILURE_WINDOW, settings.LOGIN_LOCK_SECONDS
    address = client_ip(request)
    logger.warning(
        "login failed",
        extra={"event": "login.failed", "username": username, "ip": address},
    )
    for key, limit in _throttle_keys(request, username):
        # Read-modify-write: two workers failing at the same instant may count
        # one failure fewer; the limit still holds within a failure or two.
        failures = [t for t in cache.get(f"{key}:fails", []) if t > now - window]
        failures.append(now)
        if len(failures) >= limit:
            cache.set(f"{key}:lock", now + lock, timeout=lock + 60)
            cache.delete(f"{key}:fails")
            logger.warning(
                "login locked",
                extra={
                    "event": "login.locked",
                    "by": key.split(":")[1],
                    "username": username,
                    "ip": address,
                    "failures": len(failures),
                    "lock_seconds": lock,
                },
            )
        else:
            cache.set(f"{key}:fails", failures, timeout=window + 60)


def login_success_record(request, username: str) -> None:
    """A correct password forgets the username's earlier failures (not the
    address's: one valid account must not reset a guessing address)."""
    name = (username or "").strip().casefold()
    cache.delete(f"login:user:{_digest(name)}:fails")


class PortalBackend(ModelBackend):
    """Django's model backend, but demo accounts (whose passwords are printed by
    ``load_demo`` and written in the README) only work while DEBUG is on, and
    repeated failures lock the username and the address for a while."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if username is None or password is None:
            return None
        if login_locked_until(request, username):
            # Stops authenticate() here: no other backend, no password check.
            raise PermissionDenied
        user = super().authenticate(request, username=username, password=password)
        if user is None:
            login_failure_record(request, username)
        else:
            login_success_record(request, username)
        return user

    def get_user(self, user_id):
        """The user of each request, with the bell's unread count taken in
        the same query (a subquery), so no page pays a query for the bell."""
        from blocs.notifications.selectors import unread_count_subquery

        user_model = get_user_model()
        try:
            user = user_model._default_manager.annotate(
                notice_unread=unread_count_subquery()
            ).get(pk=user_id)
        except user_model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None

    def user_can_authenticate(self, user) -> bool:
        if getattr(user, "is_demo", False) and not settings.DEBUG:
            return False
        return super().user_can_authenticate(user)


def password_reset_allowed(request, email: str) -> bool:
    """Counts one password reset request for this address and this client;
    False once either reached its limit in the window. Counted whether or not
    the address belongs to an account, so a refusal reveals nothing."""
    now = timezone.now().timestamp()
    window = settings.PASSWORD_RESET_WINDOW
    keys = [
        (
            f"reset:mail:{_digest((email or '').strip().casefold())}",
            settings.PASSWORD_RESET_LIMIT,
        )
    ]
    address = client_ip(request)
    if address:
        keys.append(
            (f"reset:ip:{_digest(address)}", settings.PASSWORD_RESET_LIMIT_PER_IP)
        )
    allowed = True
    for key, limit in keys:
        times = [t for t in cache.get(key, []) if t > now - window]
        if len(times) >= limit:
            allowed = False
            continue
        times.append(now)
        cache.set(key, times, timeout=window + 60)
    if not allowed:
        logger.warning(
            "password reset refused: throttled",
            extra={"event": "password_reset.throttled", "ip": address},
        )
    return allowed
