"""The shared cache in the database writes a value in one statement and counts its table at most
once a minute, and still answers as Django's database cache does."""

import datetime

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from sopkinerja.common.database_cache import CULL_SECONDS

SHARED = {
    "default": {
        "BACKEND": "sopkinerja.common.database_cache.UpsertDatabaseCache",
        "LOCATION": "sopkinerja_cache",
        "OPTIONS": {"MAX_ENTRIES": 10, "CULL_FREQUENCY": 2},
    },
    "local": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "database-cache-test"},
}


@pytest.fixture
def shared(settings, db):
    settings.CACHES = SHARED
    call_command("createcachetable")
    cache = caches["default"]
    cache.clear()
    yield cache
    cache.clear()


def statements(queries) -> list[str]:
    """What was said to the database but the savepoints around it (a test runs inside a transaction)."""
    return [query["sql"] for query in queries if not query["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))]


def rows_in_table() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM sopkinerja_cache")
        return cursor.fetchone()[0]


def test_a_value_is_read_back_and_a_second_write_replaces_it(shared):
    shared.set("office:1", {"html": "<p>lama</p>"}, 60)
    assert shared.get("office:1") == {"html": "<p>lama</p>"}
    shared.set("office:1", {"html": "<p>baru</p>"}, 60)
    assert shared.get("office:1") == {"html": "<p>baru</p>"}
    assert rows_in_table() == 1


def test_a_write_is_one_statement_once_the_table_was_counted_lately(shared):
    shared.set("first", 1, 60)  # counts the table: the first write of this process
    with CaptureQueriesContext(connection) as queries:
        shared.set("second", 2, 60)
        shared.set("first", 3, 60)
    assert len(statements(queries)) == 2
    assert shared.get_many(["first", "second"]) == {"first": 3, "second": 2}


def test_many_values_are_written_in_one_statement(shared):
    shared.set("first", 0, 60)
    with CaptureQueriesContext(connection) as queries:
        assert shared.set_many({f"row:{n}": n for n in range(5)}, 60) == []
    assert len(statements(queries)) == 1
    assert shared.get_many([f"row:{n}" for n in range(5)]) == {f"row:{n}": n for n in range(5)}


def test_an_expired_value_is_not_answered(shared, monkeypatch):
    shared.set("short", "x", 1)
    later = datetime.datetime.now(datetime.UTC) + datetime.timedelta(seconds=5)
    monkeypatch.setattr("django.core.cache.backends.db.tz_now", lambda: later)
    assert shared.get("short") is None


def test_the_table_is_culled_when_over_its_maximum_at_most_once_a_minute(shared):
    shared.set_many({f"row:{n}": n for n in range(15)}, 60)  # counted before the write: 0 rows
    shared.set("one-more", 1, 60)  # within the minute: not counted, not culled
    assert rows_in_table() == 16
    shared.counted_at -= CULL_SECONDS  # a minute later
    shared.set("after-a-minute", 1, 60)
    assert rows_in_table() < 16  # half of the 16 culled (CULL_FREQUENCY 2), then the new one written
    assert shared.get("after-a-minute") == 1


def test_adding_and_counting_still_work_as_for_the_rate_limits(shared):
    assert shared.add("attempts:10.0.0.1", 1, 60) is True
    assert shared.add("attempts:10.0.0.1", 5, 60) is False
    assert shared.incr("attempts:10.0.0.1") == 2
    shared.delete("attempts:10.0.0.1")
    assert shared.get("attempts:10.0.0.1") is None


def test_a_write_inside_a_transaction_keeps_the_transaction_usable(shared):
    with transaction.atomic():
        shared.set("inside", "yes", 60)
        shared.set("inside", "again", 60)
        assert rows_in_table() == 1
    assert shared.get("inside") == "again"
