"""HTML to PDF with WeasyPrint.

- One font configuration per process (building it scans the system fonts).
- Static files are read from disk through Django's finders, never over HTTP; any other URL a
  template might name (http, https, file outside static) is refused, so rendering never fetches.
- Documents are PDF/A-3b, the archival profile, so they can be signed and kept.
"""

import mimetypes
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

# Relative URLs in documents resolve against this base; the fetcher maps it to static files on disk.
BASE_URL = "https://sop-kinerja.invalid/"
PDF_VARIANT = "pdf/a-3b"


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


def html_to_pdf(html: str, *, stylesheets: list[str] = ()) -> bytes:
    """Render a document. `stylesheets` are CSS texts generated for this document (page size, widths)."""
    fonts = font_config()
    fetcher = StaticFilesOnly()
    extra = [CSS(string=text, font_config=fonts, url_fetcher=fetcher, base_url=BASE_URL) for text in stylesheets]
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher)
    return document.write_pdf(stylesheets=extra, font_config=fonts, pdf_variant=PDF_VARIANT)
