"""For tests that run the app in other processes as a fresh installation would (make serve, make
backup/restore, a killed web worker): databases of their own on the test server, the environment
and `manage.py` of such a process, and a free port."""

import contextlib
import os
import socket
import subprocess
import sys
from pathlib import Path

import psycopg2
from django.conf import settings
from django.db import connection

ROOT = Path(settings.BASE_DIR)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def app_environment(url: str, media: Path) -> dict:
    """The environment of a development process of the app on database `url` and uploads in `media`."""
    inherited = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    return {**inherited, "DEBUG": "1", "DATABASE_URL": url, "MEDIA_ROOT": str(media)}


def manage(env: dict, *args: str) -> str:
    """Run `manage.py` in its own process; it must succeed."""
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def install_demo(env: dict) -> None:
    """Migrate the process's database and load the demo offices, as `make run` does."""
    manage(env, "migrate", "--noinput", "-v", "0")
    manage(env, "load_demo")


def connect(url: str):
    """A psycopg2 connection to a database by its DATABASE_URL."""
    return psycopg2.connect(url.replace("postgres://", "postgresql://", 1))


@contextlib.contextmanager
def fresh_database(name: str):
    """An empty database `name` on the test server; yields its DATABASE_URL, drops it afterwards."""
    params = {**connection.get_connection_params(), "dbname": "postgres"}
    admin = psycopg2.connect(**params)
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        cursor.execute(f"CREATE DATABASE {name}")
    host, user = params.get("host", ""), params.get("user", "postgres")
    password, port = params.get("password") or "", params.get("port") or 5432
    credentials = f"{user}:{password}" if password else user
    if host.startswith("/"):
        url = f"postgres://{credentials}@/{name}?host={host}"
    else:
        url = f"postgres://{credentials}@{host or 'localhost'}:{port}/{name}"
    try:
        yield url
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.close()
