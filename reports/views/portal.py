"""The public portal (/publik/): no login. Pages are built from reports.portal.selectors, cached under
a stamp of the data they show (so a publication, a lock, a finished run or a figure changes them at
once), and only a page built afresh or a PDF sent counts against the visitor's rate limit."""

from django.conf import settings
from django.http import HttpResponse, HttpResponseNotModified
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from reports.models import SignedDocument
from reports.portal.charts import objective_chart
from reports.portal.selectors import (
    downloadable_document,
    government_with_stamp,
    government_year,
    governments_with_offices,
    latest_locked_year,
    office_with_stamp,
    office_year,
    public_document,
    year_or_none,
)
from sopkinerja.common.rate_limit import over_limit
from sopkinerja.common.stamped_cache import stamped_get, stamped_set


def _year(request, default):
    """?tahun=2026, checked before it reaches a query: (the year, None), or (None, the refusal): a
    400 when it is not a year written with four digits, a 404 for a year no data can have. Without
    it, the year `default()` gives."""
    if "tahun" not in request.GET:
        return default(), None
    try:
        year = year_or_none(request.GET["tahun"])
    except ValueError:
        return None, _bad_year(request)
    if year is None:
        return None, _not_found(request, _("There is nothing for this year."))
    return year, None


def _page(request, template: str, context: dict, status: int = 200):
    return render(request, template, {"site_url": settings.SITE_URL, **context}, status=status)


def _problem(request, status: int, heading: str, explanation: str):
    """A refusal in the portal's own layout, for a visitor who has no account to sign in with."""
    return _page(request, "reports/portal/problem.html", {"heading": heading, "explanation": explanation}, status)


def _bad_year(request):
    return _problem(
        request, 400, _("Request not understood"), _("The year must be written with four digits, e.g. ?tahun=2026.")
    )


def _not_found(request, explanation: str):
    return _problem(request, 404, _("Page not found"), explanation)


def _too_many(request):
    return _page(request, "reports/portal/too_many.html", {}, status=429)


def _cached_page(request, key: str, build, template: str, context: dict):
    """The page around its content, taken from the cache under `key` (which names the data shown) or
    built and kept; building counts against the visitor's rate limit (429 over it), a hit does not."""
    key = f"portal:v1:{key}:{translation.get_language()}:{_lights()}"
    content = stamped_get(key)
    if content is None:
        if over_limit(request, group="portal", rate=settings.PORTAL_RATE):
            return _too_many(request)
        content = build()
        stamped_set(key, content, settings.PORTAL_CACHE_SECONDS)
    return _page(request, template, {**context, "content": content})


def _lights() -> str:
    return "-".join(str(t) for t in settings.TRAFFIC_LIGHT_THRESHOLDS)


@require_safe
def portal_index(request):
    """The offices of each government, with a link to each government's summary."""
    governments = governments_with_offices()
    return _page(request, "reports/portal/index.html", {"governments": governments, "this_year": _today().year})


def _today():
    return timezone.localdate()


@require_safe
def office(request, slug: str):
    """An office's year: Perencanaan, Pengukuran, Pelaporan and its SOPs."""
    agency, stamp = office_with_stamp(slug)
    if agency is None:
        return _not_found(request, _("There is no office at this address."))
    year, refusal = _year(request, lambda: latest_locked_year(agency) or timezone.now().astimezone(agency.zone).year)
    if refusal:
        return refusal

    def build() -> str:
        page = office_year(agency, year)
        objectives = [
            (progress, objective_chart(progress, f"chart-{progress.objective.pk}")) for progress in page.objectives
        ]
        context = {"page": page, "objectives": objectives}
        return render_to_string("reports/portal/office_year.html", context, request=None)

    key = f"office:{agency.pk}:{year}:{stamp}"
    return _cached_page(request, key, build, "reports/portal/office.html", {"agency": agency, "year": year})


@require_safe
def government(request, government_id: int):
    """The government's offices for a year: reports published and when, capaian, who is late."""
    found, stamp = government_with_stamp(government_id)
    if found is None:
        return _not_found(request, _("There is no government at this address."))
    today = _today()
    year, refusal = _year(request, lambda: today.year)
    if refusal:
        return refusal

    def build() -> str:
        summary = government_year(found, year, today)
        return render_to_string("reports/portal/government_year.html", {"summary": summary}, request=None)

    context = {"government": found, "year": year, "years": range(today.year, today.year - 5, -1)}
    return _cached_page(
        request, f"government:{found.pk}:{year}:{today}:{stamp}", build, "reports/portal/government.html", context
    )


@require_safe
def document(request, token):
    """A published document: what it is, who signed it, when it was published, the download and its
    verification page; a withdrawn one says so and when, and offers nothing to download."""
    shown = public_document(token)
    if shown is None:
        return _not_found(request, _("No published document has this address."))
    return _page(request, "reports/portal/document.html", {"shown": shown})


@require_safe
def download(request, token):
    """The signed PDF exactly as stored, for anyone, while it is published. Cached by browsers and
    proxies (its bytes never change), revalidated by its SHA-256 as the ETag: a 304 reads no bytes."""
    found = downloadable_document(token)
    if found is None:
        return _not_found(request, _("No published document has this address."))
    etag = f'"{found.sha256}"'
    cache_control = f"public, max-age={settings.PORTAL_DOWNLOAD_MAX_AGE}"
    wanted = {tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")}
    if etag in wanted or f"W/{etag}" in wanted:
        response = HttpResponseNotModified()
    else:
        if over_limit(request, group="portal", rate=settings.PORTAL_RATE):
            return _too_many(request)
        data = SignedDocument.objects.values_list("pdf", flat=True).get(pk=found.pk)
        response = HttpResponse(bytes(data), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{found.filename}"'
    response["ETag"] = etag
    response["Cache-Control"] = cache_control
    return response
