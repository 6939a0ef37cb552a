"""The shared cache in the database (the default in production), writing in one statement.

Django's database cache counts the whole table before every write, then reads the key and updates
or inserts it inside a transaction: four round trips, and a count that grows with the table. Every
page drawn afresh after a write writes what it kept (sopkinerja.common.stamped_cache), so here a
write is one `INSERT … ON CONFLICT DO UPDATE` (PostgreSQL and SQLite both speak it), and the table
is counted and culled at most once a minute per process instead of at every write. Reads, `add`,
`incr` and deletes are Django's own."""

import base64
import pickle
import time
from contextlib import nullcontext
from datetime import UTC, datetime

from django.conf import settings
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.db import DatabaseCache
from django.db import DatabaseError, connections, router, transaction
from django.utils.timezone import now as tz_now

CULL_SECONDS = 60  # a process counts the table (and culls it when full) at most this often


class UpsertDatabaseCache(DatabaseCache):
    def __init__(self, table, params):
        super().__init__(table, params)
        self.counted_at = float("-inf")

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self.set_many({key: value}, timeout, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        """Every value written in one statement; [] (none failed) or every key when the write failed,
        as Django's backends answer."""
        if not data:
            return []
        keys = {self.make_and_validate_key(key, version=version): key for key in data}
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        if connection.vendor not in {"postgresql", "sqlite"}:
            return super().set_many(data, timeout, version)
        timeout = self.get_backend_timeout(timeout)
        zone = UTC if settings.USE_TZ else None
        expires = datetime.max if timeout is None else datetime.fromtimestamp(timeout, tz=zone)
        expires = connection.ops.adapt_datetimefield_value(expires.replace(microsecond=0))
        rows = []
        for made in sorted(keys):  # one order for every writer: two writes never wait on each other
            pickled = pickle.dumps(data[keys[made]], self.pickle_protocol)
            rows += [made, base64.b64encode(pickled).decode("latin1"), expires]
        quote = connection.ops.quote_name
        table, key, value, until = (quote(name) for name in (self._table, "cache_key", "value", "expires"))
        values = ", ".join(["(%s, %s, %s)"] * len(keys))
        sql = (
            f"INSERT INTO {table} ({key}, {value}, {until}) VALUES {values} "
            f"ON CONFLICT ({key}) DO UPDATE SET {value} = EXCLUDED.{value}, {until} = EXCLUDED.{until}"
        )
        try:
            # Inside a transaction a failed write must not spoil it: a savepoint, as Django's own does.
            with transaction.atomic(using=db) if connection.in_atomic_block else nullcontext():
                with connection.cursor() as cursor:
                    self.cull_now_and_then(db, cursor)
                    cursor.execute(sql, rows)
        except DatabaseError:
            return list(data)  # a cache write may fail (a lock, a full disk): the page is still drawn
        return []

    def cull_now_and_then(self, db, cursor) -> None:
        """Django's cull (expired entries, then a share of the rest when over MAX_ENTRIES), at most
        once every CULL_SECONDS in this process."""
        if time.monotonic() - self.counted_at < CULL_SECONDS:
            return
        self.counted_at = time.monotonic()
        cursor.execute(f"SELECT COUNT(*) FROM {connections[db].ops.quote_name(self._table)}")
        count = cursor.fetchone()[0]
        if count > self._max_entries:
            self._cull(db, cursor, tz_now().replace(microsecond=0), count)
