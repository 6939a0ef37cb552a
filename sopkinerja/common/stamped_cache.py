"""Values cached under a key that names the data they were computed from (a digest or a stamp of
that data, read in the same request). Such a key never goes stale: when the data changes, the key
does. So a value is looked up first in this process's memory (the "local" cache: a hit costs no
query) and then in the shared cache (which every web process sees), and kept in both.

Also here, for every layer: the digest of rows that most stamps are made of (`rows_digest`), and
HTML fragments kept under a stamp with the language and their templates' digests (`kept_html`)."""

import hashlib
from collections.abc import Callable
from functools import cache

from django.core.cache import caches
from django.db import connection
from django.template.loader import get_template
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

LOCAL_SECONDS = 600  # a process keeps a value at most this long; the shared cache keeps it longer
# A day: a fragment's key changes with its data anyway, this only lets an unused fragment go.
FRAGMENT_SECONDS = 24 * 3600


def stamped_get(key: str):
    """The value under `key`, or None: from this process's memory, else from the shared cache."""
    local = caches["local"]
    value = local.get(key)
    if value is None:
        value = caches["default"].get(key)
        if value is not None:
            local.set(key, value, LOCAL_SECONDS)
    return value


def stamped_set(key: str, value, timeout: int) -> None:
    caches["default"].set(key, value, timeout)
    caches["local"].set(key, value, min(timeout, LOCAL_SECONDS))


def db_table(model) -> str:
    """The model's table, quoted for SQL."""
    return connection.ops.quote_name(model._meta.db_table)


def rows_digest(selections: list[tuple[type, str]], params: dict) -> str | None:
    """The md5 of every row of each (model, condition on its rows `x`), as PostgreSQL prints a row
    (every column: an edit, an insert and a delete all change it), in one query; None without
    PostgreSQL (the caller then computes each time)."""
    if connection.vendor != "postgresql":
        return None
    digests = ", ".join(
        f"(SELECT string_agg(x::text, ',' ORDER BY x.id) FROM {db_table(model)} x WHERE {where})"
        for model, where in selections
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT md5(concat_ws('|', {digests}))", params)
        return cursor.fetchone()[0]


@cache
def template_digest(name: str) -> str:
    """A template's source, hashed once per process: a new release never serves old markup."""
    source = get_template(name).template.source
    return hashlib.md5(source.encode(), usedforsecurity=False).hexdigest()[:12]


def fragment_key(stamp: str, templates: tuple[str, ...], variant: str = "") -> str:
    """The key HTML drawn from data under `stamp` is kept under: with the language, the `variant` and
    the digest of each template it is drawn with."""
    digests = "-".join(template_digest(name) for name in templates)
    return f"{stamp}:html:{get_language()}:{variant}:{digests}"


def kept_html(stamp: str | None, templates: tuple[str, ...], render: Callable[[], str], *, variant: str = "") -> str:
    """What `render` draws, kept under `stamp` (None: drawn each time) with the language, the `variant`
    (whatever else the fragment depends on, such as who reads it) and the digest of each template it
    is drawn with. The fragment must hold nothing of one request: no CSRF token, no user."""
    if stamp is None:
        return mark_safe(render())  # noqa: S308 (our own rendering)
    key = fragment_key(stamp, templates, variant)
    html = stamped_get(key)
    if html is None:
        html = str(render())
        stamped_set(key, html, FRAGMENT_SECONDS)
    return mark_safe(html)  # noqa: S308 (our own rendering, cached)
