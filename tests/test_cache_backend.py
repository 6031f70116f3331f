"""The pages' cache (config/cache.py): Django's database cache whose ``set`` is
one upsert, the table counted and culled on one set in ``COUNT_EVERY``."""

import datetime as dt

import pytest
from django.conf import settings
from django.core.cache import caches
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from config import cache as page_cache

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def cache():
    """A backend on the pages' table, five entries at most, half culled."""
    backend = page_cache.UpsertDatabaseCache(
        settings.CACHES["pages"]["LOCATION"],
        {"OPTIONS": {"MAX_ENTRIES": 5, "CULL_FREQUENCY": 2}},
    )
    backend.clear()
    yield backend
    backend.clear()


def _rows(cache) -> dict[str, dt.datetime]:
    table = connection.ops.quote_name(cache._table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT cache_key, expires FROM {table}")  # noqa: S608
        return dict(cursor.fetchall())


def test_the_pages_alias_uses_it():
    assert isinstance(caches["pages"], page_cache.UpsertDatabaseCache)


def test_a_set_is_one_statement_and_reads_back(cache):
    with CaptureQueriesContext(connection) as queries:
        cache.set("page", {"html": "<p>một</p>"}, 60)
    assert len(queries) == 1, [q["sql"] for q in queries.captured_queries]
    assert "ON CONFLICT" in queries.captured_queries[0]["sql"]
    assert cache.get("page") == {"html": "<p>một</p>"}


def test_a_second_set_replaces_the_value_and_the_expiry(cache):
    cache.set("page", "old", 60)
    cache.set("page", "new", 3600)
    assert cache.get("page") == "new"
    (stored,) = _rows(cache).values()
    if isinstance(stored, str):  # SQLite hands the text back
        stored = dt.datetime.fromisoformat(stored)
    if timezone.is_naive(stored):
        stored = timezone.make_aware(stored, dt.UTC)
    left = stored - timezone.now()
    assert dt.timedelta(minutes=59) < left <= dt.timedelta(hours=1)


def test_an_expired_entry_is_not_served(cache):
    cache.set("page", "gone", -1)
    assert cache.get("page", "missing") == "missing"
    assert _rows(cache) == {}


def test_an_entry_without_timeout_is_kept(cache):
    cache.set("epoch", "abc", None)
    assert cache.get("epoch") == "abc"


def test_the_table_is_counted_and_culled_one_set_in_count_every(cache):
    """Beyond ``MAX_ENTRIES`` the table grows until the counting set, which
    culls it as Django does (expired entries, then a share of the rest)."""
    for n in range(page_cache.COUNT_EVERY - 1):
        cache.set(f"page-{n:03}", n, 60)
    if len(_rows(cache)) < page_cache.COUNT_EVERY - 1:
        pytest.fail("a set before the counting one culled the table")
    counted = None
    for n in range(page_cache.COUNT_EVERY - 1, 2 * page_cache.COUNT_EVERY):
        with CaptureQueriesContext(connection) as queries:
            cache.set(f"page-{n:03}", n, 60)
        if any("COUNT(*)" in q["sql"] for q in queries.captured_queries):
            counted = n
            break
    assert counted is not None
    # Culled by half of what it held (CULL_FREQUENCY 2), then the new entry.
    assert len(_rows(cache)) == counted - counted // 2 + 1
    assert cache.get(f"page-{counted:03}") == counted


def test_inside_a_transaction_it_rolls_back_with_it(cache):
    def set_then_fail():
        with transaction.atomic():
            cache.set("page", "never", 60)
            raise RuntimeError

    with pytest.raises(RuntimeError):
        set_then_fail()
    assert cache.get("page", "missing") == "missing"


def test_several_entries_are_one_statement(cache):
    cache.set("old", "stale", 60)
    with CaptureQueriesContext(connection) as queries:
        failed = cache.set_many({"old": "fresh", "new": {"html": "<p>hai</p>"}}, 60)
    assert failed == []
    assert len(queries) == 1, [q["sql"] for q in queries.captured_queries]
    assert cache.get_many(["old", "new"]) == {
        "old": "fresh",
        "new": {"html": "<p>hai</p>"},
    }
