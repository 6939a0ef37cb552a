"""The documents page keeps each year's report and PK readiness under a key that digests what it
is computed from: the page changes with every figure, target, run, submission, signature, language
and government head, never shows another agency's, and signing always computes it afresh. Its
forms' markup is kept in memory while nothing it is made of changes."""

import re

import pytest
from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from reports.documents.readiness import (
    Readiness,
    agreement_readiness,
    readiness_keys,
    report_readiness,
    signing_overview,
)
from reports.forms import agreement_years
from reports.models import Realisation, Target, UnitSubmission
from sopkinerja.common.periods import Period
from sopkinerja.common.stamped_cache import stamped_set
from workflow.runs.services import run_start
from workflow.sop.services import sop_version_revise

from .conftest import sign_report, user
from .figures_helpers import fill_year
from .workflow_helpers import walk

YEAR = timezone.localdate().year  # the documents page shows this year's reports and last year's
LAST = YEAR - 1
DOCUMENTS = reverse("reports:documents")


def finish_quarter(version, quarter: str) -> None:
    walk(run_start(version=version, period=Period.parse(quarter), user=user("padangpanjang.kadis")))


def row_of(page: str, period: str) -> str:
    """The state and details of one report's row on the documents page."""
    label = escape(Period.parse(period).label)
    match = re.search(rf'<td class="text-nowrap fw-semibold">{label}</td>(.*?)</tr>', page, re.S)
    assert match, f"the documents page has no row for {label}"
    return match.group(1)


def documents_page(client) -> str:
    response = client.get(DOCUMENTS)
    assert response.status_code == 200
    return response.content.decode()


def ready(row: str) -> bool:
    return "Siap ditandatangani" in row and "Belum siap" not in row


@pytest.fixture
def kadis(login, sop002, padang_panjang):
    """Padang Panjang's Kepala Dinas, with last year's first quarter run finished and every target
    and figure of last year in."""
    finish_quarter(sop002, f"{LAST}-TW1")
    fill_year(padang_panjang, LAST)
    return login("padangpanjang.kadis")


def test_a_report_shows_not_ready_once_a_figure_is_removed_and_ready_once_it_is_back(kadis, padang_panjang):
    assert ready(row_of(documents_page(kadis), f"{LAST}-TW1"))
    figure = Realisation.objects.filter(indicator__objective__agency=padang_panjang, year=LAST, quarter=1).first()
    figure.delete()
    row = row_of(documents_page(kadis), f"{LAST}-TW1")
    assert not ready(row)
    assert escape(figure.indicator.name) in row
    fill_year(padang_panjang, LAST)
    assert ready(row_of(documents_page(kadis), f"{LAST}-TW1"))


def test_a_report_and_the_pk_show_a_target_removed(kadis, padang_panjang):
    target = Target.objects.filter(indicator__objective__agency=padang_panjang, year=LAST, quarter=1).first()
    target.delete()
    page = documents_page(kadis)
    assert not ready(row_of(page, f"{LAST}-TW1"))
    assert f'href="{reverse("reports:targets", args=[LAST])}"' in row_of(page, f"{LAST}-TW1")
    (gap,) = agreement_readiness(padang_panjang, LAST).gaps
    assert escape(gap.text) in page


def test_a_report_shows_ready_once_its_run_finishes(login, sop002, padang_panjang):
    fill_year(padang_panjang, LAST)
    kadis = login("padangpanjang.kadis")
    (reason,) = report_readiness(padang_panjang, Period.parse(f"{LAST}-TW2")).reasons
    assert escape(reason) in row_of(documents_page(kadis), f"{LAST}-TW2")
    finish_quarter(sop002, f"{LAST}-TW2")
    assert ready(row_of(documents_page(kadis), f"{LAST}-TW2"))


def test_a_report_shows_its_figures_returned(kadis, padang_panjang):
    documents_page(kadis)
    unit = padang_panjang.units.filter(indicators__isnull=False).first()
    UnitSubmission.objects.create(unit=unit, period=f"{LAST}-TW1", state=UnitSubmission.State.RETURNED)
    row = row_of(documents_page(kadis), f"{LAST}-TW1")
    assert not ready(row)
    assert escape(unit.name) in row


def test_a_report_shows_signed_as_soon_as_it_is_signed(kadis, padang_panjang):
    assert "Ditandatangani" not in row_of(documents_page(kadis), f"{LAST}-TW1")
    sign_report(padang_panjang, "padangpanjang.kadis", f"{LAST}-TW1", via="web")
    assert "Ditandatangani" in row_of(documents_page(kadis), f"{LAST}-TW1")


def test_the_pk_shows_the_head_of_the_region_missing_once_it_is_cleared(kadis, padang_panjang):
    assert "pihak kedua" not in documents_page(kadis)
    government = padang_panjang.local_government
    government.head_name = ""
    government.save()
    assert "pihak kedua" in documents_page(kadis)


def test_the_readiness_is_shown_in_the_language_of_the_viewer(login, sop002, padang_panjang):
    kadis = login("padangpanjang.kadis")
    period = Period.parse(f"{LAST}-TW3")
    (indonesian,) = report_readiness(padang_panjang, period).reasons
    with translation.override("en"):
        (english,) = report_readiness(padang_panjang, period).reasons
    assert escape(indonesian) in documents_page(kadis)
    kadis.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = documents_page(kadis)
    assert escape(english) in page and escape(indonesian) not in page


def test_one_agencys_readiness_is_never_shown_to_another(kadis, login, padang_panjang, balangan):
    documents_page(kadis)
    years = (YEAR, LAST)
    theirs, ours = readiness_keys(balangan, years, ()), readiness_keys(padang_panjang, years, ())
    assert not set(theirs.values()) & set(ours.values())
    page = documents_page(login("balangan.kadis"))
    # The two offices share indicator names: each gap links to its own units' pages.
    assert "/unit/" in page
    for unit in padang_panjang.units.all():
        assert f"/unit/{unit.pk}/" not in page


def test_a_cached_overview_costs_two_queries_and_equals_the_computed_one(kadis, padang_panjang):
    years = {"report_years": (YEAR, LAST), "agreement_years": agreement_years(YEAR)}
    computed = signing_overview(padang_panjang, **years)
    with CaptureQueriesContext(connection) as queries:
        cached = signing_overview(padang_panjang, **years)
    assert len(queries) == 2  # the keys, the signed documents
    assert cached == computed


@pytest.fixture
def shared_cache_emptied_after():
    """A test that plants a wrong value in the shared cache takes it away: a later test whose data
    digests to the same key would otherwise read it."""
    yield
    caches["default"].clear()


def test_signing_computes_the_readiness_again_whatever_the_cache_holds(
    shared_cache_emptied_after, login, sop002, padang_panjang
):
    kadis = login("padangpanjang.kadis")
    # A wrong "ready" planted under the current key: the page shows what is cached ...
    key = readiness_keys(padang_panjang, (LAST,), ())[("report", LAST)]
    stamped_set(key, tuple(Readiness() for _ in range(7)), 60)
    assert ready(row_of(documents_page(kadis), f"{LAST}-TW1"))
    # ... but signing, by the page's form and by the service, checks the figures afresh.
    response = kadis.post(DOCUMENTS, {"report-period": f"{LAST}-TW1", "report-sign": "on"}, follow=True)
    assert "belum selesai" in response.content.decode()
    with pytest.raises(ValidationError, match="belum selesai"):
        sign_report(padang_panjang, "padangpanjang.kadis", f"{LAST}-TW1", via="web")


@pytest.fixture
def kept_in_memory(settings):
    """This process's memory as in production (the tests otherwise keep nothing there)."""
    settings.CACHES = {**settings.CACHES, "local": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    caches["local"].clear()
    yield
    caches["local"].clear()


def test_the_documents_forms_kept_in_memory_change_with_a_new_sop_draft_and_the_language(kept_in_memory, login, sop002):
    kadis = login("padangpanjang.kadis")
    first = documents_page(kadis)
    assert documents_page(kadis).count("<option") == first.count("<option")
    draft = sop_version_revise(version=sop002, user=user("padangpanjang.kasubbag"))
    assert f'<option value="{draft.pk}">' in documents_page(kadis)
    kadis.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "Sign electronically (TTE)" in documents_page(kadis)


def test_a_refused_form_shows_what_was_posted_not_the_kept_markup(kept_in_memory, login, sop002):
    kadis = login("padangpanjang.kadis")
    documents_page(kadis)
    response = kadis.post(DOCUMENTS, {"pk-year": "1999"})
    assert response.status_code == 200
    assert "is-invalid" in response.content.decode()
