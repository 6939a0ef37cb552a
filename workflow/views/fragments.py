"""Fragments of pages kept under a stamp of their data (sopkinerja.common.stamped_cache): the big
grids and the SOP text are rendered once per change of what they show, per language and release."""

import hashlib
from collections.abc import Callable
from functools import cache

from django.template.loader import get_template
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from sopkinerja.common.stamped_cache import stamped_get, stamped_set

# A day: the key changes with the data anyway, this only lets an unused fragment go.
FRAGMENT_SECONDS = 24 * 3600


@cache
def template_digest(name: str) -> str:
    """A template's source, hashed once per process: a new release never serves old markup."""
    source = get_template(name).template.source
    return hashlib.md5(source.encode(), usedforsecurity=False).hexdigest()[:12]


def kept_html(stamp: str | None, templates: tuple[str, ...], render: Callable[[], str], *, variant: str = "") -> str:
    """What `render` draws, kept under `stamp` (None: drawn each time) with the language, the `variant`
    (whatever else the fragment depends on, such as who reads it) and the digest of each template it
    is drawn with. The fragment must hold nothing of one request: no CSRF token, no user."""
    if stamp is None:
        return mark_safe(render())  # noqa: S308 (our own rendering)
    digests = "-".join(template_digest(name) for name in templates)
    key = f"{stamp}:html:{get_language()}:{variant}:{digests}"
    html = stamped_get(key)
    if html is None:
        html = str(render())
        stamped_set(key, html, FRAGMENT_SECONDS)
    return mark_safe(html)  # noqa: S308 (our own rendering, cached)
