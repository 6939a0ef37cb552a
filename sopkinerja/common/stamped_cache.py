"""Values cached under a key that names the data they were computed from (a digest or a stamp of
that data, read in the same request). Such a key never goes stale: when the data changes, the key
does. So a value is looked up first in this process's memory (the "local" cache: a hit costs no
query) and then in the shared cache (which every web process sees), and kept in both."""

from django.core.cache import caches

LOCAL_SECONDS = 600  # a process keeps a value at most this long; the shared cache keeps it longer


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
