"""The test settings on SQLite, for the fuzz tests in `make fuzz` (which also run on PostgreSQL):
the database is a file in a temporary folder, opened with the options `make run` uses
(sopkinerja.settings.database.sqlite_options: WAL, IMMEDIATE transactions), never an in-memory one.

    DJANGO_SETTINGS_MODULE=tests.settings_sqlite .venv/bin/python -m pytest tests/test_form_fuzz.py
"""

import atexit
import shutil
import tempfile
from pathlib import Path

from tests.settings import *  # noqa: F403  (first: it switches DEBUG on for sopkinerja.settings)

_folder = Path(tempfile.mkdtemp(prefix="sopkinerja-sqlite-"))
atexit.register(shutil.rmtree, _folder, ignore_errors=True)

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(_folder / "sopkinerja.sqlite3"),
        "OPTIONS": sqlite_options(),  # noqa: F405 - sopkinerja.settings's, through tests.settings
        "CONN_MAX_AGE": 0,
        "CONN_HEALTH_CHECKS": True,
        "TEST": {"NAME": str(_folder / "test.sqlite3")},
    }
}
