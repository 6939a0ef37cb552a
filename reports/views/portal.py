"""The public portal (/publik/): no login. Pages are built from reports.portal.selectors and kept
whole, as HTML, under a stamp of the data they show (so a publication, a lock, a finished run or a
figure changes them at once); only a page built afresh or a PDF sent counts against the visitor's
rate limit. A page served from the cache is the stamp's query, a dictionary lookup and the
visitor's own CSRF token put into the language switch."""

from django.conf import settings
from django.http import HttpResponse, HttpResponseNotModified
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from reports.models import SignedDocument
from reports.portal.charts import objective_chart
from reports.portal.selectors import (
    downloadable_document,
    government_stamp,
    government_year,
    office_directory,
    office_stamp,
    office_year,
    public_document,
    year_or_none,
)
from sopkinerja.common.rate_limit import over_limit
from sopkinerja.common.stamped_cache import stamped_get, stamped_set
from workflow.models import Agency, LocalGovernment


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


def _cached_page(request, key: str, build, template: str):
    """The whole page, taken from the cache under `key` (which names the data shown) or built and
    kept: `build()` gives the content and the outer template's context. Building counts against the
    visitor's rate limit (429 over it), a hit does not. The page is kept with a mark where the
    language switch's CSRF token goes and given each visitor's own."""
    signed_in = request.user.is_authenticated
    key = f"portal:v2:{key}:{translation.get_language()}:{_lights()}:{int(signed_in)}"
    page = stamped_get(key)
    if page is None:
        if over_limit(request, group="portal", rate=settings.PORTAL_RATE):
            return _too_many(request)
        content, context = build()
        outer = {"site_url": settings.SITE_URL, **context, "content": content, "request": request}
        outer |= {"user": request.user, "csrf_token": _csrf_mark()}
        page = render_to_string(template, outer, request=None)
        stamped_set(key, page, settings.PORTAL_CACHE_SECONDS)
    return HttpResponse(page.replace(_csrf_field(_csrf_mark()), _csrf_field(get_token(request)), 1))


def _csrf_mark() -> str:
    """Where the token goes in a kept page: derived from SECRET_KEY, so the same in every web process
    (the pages are shared through the cache) and not something an office's name could spell."""
    return salted_hmac("portal.csrf-mark", "mark", algorithm="sha256").hexdigest()


def _csrf_field(token: str) -> str:
    """The language switch's hidden field exactly as `{% csrf_token %}` renders it: the token is
    replaced in this whole element, never in the text of the page."""
    return f'<input type="hidden" name="csrfmiddlewaretoken" value="{token}">'


def _lights() -> str:
    return "-".join(str(t) for t in settings.TRAFFIC_LIGHT_THRESHOLDS)


@require_safe
def portal_index(request):
    """The offices of each government, with a link to each government's summary."""
    directory, stamp = office_directory()
    this_year = _today().year

    def build() -> tuple[str, dict]:
        context = {"governments": directory, "this_year": this_year}
        return render_to_string("reports/portal/index_list.html", context, request=None), {}

    return _cached_page(request, f"index:{this_year}:{stamp}", build, "reports/portal/index.html")


def _today():
    return timezone.localdate()


@require_safe
def office(request, slug: str):
    """An office's year: Perencanaan, Pengukuran, Pelaporan and its SOPs."""
    found = office_stamp(slug)
    if found is None:
        return _not_found(request, _("There is no office at this address."))
    year, refusal = _year(request, lambda: found.latest_locked_year or timezone.now().astimezone(found.zone).year)
    if refusal:
        return refusal

    def build() -> tuple[str, dict]:
        agency = Agency.objects.select_related("local_government").get(pk=found.pk)
        page = office_year(agency, year)
        objectives = [
            (progress, objective_chart(progress, f"chart-{progress.objective.pk}")) for progress in page.objectives
        ]
        content = render_to_string("reports/portal/office_year.html", {"page": page, "objectives": objectives})
        return content, {"agency": agency, "year": year}

    key = f"office:{found.pk}:{year}:{found.stamp}"
    return _cached_page(request, key, build, "reports/portal/office.html")


@require_safe
def government(request, government_id: int):
    """The government's offices for a year: reports published and when, capaian, who is late."""
    found = government_stamp(government_id)
    if found is None:
        return _not_found(request, _("There is no government at this address."))
    today = _today()
    year, refusal = _year(request, lambda: today.year)
    if refusal:
        return refusal

    def build() -> tuple[str, dict]:
        shown = LocalGovernment.objects.get(pk=found.pk)
        content = render_to_string(
            "reports/portal/government_year.html", {"summary": government_year(shown, year, today)}
        )
        return content, {"government": shown, "year": year, "years": range(today.year, today.year - 5, -1)}

    key = f"government:{found.pk}:{year}:{today}:{found.stamp}"
    return _cached_page(request, key, build, "reports/portal/government.html")


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
