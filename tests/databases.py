"""Databases of their own on the test server, for tests that run the app in other processes as a
fresh installation would (make serve, make backup/restore)."""

import contextlib

import psycopg2
from django.db import connection


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
