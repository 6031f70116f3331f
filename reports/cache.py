"""The ministry's pages cached as rendered fragments, never stale.

A fragment is stored under a key made of: the page, the reader's scope (every
bloc for the ministry and superusers; one bloc for a secretariat; one board's
bloc-years for an officer), the filters as typed, the language, and a data
version read from the database on every request. Nothing of the reader beyond
the scope enters a fragment (it is rendered without the request: no user name,
no CSRF token), so two readers of the same scope may share it.

The data version changes on every committed write that these pages show:
every service records an ``AuditEvent`` in the transaction of its change, and
an edit through the admin writes a ``LogEntry``. It is read before the page's
data, so a page stored under a version holds at least that version's data.
The number of audit events among the latest ids is part of it: an
event whose id was drawn before another's but committed after it (two writers
at once) does not raise the largest id, but it does change that count.

A part of a page that shows none of a report's own rows (the overview's
filters and list of blocs, years, leaders and documents) is stored under the
version that leaves out a report's routine writes (``versions()``: a board's
save, registration, submission or upload, ``blocs.hooks.ROUTINE_ACTIONS``),
so on a deadline day a reader's overview rebuilds its chart alone.

A write that bypasses both (a script in the shell, a raw SQL fix) must clear
the cache: ``manage.py shell -c "from django.core.cache import caches;
caches['default'].clear()"``.
"""

import hashlib
import secrets
from collections.abc import Callable

from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.utils import translation

from blocs.caching import Recent
from blocs.permissions import is_board_officer, is_secretariat, sees_everything
from blocs.selectors import writes_version_sql

# A separate cache may be named for pages (REPORTS_PAGE_CACHE), so that pages
# never push the login throttle's counters out of the default cache.
TIMEOUT = 15 * 60
LOCAL_ENTRIES = 32
EPOCH_KEY = "reports:epoch"


def _alias() -> str:
    return getattr(settings, "REPORTS_PAGE_CACHE", "default")


def _versions(*expressions: tuple[str, list]) -> tuple[str, ...]:
    """Each of ``writes_version_sql``'s expressions read in one query, each
    followed by the epoch (one query more)."""
    sql = ", ".join(expression for expression, _params in expressions)
    params = [param for _expression, own in expressions for param in own]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {sql}", params)
        found = cursor.fetchone()
    epoch = _epoch(caches[_alias()])
    return tuple(f"{version}.{epoch}" for version in found)


def data_version() -> str:
    """The latest audit event, how many of the latest ids exist, and the
    latest admin log entry (``blocs.selectors.writes_version_sql``), then
    the epoch: two queries."""
    (version,) = _versions(writes_version_sql())
    return version


def versions() -> tuple[str, str]:
    """The data version of every write, and the one that leaves out a
    report's routine writes (``blocs.hooks.ROUTINE_ACTIONS``), each followed
    by the epoch: one query for both, one for the epoch."""
    return _versions(writes_version_sql(), writes_version_sql(routine=False))


def scope(user) -> str:
    """What the user may read on these pages, as a key: people of the same
    scope see the same pages."""
    if sees_everything(user):
        return "all"
    if is_secretariat(user):
        return f"bloc-{user.bloc_id}"
    if is_board_officer(user):
        return f"board-{user.board_id}"
    return "none"


def page_key(page: str, *, user, params: dict[str, str], version: str) -> str:
    filters = "&".join(f"{name}={value}" for name, value in sorted(params.items()))
    digest = hashlib.sha256(filters.encode()).hexdigest()[:32]
    language = translation.get_language() or settings.LANGUAGE_CODE
    return f"reports:{page}:{scope(user)}:{language}:{version}:{digest}"


# The last few fragments this process served, by key (the key holds the
# data version).
recent = Recent(LOCAL_ENTRIES)


def _epoch(cache) -> str:
    """A random token kept in the shared cache for as long as it lives. Ids
    start again in a new database (a restore, each test), and its cache table
    starts empty, so the token tells this process's copies of the old one's
    pages from the new one's."""
    epoch = cache.get(EPOCH_KEY)
    if epoch is None:
        cache.add(EPOCH_KEY, secrets.token_hex(8), None)
        epoch = cache.get(EPOCH_KEY)
    return epoch


def fragment(
    page: str,
    *,
    user,
    params: dict[str, str],
    build: Callable[[], tuple[str, bool, dict]],
) -> tuple[str, dict]:
    """The page's fragment from this process's recent ones or the shared
    cache, else ``build()``'s, which returns (html, whether it may be stored,
    the context it was made from). The context is empty on a hit. Two queries
    on a hit here (the data version, the epoch), three in the shared cache."""
    ((html, context),) = fragments(
        [(page, data_version(), lambda _earlier: build())], user=user, params=params
    )
    return html, context


def fragments(
    parts: list[tuple[str, str, Callable[[list], tuple[object, bool, dict]]]],
    *,
    user,
    params: dict[str, str],
) -> list[tuple[object, dict]]:
    """Several fragments of one page, each (name, version, build), each
    version one of ``versions()``: those this process does not keep are read
    in one query, and those built are stored in one. ``build`` is given the
    earlier parts' (fragment, context) pairs, found or built, and returns
    what ``fragment``'s does (a fragment is anything pickled: html, or html
    with what it was made of)."""
    cache = caches[_alias()]
    keys = [
        page_key(page, user=user, params=params, version=version)
        for page, version, _build in parts
    ]
    found = {key: value for key in keys if (value := recent.get(key)) is not None}
    missing = [key for key in keys if key not in found]
    if missing:
        shared = cache.get_many(missing)
        for key, value in shared.items():
            recent.put(key, value)
        found |= shared
    out, built = [], {}
    for key, (_page, _version, build) in zip(keys, parts, strict=True):
        if key in found:
            out.append((found[key], {}))
            continue
        value, storable, context = build(out)
        if storable:
            built[key] = value
        out.append((value, context))
    if built:
        cache.set_many(built, TIMEOUT)
        for key, value in built.items():
            recent.put(key, value)
    return out


def pages_forget() -> None:
    """Forget every stored page: for writes that leave no audit event or
    admin log entry behind (a restore puts back old ids). A new epoch makes
    every process's copies unreachable too."""
    cache = caches[_alias()]
    cache.clear()
    cache.set(EPOCH_KEY, secrets.token_hex(8), None)
