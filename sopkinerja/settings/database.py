"""The database (SQLite embedded, or PostgreSQL from DATABASE_URL) and the shared cache."""

import os

import dj_database_url

from .base import BASE_DIR, DEBUG
from .env import envint


def sqlite_options() -> dict:
    """Several people writing at once (`make run` serves real users on SQLite): readers never wait
    for the writer (WAL); every transaction takes the write lock at BEGIN (IMMEDIATE), so a
    transaction that read first cannot fail to upgrade to a writer halfway ("database is locked");
    a writer waits up to SQLITE_TIMEOUT seconds for its turn. select_for_update is a no-op on
    SQLite: IMMEDIATE is what serialises the services' read-check-write."""
    return {
        "transaction_mode": "IMMEDIATE",
        "timeout": envint("SQLITE_TIMEOUT", 20),
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
    }


# SQLite is the embedded default for `make run`; DATABASE_URL=postgres://... switches to PostgreSQL.
# In production a worker keeps its database connection for DB_CONN_MAX_AGE seconds (checked before
# reuse): opening a PostgreSQL connection per request cost the pages a third to a half of their
# throughput in `make bench` (docs/performance.md). 0 opens one per request, as under DEBUG.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=envint("DB_CONN_MAX_AGE", 0 if DEBUG else 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A choice field's options are read with a server-side cursor by default: three round trips for
    # a few rows, on every page with a select. The app reads no result too large for memory, and
    # without them a transaction-mode pooler (PgBouncer) can sit in front (docs/deployment.md).
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = sqlite_options()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The rate limits (verification, password reset) count in the default cache, which must be shared
# by every worker process in production: the database cache there (run `python manage.py
# createcachetable` once per installation); a process-local cache under DEBUG, where one runserver
# process serves everything.
# The database cache is Django's with a write in one statement (sopkinerja.common.database_cache);
# it holds up to CACHE_MAX_ENTRIES values (each agency keeps a few dozen pages and tables there).
DATABASE_CACHE = "sopkinerja.common.database_cache.UpsertDatabaseCache"
CACHES = {
    "default": {
        "BACKEND": os.environ.get(
            "CACHE_BACKEND", "django.core.cache.backends.locmem.LocMemCache" if DEBUG else DATABASE_CACHE
        ),
        "LOCATION": os.environ.get("CACHE_LOCATION", "sopkinerja_cache"),
    },
    # In front of it, this process's memory, for values cached under a key that names the data they
    # were computed from and so never go stale (sopkinerja.common.stamped_cache): a hit costs no query.
    "local": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "sopkinerja-stamped",
        "OPTIONS": {"MAX_ENTRIES": envint("LOCAL_CACHE_ENTRIES", 2000)},
    },
}
if CACHES["default"]["BACKEND"] in {DATABASE_CACHE, "django.core.cache.backends.db.DatabaseCache"}:
    CACHES["default"]["OPTIONS"] = {"MAX_ENTRIES": envint("CACHE_MAX_ENTRIES", 20000)}
