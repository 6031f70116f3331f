"""The pages' cache: Django's database cache, each ``set`` one statement.

Django's ``DatabaseCache.set`` runs five statements: a ``COUNT(*)`` of the
whole table (to cull it when full), then, in a transaction, a ``SELECT`` of the
key and an ``INSERT`` or an ``UPDATE``. A page built after a change (the first
GET after every save: what every officer's and reader's page is on a
deadline day) paid those five round trips on top of its own queries. Here a
set is one upsert (``INSERT … ON CONFLICT … DO UPDATE``, in PostgreSQL and in
SQLite since 3.24), and the table is counted (and culled as Django culls it)
on one set in ``COUNT_EVERY`` (an option, 20 by default; 0: never) of each
process: the table may hold up to that many entries per process beyond
``MAX_ENTRIES`` for a while.
Entries still expire as Django's do (a read drops an expired one).
Reads, ``add``, ``touch`` and deletes are Django's own.
"""

import base64
import contextlib
import itertools
import pickle
import threading
from datetime import UTC, datetime

from django.conf import settings
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.db import DatabaseCache
from django.db import DatabaseError, connections, router, transaction
from django.utils.timezone import now as tz_now

COUNT_EVERY = 20


class UpsertDatabaseCache(DatabaseCache):
    def __init__(self, table, params):
        super().__init__(table, params)
        self._count_every = int(
            params.get("OPTIONS", {}).get("COUNT_EVERY", COUNT_EVERY)
        )
        self._sets = itertools.count(1)
        self._count_lock = threading.Lock()

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        return self._upsert({key: value}, timeout)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        """Every entry in one statement (Django's sets them one by one)."""
        entries = {
            self.make_and_validate_key(key, version=version): value
            for key, value in data.items()
        }
        if not entries or self._upsert(entries, timeout):
            return []
        return list(data)

    def _upsert(self, entries: dict, timeout) -> bool:
        timeout = self.get_backend_timeout(timeout)
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        quote = connection.ops.quote_name
        table = quote(self._table)
        if timeout is None:
            expires = datetime.max  # noqa: DTZ901 (as Django's own backend writes it)
        else:
            expires = datetime.fromtimestamp(
                timeout, tz=UTC if settings.USE_TZ else None
            )
        expires = connection.ops.adapt_datetimefield_value(
            expires.replace(microsecond=0)
        )
        params = []
        for key, value in entries.items():
            pickled = pickle.dumps(value, self.pickle_protocol)
            params += [key, base64.b64encode(pickled).decode("latin1"), expires]
        key_col, value_col, expires_col = (
            quote("cache_key"),
            quote("value"),
            quote("expires"),
        )
        rows = ", ".join(["(%s, %s, %s)"] * len(entries))
        # Only the table's and columns' quoted names are interpolated.
        upsert = (
            f"INSERT INTO {table} ({key_col}, {value_col}, {expires_col}) "  # noqa: S608
            f"VALUES {rows} ON CONFLICT ({key_col}) DO UPDATE SET "
            f"{value_col} = EXCLUDED.{value_col}, "
            f"{expires_col} = EXCLUDED.{expires_col}"
        )
        with self._count_lock:
            count_now = (
                self._count_every > 0 and next(self._sets) % self._count_every == 0
            )
        # Inside a transaction, a savepoint keeps a failed set from breaking
        # it; outside, the statement is its own transaction.
        atomic = (
            transaction.atomic(using=db)
            if connection.in_atomic_block
            else contextlib.nullcontext()
        )
        try:
            with atomic, connection.cursor() as cursor:
                if count_now:
                    cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608
                    count = cursor.fetchone()[0]
                    if count > self._max_entries:
                        now = tz_now().replace(microsecond=0)
                        self._cull(db, cursor, now, count)
                cursor.execute(upsert, params)
        except DatabaseError:
            # As Django's: a cache write may fail under concurrent writers;
            # the page is built again on the next miss.
            return False
        return True
