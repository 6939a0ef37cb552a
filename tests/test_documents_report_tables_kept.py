"""The documents page's tables of this year's and last year's reports are drawn once and kept under a
stamp of what they show (the readiness keys, in the viewer's language, and the signed versions): drawn
again when a figure, a target, a run or a signature changes them, never another agency's. So are its
lists of signed documents (under their ids) and of recent requests (under their states)."""

import re

import pytest
from django.conf import settings
from django.core.cache import caches
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from reports.documents.services import document_request
from reports.models import DocumentKind, DocumentRequest, Realisation, Target
from sopkinerja.common.periods import Period
from workflow.runs.services import run_start

from .conftest import sign_report, user
from .figures_helpers import fill_year
from .workflow_helpers import walk

YEAR = timezone.localdate().year
LAST = YEAR - 1
TABLES = "reports/partials/report_overview.html"
SIGNED_LIST = "reports/partials/signed_list.html"
REQUEST_LIST = "reports/partials/request_list.html"


@pytest.fixture
def kept(settings):
    """This process's memory and the shared cache as in production, emptied before and after."""
    settings.CACHES = {**settings.CACHES, "local": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    for name in ("local", "default"):
        caches[name].clear()
    yield
    for name in ("local", "default"):
        caches[name].clear()


def opened(client, part=TABLES):
    """The documents page's HTML, and whether the part (the report tables unless named) was drawn for
    it (not kept)."""
    response = client.get(reverse("reports:documents"))
    assert response.status_code == 200
    drawn = part in [template.name for template in response.templates]
    return response.content.decode(), drawn


def signed_list(page: str) -> str:
    return re.search(r"<h2 class=\"h5\">(?:Dokumen bertanda tangan|Signed documents)</h2>(.*?)<h2", page, re.S).group(1)


def request_list(page: str) -> str:
    return re.search(r"<h2 class=\"h5 mt-4\">[^<]*</h2>(.*?)</main>", page, re.S).group(1)


def tables(page: str) -> str:
    return re.search(r'<h2 class="h5">(?:Laporan|Reports)</h2>(.*?)<p class="small">', page, re.S).group(1)


def row_of(page: str, period: str) -> str:
    label = escape(Period.parse(period).label)
    return re.search(rf'<td class="text-nowrap fw-semibold">{label}</td>(.*?)</tr>', page, re.S).group(1)


@pytest.fixture
def kadis(login, sop002, padang_panjang):
    """Padang Panjang's Kepala Dinas, with last year's first quarter run finished and every target
    and figure of last year in."""
    walk(run_start(version=sop002, period=Period.parse(f"{LAST}-TW1"), user=user("padangpanjang.kadis")))
    fill_year(padang_panjang, LAST)
    return login("padangpanjang.kadis")


def test_the_report_tables_are_drawn_once_then_kept_until_a_figure_changes_them(kept, kadis, padang_panjang):
    first, drawn = opened(kadis)
    assert drawn
    again, drawn = opened(kadis)
    assert not drawn and tables(again) == tables(first)
    figure = Realisation.objects.filter(indicator__objective__agency=padang_panjang, year=LAST, quarter=2).first()
    figure.delete()
    page, drawn = opened(kadis)
    assert drawn, "a figure removed left the kept tables in place"
    assert escape(figure.indicator.name) in row_of(page, f"{LAST}-TW2")
    assert escape(figure.indicator.name) not in row_of(first, f"{LAST}-TW2")


def test_the_kept_report_tables_change_with_a_target(kept, kadis, padang_panjang):
    first, _drawn = opened(kadis)
    target = Target.objects.filter(indicator__objective__agency=padang_panjang, year=LAST, quarter=4).first()
    target.delete()
    page, drawn = opened(kadis)
    assert drawn and row_of(page, f"{LAST}-TW4") != row_of(first, f"{LAST}-TW4")


def test_the_kept_report_tables_show_a_signature_at_once(kept, kadis, padang_panjang):
    opened(kadis)
    sign_report(padang_panjang, "padangpanjang.kadis", f"{LAST}-TW1", via="web")
    page, drawn = opened(kadis)
    assert drawn and "Ditandatangani" in row_of(page, f"{LAST}-TW1")


def test_the_kept_report_tables_follow_the_language_of_the_viewer(kept, kadis):
    indonesian, _drawn = opened(kadis)
    kadis.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english, drawn = opened(kadis)
    assert "Keterangan" in tables(indonesian) and "Details" not in tables(indonesian)
    assert drawn and "Details" in tables(english) and "Keterangan" not in tables(english)


def test_whoever_opens_the_page_sees_the_same_tables_whatever_they_may_sign(kept, kadis, login):
    page, _drawn = opened(kadis)
    staff_page, drawn = opened(login("padangpanjang.kasubbag"))
    assert 'name="report-sign"' in page and 'name="report-sign"' not in staff_page
    assert not drawn and tables(staff_page) == tables(page)


def test_one_agencys_kept_tables_are_never_shown_to_another(kept, kadis, login, padang_panjang):
    opened(kadis)
    page, drawn = opened(login("balangan.kadis"))
    assert drawn
    for unit in padang_panjang.units.all():
        assert f"/unit/{unit.pk}/" not in page


def test_the_signed_list_is_kept_until_a_document_is_signed(kept, kadis, padang_panjang):
    first, drawn = opened(kadis, SIGNED_LIST)
    assert drawn
    again, drawn = opened(kadis, SIGNED_LIST)
    assert not drawn and signed_list(again) == signed_list(first)
    document = sign_report(padang_panjang, "padangpanjang.kadis", f"{LAST}-TW1", via="web")
    page, drawn = opened(kadis, SIGNED_LIST)
    assert drawn and escape(document.title) in signed_list(page)
    assert escape(document.title) not in signed_list(first)


def test_the_request_list_shows_a_new_request_and_a_changed_state_at_once(kept, kadis, padang_panjang):
    opened(kadis, REQUEST_LIST)
    made = document_request(
        agency=padang_panjang, kind=DocumentKind.REPORT, user=user("padangpanjang.kadis"), period=f"{LAST}-TW1"
    )
    page, drawn = opened(kadis, REQUEST_LIST)
    assert drawn and reverse("reports:request", args=[made.pk]) in request_list(page)
    _again, drawn = opened(kadis, REQUEST_LIST)
    assert not drawn
    DocumentRequest.objects.filter(pk=made.pk).update(status=DocumentRequest.Status.FAILED)
    page, drawn = opened(kadis, REQUEST_LIST)
    assert drawn and "Gagal" in request_list(page)


def test_one_agencys_kept_lists_are_never_shown_to_another(kept, kadis, login, padang_panjang, balangan):
    balangan.time_zone = padang_panjang.time_zone  # the same times shown: only the agency tells them apart
    balangan.save(update_fields=["time_zone"])
    document = sign_report(padang_panjang, "padangpanjang.kadis", f"{LAST}-TW1", via="web")
    page, _drawn = opened(kadis, SIGNED_LIST)
    assert escape(document.title) in signed_list(page)
    other, drawn = opened(login("balangan.kadis"), SIGNED_LIST)
    assert drawn and reverse("reports:signed-download", args=[document.pk]) not in other
