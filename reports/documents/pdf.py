"""HTML to PDF with WeasyPrint.

- One font configuration per process (building it scans the system fonts).
- The static stylesheets are parsed once per process and reused (WeasyPrint issue 618): print.css,
  and WeasyPrint's own user-agent stylesheet without the rules our documents never use (below).
  Only the CSS generated for one document (page size, column widths) is parsed per render.
- Static files are read from disk through Django's finders, never over HTTP; any other URL a
  template might name (http, https, file outside static) is refused, so rendering never fetches.
- Documents are PDF/A-3b, the archival profile, so they can be signed and kept.
"""

import gc
import mimetypes
import re
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from weasyprint import CSS, HTML
from weasyprint.html import UA
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

# Relative URLs in documents resolve against this base; the fetcher maps it to static files on disk.
BASE_URL = "https://sop-kinerja.invalid/"
PDF_VARIANT = "pdf/a-3b"
PRINT_CSS = "css/print.css"

# WeasyPrint's user-agent stylesheet gives every element six pseudo-elements (::marker and the
# footnote and note calls and markers), which the cascade computes for each of the annual report's
# 2,600 elements. Our documents have no footnotes or notes, and only list items have markers.
UA_TRIMS = [
    (r"^::marker \{", "li::marker {"),
    (r"^::(footnote|note)-(call|marker|callback) \{.*\}$\n", ""),
]


@lru_cache(maxsize=1)
def font_config() -> FontConfiguration:
    return FontConfiguration()


class StaticFilesOnly(URLFetcher):
    """Serve /static/... from disk and data: URIs; refuse everything else."""

    def fetch(self, url, headers=None):
        if url.startswith("data:"):
            return super().fetch(url, headers)
        prefix = BASE_URL + settings.STATIC_URL.lstrip("/")
        if not url.startswith(prefix):
            raise ValueError(f"documents may not fetch {url!r}: only static files are allowed")
        relative = url[len(prefix) :].split("?")[0].split("#")[0]
        path = finders.find(relative)
        if path is None or ".." in Path(relative).parts:
            raise ValueError(f"no static file {relative!r}")
        content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
        return URLFetcherResponse(url, Path(path).read_bytes(), {"Content-Type": content_type})


def print_stylesheet_text() -> str:
    """print.css, shared by every document (the bench gives chromium the same text)."""
    return Path(finders.find(PRINT_CSS)).read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def print_stylesheet() -> CSS:
    return CSS(
        string=print_stylesheet_text(), font_config=font_config(), url_fetcher=StaticFilesOnly(), base_url=BASE_URL
    )


def user_agent_text() -> str:
    """WeasyPrint's user-agent stylesheet with UA_TRIMS applied; each must still apply, so that an
    upgrade of WeasyPrint that rewrites these rules fails the tests instead of passing unnoticed."""
    text = UA
    for pattern, replacement in UA_TRIMS:
        text, count = re.subn(pattern, replacement, text, flags=re.MULTILINE)
        if not count:
            raise RuntimeError(f"WeasyPrint's user-agent stylesheet has no rule {pattern!r} any more")
    return text


@lru_cache(maxsize=1)
def user_agent_stylesheet() -> CSS:
    # Its @counter-style rules are WeasyPrint's own, which every document gets from its HTML class
    # already (HTML._ua_counter_style): read into a dict of their own, they are not defined twice.
    return CSS(string=user_agent_text(), counter_style={})


class DocumentHTML(HTML):
    """An HTML document with the trimmed user-agent stylesheet (WeasyPrint asks its HTML class for
    it, so that is where it is replaced)."""

    def _ua_stylesheets(self, forms=False):
        return [user_agent_stylesheet()]


@contextmanager
def old_objects_left_alone():
    """Python's full garbage collections during a render need not scan what the process held
    before it (Django, templates, fonts, the parsed stylesheets): a render allocates millions of
    objects and sets off several full collections, which scanned all of them each time (the annual
    report renders about 14 % faster). Everything is collected as before afterwards."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def html_to_pdf(html: str, *, stylesheets: list[str] = ()) -> bytes:
    """Render a document. `stylesheets` are CSS texts generated for this document (page size, widths);
    they come after print.css, so they win where both set a property."""
    fonts = font_config()
    fetcher = StaticFilesOnly()
    generated = [CSS(string=text, font_config=fonts, url_fetcher=fetcher, base_url=BASE_URL) for text in stylesheets]
    with old_objects_left_alone():
        document = DocumentHTML(string=html, base_url=BASE_URL, url_fetcher=fetcher)
        return document.write_pdf(
            stylesheets=[print_stylesheet(), *generated], font_config=fonts, pdf_variant=PDF_VARIANT
        )
